// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA factors in PEFT orientation: ΔW = scaling · B A with A [r, in], B [out, r], scaling = α / r.
#pragma once
#include <torch/types.h>

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
  // y + apply(x). On CUDA the sum is formed inside the second product (addmm, scaling folded into
  // B): no separate passes to scale and add over y, which a calibration step pays per linear.
  torch::Tensor add_to(const torch::Tensor& y, const torch::Tensor& x) const;
  std::vector<torch::Tensor> parameters() const { return {A, B}; }
  void set_requires_grad(bool on);
};

}  // namespace apiq
