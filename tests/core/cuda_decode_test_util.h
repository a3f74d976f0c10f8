// SPDX-License-Identifier: GPL-3.0-or-later
// What the decode kernel tests share: CUDA tensor options and the relative error they report.
#pragma once
#include <torch/types.h>

#include <algorithm>

namespace apiq::test {

inline torch::TensorOptions on_cuda(torch::ScalarType t) {
  return torch::TensorOptions().device(torch::Device(torch::kCUDA)).dtype(t);
}

// Largest |a − b| relative to the reference's largest magnitude.
inline double rel_err(const torch::Tensor& ours, const torch::Tensor& ref) {
  auto a = ours.to(torch::kDouble).cpu(), b = ref.to(torch::kDouble).cpu();
  return (a - b).abs().max().item<double>() / std::max(1e-12, b.abs().max().item<double>());
}

}  // namespace apiq::test
