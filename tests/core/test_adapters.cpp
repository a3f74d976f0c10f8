// SPDX-License-Identifier: GPL-3.0-or-later
// The adapter kinds against dense ΔW matrices built entry by entry in float64: Q-BaRA's and
// QA-HiRA's forward (ragged sizes included), their starts from a base LoRA (the best approximation
// in their form), the table's rules, the stored round trip, and the group fold apiq merge uses.
#include <cmath>

#include "model/adapter.h"
#include "model/adapters/adapter_math.h"
#include "quant/packing.h"
#include "test_util.h"

using namespace apiq;

namespace {

torch::Tensor randn(std::vector<int64_t> shape) { return torch::randn(shape, torch::kFloat); }

AdapterOptions options(const std::string& kind, int64_t rank = 2) {
  AdapterOptions o;
  o.kind = kind;
  o.rank = rank;
  o.alpha = 3.0;
  return o;
}

// Loads `kind` from the given tensors (the path a checkpoint takes).
std::unique_ptr<Adapter> from(const std::string& kind, const AdapterShape& s, const AdapterOptions& o,
                              const AdapterTensors& t) {
  auto get = [&](const std::string& suffix) {
    for (const auto& [n, v] : t)
      if (n == suffix) return v;
    return torch::Tensor();
  };
  return find_adapter_kind(kind).load(s, o, get, torch::kCPU);
}

// max |apply(x) − x ΔWᵀ| with ΔW the float64 hand-built matrix, and max |delta() − ΔW|.
void expect_matches(const Adapter& a, const torch::Tensor& dw, int64_t in) {
  const auto x = torch::randn({3, 5, in}, torch::kDouble);
  const auto want = x.matmul(dw.t());
  const auto got = a.apply(x.to(torch::kFloat)).to(torch::kDouble);
  EXPECT_LT((got - want).abs().max().item<double>(), 1e-4 * (1 + want.abs().max().item<double>()));
  EXPECT_LT((a.delta().to(torch::kDouble) - dw).abs().max().item<double>(), 1e-5 * (1 + dw.abs().max().item<double>()));
}

}  // namespace

TEST(Adapters, QbaraForwardEqualsTheHandBuiltDelta) {
  torch::manual_seed(1);
  const AdapterShape s{6, 10, 0};
  const auto o = options("qbara", 2);  // rank 2r = 4 on in/2 = 5, out/2 = 3
  const auto A = randn({4, 5}), B = randn({3, 4});
  const auto a = from("qbara", s, o, {{"qbara_A", A}, {"qbara_B", B}});
  const auto Ad = A.to(torch::kDouble), Bd = B.to(torch::kDouble);
  auto dw = torch::zeros({6, 10}, torch::kDouble);
  const double scaling = o.alpha / o.rank;
  for (int64_t r = 0; r < 6; ++r)
    for (int64_t c = 0; c < 10; ++c) {
      double v = 0;
      for (int64_t k = 0; k < 4; ++k) v += Bd[r / 2][k].item<double>() * Ad[k][c / 2].item<double>();
      dw[r][c] = scaling * v / 2.0;  // x pooled in pairs: each input weighs half
    }
  expect_matches(*a, dw, 10);
  EXPECT_EQ(find_adapter_kind("qbara").trainable(s, o), A.numel() + B.numel());
  EXPECT_EQ(find_adapter_kind("qbara").trainable(s, o), find_adapter_kind("lora").trainable(s, o));  // same as LoRA r
}

TEST(Adapters, QahiraForwardEqualsTheHandBuiltDeltaOnRaggedSizes) {
  torch::manual_seed(2);
  for (auto [out, in, l1, l2] : {std::array<int64_t, 4>{12, 16, 4, 3}, {10, 13, 4, 3}, {7, 9, 9, 7}}) {
    const AdapterShape s{out, in, l1};
    auto o = options("qahira");
    o.out_pool = l2;
    const int64_t R = (out + l2 - 1) / l2, C = (in + l1 - 1) / l1;
    const auto M = randn({R, C});
    const auto a = from("qahira", s, o, {{"qahira_M", M}});
    auto dw = torch::zeros({out, in}, torch::kDouble);
    for (int64_t r = 0; r < out; ++r)
      for (int64_t c = 0; c < in; ++c) dw[r][c] = M[r / l2][c / l1].item<double>();
    expect_matches(*a, dw, in);
    EXPECT_EQ(find_adapter_kind("qahira").trainable(s, o), R * C);
  }
}

TEST(Adapters, QbaraStartsFromTheBestStructuredApproximationOfTheBase) {
  torch::manual_seed(3);
  const AdapterShape s{8, 12, 0};
  LoraAdapter base;
  base.A = randn({3, 12});
  base.B = randn({8, 3});
  base.scaling = 0.7;
  const auto d0 = base.delta().to(torch::kDouble);
  // The tile means T (2 × 2) by hand, and their singular values.
  auto T = torch::zeros({4, 6}, torch::kDouble);
  for (int64_t r = 0; r < 4; ++r)
    for (int64_t c = 0; c < 6; ++c)
      T[r][c] = (d0[2 * r][2 * c] + d0[2 * r + 1][2 * c] + d0[2 * r][2 * c + 1] + d0[2 * r + 1][2 * c + 1]).item<double>() / 4;
  const auto sv = torch::linalg_svdvals(T);
  const double off_tiles = (d0 - expand_tiles(T, 2, 2)).pow(2).sum().item<double>();
  for (int64_t r : {1, 2}) {  // rank 2r = 2 (truncates T, rank 3) and 4 (holds it whole)
    auto o = options("qbara", r);
    const auto a = find_adapter_kind("qbara").create(s, o, base, torch::kCPU);
    const double err = (a->delta().to(torch::kDouble) - d0).pow(2).sum().item<double>();
    // Eckart–Young on T, each tile entry counted 4 times.
    const double tail = 2 * r < sv.size(0) ? sv.narrow(0, 2 * r, sv.size(0) - 2 * r).pow(2).sum().item<double>() : 0.0;
    EXPECT_NEAR(err, off_tiles + 4 * tail, 1e-4 * (1 + off_tiles)) << "rank " << r;
  }
}

TEST(Adapters, QahiraStartsFromTheTileMeanOfTheBase) {
  torch::manual_seed(4);
  const AdapterShape s{7, 10, 4};
  LoraAdapter base;
  base.A = randn({2, 10});
  base.B = randn({7, 2});
  base.scaling = 1.5;
  auto o = options("qahira");
  o.out_pool = 3;
  const auto a = find_adapter_kind("qahira").create(s, o, base, torch::kCPU);
  const auto d0 = base.delta().to(torch::kDouble);
  const auto M = a->tensors().at(0).second.to(torch::kDouble);
  ASSERT_EQ(M.sizes(), (std::vector<int64_t>{3, 3}));
  for (int64_t R = 0; R < 3; ++R)
    for (int64_t C = 0; C < 3; ++C) {
      double sum = 0;
      int n = 0;
      for (int64_t r = 3 * R; r < std::min<int64_t>(7, 3 * R + 3); ++r)
        for (int64_t c = 4 * C; c < std::min<int64_t>(10, 4 * C + 4); ++c, ++n) sum += d0[r][c].item<double>();
      EXPECT_NEAR(M[R][C].item<double>(), sum / n, 1e-5) << R << "," << C;
    }
}

TEST(Adapters, ComponentsTheBaseDoesNotFillStillTrain) {
  torch::manual_seed(5);
  const AdapterShape s{8, 12, 0};
  LoraAdapter base;  // rank 1: Q-BaRA at 2r = 4 has three components with σ = 0
  base.A = randn({1, 12});
  base.B = randn({8, 1});
  base.scaling = 1.0;
  const auto a = find_adapter_kind("qbara").create(s, options("qbara", 2), base, torch::kCPU);
  const auto p = a->parameters();
  a->apply(torch::randn({4, 12})).pow(2).sum().backward();
  for (int64_t k = 0; k < 4; ++k) {
    EXPECT_GT(p[0][k].abs().sum().item<double>(), 0) << "A row " << k << " is dead";
    EXPECT_GT(p[1].grad().select(1, k).abs().sum().item<double>(), 0) << "B column " << k << " gets no gradient";
  }
  // Zero start: ΔW = 0 exactly.
  auto zero = options("qbara", 2);
  zero.fit_base = false;
  EXPECT_EQ(find_adapter_kind("qbara").create(s, zero, base, torch::kCPU)->delta().abs().max().item<double>(), 0.0);
}

TEST(Adapters, LoraKeepsTheBaseFactorsOrRefitsThemForAnotherScaling) {
  torch::manual_seed(6);
  const AdapterShape s{6, 9, 0};
  LoraAdapter base;
  base.A = randn({2, 9});
  base.B = randn({6, 2});
  base.scaling = 3.0 / 2;
  const auto same = find_adapter_kind("lora").create(s, options("lora", 2), base, torch::kCPU);
  EXPECT_TRUE(torch::equal(same->parameters()[0], base.A));
  auto other = options("lora", 4);
  other.alpha = 16;
  const auto refit = find_adapter_kind("lora").create(s, other, base, torch::kCPU);
  EXPECT_LT((refit->delta() - base.delta()).abs().max().item<double>(), 1e-5);
}

TEST(Adapters, StoredTensorsRoundTripAndMisshapenOnesAreRefused) {
  torch::manual_seed(7);
  const AdapterShape s{8, 12, 4};
  for (const std::string kind : {"lora", "qbara", "qahira"}) {
    auto o = options(kind, 2);
    o.out_pool = 4;
    o.fit_base = false;
    const auto a = find_adapter_kind(kind).create(s, o, LoraAdapter(), torch::kCPU);
    for (auto& p : a->parameters()) {
      torch::NoGradGuard ng;
      p.normal_();
    }
    const auto b = from(kind, s, o, a->tensors());
    EXPECT_TRUE(torch::equal(a->delta(), b->delta())) << kind;
    auto t = a->tensors();
    t[0].second = torch::zeros({3, 3});
    try {
      from(kind, s, o, t);
      ADD_FAILURE() << kind << ": a misshapen tensor was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(t[0].first), std::string::npos) << e.what();
    }
    t = a->tensors();
    t[0].second = t[0].second.clone();
    t[0].second.view(-1)[0] = NAN;
    EXPECT_THROW(from(kind, s, o, t), std::invalid_argument) << kind;
  }
}

TEST(Adapters, TableNamesKindsAndRefusesWhatDoesNotFit) {
  EXPECT_EQ(adapter_kind_names().front(), "lora");
  try {
    find_adapter_kind("dora");
    ADD_FAILURE();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("qahira"), std::string::npos) << e.what();
  }
  EXPECT_NE(find_adapter_kind("qbara").problem({7, 8, 0}, options("qbara")), "");  // odd outputs
  EXPECT_EQ(find_adapter_kind("qbara").problem({8, 8, 0}, options("qbara")), "");
  EXPECT_NE(find_adapter_kind("qahira").problem({8, 8, 0}, options("qahira")), "");  // no group, no pool
  EXPECT_NE(find_adapter_kind("qahira").problem({4, 8, 4}, options("qahira")), "");  // λ2 8 > 4 outputs
  EXPECT_NE(find_adapter_kind("lora").problem({4, 8, 4}, options("lora", 0)), "");
  AdapterOptions bad;
  bad.out_pool = 0;
  EXPECT_THROW(bad.validate(), std::invalid_argument);
  EXPECT_EQ(AdapterOptions::from_json(options("qahira").to_json()).to_json(), options("qahira").to_json());
}

TEST(Adapters, GroupDeltaFoldsIntoFloatZeroPoints) {
  torch::manual_seed(8);
  const int64_t out = 6, in = 20, group = 4;  // 5 groups; the pool of 8 spans two, the last tile is short
  auto o = options("qahira");
  o.in_pool = 8;
  o.out_pool = 2;
  const auto a = from("qahira", {out, in, group}, o, {{"qahira_M", randn({3, 3})}});
  const auto gd = a->group_delta(group);
  ASSERT_EQ(gd.sizes(), (std::vector<int64_t>{out, 5}));
  EXPECT_FALSE(a->group_delta(3).defined());  // 8 is not a multiple of 3: not constant inside the groups
  QuantizedCodes q;
  q.bits = 2;
  q.group_size = group;
  q.codes = torch::randint(0, 4, {out, in}, torch::kByte);
  q.scales = torch::rand({out, 5}) * 0.1 + 0.01;
  q.zeros = torch::randint(0, 4, {out, 5}, torch::kInt);
  const PackedLinear p = pack(q);
  PackedLinear merged = p;
  merged.zeros = p.zeros.to(torch::kFloat) - gd / p.scales.to(torch::kFloat);
  ASSERT_TRUE(merged.float_zeros());
  const auto want = dequantize(p, torch::kFloat).to(torch::kDouble) + a->delta().to(torch::kDouble);
  EXPECT_LT((dequantize(merged, torch::kFloat).to(torch::kDouble) - want).abs().max().item<double>(), 1e-5);
}
