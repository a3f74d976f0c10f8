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

namespace {
double checked_loss(double v, const BlockContext& ctx, const std::string& where, int64_t step) {
  if (ctx.block == ctx.opts.inject_nan_block && step == 1) v = std::nan("");
  if (!std::isfinite(v))
    throw NonFiniteLossError("non-finite loss (" + std::to_string(v) + ") in block " + std::to_string(ctx.block) +
                             where + " at step " + std::to_string(step));
  return v;
}
}  // namespace

double apiq_optimizer_step(torch::optim::Optimizer& opt, const torch::Tensor& loss, const BlockContext& ctx,
                           const std::string& where, int64_t step) {
  DeferredScalar loss_on_host(loss);
  opt.zero_grad();
  loss.backward();
  opt.step();
  return checked_loss(loss_on_host.value(), ctx, where, step);
}

struct StepLossReader::Pending {
  Pending(const torch::Tensor& loss, int64_t s) : value(loss), step(s) {}
  DeferredScalar value;
  int64_t step;
};

StepLossReader::StepLossReader(const BlockContext& ctx, int linear, std::string where, std::vector<double>& out)
    : ctx_(ctx), linear_(linear), where_(std::move(where)), out_(out) {}

StepLossReader::~StepLossReader() = default;

void StepLossReader::add(const torch::Tensor& loss, int64_t step) {
  auto next = std::make_unique<Pending>(loss, step);  // queued before the previous one is waited for
  flush();
  pending_ = std::move(next);
  if (!loss.is_cuda()) flush();
}

void StepLossReader::flush() {
  if (!pending_) return;
  const auto p = std::move(pending_);
  const double v = checked_loss(p->value.value(), ctx_, where_, p->step);
  out_.push_back(v);
  if (ctx_.obs) ctx_.obs->on_step(ctx_.block, linear_, p->step, v);
}

void freeze(std::vector<torch::Tensor> params) {
  for (auto& p : params) p.set_requires_grad(false);
}

}  // namespace apiq
