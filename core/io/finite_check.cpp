// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/finite_check.h"

#include <ATen/Parallel.h>
#include <torch/types.h>

#include <atomic>
#include <cstdint>

namespace apiq {
namespace {

// An IEEE value is NaN or ±inf exactly when all its exponent bits are set.
template <typename U>
bool no_full_exponent(const torch::Tensor& t, U exponent_mask) {
  const U* p = static_cast<const U*>(t.data_ptr());
  std::atomic<bool> bad{false};
  at::parallel_for(0, t.numel(), int64_t{1} << 16, [&](int64_t begin, int64_t end) {
    bool any = false;
    for (int64_t i = begin; i < end; ++i) any |= (p[i] & exponent_mask) == exponent_mask;  // vectorises
    if (any) bad.store(true, std::memory_order_relaxed);
  });
  return !bad.load();
}

}  // namespace

bool all_finite(const torch::Tensor& t) {
  if (!t.is_floating_point() || t.numel() == 0) return true;
  if (t.device().is_cpu() && t.is_contiguous()) {
    switch (t.scalar_type()) {
      case torch::kFloat: return no_full_exponent<uint32_t>(t, 0x7F800000u);
      case torch::kDouble: return no_full_exponent<uint64_t>(t, 0x7FF0000000000000ull);
      case torch::kHalf: return no_full_exponent<uint16_t>(t, 0x7C00u);
      case torch::kBFloat16: return no_full_exponent<uint16_t>(t, 0x7F80u);
      default: break;
    }
  }
  return torch::isfinite(t).all().item<bool>();
}

}  // namespace apiq
