// SPDX-License-Identifier: GPL-3.0-or-later
// Bayesian-LoRA adapter (model/adapters/blora.cpp) against hand computations in float64: the
// residual quantizer at every gate setting, the hard-concrete gates (deterministic rule, nesting,
// sampling frequencies), the penalty and its gradient, and the read-off of finish().
#include "blora_hand.h"

using namespace apiq;
using namespace apiq::test::blora;

namespace {

TEST(BloraQuantizer, MatchesHandResidualAtEveryWidth) {
  const Small m;
  const torch::Tensor orig[3] = {m.A, m.B, m.E};
  const char* names[3] = {"blora_A_codes", "blora_B_codes", "blora_E_codes"};
  for (int t = 0; t < 3; ++t)
    for (int level = 0; level < 4; ++level) {
      std::array<int, 3> levels = {3, 3, 3};
      levels[t] = level;
      auto a = make(m.A, m.B, m.E, gates_for(levels, {true}));
      torch::NoGradGuard no_grad;
      const auto want = hand_delta(m, levels, 1.0, torch::ones({2}, torch::kDouble));
      EXPECT_TRUE(torch::allclose(a->delta().to(torch::kDouble), want, 0, 1e-6))
          << "tensor " << t << " level " << level << "\n" << a->delta() << "\n" << want;
      const auto x = torch::eye(3);  // apply() on the unit vectors gives ΔWᵀ
      EXPECT_TRUE(torch::allclose(a->apply(x).t().to(torch::kDouble), want, 0, 1e-6));
      a->finish();
      const auto st = a->tensors();
      const auto codes = tensor_named(st, names[t]).to(torch::kLong);
      EXPECT_TRUE(torch::equal(codes, hand_codes(orig[t], level, absmax(orig[t])))) << names[t] << " level " << level;
      const float step = static_cast<float>(hand_quantize(0, absmax(orig[t]), level).step);
      EXPECT_EQ(tensor_named(st, "blora_scales")[t].item<float>(), step);
      EXPECT_EQ(tensor_named(st, "blora_readoff")[1 + t].item<int>(), 2 << level);
    }
}

TEST(BloraQuantizer, ClosedLowerGateClosesHigherOnes) {
  const Small m;
  // A: g4 shut, g8 and g16 open → 2 bits; B: g8 shut, g16 open → 4 bits; E: all open.
  std::vector<double> g = {kShut, kOpen, kOpen, kOpen, kShut, kOpen, kOpen, kOpen, kOpen, kOpen};
  auto a = make(m.A, m.B, m.E, g);
  torch::NoGradGuard no_grad;
  const auto want = hand_delta(m, {0, 1, 3}, 1.0, torch::ones({2}, torch::kDouble));
  EXPECT_TRUE(torch::allclose(a->delta().to(torch::kDouble), want, 0, 1e-6));
  EXPECT_EQ(a->describe()["bits"], (nlohmann::json{{"A", 2}, {"B", 4}, {"E", 16}}));
}

TEST(BloraGates, DeterministicRuleIsPClosedBelow034) {
  const Small m;
  // The threshold lies at log α ≈ −0.935: −0.97 and −0.9 straddle it.
  for (double la : {-3.0, -0.97, -0.9, 0.0, 6.0}) {
    const bool on = p_closed(la) < 0.34;
    if (la == -0.97) EXPECT_FALSE(on);
    if (la == -0.9) EXPECT_TRUE(on);
    auto g = gates_for({3, 3, 3}, {true});
    g[0] = la;  // A's g4
    g[9] = la;  // the rank gate
    auto a = make(m.A, m.B, m.E, g);
    const auto d = a->describe();
    EXPECT_EQ(d["bits"]["A"], on ? 16 : 2) << "log α " << la;
    EXPECT_EQ(d["rank"], on ? 2 : 1) << "log α " << la;
  }
}

TEST(BloraGates, EvaluationWithoutAutogradUsesTheDeterministicGates) {
  const Small m;
  auto g = gates_for({3, 3, 3}, {true});
  for (int i : {0, 1, 2, 3, 6, 9}) g[i] = 0.0;  // on at evaluation; a sample is exactly 1 only 17 % of the time
  auto a = make(m.A, m.B, m.E, g);
  torch::NoGradGuard no_grad;
  const auto want = hand_delta(m, {3, 3, 3}, 1.0, torch::ones({2}, torch::kDouble));
  for (int i = 0; i < 20; ++i)
    EXPECT_TRUE(torch::allclose(a->apply(torch::eye(3)).t().to(torch::kDouble), want, 0, 1e-6));
}

TEST(BloraGates, NestedRankGatesCutTheRank) {
  torch::manual_seed(5);
  const auto A = torch::randn({4, 6}), B = torch::randn({5, 4}), E = torch::randn({4});
  auto a = make(A, B, E, gates_for({3, 3, 3}, {true, false, true}));  // the third gate cannot reopen
  EXPECT_EQ(a->describe()["rank"], 2);
  torch::NoGradGuard no_grad;
  const auto mask = torch::tensor({1.0, 1.0, 0.0, 0.0}, torch::kDouble);
  const auto want = (hand_values(B, 3) * (hand_values(E, 3) * mask).unsqueeze(0)).matmul(hand_values(A, 3));
  EXPECT_TRUE(torch::allclose(a->delta().to(torch::kDouble), want, 0, 1e-5));
}

TEST(BloraGates, SampledGatesFollowHardConcrete) {
  // One input, one output, rank 2: y = s·q³·(0 + p1) with E = (0, 1) and all bit gates saturated
  // open (log α 20 samples exactly 1), so every training forward shows one sample of rank gate p1.
  const double la = 0.5;
  auto g = gates_for({3, 3, 3}, {true});
  for (int i = 0; i < 9; ++i) g[i] = 20.0;
  g[9] = la;
  auto a = make(torch::ones({2, 1}), torch::ones({1, 2}), torch::tensor({0.0f, 1.0f}), g, 0, 2.0);
  const double q = hand_quantize(1.0, 1.0, 3).value;
  torch::manual_seed(11);
  const int n = 8000;
  int zeros = 0, ones = 0, below_half = 0;
  for (int i = 0; i < n; ++i) {
    const double p = a->apply(torch::ones({1, 1})).item<double>() / (q * q * q);
    zeros += p == 0.0;
    ones += std::abs(p - 1.0) < 1e-6;
    below_half += p <= 0.5;
  }
  // gate = clamp(sigmoid((L + log α)/β)·(ζ − γ) + γ, 0, 1) with L logistic: P(0) = σ(−β ln 11 − log α),
  // P(1) = σ(log α − β ln 11), P(≤ ½) = σ(−log α).
  const double sig = 4.0 * std::sqrt(0.25 / n);
  auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  EXPECT_NEAR(double(zeros) / n, sigmoid(-kBeta * std::log(11.0) - la), sig);  // = p_closed(la)
  EXPECT_NEAR(double(ones) / n, sigmoid(la - kBeta * std::log(11.0)), sig);
  EXPECT_NEAR(double(below_half) / n, sigmoid(-la), sig);
}

TEST(BloraPenalty, MatchesHandFormulaAndGradient) {
  torch::manual_seed(2);
  const std::vector<double> la = {0.3, -1.2, 2.0, 1.0, 0.0, -0.5, 4.0, -2.0, 0.7, 1.5, -0.3};  // r = 3
  const double lambda = 0.01;
  auto a = make(torch::randn({3, 4}), torch::randn({2, 3}), torch::randn({3}), la, lambda);
  std::vector<double> q(la.size()), dq(la.size());
  for (size_t i = 0; i < la.size(); ++i) q[i] = p_open(la[i]), dq[i] = q[i] * (1 - q[i]);
  double want = 0;
  std::vector<double> grad(la.size(), 0.0);
  for (int t = 0; t < 3; ++t) {
    const double q4 = q[3 * t], q8 = q[3 * t + 1], q16 = q[3 * t + 2];
    want += q4 + q4 * q8 + q4 * q8 * q16;
    grad[3 * t] = dq[3 * t] * (1 + q8 + q8 * q16);
    grad[3 * t + 1] = q4 * dq[3 * t + 1] * (1 + q16);
    grad[3 * t + 2] = q4 * q8 * dq[3 * t + 2];
  }
  want += (q[9] + q[10]) / 2.0;
  grad[9] = dq[9] / 2.0, grad[10] = dq[10] / 2.0;
  const auto pen = a->penalty();
  EXPECT_NEAR(pen.item<double>(), lambda * want, 1e-7);
  pen.backward();
  const auto gates = a->parameters()[3];
  for (size_t i = 0; i < la.size(); ++i) EXPECT_NEAR(gates.grad()[i].item<double>(), lambda * grad[i], 1e-8) << i;
  EXPECT_FALSE(a->parameters()[0].grad().defined());  // the penalty does not touch the weights
  auto none = make(torch::randn({3, 4}), torch::randn({2, 3}), torch::randn({3}), la, 0.0);
  EXPECT_FALSE(none->penalty().defined());
}

TEST(BloraFinish, ReadsOffGatesAndStoresExactCodes) {
  torch::manual_seed(7);
  const int64_t r = 4, in = 6, out = 5;
  const auto A = torch::randn({r, in}), B = torch::randn({out, r}) * 0.1, E = torch::randn({r}).abs() + 0.5;
  auto a = make(A, B, E, gates_for({1, 2, 3}, {true, true, false}), 1e-3, 8.0);  // 4, 8, 16 bits; rank 3
  const auto x = torch::randn({9, in});
  torch::Tensor before, delta_before;
  {  // evaluation: the deterministic gates
    torch::NoGradGuard no_grad;
    std::tie(before, delta_before) = std::pair(a->apply(x), a->delta());
  }
  a->finish();
  EXPECT_TRUE(a->parameters().empty());
  EXPECT_FALSE(a->penalty().defined());
  EXPECT_TRUE(torch::allclose(a->apply(x), before, 1e-5, 1e-6));  // also with autograd on: no gates left
  EXPECT_TRUE(torch::allclose(a->delta(), delta_before, 1e-5, 1e-6));
  const auto st = a->tensors();
  const char* names[3] = {"blora_A_codes", "blora_B_codes", "blora_E_codes"};
  const torch::Tensor kept[3] = {A.narrow(0, 0, 3), B.narrow(1, 0, 3), E.narrow(0, 0, 3)};
  const double range[3] = {absmax(A), absmax(B), absmax(E)};
  const torch::ScalarType dtype[3] = {torch::kInt8, torch::kInt8, torch::kInt16};
  for (int t = 0; t < 3; ++t) {  // levels 1, 2, 3: 4, 8, 16 bits, within ±7, ±127, ±32767
    const auto c = tensor_named(st, names[t]);
    const int64_t bits = 4 << t, limit = (int64_t{1} << (bits - 1)) - 1;
    EXPECT_EQ(c.sizes(), kept[t].sizes()) << names[t];
    EXPECT_EQ(c.scalar_type(), dtype[t]) << names[t];
    EXPECT_LE(c.to(torch::kLong).abs().max().item<int64_t>(), limit) << names[t];
    EXPECT_TRUE(torch::equal(c.to(torch::kLong), hand_codes(kept[t], t + 1, range[t]))) << names[t];
  }
  const auto readoff = tensor_named(st, "blora_readoff").to(torch::kLong);
  EXPECT_TRUE(torch::equal(readoff, torch::tensor({3, 4, 8, 16}, torch::kLong)));
  const auto d = a->describe();
  EXPECT_EQ(d["rank"], 3);
  EXPECT_EQ(d["finished"], true);
  EXPECT_EQ(d["memory_bits"], 3 * (in * 4 + out * 8) + 3 * 16);
  EXPECT_EQ(d["bit_ops"], 16 * (3 * in * 4 + 3 * out * 8 + 3 * 16));
  EXPECT_EQ(d["memory_bits_full"], r * (in + out + 1) * 32);
  EXPECT_EQ(d["stored_bits"], (3 * in + out * 3) * 8 + 3 * 16 + 3 * 32 + 4 * 32);
}

TEST(BloraFinish, AllRankGatesShutKeepsRankOne) {
  torch::manual_seed(8);
  auto a = make(torch::randn({3, 4}), torch::randn({2, 3}), torch::randn({3}), gates_for({0, 0, 0}, {false, true}));
  a->finish();
  EXPECT_EQ(a->describe()["rank"], 1);
  EXPECT_EQ(tensor_named(a->tensors(), "blora_A_codes").sizes().vec(), (std::vector<int64_t>{1, 4}));
  EXPECT_LE(tensor_named(a->tensors(), "blora_A_codes").to(torch::kLong).abs().max().item<int64_t>(), 1);
}

TEST(BloraQuantizer, ValuesPastTheFrozenRangeAreClipped) {
  const Small m;
  auto a = make(m.A, m.B, m.E, gates_for({2, 3, 3}, {true}));  // A at 8 bits
  a->delta();                                                   // takes the ranges
  {
    torch::NoGradGuard no_grad;
    a->parameters()[0].mul_(3.0);  // now up to 3R
  }
  torch::NoGradGuard no_grad;
  const auto QA = hand_values(m.A * 3.0, 2, absmax(m.A));  // clipped to the old R
  const auto want = (hand_values(m.B, 3) * hand_values(m.E, 3).unsqueeze(0)).matmul(QA);
  EXPECT_TRUE(torch::allclose(a->delta().to(torch::kDouble), want, 0, 1e-6));
  a->finish();
  const auto codes = tensor_named(a->tensors(), "blora_A_codes").to(torch::kLong);
  EXPECT_EQ(codes.abs().max().item<int64_t>(), 127);
  EXPECT_TRUE(torch::equal(codes, hand_codes(m.A * 3.0, 2, absmax(m.A))));
}

}  // namespace
