// SPDX-License-Identifier: GPL-3.0-or-later
// Bayesian-LoRA adapter (model/adapters/blora.cpp): the gradients and a few Adam steps with λ = 0
// against a dense float64 straight-through reference, load(tensors()) in both states, the starts
// from a base adapter, and its table row.
#include "blora_hand.h"

#include <torch/optim/adam.h>

using namespace apiq;
using namespace apiq::test::blora;

namespace {

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
