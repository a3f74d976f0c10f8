// SPDX-License-Identifier: GPL-3.0-or-later
// Whether a tensor holds only finite values, fast enough to run on every tensor a loader reads.
#pragma once
#include <torch/types.h>

namespace apiq {

// False when some element is NaN or ±inf (always true for non-floating tensors). Contiguous host
// tensors of float32/64, float16 and bfloat16 are scanned by their exponent bits in parallel: at
// 7B, torch::isfinite(t).all() (which first writes a bool per element) took seconds of a load.
// Others go through torch::isfinite.
bool all_finite(const torch::Tensor& t);

}  // namespace apiq
