// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA factors in PEFT orientation: ΔW = scaling · B A with A [r, in], B [out, r], scaling = α / r.
#pragma once
#include <torch/torch.h>

#include "model/lora_options.h"

namespace apiq {


struct LoraAdapter {
  torch::Tensor A;  // [r, in]
  torch::Tensor B;  // [out, r]
  double scaling = 0.0;

  // PEFT's default: A Kaiming-uniform with a = √5 (U(−1/√in, 1/√in)), B = 0.
  static LoraAdapter init_default(int64_t out, int64_t in, const LoraOptions& o, torch::Device device = torch::kCPU);
  bool defined() const { return A.defined() && B.defined(); }
  torch::Tensor delta() const;                          // scaling · B A, [out, in]
  torch::Tensor apply(const torch::Tensor& x) const;    // scaling · (x Aᵀ) Bᵀ
  std::vector<torch::Tensor> parameters() const { return {A, B}; }
  void set_requires_grad(bool on);
};

}  // namespace apiq
