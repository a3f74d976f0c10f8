// SPDX-License-Identifier: GPL-3.0-or-later
// Bayesian-LoRA adapter (model/adapters/blora.cpp) against hand computations in float64: the
// residual quantizer at every gate setting, the hard-concrete gates (deterministic rule, nesting,
// sampling frequencies), the penalty and its gradient, the read-off of finish(), the gradients and a
// few Adam steps with λ = 0 against a dense straight-through reference, and load(tensors()).
#include <algorithm>
#include <cmath>
#include <map>

#include "model/adapter.h"
#include "model/adapters/adapter_kinds.h"
#include "test_util.h"

using namespace apiq;

namespace {

constexpr double kBeta = 2.0 / 3.0, kZeta = 1.1, kGamma = -0.1;
constexpr double kOpen = 10.0, kShut = -10.0;  // log α far on either side of the threshold

struct Hand {
  double value = 0, step = 0;
  int64_t code = 0;  // value / step at the finest open step
};

// The residual quantizer written out in float64: clip to [−R, R]; digits of the successive
// residuals on steps 2R/3, /5, /17, /257, rounded half to even, clamped to ±1, ±2, ±8, ±128;
// value x2 + g4(x4 + g8(x8 + g16·x16)) with `level` gates open.
Hand hand_quantize(double x, double R, int level) {
  const double s2 = 2.0 * R / 3.0, s4 = s2 / 5.0, s8 = s4 / 17.0, s16 = s8 / 257.0;
  const double xc = std::min(std::max(x, -R), R);
  const double c2 = std::clamp(std::nearbyint(xc / s2), -1.0, 1.0);
  const double r2 = xc - c2 * s2;  // x − x2
  const double c4 = std::clamp(std::nearbyint(r2 / s4), -2.0, 2.0);
  const double r4 = r2 - c4 * s4;  // x − x2 − x4
  const double c8 = std::clamp(std::nearbyint(r4 / s8), -8.0, 8.0);
  const double r8 = r4 - c8 * s8;  // x − x2 − x4 − x8
  const double c16 = std::clamp(std::nearbyint(r8 / s16), -128.0, 128.0);
  const double g4 = level >= 1, g8 = level >= 2, g16 = level >= 3;
  const double code[4] = {c2, 5 * c2 + c4, 17 * (5 * c2 + c4) + c8, 257 * (17 * (5 * c2 + c4) + c8) + c16};
  const double step[4] = {s2, s4, s8, s16};
  return {c2 * s2 + g4 * (c4 * s4 + g8 * (c8 * s8 + g16 * c16 * s16)), step[level], static_cast<int64_t>(code[level])};
}

double absmax(const torch::Tensor& t) { return t.abs().max().item<double>(); }

// Element-wise hand quantization of t with range R (default max|t|): values (float64) or codes (int64).
torch::Tensor hand_each(const torch::Tensor& t, int level, double R, bool codes) {
  const auto flat = t.detach().to(torch::kDouble).flatten().contiguous();
  auto out = torch::empty({flat.numel()}, codes ? torch::kLong : torch::kDouble);
  for (int64_t i = 0; i < flat.numel(); ++i) {
    const Hand h = hand_quantize(flat[i].item<double>(), R < 0 ? absmax(t) : R, level);
    codes ? out[i].fill_(h.code) : out[i].fill_(h.value);
  }
  return out.reshape(t.sizes());
}
torch::Tensor hand_values(const torch::Tensor& t, int level, double R = -1) { return hand_each(t, level, R, false); }
torch::Tensor hand_codes(const torch::Tensor& t, int level, double R) { return hand_each(t, level, R, true); }

double p_closed(double log_alpha) {  // P(gate = 0) = sigmoid(β·ln(−γ/ζ) − log α)
  return 1.0 / (1.0 + std::exp(-(kBeta * std::log(-kGamma / kZeta) - log_alpha)));
}
double p_open(double log_alpha) { return 1.0 - p_closed(log_alpha); }

AdapterOptions options(int64_t r, double alpha, double lambda, bool fit_base = false) {
  return {.kind = "blora", .rank = r, .alpha = alpha, .fit_base = fit_base, .gate_lambda = lambda};
}
LoraAdapter lora_of(torch::Tensor A, torch::Tensor B, double scaling) {
  LoraAdapter l;
  l.A = std::move(A), l.B = std::move(B), l.scaling = scaling;
  return l;
}

AdapterLookup lookup_of(const AdapterTensors& t) {
  auto m = std::make_shared<std::map<std::string, torch::Tensor>>(t.begin(), t.end());
  return [m](const std::string& k) { return m->count(k) ? m->at(k) : torch::Tensor(); };
}

// An adapter with the given A, B, E and log α (9 bit gates, then r − 1 rank gates).
std::unique_ptr<Adapter> make(const torch::Tensor& A, const torch::Tensor& B, const torch::Tensor& E,
                              const std::vector<double>& gates, double lambda = 0, double alpha = -1) {
  const int64_t r = A.size(0);
  const AdapterShape shape{B.size(0), A.size(1), 0};
  // Ranges are fixed when an adapter is made: these are the ones its first forward would take.
  const auto range = torch::stack({A.abs().max(), B.abs().max(), E.abs().max()}).to(torch::kFloat);
  const AdapterTensors t = {{"blora_A", A}, {"blora_B", B}, {"blora_E", E},
                            {"blora_gates", torch::tensor(gates, torch::kFloat)}, {"blora_range", range}};
  return blora_adapter_kind().load(shape, options(r, alpha > 0 ? alpha : r, lambda), lookup_of(t), torch::kCPU);
}

// Gates: the bit gates of A, B, E at `levels` open refinements, and `rank_open` rank gates.
std::vector<double> gates_for(std::array<int, 3> levels, const std::vector<bool>& rank_open) {
  std::vector<double> g;
  for (int t = 0; t < 3; ++t)
    for (int b = 0; b < 3; ++b) g.push_back(b < levels[t] ? kOpen : kShut);
  for (bool o : rank_open) g.push_back(o ? kOpen : kShut);
  return g;
}

torch::Tensor tensor_named(const AdapterTensors& t, const std::string& name) { return lookup_of(t)(name); }

struct Small {  // r 2, in 3, out 2; A's largest entry sits exactly on its range (a tie at 2 bits)
  torch::Tensor A = torch::tensor({0.8f, -0.35f, 0.123f, -0.51f, 0.27f, 0.049f}).reshape({2, 3});
  torch::Tensor B = torch::tensor({0.3f, -0.71f, 0.05f, 0.44f}).reshape({2, 2});
  torch::Tensor E = torch::tensor({1.0f, 0.37f});
};

// s·QB·diag(QE·mask)·QA by hand, float64.
torch::Tensor hand_delta(const Small& m, std::array<int, 3> levels, double s, const torch::Tensor& mask) {
  return (hand_values(m.B, levels[1]) * (hand_values(m.E, levels[2]) * mask).unsqueeze(0))
             .matmul(hand_values(m.A, levels[0])) * s;
}

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

// What "λ = 0 reproduces plain training" means here: with λ = 0 only the task loss trains, and with
// every gate open the forward is s·B·diag(E)·A of the 16-bit quantized factors with a
// straight-through backward, so the gradients are those of the dense product taken at the
// quantized point. It is not float LoRA training: the forward differs from the unquantized product
// by up to half a 16-bit step per entry, and at the initial log α 6.0 about 1 % of the sampled
// gates come out below 1. The tests therefore saturate the gates (log α 20: every sample is exactly
// 1) and compare with a float64 dense straight-through computation written out below.
struct Dense { torch::Tensor A, B, E; };  // float64 leaves
torch::Tensor ste(const torch::Tensor& w, double R) { return hand_values(w, 3, R) + (w - w.detach()); }
torch::Tensor dense_loss(const Dense& d, const torch::Tensor& x, const torch::Tensor& target, double s,
                         const std::array<double, 3>& R) {
  const auto h = x.matmul(ste(d.A, R[0]).t()) * ste(d.E, R[2]);
  return (h.matmul(ste(d.B, R[1]).t()) * s - target).pow(2).sum();
}
Dense dense_of(const torch::Tensor& A, const torch::Tensor& B, const torch::Tensor& E) {
  return {A.to(torch::kDouble).requires_grad_(), B.to(torch::kDouble).requires_grad_(),
          E.to(torch::kDouble).requires_grad_()};
}

TEST(BloraTraining, LambdaZeroGradientsAreDenseStraightThrough) {
  torch::manual_seed(9);
  const int64_t r = 3, in = 5, out = 4;
  const double alpha = 6.0, s = alpha / r;
  const auto A = torch::randn({r, in}) * 0.3, B = torch::randn({out, r}) * 0.2, E = 1 + 0.1 * torch::randn({r});
  auto a = make(A, B, E, std::vector<double>(9 + r - 1, 20.0), 0.0, alpha);
  const auto x = torch::randn({7, in}), target = torch::randn({7, out});
  const auto loss = (a->apply(x) - target).pow(2).sum();
  loss.backward();
  const Dense d = dense_of(A, B, E);
  const auto ref = dense_loss(d, x.to(torch::kDouble), target.to(torch::kDouble), s, {absmax(A), absmax(B), absmax(E)});
  ref.backward();
  EXPECT_NEAR(loss.item<double>(), ref.item<double>(), 1e-5 * ref.item<double>());
  const auto p = a->parameters();
  EXPECT_TRUE(torch::allclose(p[0].grad().to(torch::kDouble), d.A.grad(), 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(p[1].grad().to(torch::kDouble), d.B.grad(), 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(p[2].grad().to(torch::kDouble), d.E.grad(), 1e-4, 1e-5));
  // No penalty at λ = 0; gates saturated at 1 take no gradient from the loss either.
  EXPECT_FALSE(a->penalty().defined());
  EXPECT_TRUE(!p[3].grad().defined() || p[3].grad().abs().max().item<double>() == 0.0);
}

TEST(BloraTraining, AdamStepsMatchHandReferenceLoop) {
  torch::manual_seed(10);
  const int64_t r = 2, in = 4, out = 3;
  const double alpha = 4.0, s = alpha / r, lr = 1e-2;
  const auto A = torch::randn({r, in}) * 0.4, B = torch::randn({out, r}) * 0.3, E = 1 + 0.1 * torch::randn({r});
  auto a = make(A, B, E, std::vector<double>(9 + r - 1, 20.0), 0.0, alpha);
  const auto x = torch::randn({6, in}), target = torch::randn({6, out});
  torch::optim::Adam opt(a->parameters(), torch::optim::AdamOptions(lr));
  const Dense d = dense_of(A, B, E);
  const std::array<double, 3> R = {absmax(A), absmax(B), absmax(E)};  // frozen at the first forward
  std::vector<torch::Tensor> w = {d.A, d.B, d.E}, m, v;
  for (const auto& t : w) m.push_back(torch::zeros_like(t)), v.push_back(torch::zeros_like(t));
  for (int step = 1; step <= 5; ++step) {
    opt.zero_grad();
    (a->apply(x) - target).pow(2).sum().backward();
    opt.step();
    for (auto& t : w)
      if (t.grad().defined()) t.mutable_grad().zero_();
    dense_loss(d, x.to(torch::kDouble), target.to(torch::kDouble), s, R).backward();
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < w.size(); ++i) {  // Adam by hand: β 0.9, 0.999, ε 1e-8
      const auto g = w[i].grad();
      m[i] = 0.9 * m[i] + 0.1 * g;
      v[i] = 0.999 * v[i] + 0.001 * g * g;
      const auto mhat = m[i] / (1 - std::pow(0.9, step)), vhat = v[i] / (1 - std::pow(0.999, step));
      w[i].sub_(lr * mhat / (vhat.sqrt() + 1e-8));
    }
  }
  const auto p = a->parameters();
  for (size_t i = 0; i < w.size(); ++i) {
    EXPECT_TRUE(torch::allclose(p[i].detach().to(torch::kDouble), w[i].detach(), 0, 1e-5)) << i;
    const auto start = std::array<torch::Tensor, 3>{A, B, E}[i].to(torch::kDouble);
    EXPECT_FALSE(torch::allclose(p[i].detach().to(torch::kDouble), start));  // it did train
  }
  EXPECT_TRUE(torch::equal(p[3].detach(), torch::full({9 + r - 1}, 20.0f)));  // no gradient, no step
}

AdapterTensors replaced(AdapterTensors t, const std::string& name, const torch::Tensor& v) {
  for (auto& [n, x] : t)
    if (n == name) x = v;
  return t;
}
AdapterTensors removed(AdapterTensors t, const std::string& name) {
  t.erase(std::remove_if(t.begin(), t.end(), [&](const auto& e) { return e.first == name; }), t.end());
  return t;
}
void expect_same_tensors(const AdapterTensors& a, const AdapterTensors& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    EXPECT_TRUE(a[i].first == b[i].first && a[i].second.scalar_type() == b[i].second.scalar_type() &&
                torch::equal(a[i].second, b[i].second)) << a[i].first;
}

TEST(BloraStorage, LoadOfTensorsRoundTripsInBothStates) {
  torch::manual_seed(12);
  const int64_t r = 3, in = 5, out = 4;
  const LoraAdapter base = lora_of(torch::randn({r, in}), torch::randn({out, r}), 2.0);
  const AdapterOptions o = options(r, 6.0, 1e-3, true);
  const AdapterShape shape{out, in, 0};
  const auto& kind = blora_adapter_kind();
  auto a = kind.create(shape, o, base, torch::kCPU);
  a->apply(torch::randn({2, in})).sum().backward();  // a training forward takes the ranges
  {
    torch::NoGradGuard no_grad;
    a->parameters()[3][1] = kShut;   // A at 4 bits
    a->parameters()[3][10] = kShut;  // rank 2
  }
  const auto x = torch::randn({3, in});
  auto b = kind.load(shape, o, lookup_of(a->tensors()), torch::kCPU);
  expect_same_tensors(a->tensors(), b->tensors());
  {
    torch::NoGradGuard no_grad;
    EXPECT_TRUE(torch::equal(a->apply(x), b->apply(x)));
  }
  EXPECT_EQ(a->describe(), b->describe());
  a->finish();
  b->finish();  // the reloaded ranges give the same codes
  expect_same_tensors(a->tensors(), b->tensors());
  auto c = kind.load(shape, o, lookup_of(a->tensors()), torch::kCPU);
  expect_same_tensors(a->tensors(), c->tensors());
  EXPECT_TRUE(torch::equal(a->apply(x), c->apply(x)));
  EXPECT_TRUE(torch::equal(a->delta(), c->delta()));
  EXPECT_EQ(a->describe(), c->describe());
  EXPECT_EQ(c->describe()["rank"], 2);
  EXPECT_EQ(c->describe()["bits"], (nlohmann::json{{"A", 4}, {"B", 16}, {"E", 16}}));
}

TEST(BloraStorage, LoadRejectsMisshapenTensorsNamingThem) {
  const Small m;
  const AdapterShape shape{2, 3, 0};
  const auto o = options(2, 2.0, 0.0);
  auto expect_rejected = [&](const AdapterTensors& t, const std::string& name) {
    try {
      blora_adapter_kind().load(shape, o, lookup_of(t), torch::kCPU);
      ADD_FAILURE() << "accepted a bad " << name;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("'" + name + "'"), std::string::npos) << e.what();
    }
  };
  auto a = make(m.A, m.B, m.E, gates_for({1, 3, 3}, {true}));
  a->delta();
  const auto trained = a->tensors();
  expect_rejected(replaced(trained, "blora_A", torch::zeros({2, 4})), "blora_A");
  expect_rejected(replaced(trained, "blora_E", torch::zeros({3})), "blora_E");
  expect_rejected(replaced(trained, "blora_gates", torch::zeros({9})), "blora_gates");
  expect_rejected(removed(trained, "blora_range"), "blora_range");
  expect_rejected(replaced(trained, "blora_range", torch::tensor({-1.0f, 1.0f, 1.0f})), "blora_range");
  a->finish();
  const auto fin = a->tensors();
  expect_rejected(replaced(fin, "blora_A_codes", torch::zeros({1, 3}, torch::kInt8)), "blora_A_codes");
  expect_rejected(replaced(fin, "blora_A_codes", torch::full({2, 3}, 8, torch::kInt8)), "blora_A_codes");  // 4 bits: ±7
  expect_rejected(replaced(fin, "blora_B_codes", torch::zeros({2, 2}, torch::kFloat)), "blora_B_codes");
  expect_rejected(replaced(fin, "blora_readoff", torch::tensor({2, 3, 16, 16}, torch::kInt)), "blora_readoff");
  expect_rejected(replaced(fin, "blora_readoff", torch::tensor({3, 4, 16, 16}, torch::kInt)), "blora_readoff");
  expect_rejected(removed(fin, "blora_scales"), "blora_scales");
  expect_rejected(removed(fin, "blora_E_codes"), "blora_E_codes");
}

TEST(BloraCreate, StartsFromTheBaseAdapter) {
  torch::manual_seed(13);
  const int64_t in = 8, out = 6;
  const AdapterShape shape{out, in, 0};
  const LoraAdapter base = lora_of(torch::randn({3, in}) * 0.2, torch::randn({out, 3}) * 0.1, 2.0);
  const AdapterOptions o = options(3, 12.0, 1e-3, true);  // s = 4, not the base's 2
  auto a = blora_adapter_kind().create(shape, o, base, torch::kCPU);
  const auto st = a->tensors();
  EXPECT_TRUE(torch::equal(tensor_named(st, "blora_A"), base.A));
  EXPECT_TRUE(torch::allclose(tensor_named(st, "blora_B") * 4.0, base.B * 2.0, 1e-6, 1e-7));
  EXPECT_TRUE(torch::equal(tensor_named(st, "blora_E"), torch::ones({3})));
  EXPECT_TRUE(torch::equal(tensor_named(st, "blora_gates"), torch::full({11}, 6.0f)));
  // Every gate starts open: 16 bits, full rank, the base's ΔW up to 16-bit steps.
  EXPECT_EQ(a->describe()["rank"], 3);
  EXPECT_EQ(a->describe()["bits"], (nlohmann::json{{"A", 16}, {"B", 16}, {"E", 16}}));
  const auto want = base.delta();
  EXPECT_TRUE(torch::allclose(a->delta(), want, 0, 1e-3 * absmax(want)));
  // Another rank: rank-3 factors of a rank-2 base hold its ΔW exactly.
  const LoraAdapter b2 = lora_of(torch::randn({2, in}), torch::randn({out, 2}), 1.5);
  const auto st2 = blora_adapter_kind().create(shape, o, b2, torch::kCPU)->tensors();
  const auto product = tensor_named(st2, "blora_B").matmul(tensor_named(st2, "blora_A")) * 4.0;
  EXPECT_TRUE(torch::allclose(product, b2.delta(), 1e-4, 1e-5));
  // No base: Kaiming rows in A, zero B, unit E.
  const auto st3 = blora_adapter_kind().create(shape, o, LoraAdapter{}, torch::kCPU)->tensors();
  EXPECT_LE(absmax(tensor_named(st3, "blora_A")), 1.0 / std::sqrt(double(in)));
  EXPECT_EQ(absmax(tensor_named(st3, "blora_B")), 0.0);
}

TEST(BloraCreate, ZeroStartTakesTheKaimingBoundAsItsFrozenRange) {
  torch::manual_seed(14);
  const AdapterShape shape{3, 4, 0};
  auto a = blora_adapter_kind().create(shape, options(2, 2.0, 1e-3), LoraAdapter{}, torch::kCPU);
  const auto x = torch::randn({2, 4});
  EXPECT_EQ(absmax(a->apply(x)), 0.0);  // B = 0 is on every grid
  auto range = tensor_named(a->tensors(), "blora_range");
  EXPECT_EQ(range[0].item<double>(), absmax(a->parameters()[0]));
  EXPECT_FLOAT_EQ(range[1].item<float>(), static_cast<float>(1.0 / std::sqrt(2.0)));  // B [3, r 2]: fan-in 2
  EXPECT_EQ(range[2].item<double>(), 1.0);
  {
    torch::NoGradGuard no_grad;
    a->parameters()[1].copy_(torch::tensor({0.01f, -0.02f, 0.005f, 0.0f, 0.015f, -0.001f}).reshape({3, 2}));
  }
  a->apply(x);  // the range stays what creation fixed (a resumed run rebuilds the same)
  EXPECT_FLOAT_EQ(tensor_named(a->tensors(), "blora_range")[1].item<float>(), static_cast<float>(1.0 / std::sqrt(2.0)));
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

TEST(BloraTable, RowAndCounts) {
  const auto& k = find_adapter_kind("blora");
  EXPECT_EQ(&k, &blora_adapter_kind());
  EXPECT_EQ(adapter_table().back(), &k);
  EXPECT_FALSE(k.mergeable());
  const AdapterShape shape{6, 8, 0};
  const auto o = options(3, 6.0, 1e-3);
  EXPECT_TRUE(k.problem(shape, o).empty());
  EXPECT_FALSE(k.problem(shape, options(0, 6.0, 1e-3)).empty());
  EXPECT_EQ(k.trainable(shape, o), 3 * (8 + 6 + 1) + 9 + 2);
  auto a = k.create(shape, o, LoraAdapter{}, torch::kCPU);
  int64_t n = 0;
  for (const auto& p : a->parameters()) {
    EXPECT_TRUE(p.requires_grad() && p.is_leaf() && p.scalar_type() == torch::kFloat);
    n += p.numel();
  }
  EXPECT_EQ(n, k.trainable(shape, o));
  EXPECT_EQ(a->describe()["trainable"], n);
  EXPECT_EQ(a->describe()["memory_bits_full"], 3 * (8 + 6 + 1) * 32);
}

}  // namespace
