// SPDX-License-Identifier: GPL-3.0-or-later
#include "ops/fused_adamw.h"

#include <stdexcept>

namespace apiq {

torch::Tensor FusedAdamW::step(LossClosure closure) {
  auto& groups = param_groups();
  const bool cuda = !groups.empty() && !groups[0].params().empty() && groups[0].params()[0].is_cuda();
  bool amsgrad = false;
  for (auto& g : groups) amsgrad = amsgrad || static_cast<torch::optim::AdamWOptions&>(g.options()).amsgrad();
  if (!cuda || amsgrad) return torch::optim::AdamW::step(std::move(closure));

  torch::Tensor loss;
  if (closure) {
    torch::AutoGradMode enable(true);
    loss = closure();
  }
  torch::NoGradGuard no_grad;
  moments_.resize(groups.size());
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    auto& params = groups[gi].params();
    const auto& o = static_cast<torch::optim::AdamWOptions&>(groups[gi].options());
    std::vector<torch::Tensor> grads;
    grads.reserve(params.size());
    for (const auto& p : params) {
      // The moments are kept per position in the group, so every parameter must take part in every step.
      if (!p.grad().defined()) throw std::logic_error("FusedAdamW: a parameter has no gradient in this step");
      if (!p.is_cuda() || p.device() != params[0].device() || p.scalar_type() != params[0].scalar_type())
        throw std::logic_error("FusedAdamW: a group mixes devices or dtypes");
      grads.push_back(p.grad());
    }
    if (params.empty()) continue;
    Moments& m = moments_[gi];
    if (m.exp_avg.empty()) {
      for (const auto& p : params) {
        m.exp_avg.push_back(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        m.exp_avg_sq.push_back(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        m.steps.push_back(torch::zeros({}, p.options().dtype(torch::kFloat)));
      }
    }
    at::_foreach_add_(m.steps, 1);  // the fused kernel reads the step count, it does not advance it
    at::_fused_adamw_(params, grads, m.exp_avg, m.exp_avg_sq, {}, m.steps, o.lr(), std::get<0>(o.betas()),
                      std::get<1>(o.betas()), o.weight_decay(), o.eps(), /*amsgrad=*/false, /*maximize=*/false);
  }
  return loss;
}

}  // namespace apiq
