// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA factors in PEFT orientation: ΔW = scaling · B A with A [r, in], B [out, r], scaling = α / r.
#pragma once
#include <torch/torch.h>

namespace apiq {

struct LoraOptions {
  int64_t rank = 64;
  double alpha = 16.0;
  double scaling() const { return alpha / static_cast<double>(rank); }
  LoraOptions& set_rank(int64_t r) { rank = r; return *this; }
  LoraOptions& set_alpha(double a) { alpha = a; return *this; }
};

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
