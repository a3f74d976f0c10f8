// SPDX-License-Identifier: GPL-3.0-or-later
// AdamW whose CUDA step updates each parameter group with one multi-tensor launch (ATen's fused
// AdamW kernel) instead of about ten launches per tensor. An ApiQ-bw step trains 28 small tensors
// (γ, β, A, B of seven linears); dispatching their updates one by one costs the host more time
// than the GPU spends on them. Same rule as torch::optim::AdamW (decoupled weight decay,
// bias-corrected moments); on the CPU, or with amsgrad, it is torch::optim::AdamW itself, so CPU
// runs stay bit-identical to earlier ones.
#pragma once
#include <torch/optim/adamw.h>
#include <torch/types.h>

#include <vector>

namespace apiq {

class FusedAdamW final : public torch::optim::AdamW {
 public:
  using torch::optim::AdamW::AdamW;
  torch::Tensor step(LossClosure closure = nullptr) override;

 private:
  struct Moments {
    std::vector<torch::Tensor> exp_avg, exp_avg_sq, steps;  // steps: float32 scalars on the device
  };
  std::vector<Moments> moments_;  // one per parameter group
};

}  // namespace apiq
