// SPDX-License-Identifier: GPL-3.0-or-later
// Hand computations (float64) for the Bayesian-LoRA tests: the residual quantizer written out, the
// gate probabilities, and small adapters with chosen tensors and gates.
#pragma once
#include <algorithm>
#include <cmath>
#include <map>

#include "model/adapter.h"
#include "model/adapters/adapter_kinds.h"
#include "test_util.h"

namespace apiq::test::blora {

constexpr double kBeta = 2.0 / 3.0, kZeta = 1.1, kGamma = -0.1;
constexpr double kOpen = 10.0, kShut = -10.0;  // log α far on either side of the threshold

struct Hand {
  double value = 0, step = 0;
  int64_t code = 0;  // value / step at the finest open step
};

// The residual quantizer written out in float64: clip to [−R, R]; digits of the successive
// residuals on steps 2R/3, /5, /17, /257, rounded half to even, clamped to ±1, ±2, ±8, ±128;
// value x2 + g4(x4 + g8(x8 + g16·x16)) with `level` gates open.
inline Hand hand_quantize(double x, double R, int level) {
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

inline double absmax(const torch::Tensor& t) { return t.abs().max().item<double>(); }

// Element-wise hand quantization of t with range R (default max|t|): values (float64) or codes (int64).
inline torch::Tensor hand_each(const torch::Tensor& t, int level, double R, bool codes) {
  const auto flat = t.detach().to(torch::kDouble).flatten().contiguous();
  auto out = torch::empty({flat.numel()}, codes ? torch::kLong : torch::kDouble);
  for (int64_t i = 0; i < flat.numel(); ++i) {
    const Hand h = hand_quantize(flat[i].item<double>(), R < 0 ? absmax(t) : R, level);
    codes ? out[i].fill_(h.code) : out[i].fill_(h.value);
  }
  return out.reshape(t.sizes());
}
inline torch::Tensor hand_values(const torch::Tensor& t, int level, double R = -1) { return hand_each(t, level, R, false); }
inline torch::Tensor hand_codes(const torch::Tensor& t, int level, double R) { return hand_each(t, level, R, true); }

inline double p_closed(double log_alpha) {  // P(gate = 0) = sigmoid(β·ln(−γ/ζ) − log α)
  return 1.0 / (1.0 + std::exp(-(kBeta * std::log(-kGamma / kZeta) - log_alpha)));
}
inline double p_open(double log_alpha) { return 1.0 - p_closed(log_alpha); }

inline AdapterOptions options(int64_t r, double alpha, double lambda, bool fit_base = false) {
  return {.kind = "blora", .rank = r, .alpha = alpha, .fit_base = fit_base, .gate_lambda = lambda};
}
inline LoraAdapter lora_of(torch::Tensor A, torch::Tensor B, double scaling) {
  LoraAdapter l;
  l.A = std::move(A), l.B = std::move(B), l.scaling = scaling;
  return l;
}

inline AdapterLookup lookup_of(const AdapterTensors& t) {
  auto m = std::make_shared<std::map<std::string, torch::Tensor>>(t.begin(), t.end());
  return [m](const std::string& k) { return m->count(k) ? m->at(k) : torch::Tensor(); };
}

// An adapter with the given A, B, E and log α (9 bit gates, then r − 1 rank gates).
inline std::unique_ptr<Adapter> make(const torch::Tensor& A, const torch::Tensor& B, const torch::Tensor& E,
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
inline std::vector<double> gates_for(std::array<int, 3> levels, const std::vector<bool>& rank_open) {
  std::vector<double> g;
  for (int t = 0; t < 3; ++t)
    for (int b = 0; b < 3; ++b) g.push_back(b < levels[t] ? kOpen : kShut);
  for (bool o : rank_open) g.push_back(o ? kOpen : kShut);
  return g;
}

inline torch::Tensor tensor_named(const AdapterTensors& t, const std::string& name) { return lookup_of(t)(name); }

struct Small {  // r 2, in 3, out 2; A's largest entry sits exactly on its range (a tie at 2 bits)
  torch::Tensor A = torch::tensor({0.8f, -0.35f, 0.123f, -0.51f, 0.27f, 0.049f}).reshape({2, 3});
  torch::Tensor B = torch::tensor({0.3f, -0.71f, 0.05f, 0.44f}).reshape({2, 2});
  torch::Tensor E = torch::tensor({1.0f, 0.37f});
};

// s·QB·diag(QE·mask)·QA by hand, float64.
inline torch::Tensor hand_delta(const Small& m, std::array<int, 3> levels, double s, const torch::Tensor& mask) {
  return (hand_values(m.B, levels[1]) * (hand_values(m.E, levels[2]) * mask).unsqueeze(0))
             .matmul(hand_values(m.A, levels[0])) * s;
}

}  // namespace apiq::test::blora
