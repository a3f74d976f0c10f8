// SPDX-License-Identifier: GPL-3.0-or-later
// Summary statistics and a histogram of one tensor, for the model browser: computed in float64
// over the finite values; NaN and ±inf are counted apart.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace apiq {

struct Histogram {
  // Bin i covers [lo + i·w, lo + (i+1)·w) with w = (hi − lo) / bins; the last bin includes hi.
  // For integer tensors with a small range, one bin per integer: bin i holds the value lo + i.
  double lo = 0;
  double hi = 0;
  bool integer = false;
  std::vector<int64_t> counts;
  double bin_width() const;
  double bin_center(size_t i) const;
};

struct TensorStats {
  int64_t count = 0;      // all elements
  int64_t nan_count = 0;
  int64_t inf_count = 0;  // +inf and -inf
  // Over the finite elements (0 when there are none); std is the population standard deviation.
  double min = 0, max = 0, mean = 0, std = 0, abs_max = 0;
  Histogram histogram;
};

// `bins` equal-width bins over [min, max] of the finite values; integer tensors whose range has
// at most `max_integer_bins` values get one bin per integer instead.
TensorStats tensor_stats(const torch::Tensor& t, int bins = 64, int max_integer_bins = 256);

}  // namespace apiq
