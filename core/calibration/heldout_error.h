// SPDX-License-Identifier: GPL-3.0-or-later
// Per-linear activation error of a finished quantized checkpoint on any token windows (held-out
// text, say), with the definition calibration uses on its own windows (report-schema.md): the
// full-precision stream X runs through the dense blocks, the quantized stream X^q through the
// quantized blocks with their LoRA, block by block, and each linear's mean per-token
// ‖x W − x^q (Ŵ + s·BA)‖₂ is measured by measure_block (block_measure.h).
#pragma once
#include <torch/types.h>

#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "base/progress.h"
#include "io/tensor_names.h"

namespace apiq {

struct HeldoutOptions {
  std::string device = "cpu";
  bool mixed_precision = true;  // CUDA: bf16 autocast and activation caches, as calibration
  int64_t metric_batch = 8;     // windows per block forward
};

struct HeldoutLayer {
  int64_t block = 0;
  LinearKind kind = LinearKind::Q;
  double act_err = 0;     // mean over the windows' tokens of ‖x W − x^q (Ŵ + s·BA)‖₂
  double weight_err = 0;  // ‖W − (Ŵ + s·BA)‖_F (does not depend on the windows)
};

struct HeldoutResult {
  std::vector<HeldoutLayer> layers;  // quantized linears only, in calibration order
  std::vector<double> block_out_mse;  // MSE(block_q(X^q), block_fp(X)) per block
  int64_t windows = 0, seq_len = 0;
  double mean_act_err() const;     // over `layers`, as report.json's mean_act_err
  double mean_block_mse() const;
  // Mean over blocks per linear kind; NaN for kinds that are not quantized.
  std::array<double, kNumLinears> mean_act_err_by_kind() const;
};

// `fp_model_dir`: the full-precision model the checkpoint in `qdir` was made from (its embedding
// and norms must equal the checkpoint's; InputError otherwise). `windows`: [N, L] token ids.
HeldoutResult heldout_activation_error(const std::filesystem::path& fp_model_dir, const std::filesystem::path& qdir,
                                       const torch::Tensor& windows, const HeldoutOptions& opts = {},
                                       ProgressObserver* obs = nullptr, const CancelToken* cancel = nullptr);

}  // namespace apiq
