// SPDX-License-Identifier: GPL-3.0-or-later
// The one definition of a block's errors (report-schema.md), shared by calibration and the
// held-out measurement (heldout_error.h).
#pragma once
#include <torch/types.h>

#include <array>

#include "methods/block_context.h"

namespace apiq {

struct BlockMeasurement {
  std::array<double, kNumLinears> act_err{};
  std::array<double, kNumLinears> weight_err{};
  double out_mse = 0;
  torch::Tensor out_q;   // block_q(X^q), like Xq (only when requested)
  torch::Tensor out_fp;  // block_fp(X), like X (only when requested and `Y` is undefined)
};

// Which block outputs measure_block keeps (the next block's streams).
struct KeepOutputs {
  bool quantized = false;
  bool full_precision = false;
};

// Compares the quantized block on X^q with the dense block on X, linear by linear: the
// activation error (mean per-token ‖x W − x^q (Ŵ + sBA)‖₂), the weight error ‖W − (Ŵ + sBA)‖_F,
// and MSE(block_q(X^q), Y). `Y` is block_fp(X) when the caller has it; undefined, the dense pass
// made here is the reference (rounded like X, as a cache of it would be). Each linear's two
// products are those of the two block passes (in the autocast dtype under mixed precision): no
// product is computed twice, and the sums stay on the device until one read at the end.
// `metric_windows` > 0: the errors cover the first measured_windows(…) windows; beyond them only the
// kept outputs are computed (one block pass per window instead of two). 0: all windows.
BlockMeasurement measure_block(const BlockContext& ctx, const QuantBlockLinears& qb, const torch::Tensor& X,
                               const torch::Tensor& Xq, const torch::Tensor& Y, KeepOutputs keep,
                               int64_t metric_windows = 0);

// Windows of `n` of `seq_len` tokens that measure_block's errors cover: the cap rounded up to whole
// forwards of `metric_batch` windows (so every forward is the one an uncapped measurement runs and
// the kept outputs are the same to the bit), at most n; n when the cap is 0.
int64_t measured_windows(int64_t n, int64_t seq_len, int64_t metric_batch, int64_t metric_windows);

}  // namespace apiq
