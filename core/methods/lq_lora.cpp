// SPDX-License-Identifier: GPL-3.0-or-later
// lq-lora: LQ-LoRA's decomposition W ≈ Q + L1L2 as the adapters' initialisation (Guo et al., 2023).
// Unlike LoftQ (quantize, then SVD of the residual) each iteration takes the SVD first and then
// quantizes what the low-rank part leaves. The quantizer is the run's own (int groups or NF), so
// the result is packed and exported like every other method's.
#include "methods/lq_lora.h"

#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "methods/block_context.h"
#include "methods/method.h"

namespace apiq {

namespace {
constexpr int64_t kOversample = 10;  // LQ-LoRA's sketch oversampling
constexpr int kPowerIters = 2;       // enough for the slowly decaying spectra of weight residuals

torch::Tensor orthonormal_columns(const torch::Tensor& Y) { return std::get<0>(torch::linalg_qr(Y)); }

// The two-sided scales of a weighted SVD: D_r = √(row means of F) [out, 1], D_c = √(column means)
// [1, in]. A row or column without any gradient would make the unscaling divide by zero, so the
// scales are floored at a small fraction of their largest value.
struct FisherScales {
  torch::Tensor row, col;
};
FisherScales fisher_scales(const torch::Tensor& F) {
  constexpr double kRelativeFloor = 1e-4;
  auto floored = [](const torch::Tensor& s) { return s.clamp_min(s.max().item<double>() * kRelativeFloor); };
  return {floored(F.mean(1, true).sqrt()), floored(F.mean(0, true).sqrt())};
}

// Rank-r factors of M minimising (approximately, through the scales) the √F-weighted error.
std::pair<torch::Tensor, torch::Tensor> weighted_low_rank(const torch::Tensor& M, int64_t rank, uint64_t seed,
                                                          const FisherScales* scales) {
  if (!scales) return randomized_low_rank(M, rank, kOversample, kPowerIters, seed);
  auto [L1, L2] = randomized_low_rank(scales->row * M * scales->col, rank, kOversample, kPowerIters, seed);
  return {L1 / scales->row, L2 / scales->col};
}
}  // namespace

double fisher_weighted_norm(const torch::Tensor& D, const torch::Tensor& fisher) {
  torch::NoGradGuard ng;
  if (!fisher.defined()) return D.norm().item<double>();
  return (D.to(torch::kDouble).square() * fisher.to(D.device(), torch::kDouble)).sum().sqrt().item<double>();
}

std::pair<torch::Tensor, torch::Tensor> randomized_low_rank(const torch::Tensor& M, int64_t rank, int64_t oversample,
                                                            int power_iters, uint64_t seed) {
  torch::NoGradGuard ng;
  const int64_t out = M.size(0), in = M.size(1);
  const int64_t k = std::min({rank, out, in});
  const int64_t width = std::min({k + oversample, out, in});
  // The sketch is drawn on the CPU from its own generator, so the result does not depend on the
  // global seed or the device.
  auto gen = torch::make_generator<torch::CPUGeneratorImpl>(seed);
  const auto omega = torch::randn({in, width}, gen, torch::TensorOptions().dtype(M.scalar_type())).to(M.device());
  auto Qb = orthonormal_columns(M.matmul(omega));
  for (int i = 0; i < power_iters; ++i) {
    const auto Z = orthonormal_columns(M.t().matmul(Qb));
    Qb = orthonormal_columns(M.matmul(Z));
  }
  auto [Ub, S, Vh] = torch::linalg_svd(Qb.t().matmul(M), /*full_matrices=*/false);
  const auto sq = S.narrow(0, 0, k).sqrt();
  auto L1 = Qb.matmul(Ub.narrow(1, 0, k)) * sq.unsqueeze(0);
  auto L2 = sq.unsqueeze(1) * Vh.narrow(0, 0, k);
  return {L1, L2};
}

LqLoraTrace lq_lora_init(QuantLinear& l, int iters, uint64_t seed, const torch::Tensor& fisher) {
  torch::NoGradGuard ng;
  const int64_t r = l.lora.A.size(0);
  // An all-zero Fisher (no gradient reached this linear) carries no weighting: fall back to none.
  torch::Tensor F;
  if (fisher.defined() && fisher.max().item<double>() > 0) F = fisher.to(l.W.device(), l.W.scalar_type());
  std::optional<FisherScales> scales;
  if (F.defined()) scales = fisher_scales(F);
  LqLoraTrace trace;
  auto Q = torch::zeros_like(l.W);
  double best = std::numeric_limits<double>::infinity();
  torch::Tensor best_L1, best_L2, best_target;
  for (int t = 0; t < iters; ++t) {
    auto [L1, L2] = weighted_low_rank(l.W - Q, r, seed, scales ? &*scales : nullptr);
    auto target = l.W - L1.matmul(L2);
    Q = l.fake_quant(target);
    const double err = fisher_weighted_norm(target - Q, F);
    trace.errors.push_back(err);
    if (!(err < best)) break;  // the error rose (or stalled): keep the previous iterate
    best = err;
    trace.kept = t;
    best_L1 = L1, best_L2 = L2, best_target = target;
  }
  if (trace.kept < 0) throw std::runtime_error("lq-lora: the decomposition error is not finite (a non-finite weight?)");
  // A = L2/√s, B = L1/√s; a rank above min(out, in) leaves the extra rows/columns zero.
  const double root_s = std::sqrt(l.lora.scaling);
  const int64_t k = best_L1.size(1);
  auto A = torch::zeros_like(l.lora.A), B = torch::zeros_like(l.lora.B);
  A.narrow(0, 0, k).copy_(best_L2 / root_s);
  B.narrow(1, 0, k).copy_(best_L1 / root_s);
  l.lora.A = A;
  l.lora.B = B;
  l.quant_source = best_target;
  return trace;
}

namespace {
class LqLora final : public Method {
 public:
  const char* name() const override { return "lq-lora"; }
  const char* summary() const override {
    return "LQ-LoRA: low-rank SVD first, then quantization of the rest, iterated; adapters from the SVD";
  }
  bool uses_fisher() const override { return true; }
  QuantBlockLinears init_block(const BlockContext& ctx, const BlockWeights& weights) const override {
    QuantBlockLinears qb = Method::init_block(ctx, weights);
    for (int i = 0; i < kNumLinears; ++i) {
      QuantLinear& l = qb.linears[i];
      // One sketch seed per linear of the run, so resuming reproduces every block exactly.
      if (l.state == QuantLinear::State::Training)
        lq_lora_init(l, ctx.opts.lq_iters, ctx.opts.seed * 7919 + ctx.block * kNumLinears + i, ctx.fisher[i]);
    }
    return qb;
  }
};
}  // namespace

const Method& lq_lora_method() {
  static const LqLora m;
  return m;
}

}  // namespace apiq
