// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/stored_zeros.h"

#include <torch/types.h>

namespace apiq {

int stored_zero_bits(const torch::Tensor& z) {
  if (z.is_floating_point()) return 32;
  if (z.numel() == 0) return 8;
  return z.min().item<int64_t>() >= 0 && z.max().item<int64_t>() <= 255 ? 8 : 16;
}

torch::Tensor stored_zero_points(const torch::Tensor& z) {
  const auto host = z.detach().cpu().contiguous();
  switch (stored_zero_bits(host)) {
    case 8: return host.to(torch::kUInt8);
    case 16: return host.to(torch::kInt16);
    default: return host;
  }
}

}  // namespace apiq
