// SPDX-License-Identifier: GPL-3.0-or-later
// loftq: alternating quantization and SVD initialisation of the adapters (Li et al., 2023).
#include "methods/loftq.h"

#include "methods/block_context.h"
#include "methods/method.h"

namespace apiq {

void loftq_init(QuantLinear& l, int iters) {
  torch::NoGradGuard ng;
  const double s = l.lora.scaling;
  const int64_t r = l.lora.A.size(0);
  auto residual_target = l.W;  // what Ŵ should approximate: W − s·BA
  for (int t = 0; t < iters; ++t) {
    l.quant_source = residual_target;  // the last Q is taken before the last SVD
    auto q = l.fake_quant(residual_target);
    auto [U, S, Vh] = torch::linalg_svd(l.W - q, /*full_matrices=*/false);
    const int64_t k = std::min<int64_t>(r, S.size(0));
    auto sq = S.narrow(0, 0, k).sqrt();
    auto B = torch::zeros_like(l.lora.B);
    auto A = torch::zeros_like(l.lora.A);
    B.narrow(1, 0, k).copy_(U.narrow(1, 0, k) * sq.unsqueeze(0) / s);
    A.narrow(0, 0, k).copy_(sq.unsqueeze(1) * Vh.narrow(0, 0, k));
    l.lora.A = A;
    l.lora.B = B;
    residual_target = l.W - l.lora.delta();
  }
}

namespace {
class Loftq final : public Method {
 public:
  const char* name() const override { return "loftq"; }
  const char* summary() const override { return "alternating quantization and SVD initialisation of the adapters"; }
  QuantBlockLinears init_block(const BlockContext& ctx, const BlockWeights& weights) const override {
    QuantBlockLinears qb = Method::init_block(ctx, weights);
    for (auto& l : qb.linears)
      if (l.state == QuantLinear::State::Training) loftq_init(l, ctx.opts.loftq_iters);
    return qb;
  }
};
}  // namespace

const Method& loftq_method() {
  static const Loftq m;
  return m;
}

}  // namespace apiq
