// SPDX-License-Identifier: GPL-3.0-or-later
// GroupQuantizer, NormalFloat and packing. Expected values are computed here in plain double
// arithmetic (or by hand, in comments), never by calling the code under test.
#include <algorithm>
#include <cmath>
#include <vector>

#include "quant/group_quantizer.h"
#include "quant/nf_quantizer.h"
#include "quant/packing.h"
#include "test_util.h"

using namespace apiq;
using Mode = QuantizerOptions::Mode;

namespace {
const double kSig4 = 1.0 / (1.0 + std::exp(-4.0));  // σ(4), the LWC init factor
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

std::vector<double> to_vec(const torch::Tensor& t) {
  auto c = t.detach().to(torch::kDouble).contiguous().reshape({-1});
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}
torch::Tensor row_tensor(const std::vector<double>& v, int64_t rows, torch::ScalarType dt = torch::kFloat) {
  return torch::tensor(v, torch::kDouble).view({rows, -1}).to(dt);
}

// One group's scale and zero the way the issue defines them, step by step in double.
struct Ref { double s, z; };
Ref ref_group(const std::vector<double>& g, int bits, double fmax, double fmin, Mode mode) {
  double mx = g[0], mn = g[0];
  for (double v : g) { mx = std::max(mx, v); mn = std::min(mn, v); }
  const double xmax = fmax * mx, xmin = fmin * mn, maxq = std::pow(2.0, bits) - 1;
  if (mode == Mode::Sym) {
    const double a = std::max(std::abs(xmax), std::abs(xmin));
    return {std::clamp(2 * a / maxq, 1e-5, 1e4), std::pow(2.0, bits - 1)};
  }
  const double s = std::clamp((xmax - xmin) / maxq, 1e-5, 1e4);
  return {s, std::nearbyint(std::clamp(-xmin / s, -1e4, 1e4))};  // nearbyint: half to even
}
double ref_code(double w, Ref r, int bits) {
  return std::clamp(std::nearbyint(w / r.s) + r.z, 0.0, std::pow(2.0, bits) - 1);
}
// The elements [c0, c1) of row r of a row-major [rows, in] vector.
std::vector<double> slice(const std::vector<double>& w, int64_t in, int64_t r, int64_t c0, int64_t c1) {
  return std::vector<double>(w.begin() + r * in + c0, w.begin() + r * in + c1);
}
}  // namespace

TEST(GroupQuantizer, RoundSteIsHalfToEvenWithIdentityGradient) {
  auto x = torch::tensor({0.5, 1.5, 2.5, -0.5, -1.5, 0.49, 2.51}, torch::kDouble).requires_grad_(true);
  auto y = round_ste(x);
  EXPECT_EQ(to_vec(y), (std::vector<double>{0, 2, 2, 0, -2, 0, 3}));
  y.sum().backward();
  EXPECT_TRUE(torch::equal(x.grad(), torch::ones_like(x)));
}

// W = [−1, −0.2, 0.3, 2], one group, LWC at init: xmax = 2σ(4), xmin = −σ(4).
TEST(GroupQuantizer, HandComputedTwoThreeFourBits) {
  EXPECT_NEAR(kSig4, 0.98201379, 1e-8);
  const auto W = row_tensor({-1.0, -0.2, 0.3, 2.0}, 1);
  struct Case { int bits; double s; double z; std::vector<double> q; };
  const double f = kSig4;
  const std::vector<Case> cases = {
      // 2 bits: s = 3f/3 = f; z = round(f/f) = 1; W/s = [−1.018, −0.204, 0.305, 2.037] → [−1, 0, 0, 2] + 1
      {2, f, 1, {0, 1, 1, 3}},
      // 3 bits: s = 3f/7 = 0.42086; z = round(7/3) = 2; W/s = [−2.376, −0.475, 0.713, 4.752] → [−2, 0, 1, 5] + 2
      {3, 3 * f / 7, 2, {0, 2, 3, 7}},
      // 4 bits: s = 3f/15 = 0.19640; z = round(5) = 5; W/s = [−5.092, −1.018, 1.527, 10.18] → [−5, −1, 2, 10] + 5
      {4, f / 5, 5, {0, 4, 7, 15}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("bits " + std::to_string(c.bits));
    GroupQuantizer gq(QuantizerOptions().set_bits(c.bits).set_group_size(4), 1, 4);
    const auto [s, z] = gq.scale_and_zero(W);
    EXPECT_NEAR(s.item<double>(), c.s, 1e-7);
    EXPECT_EQ(z.item<double>(), c.z);
    const auto qc = gq.quantize(W);
    EXPECT_EQ(qc.codes.scalar_type(), torch::kByte);
    EXPECT_EQ(to_vec(qc.codes), c.q);
    const auto wq = to_vec(gq.fake_quant(W));
    for (size_t i = 0; i < 4; ++i) EXPECT_NEAR(wq[i], (c.q[i] - c.z) * c.s, 1e-6) << i;
  }
  // Spelled out for 2 bits: Ŵ = [−f, 0, 0, 2f].
  GroupQuantizer gq2(QuantizerOptions().set_bits(2).set_group_size(4), 1, 4);
  EXPECT_TRUE(torch::allclose(gq2.fake_quant(W), row_tensor({-0.98201379, 0, 0, 1.96402758}, 1), 0, 1e-7));
  // Plain min-max (no LWC): s = 3/3 = 1, z = 1, Ŵ = round(W) = [−1, 0, 0, 2].
  GroupQuantizer mm(QuantizerOptions().set_bits(2).set_group_size(4).set_learnable_clipping(false), 1, 4);
  EXPECT_TRUE(mm.parameters().empty());
  EXPECT_EQ(to_vec(mm.fake_quant(W)), (std::vector<double>{-1, 0, 0, 2}));
}

// 2×6 with g = 4: groups of 4 and 2 per row; the short group of row 0 is all positive and that
// of row 1 all negative, so zero padding (instead of ignoring the padding) would show.
TEST(GroupQuantizer, SmallRaggedMatchesDoubleReference) {
  const auto W = row_tensor({0.5, -0.7, 1.2, 0.1, 0.9, 0.4, -0.3, -1.1, 0.6, 0.05, -0.8, -0.25}, 2);
  const auto w = to_vec(W);  // the float32 values the quantizer sees, widened exactly
  for (int bits : {2, 3, 4}) {
    SCOPED_TRACE("bits " + std::to_string(bits));
    GroupQuantizer gq(QuantizerOptions().set_bits(bits).set_group_size(4), 2, 6);
    EXPECT_EQ(gq.gamma.sizes(), (std::vector<int64_t>{2, 2}));
    const auto qc = gq.quantize(W);
    const auto codes = to_vec(qc.codes), scales = to_vec(qc.scales), zeros = to_vec(qc.zeros);
    const auto wq = to_vec(gq.fake_quant(W));
    for (int64_t r = 0; r < 2; ++r)
      for (int64_t gidx = 0; gidx < 2; ++gidx) {
        const int64_t c0 = gidx * 4, c1 = std::min<int64_t>(c0 + 4, 6);
        const Ref ref = ref_group(slice(w, 6, r, c0, c1), bits, kSig4, kSig4, Mode::Asym);
        EXPECT_NEAR(scales[r * 2 + gidx], ref.s, 1e-6 * ref.s);  // float32 arithmetic
        EXPECT_EQ(zeros[r * 2 + gidx], ref.z);
        for (int64_t c = c0; c < c1; ++c) {
          const double q = ref_code(w[r * 6 + c], ref, bits);
          EXPECT_EQ(codes[r * 6 + c], q) << r << "," << c;
          EXPECT_NEAR(wq[r * 6 + c], (q - ref.z) * ref.s, 1e-6);
        }
      }
  }
}

TEST(GroupQuantizer, RaggedLastGroupSeesOnlyItsElements) {
  // in = 172: groups of 64, 64 and 44 (also 32 → 5×32 + 12 and 128 → 128 + 44).
  auto W = torch::rand({3, 172}, torch::kFloat) * 2 - 1;
  W.index_put_({0, torch::indexing::Slice(128, 172)}, torch::rand({44}) * 0.1 + 0.1);   // all positive
  W.index_put_({1, torch::indexing::Slice(128, 172)}, -torch::rand({44}) * 0.1 - 0.1);  // all negative
  const auto w = to_vec(W);
  for (int64_t g : {64, 32, 128})
    for (bool lwc : {true, false}) {
      SCOPED_TRACE("g " + std::to_string(g) + (lwc ? " lwc" : " min-max"));
      GroupQuantizer gq(QuantizerOptions().set_bits(3).set_group_size(g).set_learnable_clipping(lwc), 3, 172);
      const int64_t G = (172 + g - 1) / g, c0 = (G - 1) * g;
      const auto qc = gq.quantize(W);
      ASSERT_EQ(qc.scales.sizes(), (std::vector<int64_t>{3, G}));
      const auto scales = to_vec(qc.scales), zeros = to_vec(qc.zeros), codes = to_vec(qc.codes);
      const double fac = lwc ? kSig4 : 1.0;
      for (int64_t r = 0; r < 3; ++r) {
        const Ref ref = ref_group(slice(w, 172, r, c0, 172), 3, fac, fac, Mode::Asym);
        EXPECT_NEAR(scales[r * G + G - 1], ref.s, 1e-6 * ref.s) << "row " << r;
        EXPECT_EQ(zeros[r * G + G - 1], ref.z) << "row " << r;
        for (int64_t c = c0; c < 172; ++c) EXPECT_EQ(codes[r * 172 + c], ref_code(w[r * 172 + c], ref, 3));
      }
    }
}

// Gradients. round_ste makes Ŵ's gradient that of the surrogate in which the rounding offset
// c = round(W/s₀) − W/s₀ is frozen at the evaluation point and each element's clamp state is that
// of s₀: Ŵ(s) = W + c·s inside the code range, (q − z)·s where clamped. The surrogate is smooth
// in s, γ and β, so float64 central differences of it are the rigorous reference (the true
// piecewise-constant function has a different derivative, which is why it is not used). The
// analytic STE formula ∂Ŵ/∂s = (q − z) − W/s (inside) or (q − z) (clamped) is checked as well.
TEST(GroupQuantizer, GradientsMatchSurrogateFiniteDifferences) {
  const int64_t out = 2, in = 10, g = 4, G = 3;  // groups 4, 4, 2
  auto W = torch::randn({out, in}, torch::kDouble);
  const auto R = torch::randn({out, in}, torch::kDouble);
  const auto w = to_vec(W), rr = to_vec(R);
  for (Mode mode : {Mode::Asym, Mode::Sym})
    for (int bits : {2, 3, 4}) {
      SCOPED_TRACE(std::string(mode == Mode::Sym ? "sym" : "asym") + " bits " + std::to_string(bits));
      GroupQuantizer gq(QuantizerOptions().set_bits(bits).set_group_size(g).set_mode(mode), out, in, torch::kCPU,
                        torch::kDouble);
      {
        torch::NoGradGuard ng;
        // σ ≈ 0.5…0.62: σ' is not tiny, and every group clamps its extreme values, so both STE
        // branches are exercised whatever W is drawn.
        gq.gamma.copy_(0.5 * torch::rand({out, G}, torch::kDouble));
        gq.beta.copy_(0.5 * torch::rand({out, G}, torch::kDouble));
      }
      (gq.fake_quant(W) * R).sum().backward();
      // s as a leaf, through the same Ŵ(s, z) map.
      auto [s0t, z0t] = gq.scale_and_zero(W);
      auto s_leaf = s0t.detach().clone().requires_grad_(true);
      (fake_quant_groups(W, s_leaf, z0t, bits, g) * R).sum().backward();
      const auto gam = to_vec(gq.gamma), bet = to_vec(gq.beta);
      const auto dgam = to_vec(gq.gamma.grad()), dbet = to_vec(gq.beta.grad()), ds = to_vec(s_leaf.grad());
      const double maxq = std::pow(2.0, bits) - 1;
      int clamped = 0, inside = 0;
      for (int64_t r = 0; r < out; ++r)
        for (int64_t k = 0; k < G; ++k) {
          const int64_t c0 = k * g, c1 = std::min(c0 + g, in), p = r * G + k;
          const auto grp = slice(w, in, r, c0, c1);
          const Ref r0 = ref_group(grp, bits, sigmoid(gam[p]), sigmoid(bet[p]), mode);
          // Surrogate loss of this group as a function of its scale; analytic dL/ds on the side.
          double analytic = 0;
          std::vector<double> slope(grp.size());
          std::vector<bool> inside_el(grp.size());
          for (size_t i = 0; i < grp.size(); ++i) {
            const double x = grp[i] / r0.s, u = std::nearbyint(x) + r0.z;
            const bool in_range = u >= 0 && u <= maxq;
            (in_range ? inside : clamped)++;
            inside_el[i] = in_range;
            slope[i] = in_range ? std::nearbyint(x) - x : std::clamp(u, 0.0, maxq) - r0.z;
            analytic += rr[r * in + c0 + i] * slope[i];
          }
          auto loss = [&](double s) {  // Σ R·Ŵ_sur(s)
            double L = 0;
            for (size_t i = 0; i < grp.size(); ++i) L += rr[r * in + c0 + i] * (slope[i] * s + (inside_el[i] ? grp[i] : 0.0));
            return L;
          };
          auto scale_of = [&](double ga, double be) { return ref_group(grp, bits, sigmoid(ga), sigmoid(be), mode).s; };
          const double eps = 1e-6;
          const double fd_s = (loss(r0.s + eps) - loss(r0.s - eps)) / (2 * eps);
          const double fd_g = (loss(scale_of(gam[p] + eps, bet[p])) - loss(scale_of(gam[p] - eps, bet[p]))) / (2 * eps);
          const double fd_b = (loss(scale_of(gam[p], bet[p] + eps)) - loss(scale_of(gam[p], bet[p] - eps))) / (2 * eps);
          EXPECT_NEAR(ds[p], fd_s, 1e-7 * (1 + std::abs(fd_s))) << "s " << r << "," << k;
          EXPECT_NEAR(ds[p], analytic, 1e-10 * (1 + std::abs(analytic)));
          EXPECT_NEAR(dgam[p], fd_g, 1e-7 * (1 + std::abs(fd_g))) << "γ " << r << "," << k;
          EXPECT_NEAR(dbet[p], fd_b, 1e-7 * (1 + std::abs(fd_b))) << "β " << r << "," << k;
        }
      EXPECT_GT(clamped, 0);  // both STE branches were exercised
      EXPECT_GT(inside, 0);
    }
}

TEST(GroupQuantizer, SymmetricZeroPointIsHalfRange) {
  // Hand check, 2 bits, W = [−1, −0.2, 0.3, 2]: A = max(σ(4)·2, σ(4)·1) = 2f, s = 2A/3 = 4f/3,
  // z = 2; W/s = [−0.764, −0.153, 0.229, 1.527] → [−1, 0, 0, 2] + 2 = [1, 2, 2, 4→3]; Ŵ = [−s, 0, 0, s].
  const auto W = row_tensor({-1.0, -0.2, 0.3, 2.0}, 1);
  GroupQuantizer gq(QuantizerOptions().set_bits(2).set_group_size(4).set_mode(Mode::Sym), 1, 4);
  const double s = 4 * kSig4 / 3;
  const auto qc = gq.quantize(W);
  EXPECT_EQ(to_vec(qc.codes), (std::vector<double>{1, 2, 2, 3}));
  EXPECT_EQ(qc.zeros.item<int>(), 2);
  EXPECT_NEAR(qc.scales.item<double>(), s, 1e-7);
  EXPECT_TRUE(torch::allclose(gq.fake_quant(W), row_tensor({-s, 0, 0, s}, 1), 0, 1e-6));
  // Every group at every width: zero 2^(b−1), Ŵ/s on the grid {−2^(b−1) … 2^(b−1) − 1}.
  const auto X = torch::randn({5, 100});
  for (int bits : {2, 3, 4}) {
    GroupQuantizer q(QuantizerOptions().set_bits(bits).set_group_size(32).set_mode(Mode::Sym), 5, 100);
    const auto c = q.quantize(X);
    EXPECT_TRUE((c.zeros == (1 << (bits - 1))).all().item<bool>()) << bits;
    const auto lv = (q.fake_quant(X) / expand_groups(c.scales, 100, 32)).to(torch::kDouble);
    EXPECT_TRUE(torch::allclose(lv, lv.round(), 0, 1e-4));
    EXPECT_GE(lv.min().item<double>(), -std::pow(2.0, bits - 1) - 1e-4);
    EXPECT_LE(lv.max().item<double>(), std::pow(2.0, bits - 1) - 1 + 1e-4);
  }
}

TEST(GroupQuantizer, RejectsBadShapesAndOptions) {
  GroupQuantizer gq(QuantizerOptions(), 4, 10);
  EXPECT_THROW(gq.fake_quant(torch::randn({4, 11})), std::invalid_argument);
  EXPECT_THROW(gq.fake_quant(torch::randn({40})), std::invalid_argument);
  EXPECT_THROW(GroupQuantizer(QuantizerOptions().set_group_size(0), 4, 10), std::invalid_argument);
  EXPECT_THROW(GroupQuantizer(QuantizerOptions().set_bits(1), 4, 10), std::invalid_argument);
  // A group larger than the row is one ragged group.
  GroupQuantizer big(QuantizerOptions().set_group_size(128), 4, 10);
  EXPECT_EQ(big.quantize(torch::randn({4, 10})).scales.sizes(), (std::vector<int64_t>{4, 1}));
}

TEST(Packing, HandComputedWords) {
  auto one = [](std::vector<int64_t> c, int bits) {
    return to_vec(pack_codes(torch::tensor(c, torch::kLong).view({1, -1}), bits));
  };
  // 2 bits: 0,1,2,3 lowest first = 0b11'10'01'00 = 0xE4 per byte.
  std::vector<int64_t> c2;
  for (int i = 0; i < 4; ++i) c2.insert(c2.end(), {0, 1, 2, 3});
  EXPECT_EQ(one(c2, 2), (std::vector<double>{-454761244.0}));  // 0xE4E4E4E4 as int32
  EXPECT_EQ(static_cast<int32_t>(0xE4E4E4E4u), -454761244);
  EXPECT_EQ(one({0, 1, 2, 3, 4, 5, 6, 7}, 4), (std::vector<double>{0x76543210}));
  EXPECT_EQ(one({0, 0, 0, 0, 0, 0, 0, 15}, 4), (std::vector<double>{-268435456.0}));  // 0xF0000000
  // 3 bits: ten codes per word are its ten octal digits, lowest first; bits 30–31 stay 0.
  EXPECT_EQ(one({1, 2, 3, 4, 5, 6, 7, 0, 1, 2}, 3), (std::vector<double>{02107654321}));
  EXPECT_EQ(one({7, 7, 7, 7, 7, 7, 7, 7, 7, 7}, 3), (std::vector<double>{0x3FFFFFFF}));
  EXPECT_EQ(one({1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5}, 3), (std::vector<double>{1, 5}));
  EXPECT_THROW(one({4}, 2), std::invalid_argument);
  EXPECT_THROW(one({-1}, 3), std::invalid_argument);
}

TEST(Packing, RoundTripsRandomCodes) {
  const std::vector<std::pair<int64_t, int64_t>> shapes = {{1, 1}, {3, 16}, {2, 17}, {4, 10}, {4, 31}, {5, 172}, {7, 64}};
  for (int bits : {2, 3, 4})
    for (auto [rows, in] : shapes) {
      SCOPED_TRACE(std::to_string(bits) + " bits, [" + std::to_string(rows) + ", " + std::to_string(in) + "]");
      const auto codes = torch::randint(0, 1 << bits, {rows, in}).to(torch::kByte);
      const auto packed = pack_codes(codes, bits);
      const int64_t per = 32 / bits;
      EXPECT_EQ(packed.scalar_type(), torch::kInt);
      EXPECT_EQ(packed.sizes(), (std::vector<int64_t>{rows, (in + per - 1) / per}));
      EXPECT_TRUE(torch::equal(unpack_codes(packed, bits, in), codes));
      // The filler codes of the last word are zero.
      const auto all = unpack_codes(packed, bits, packed.size(1) * per);
      EXPECT_TRUE((all.narrow(1, in, all.size(1) - in) == 0).all().item<bool>());
      if (bits == 3) EXPECT_GE(packed.min().item<int>(), 0);  // spare top bits unused
    }
}

TEST(Packing, PackedLinearDequantizesLikeFakeQuant) {
  const auto W = torch::randn({16, 172});
  for (int bits : {2, 3, 4}) {
    SCOPED_TRACE(bits);
    GroupQuantizer gq(QuantizerOptions().set_bits(bits).set_group_size(64), 16, 172);
    const auto fq = gq.fake_quant(W).detach();
    const auto qc = gq.quantize(W);
    EXPECT_TRUE(torch::equal(dequantize(qc.codes, qc.scales, qc.zeros, 64), fq));  // float32 scales: exact
    const auto p = pack(qc);
    EXPECT_EQ(p.scales.scalar_type(), torch::kHalf);
    EXPECT_TRUE(torch::equal(unpack(p).codes, qc.codes));
    EXPECT_TRUE(torch::equal(unpack(p).zeros, qc.zeros));
    // Exactly the dequantization with fp16-rounded scales; near Ŵ within fp16's relative step.
    const auto w16 = dequantize(qc.codes, qc.scales.to(torch::kHalf).to(torch::kFloat), qc.zeros, 64);
    EXPECT_TRUE(torch::equal(dequantize(p), w16));
    EXPECT_TRUE(torch::allclose(dequantize(p), fq, 1e-3, 1e-6));
    EXPECT_EQ(dequantize(p, torch::kHalf).scalar_type(), torch::kHalf);
    // Real savings: far below the 2 bytes per weight of fp16.
    EXPECT_LT(p.storage_bytes(), 16 * 172 * 2 * (bits + 2) / 16);
  }
}

// bitsandbytes' published NF4 table (float32 values).
const std::vector<double> kBnbNf4 = {-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
                                     -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
                                     0.07958029955625534, 0.16093020141124725, 0.24611230194568634,
                                     0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                                     0.7229568362236023, 1.0};

TEST(NormalFloat, LevelTables) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(normal_quantile(0.8413447460685429), 1.0, 1e-12);  // Φ(1)
  EXPECT_NEAR(normal_quantile(0.1), -1.2815515655446004, 1e-13);
  const auto nf4 = normal_float_levels(4);
  ASSERT_EQ(nf4.size(), 16u);
  for (size_t i = 0; i < 16; ++i) EXPECT_NEAR(nf4[i], kBnbNf4[i], 1e-6) << i;
  EXPECT_EQ(nf4[7], 0.0);
  // NF2 = {−1, 0, 0.3379152, 1}: its middle positive level is NF4's level 11.
  const auto nf2 = normal_float_levels(2);
  ASSERT_EQ(nf2.size(), 4u);
  EXPECT_EQ(nf2[0], -1.0);
  EXPECT_EQ(nf2[1], 0.0);
  EXPECT_NEAR(nf2[2], 0.33791524171829224, 1e-6);
  EXPECT_EQ(nf2[3], 1.0);
  const auto nf3 = normal_float_levels(3);
  ASSERT_EQ(nf3.size(), 8u);
  EXPECT_EQ(nf3[3], 0.0);  // 3 negative, 0, 4 positive
  EXPECT_TRUE(std::is_sorted(nf3.begin(), nf3.end()));
}

TEST(NormalFloat, NearestLevelPerAbsmaxBlock) {
  auto W = torch::randn({3, 50});  // 150 elements: blocks of 64, 64, 22 crossing rows
  W.index_put_({2, torch::indexing::Slice(28, 50)}, 0.0);  // last block all zero
  const auto w = to_vec(W);
  for (int bits : {2, 4}) {
    SCOPED_TRACE(bits);
    const auto lv = normal_float_levels(bits);
    const auto c = nf_quantize(W, bits, 64);
    ASSERT_EQ(c.absmax.numel(), 3);
    EXPECT_EQ(c.codes.sizes(), W.sizes());
    const auto codes = to_vec(c.codes), absmax = to_vec(c.absmax), deq = to_vec(nf_dequantize(c));
    for (int64_t b = 0; b < 3; ++b) {
      double am = 0;
      for (int64_t i = b * 64; i < std::min<int64_t>(150, b * 64 + 64); ++i) am = std::max(am, std::abs(w[i]));
      EXPECT_NEAR(absmax[b], am, 1e-7);
    }
    EXPECT_EQ(absmax[2], 0.0);
    for (int64_t i = 0; i < 150; ++i) {
      const double am = absmax[i / 64], x = am > 0 ? w[i] / am : 0.0;
      const double err = std::abs(x - lv[static_cast<size_t>(codes[i])]);
      for (double l : lv) EXPECT_LE(err, std::abs(x - l) + 1e-6) << i;
      EXPECT_NEAR(deq[i], lv[static_cast<size_t>(codes[i])] * am, 1e-6);
    }
    // Through the quantizer's NF option.
    GroupQuantizer gq(QuantizerOptions().set_bits(bits).set_format(QuantizerOptions::Format::NF), 3, 50);
    EXPECT_TRUE(gq.parameters().empty());
    EXPECT_TRUE(torch::equal(gq.fake_quant(W), nf_fake_quant(W, bits, 64)));
  }
}
