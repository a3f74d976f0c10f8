// SPDX-License-Identifier: GPL-3.0-or-later
// What ApiQ-lw and ApiQ-bw share: AdamW over the clipping and LoRA groups, one checked optimizer
// step, and freezing the trained parameters.
#pragma once
#include <torch/optim/adamw.h>
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "methods/block_context.h"

namespace apiq {

// AdamW with ApiQ's two groups: clipping parameters (clip_lr) and LoRA factors (lora_lr).
std::unique_ptr<torch::optim::AdamW> make_apiq_optimizer(const CalibrationOptions& o, std::vector<torch::Tensor> clip,
                                                         std::vector<torch::Tensor> lora);

// One optimizer step on `loss`; returns its value, or throws NonFiniteLossError naming the block,
// `where` and the step. The loss is read only after the backward and the optimizer step are
// queued (DeferredScalar), so on a GPU the host dispatches them while the forward still runs; a
// non-finite loss is therefore found after the step has touched the parameters (the block is
// abandoned then anyway).
double apiq_optimizer_step(torch::optim::Optimizer& opt, const torch::Tensor& loss, const BlockContext& ctx,
                           const std::string& where, int64_t step);

void freeze(std::vector<torch::Tensor> params);

// Reads each step's loss, refuses a non-finite one (NonFiniteLossError naming the block, `where` and
// the step), appends it to `out` and reports it (on_step with `linear`). On CUDA a step's loss is
// read only once the next step is queued, so the host never waits for the step it just launched;
// flush() reads the last one.
class StepLossReader {
 public:
  StepLossReader(const BlockContext& ctx, int linear, std::string where, std::vector<double>& out);
  ~StepLossReader();
  void add(const torch::Tensor& loss, int64_t step);
  void flush();

 private:
  struct Pending;
  const BlockContext& ctx_;
  int linear_;
  std::string where_;
  std::vector<double>& out_;
  std::unique_ptr<Pending> pending_;
};

}  // namespace apiq
