// SPDX-License-Identifier: GPL-3.0-or-later
// Block-level pieces of calibration: method initialisation, ApiQ-lw and ApiQ-bw training,
// and measuring a block. Used by calibrate_model (calibration.cpp).
#pragma once
#include <torch/torch.h>

#include "apiq/calibration.h"
#include "apiq/config.h"
#include "apiq/quant_linear.h"

namespace apiq {

struct BlockContext {
  const LlamaConfig& cfg;
  const CalibrationOptions& opts;
  torch::Device device;
  torch::Tensor cos, sin;  // rotary tables for positions [0, seq_len)
  int64_t block = 0;
  CalibrationObserver* obs = nullptr;
  const CancelToken* cancel = nullptr;
};

// Block forward on `x` ([B, L, d], any device) with the given linears; runs on ctx.device.
torch::Tensor run_block(const BlockContext& ctx, const QuantBlockLinears& qb, const BlockLinears& linears,
                        const torch::Tensor& x);

// Builds the block's QuantLinears from dense weights (moved to ctx.device) and applies the
// method's initialisation (quantizer setup, LoRA init, LoftQ alternations). Linears are left in
// Training state; rtn/qlora/loftq are ready to finalize.
QuantBlockLinears init_block(const BlockContext& ctx, const BlockWeights& weights);

// LoftQ (T alternations): quantize W − sBA, rank-r SVD of W − Ŵ, B = U√S/s, A = √S Vᵀ.
void loftq_init(QuantLinear& l, int iters);

// ApiQ-bw: trains γ, β, A, B of all seven linears jointly on MSE(block_q(X^q), Y).
// `Yq` (optional) is block_fp(X^q) for the augmented loss.
void train_block_bw(const BlockContext& ctx, QuantBlockLinears& qb, const torch::Tensor& Xq, const torch::Tensor& Y,
                    const torch::Tensor& Yq, std::vector<double>& losses);

// ApiQ-lw: one linear at a time in forward order; `X` is the full-precision stream.
void train_block_lw(const BlockContext& ctx, QuantBlockLinears& qb, const torch::Tensor& X, const torch::Tensor& Xq,
                    std::vector<double>& losses);

struct BlockMeasurement {
  std::array<double, kNumLinears> act_err{};
  std::array<double, kNumLinears> weight_err{};
  double out_mse = 0;
  torch::Tensor out_q;   // block_q(X^q) (only when requested)
  torch::Tensor out_fp;  // block_fp(X) (only when requested and `Y` is undefined)
};

// Compares the quantized block on X^q with the dense block on X, linear by linear: the
// activation error of report-schema.md, the weight error, and MSE(block_q(X^q), Y). `Y` is
// block_fp(X) when the caller has it; undefined, the dense pass made here is the reference.
// Calibration and the held-out measurement (heldout_error.h) share this one definition.
BlockMeasurement measure_block(const BlockContext& ctx, const QuantBlockLinears& qb, const torch::Tensor& X,
                               const torch::Tensor& Xq, const torch::Tensor& Y, bool keep_output);

// bf16 autocast on CUDA for a scope (a block forward and the autograd graph it records).
class AutocastScope {
 public:
  explicit AutocastScope(bool on);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool on_;
  bool prev_ = false;
};

// bf16 on CUDA with mixed precision, else float32.
torch::ScalarType cache_dtype(const CalibrationOptions& o, torch::Device device);

// Rows [begin, begin + count) of a cache, as float32 on `device`.
torch::Tensor batch_slice(const torch::Tensor& t, int64_t begin, int64_t count, torch::Device device);

}  // namespace apiq
