// SPDX-License-Identifier: GPL-3.0-or-later
// The one definition of a block's errors (report-schema.md), shared by calibration and the
// held-out measurement (heldout_error.h).
#pragma once
#include <torch/torch.h>

#include <array>

#include "methods/block_context.h"

namespace apiq {

struct BlockMeasurement {
  std::array<double, kNumLinears> act_err{};
  std::array<double, kNumLinears> weight_err{};
  double out_mse = 0;
  torch::Tensor out_q;   // block_q(X^q) (only when requested)
  torch::Tensor out_fp;  // block_fp(X) (only when requested and `Y` is undefined)
};

// Compares the quantized block on X^q with the dense block on X, linear by linear: the
// activation error (mean per-token ‖x W − x^q (Ŵ + sBA)‖₂), the weight error ‖W − (Ŵ + sBA)‖_F,
// and MSE(block_q(X^q), Y). `Y` is block_fp(X) when the caller has it; undefined, the dense pass
// made here is the reference.
BlockMeasurement measure_block(const BlockContext& ctx, const QuantBlockLinears& qb, const torch::Tensor& X,
                               const torch::Tensor& Xq, const torch::Tensor& Y, bool keep_output);

}  // namespace apiq
