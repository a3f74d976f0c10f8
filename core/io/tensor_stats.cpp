// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/tensor_stats.h"

#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>

namespace apiq {

double Histogram::bin_width() const { return counts.empty() ? 0.0 : integer ? 1.0 : (hi - lo) / counts.size(); }

double Histogram::bin_center(size_t i) const { return integer ? lo + i : lo + (i + 0.5) * bin_width(); }

TensorStats tensor_stats(const torch::Tensor& t, int bins, int max_integer_bins) {
  torch::NoGradGuard no_grad;
  TensorStats s;
  const auto x = t.detach().to(torch::kCPU, torch::kDouble).flatten();
  s.count = x.numel();
  const bool integral = !t.is_floating_point() && !t.is_complex();
  if (!integral) {
    s.nan_count = x.isnan().sum().item<int64_t>();
    s.inf_count = x.isinf().sum().item<int64_t>();
  }
  const auto f = integral ? x : x.masked_select(x.isfinite());
  if (f.numel() == 0) return s;
  s.min = f.min().item<double>();
  s.max = f.max().item<double>();
  s.mean = f.mean().item<double>();
  s.std = std::sqrt((f - s.mean).square().mean().item<double>());
  s.abs_max = std::max(std::abs(s.min), std::abs(s.max));
  auto& h = s.histogram;
  h.lo = s.min;
  h.hi = s.max;
  if (integral && s.max - s.min + 1 <= max_integer_bins) {
    h.integer = true;
    const auto counts = torch::bincount((f - s.min).to(torch::kLong), {}, static_cast<int64_t>(s.max - s.min) + 1);
    h.counts.assign(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + counts.numel());
    return s;
  }
  bins = std::max(1, bins);
  h.counts.assign(bins, 0);
  if (s.max == s.min) {
    h.counts[0] = f.numel();
    return s;
  }
  const auto idx = ((f - s.min) * (bins / (s.max - s.min))).floor().clamp(0, bins - 1).to(torch::kLong);
  const auto counts = torch::bincount(idx, {}, bins);
  std::copy(counts.data_ptr<int64_t>(), counts.data_ptr<int64_t>() + bins, h.counts.begin());
  return s;
}

}  // namespace apiq
