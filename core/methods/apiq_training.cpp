// SPDX-License-Identifier: GPL-3.0-or-later
#include "methods/apiq_training.h"

#include <cmath>

#include "base/deferred_scalar.h"
#include "ops/fused_adamw.h"

namespace apiq {

std::unique_ptr<torch::optim::AdamW> make_apiq_optimizer(const CalibrationOptions& o, std::vector<torch::Tensor> clip,
                                                         std::vector<torch::Tensor> lora) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  for (auto& p : clip) p.set_requires_grad(true);
  for (auto& p : lora) p.set_requires_grad(true);
  if (!clip.empty())
    groups.emplace_back(clip, std::make_unique<torch::optim::AdamWOptions>(
                                  torch::optim::AdamWOptions(o.clip_lr).weight_decay(o.weight_decay)));
  if (!lora.empty())
    groups.emplace_back(lora, std::make_unique<torch::optim::AdamWOptions>(
                                  torch::optim::AdamWOptions(o.lora_lr).weight_decay(o.weight_decay)));
  return std::make_unique<FusedAdamW>(groups, torch::optim::AdamWOptions(o.lora_lr).weight_decay(o.weight_decay));
}

double apiq_optimizer_step(torch::optim::Optimizer& opt, const torch::Tensor& loss, const BlockContext& ctx,
                           const std::string& where, int64_t step) {
  DeferredScalar loss_on_host(loss);
  opt.zero_grad();
  loss.backward();
  opt.step();
  double v = loss_on_host.value();
  if (ctx.block == ctx.opts.inject_nan_block && step == 1) v = std::nan("");
  if (!std::isfinite(v))
    throw NonFiniteLossError("non-finite loss (" + std::to_string(v) + ") in block " + std::to_string(ctx.block) +
                             where + " at step " + std::to_string(step));
  return v;
}

void freeze(std::vector<torch::Tensor> params) {
  for (auto& p : params) p.set_requires_grad(false);
}

}  // namespace apiq
