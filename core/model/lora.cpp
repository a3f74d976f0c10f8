// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/lora.h"

#include <cmath>
#include <torch/nn/functional.h>

namespace apiq {

LoraAdapter LoraAdapter::init_default(int64_t out, int64_t in, const LoraOptions& o, torch::Device device) {
  if (o.rank <= 0) throw std::invalid_argument("LoRA rank must be positive");
  LoraAdapter l;
  // Kaiming-uniform with a = √5: gain √(2/(1+5)), bound gain·√(3/fan_in) = 1/√fan_in.
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  l.A = torch::empty({o.rank, in}, torch::kFloat).uniform_(-bound, bound).to(device);
  l.B = torch::zeros({out, o.rank}, torch::TensorOptions().dtype(torch::kFloat).device(device));
  l.scaling = o.scaling();
  return l;
}

torch::Tensor LoraAdapter::delta() const { return B.matmul(A) * scaling; }

namespace {
namespace F = torch::nn::functional;
// x Aᵀ, in x's dtype: the first of the two products.
torch::Tensor down(const LoraAdapter& l, const torch::Tensor& x) { return F::linear(x, l.A.to(x.scalar_type())); }
// scaling · xa Bᵀ: the second.
torch::Tensor up(const LoraAdapter& l, const torch::Tensor& xa) {
  return F::linear(xa, l.B.to(xa.scalar_type())) * l.scaling;
}
}  // namespace

torch::Tensor LoraAdapter::apply(const torch::Tensor& x) const { return up(*this, down(*this, x)); }

torch::Tensor LoraAdapter::add_to(const torch::Tensor& y, const torch::Tensor& x) const {
  if (!x.is_cuda() || y.dim() < 1) return y + apply(x);
  const auto xa = down(*this, x);
  if (xa.scalar_type() != y.scalar_type() || xa.sizes().slice(0, xa.dim() - 1) != y.sizes().slice(0, y.dim() - 1))
    return y + up(*this, xa);
  const auto bs = (B * scaling).to(xa.scalar_type());
  return torch::addmm(y.reshape({-1, y.size(-1)}), xa.reshape({-1, xa.size(-1)}), bs.t()).view(y.sizes());
}

void LoraAdapter::set_requires_grad(bool on) {
  A.set_requires_grad(on);
  B.set_requires_grad(on);
}

}  // namespace apiq
