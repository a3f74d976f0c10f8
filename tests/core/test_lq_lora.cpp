// SPDX-License-Identifier: GPL-3.0-or-later
// lq-lora: the randomized SVD against the exact truncated SVD (float64), the decomposition's kept
// error against its own trace and a float64 recomputation, against LoftQ at equal rank, bits and
// group, the Fisher-weighted decomposition against the unweighted one on an uneven Fisher, and the
// method end to end through the calibration pipeline on stories260K.
#include <cmath>

#include "calibration/calibration.h"
#include "methods/loftq.h"
#include "methods/lq_lora.h"
#include "quant/load_model.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

// U diag(s) Vᵀ with random orthonormal U, V and singular values s_i = 0.9^i, in float64.
torch::Tensor with_spectrum(int64_t out, int64_t in, const torch::Tensor& s) {
  const auto U = std::get<0>(torch::linalg_qr(torch::randn({out, s.size(0)}, torch::kDouble)));
  const auto V = std::get<0>(torch::linalg_qr(torch::randn({in, s.size(0)}, torch::kDouble)));
  return U.matmul(torch::diag(s)).matmul(V.t());
}

// A weight-like test matrix: Gaussian entries plus a few strong directions (as trained weights
// have), so that a rank-8 part matters.
torch::Tensor test_matrix() {
  torch::manual_seed(3);
  const auto strong = torch::tensor({1.2, 0.9, 0.7, 0.5, 0.4, 0.3}, torch::kDouble);
  return (torch::randn({96, 172}, torch::kDouble) * 0.05 + with_spectrum(96, 172, strong)).to(torch::kFloat);
}

QuantLinear training_linear(const torch::Tensor& W, int rank) {
  QuantizerOptions qo;
  qo.set_bits(2).set_group_size(64).set_learnable_clipping(false);
  QuantLinear l;
  l.W = W;
  l.quantizer = GroupQuantizer(qo, W.size(0), W.size(1));
  l.lora = LoraAdapter::init_default(W.size(0), W.size(1), LoraOptions().set_rank(rank));
  l.state = QuantLinear::State::Training;
  return l;
}

// ‖W − (Ŵ + s·BA)‖_F of a finalized linear, in float64.
double final_weight_error(const QuantLinear& l) {
  const auto d = l.W.to(torch::kDouble) - l.w_hat.to(torch::kDouble) -
                 l.lora.scaling * l.lora.B.to(torch::kDouble).matmul(l.lora.A.to(torch::kDouble));
  return d.norm().item<double>();
}

}  // namespace

TEST(LqLora, RandomizedLowRankMatchesTruncatedSvd) {
  torch::manual_seed(5);
  const auto s = torch::pow(0.9, torch::arange(60, torch::kDouble));
  const auto M = with_spectrum(80, 120, s);
  const int64_t r = 8;
  auto [L1, L2] = randomized_low_rank(M, r, 10, 2, /*seed=*/1);
  ASSERT_EQ(L1.sizes(), (std::vector<int64_t>{80, r}));
  ASSERT_EQ(L2.sizes(), (std::vector<int64_t>{r, 120}));
  // Eckart–Young: the best rank-8 error is √(Σ_{i≥8} s_i²).
  const double optimum = s.narrow(0, r, 60 - r).pow(2).sum().sqrt().item<double>();
  EXPECT_LT((M - L1.matmul(L2)).norm().item<double>(), optimum * 1.01);
  // Balanced factors: L1ᵀL1 = L2L2ᵀ = a diagonal of the sketch's singular values, which are within
  // 1% of the leading exact ones.
  const auto G1 = L1.t().matmul(L1), G2 = L2.matmul(L2.t());
  EXPECT_TRUE(torch::allclose(G1, G2, 1e-9, 1e-12));
  EXPECT_LT((G1 - torch::diag(torch::diag(G1))).abs().max().item<double>(), 1e-12);
  EXPECT_TRUE(torch::allclose(torch::diag(G1), s.narrow(0, 0, r), 1e-2, 0)) << torch::diag(G1) << s.narrow(0, 0, r);
  // The sketch comes from the seed alone.
  torch::manual_seed(99);
  EXPECT_TRUE(torch::equal(randomized_low_rank(M, r, 10, 2, 1).first, L1));
}

TEST(LqLora, KeptErrorNeverRisesAndIsWhatTheLinearHolds) {
  const auto W = test_matrix();
  QuantLinear l = training_linear(W, 8);
  const auto trace = lq_lora_init(l, 20, /*seed=*/2);
  ASSERT_GE(trace.kept, 0);
  const size_t kept = static_cast<size_t>(trace.kept);
  for (size_t i = 0; i < kept; ++i) EXPECT_LT(trace.errors[i + 1], trace.errors[i]) << "iteration " << i + 1;
  // It ran out of iterations, or stopped at the first that did not improve.
  if (trace.errors.size() == kept + 2) EXPECT_GE(trace.errors.back(), trace.errors[kept]);
  else EXPECT_EQ(trace.errors.size(), 20u);
  for (double e : trace.errors) EXPECT_GE(e, trace.errors[kept]);
  // s·BA is the kept L1L2, and the quantizer sees W − L1L2.
  const auto sBA = l.lora.scaling * l.lora.B.matmul(l.lora.A);
  EXPECT_TRUE(torch::allclose(sBA, W - l.quant_source, 1e-5, 1e-5));
  // The kept error recomputed in float64 from the finalized linear (fp16 scales: 1e-3).
  l.finalize();
  EXPECT_NEAR(final_weight_error(l), trace.errors[kept], 1e-3 * trace.errors[kept]);
  std::printf("lq-lora errors per iteration:");
  for (double e : trace.errors) std::printf(" %.5f", e);
  std::printf(" (kept %d)\n", trace.kept);
}

TEST(LqLora, EndsBelowLoftqAtEqualRankBitsAndGroup) {
  const auto W = test_matrix();
  QuantLinear lq = training_linear(W, 8);
  lq_lora_init(lq, 20, 2);
  lq.finalize();
  const double lq_err = final_weight_error(lq);
  for (int iters : {1, 5, 20}) {
    QuantLinear lf = training_linear(W, 8);
    loftq_init(lf, iters);
    lf.finalize();
    const double loftq_err = final_weight_error(lf);
    std::printf("rank 8, 2 bits, group 64: lq-lora %.5f, loftq (%d iterations) %.5f\n", lq_err, iters, loftq_err);
    EXPECT_LT(lq_err, loftq_err) << "loftq with " << iters << " iterations";
  }
}

TEST(LqLora, RunsThroughTheCalibrationPipeline) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt");
  const fs::path model = apiq::test::shared("models/stories260K");
  const fs::path calib = apiq::test::shared("data/tinystories-sample.txt");
  apiq::test::TempDir d;
  CalibrationOptions o;
  o.quant.bits = 2;
  o.quant.group_size = 64;
  o.lora.rank = 8;
  o.nsamples = 6;
  o.seq_len = 64;
  o.method = "lq-lora";
  const auto lq = calibrate_model(model, calib, d.path / "lq", o);
  o.method = "qlora";
  const auto ql = calibrate_model(model, calib, d.path / "ql", o);
  ASSERT_EQ(lq.layers.size(), 35u);
  for (const auto& l : lq.layers) EXPECT_TRUE(std::isfinite(l.act_err)) << "block " << l.block;
  // The decomposition must beat leaving the adapters at zero.
  EXPECT_LT(lq.mean_act_err(), ql.mean_act_err());
  std::printf("stories260K 2-bit g64 r8: mean activation error lq-lora %.5g, qlora %.5g\n", lq.mean_act_err(),
              ql.mean_act_err());
  // The checkpoint loads, holds the adapters, and evaluates.
  auto m = load_model(d.path / "lq");
  EXPECT_TRUE(m.is_quantized());
  auto logits = m.forward(torch::tensor({1, 403, 407}).unsqueeze(0));
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

TEST(LqLora, IterationOptionIsValidated) {
  CalibrationOptions o;
  o.method = "lq-lora";
  o.lq_iters = 0;
  const auto p = o.problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p.front(), "lq-lora iterations must be at least 1");
  o.lq_iters = 1;
  EXPECT_TRUE(o.problems().empty());
}

namespace {
// ‖√F ⊙ (W − L1L2 − Q)‖_F of an initialised linear.
double weighted_init_error(QuantLinear& l, const torch::Tensor& F) {
  torch::NoGradGuard ng;
  return fisher_weighted_norm(l.quant_source - l.fake_quant(l.quant_source), F);
}
}  // namespace


TEST(LqLoraFisher, WeightingLowersTheWeightedErrorOnAnUnevenFisher) {
  torch::manual_seed(4);
  const auto W = torch::randn({96, 192}) * 0.05 + torch::randn({96, 6}).matmul(torch::randn({6, 192})) * 0.1;
  // Row and column importances spread over four decades, as the Fisher of trained weights is.
  const auto F = torch::pow(10.0, torch::rand({96, 1}) * 4).matmul(torch::pow(10.0, torch::rand({1, 192}) * 4)) *
                 torch::rand({96, 192}).add(0.5);
  QuantLinear plain = training_linear(W, 8), weighted = training_linear(W, 8);
  lq_lora_init(plain, 10, 1);
  const auto trace = lq_lora_init(weighted, 10, 1, F);
  const double e_plain = weighted_init_error(plain, F), e_weighted = weighted_init_error(weighted, F);
  std::printf("Fisher-weighted error: unweighted lq-lora %.5g, weighted %.5g (ratio %.3f)\n", e_plain, e_weighted,
              e_weighted / e_plain);
  EXPECT_NEAR(trace.errors[trace.kept], e_weighted, 1e-4 * e_weighted) << "the trace holds the weighted error";
  EXPECT_LT(e_weighted, 0.9 * e_plain);
}

TEST(LqLoraFisher, AllZeroFisherIsUnweighted) {
  torch::manual_seed(6);
  const auto W = torch::randn({64, 128});
  QuantLinear a = training_linear(W, 4), b = training_linear(W, 4);
  const auto ta = lq_lora_init(a, 4, 2), tb = lq_lora_init(b, 4, 2, torch::zeros_like(W));
  EXPECT_EQ(ta.errors, tb.errors);
}
