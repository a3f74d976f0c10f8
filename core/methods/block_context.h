// SPDX-License-Identifier: GPL-3.0-or-later
// What a method sees of the block it works on: the model's config, the run's options, the device,
// the rotary tables, the block index, and where to report; plus running the block forward.
#pragma once
#include <torch/types.h>

#include <array>

#include "io/config.h"
#include "methods/calibration_options.h"
#include "quant/quant_linear.h"

namespace apiq {

struct BlockContext {
  const LlamaConfig& cfg;
  const CalibrationOptions& opts;
  torch::Device device;
  torch::Tensor cos, sin;  // rotary tables for positions [0, seq_len)
  int64_t block = 0;
  CalibrationObserver* obs = nullptr;
  const CancelToken* cancel = nullptr;
  // --fisher: this block's diagonal Fisher per linear ([out, in], float32, host), undefined for
  // non-target linears and when the run takes none. Only methods with uses_fisher() read it.
  std::array<torch::Tensor, kNumLinears> fisher{};
  int64_t* graph_steps = nullptr;  // where a method adds the steps it replayed from a CUDA graph
};

// Block forward on `x` ([B, L, d], any device) with the given linears; runs on ctx.device.
torch::Tensor run_block(const BlockContext& ctx, const QuantBlockLinears& qb, const BlockLinears& linears,
                        const torch::Tensor& x);

// The block forward of every row of `x`, `batch` rows per forward, each output moved to `device`
// in `dtype` and concatenated.
torch::Tensor run_block_batched(const BlockContext& ctx, const QuantBlockLinears& qb, const torch::Tensor& x,
                                int64_t batch, torch::Device device, torch::ScalarType dtype);

// bf16 on CUDA with mixed precision, else float32.
torch::ScalarType cache_dtype(const CalibrationOptions& o, torch::Device device);

// Rows [begin, begin + count) of a cache, as float32 on `device`.
torch::Tensor batch_slice(const torch::Tensor& t, int64_t begin, int64_t count, torch::Device device);

}  // namespace apiq
