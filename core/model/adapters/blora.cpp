// SPDX-License-Identifier: GPL-3.0-or-later
// Bayesian-LoRA (Meo et al., arXiv 2406.13046; Bayesian Bits underneath): Δ(x) = s·B·diag(E)·A·x,
// A [r, in], B [out, r], E [r], s = α / r, where A, B and E each pass a residual quantizer whose
// 4-, 8- and 16-bit refinements sit behind learned hard-concrete gates, and E's components 1..r−1
// sit behind r − 1 nested rank gates. The original also quantizes the base weight and five
// activations; our base is already 2-bit and frozen, so only A, B and E are gated.
//
// Quantizer: symmetric range R = max|x| (all three tensors are signed, E included although it starts
// at ones), taken at the first forward in which the tensor is not all zero and then frozen; until
// then the tensor passes unchanged (an all-zero tensor is on every grid). Steps s2 = 2R/3,
// s4 = s2/5, s8 = s4/17, s16 = s8/257; x is clipped to [−R, R] and split into digits
// c2 ∈ ±1, c4 ∈ ±2, c8 ∈ ±8, c16 ∈ ±128 of the successive residuals, rounded half to even and
// clamped to those ranges (x = R is a tie, x/s2 = 1.5, that would round to 2; Bayesian Bits clips
// to (1 − 10⁻⁷)·R instead; the clamp also catches float rounding at the ties); then
// x_q = s2c2 + g4(s4c4 + g8(s8c8 + g16·s16c16)). Clipping keeps the codes within their bits
// under a frozen range (the original does not clip; its codes can outgrow the range). Backward is
// straight-through: identity with respect to x, the formula's own derivative for the gates.
// Because s2 = 5·s4 = 85·s8 = 21845·s16, the value at the finest open step s_b is s_b times the
// integer code c2, 5c2 + c4, 17(5c2 + c4) + c8 or 257(…) + c16, within ±1, ±7, ±127, ±32767.
//
// Gates (β 2/3, ζ 1.1, γ −0.1): sampled once per forward while training; deterministic (on iff
// P(gate = 0) < 0.34) after finish() and in any forward without autograd (evaluation runs under
// NoGradGuard, like the original's module.eval()). In training E's mask is the product of the
// sampled rank gates (the original also rounds that product straight-through). Every log α starts
// at 6.0, the original's configured value (its bit gates start at 2.0 because the configured value
// is never passed on): training starts from the base adapter at 16 bits and full rank.
// Log α layout, one leaf "blora_gates" [9 + r − 1]: (g4, g8, g16) of A, of B, of E, then rank gates.
// finish() reads the gates off and keeps only integer codes and one float32 step per tensor.
// Ranges are fixed at creation (what the first forward would see), so a resumed run rebuilds them
// exactly. A tensor that starts at zero (B under a zero start or from a QLoRA base, whose B is 0)
// would otherwise take a range of about one learning rate after the first step and stay clipped
// to it; it gets the Kaiming-uniform bound 1/√fan_in instead, the scale LoRA draws A with.
#include <array>
#include <cmath>
#include <torch/nn/functional.h>

#include "model/adapters/adapter_kinds.h"
#include "model/adapters/adapter_math.h"

namespace apiq {
namespace {

constexpr double kBeta = 2.0 / 3.0, kZeta = 1.1, kGamma = -0.1, kOffThreshold = 0.34, kInitLogAlpha = 6.0;
constexpr double kDivisor[4] = {1, 5, 17, 257};   // s_b = s_{b−1} / divisor
constexpr double kDigitMax[4] = {1, 2, 8, 128};  // |digit| at 2, 4, 8, 16 bits
constexpr int kBitGates = 9;                     // (g4, g8, g16) for A, B, E, then the rank gates
const char* const kNames[3] = {"A", "B", "E"};

double shift() { return kBeta * std::log(-kGamma / kZeta); }  // β·ln(−γ/ζ)

torch::Tensor deterministic_gates(const torch::Tensor& log_alpha) {
  return (torch::sigmoid(shift() - log_alpha) < kOffThreshold).to(torch::kFloat);
}

torch::Tensor sampled_gates(const torch::Tensor& log_alpha) {
  // u away from 0 and 1 keeps the logit finite; a gate that far out is clamped to 0 or 1 anyway.
  const auto options = torch::TensorOptions().device(log_alpha.device());
  const auto u = torch::rand(log_alpha.sizes(), options).clamp(1e-6, 1 - 1e-6);
  const auto s = torch::sigmoid((u.log() - (1 - u).log() + log_alpha) / kBeta);
  return (s * (kZeta - kGamma) + kGamma).clamp(0.0, 1.0);
}

std::array<double, 4> steps_of(double range) {
  std::array<double, 4> st{2.0 * range / 3.0, 0, 0, 0};
  for (int b = 1; b < 4; ++b) st[b] = st[b - 1] / kDivisor[b];
  return st;
}

// The digits c2, c4, c8, c16 of x (float64, detached) on the grid of `range` > 0.
std::array<torch::Tensor, 4> digits_of(const torch::Tensor& x, double range) {
  const auto st = steps_of(range);
  auto rest = x.detach().to(torch::kDouble).clamp(-range, range);
  std::array<torch::Tensor, 4> c;
  for (int b = 0; b < 4; ++b) {
    c[b] = torch::round(rest / st[b]).clamp(-kDigitMax[b], kDigitMax[b]);
    rest = rest - c[b] * st[b];
  }
  return c;
}

// x_q with gates g = (g4, g8, g16); straight-through in x.
torch::Tensor quantize(const torch::Tensor& x, double range, const torch::Tensor& g) {
  if (range <= 0) return x;
  const auto c = digits_of(x, range);
  const auto st = steps_of(range);
  const auto gd = g.to(torch::kDouble);
  auto q = c[3] * st[3] * gd[2];
  q = (c[2] * st[2] + q) * gd[1];
  q = (c[1] * st[1] + q) * gd[0];
  q = c[0] * st[0] + q;
  return q.to(x.scalar_type()) + (x - x.detach());  // value q, gradient 1 to x
}

// The integer code at `level` open refinements (0: 2 bits … 3: 16 bits) and its step.
std::pair<torch::Tensor, double> codes_of(const torch::Tensor& x, double range, int level) {
  const auto dtype = level == 3 ? torch::kInt16 : torch::kInt8;
  if (range <= 0) return {torch::zeros(x.sizes(), dtype), 0.0};
  const auto c = digits_of(x, range);
  auto code = c[0];
  for (int b = 1; b <= level; ++b) code = code * kDivisor[b] + c[b];
  return {code.to(torch::kCPU, dtype), steps_of(range)[level]};
}

int level_to_bits(int level) { return 2 << level; }  // 2^(1 + g4 + g4g8 + g4g8g16)

// Nested rank gates p [r − 1] → the mask [1, p1, p1p2, …] on E.
torch::Tensor rank_mask(const torch::Tensor& p) {
  return torch::cat({torch::ones({1}, p.options()), torch::cumprod(p, 0)});
}

struct ReadOff {
  int64_t rank = 0;
  std::array<int, 3> level{};  // open refinements per tensor (A, B, E)
};

ReadOff read_off(const torch::Tensor& log_alpha) {
  const auto g = deterministic_gates(log_alpha.detach()).cpu();
  const auto ga = g.accessor<float, 1>();
  ReadOff r;
  for (int t = 0; t < 3; ++t)
    while (r.level[t] < 3 && ga[3 * t + r.level[t]] > 0.5f) ++r.level[t];  // a closed gate closes the rest
  r.rank = 1;
  while (kBitGates + r.rank - 1 < g.size(0) && ga[kBitGates + r.rank - 1] > 0.5f) ++r.rank;
  return r;
}

// What finish() keeps: integer codes and one step per tensor.
struct Finished {
  ReadOff off;
  std::array<torch::Tensor, 3> codes;  // A [rank, in], B [out, rank], E [rank]; int8 or int16, CPU
  torch::Tensor scales;                // [3] float32, CPU
};

int64_t trainable_count(int64_t r, int64_t in, int64_t out) { return r * (in + out + 1) + kBitGates + r - 1; }

class BloraAdapter final : public Adapter {
 public:
  BloraAdapter(std::array<torch::Tensor, 3> w, torch::Tensor gates, std::array<double, 3> range, double scaling,
               double lambda)
      : w_(std::move(w)), gates_(std::move(gates)), range_(range), s_(scaling), lambda_(lambda) {
    r_ = w_[0].size(0), in_ = w_[0].size(1), out_ = w_[1].size(0);
  }
  BloraAdapter(Finished f, int64_t r, const AdapterShape& shape, double scaling, torch::Device device)
      : s_(scaling), r_(r), in_(shape.in), out_(shape.out) {
    set_finished(std::move(f), device);
  }
  const char* kind() const override { return "blora"; }

  torch::Tensor apply(const torch::Tensor& x) const override {
    namespace F = torch::nn::functional;
    const auto [A, B, E] = effective(training_ && torch::GradMode::is_enabled());
    const auto h = F::linear(x, A.to(x.scalar_type())) * E.to(x.scalar_type());
    return F::linear(h, B.to(x.scalar_type())) * s_;
  }
  // Always with the deterministic gates: the ΔW that finish() keeps.
  torch::Tensor delta() const override {
    const auto [A, B, E] = effective(false);
    return (B * E.unsqueeze(0)).matmul(A).mul(s_).to(torch::kFloat);
  }
  std::vector<torch::Tensor> parameters() const override {
    if (!training_) return {};  // read off: nothing is left to train
    return {w_[0], w_[1], w_[2], gates_};
  }
  std::vector<torch::Tensor> gate_parameters() const override {
    if (!training_) return {};
    return {gates_};
  }
  torch::Tensor penalty() const override;
  void finish() override;
  AdapterTensors tensors() const override;
  nlohmann::json describe() const override;

 private:
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> effective(bool sample) const;
  void ensure_ranges() const;
  void set_finished(Finished f, torch::Device device);

  std::array<torch::Tensor, 3> w_;         // A, B, E while training
  torch::Tensor gates_;                    // log α [9 + r − 1] while training, laid out as kBitGates says
  mutable std::array<double, 3> range_{};  // R per tensor; 0: not yet taken
  Finished fin_;
  std::array<torch::Tensor, 3> fixed_;  // fin_'s values, float32 on the device
  bool training_ = true;
  double s_ = 0, lambda_ = 0;
  int64_t r_ = 0, in_ = 0, out_ = 0;
};

void BloraAdapter::ensure_ranges() const {
  for (int t = 0; t < 3; ++t) {
    if (range_[t] > 0) continue;
    // max|x| of a float32 tensor is a float32 number, so the stored float32 range loses nothing.
    const double m = w_[t].detach().abs().max().item<double>();
    if (m > 0 && std::isfinite(m)) range_[t] = m;
  }
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> BloraAdapter::effective(bool sample) const {
  if (!training_) return {fixed_[0], fixed_[1], fixed_[2]};
  ensure_ranges();
  const auto g = sample ? sampled_gates(gates_) : deterministic_gates(gates_.detach());
  const auto A = quantize(w_[0], range_[0], g.slice(0, 0, 3));
  const auto B = quantize(w_[1], range_[1], g.slice(0, 3, 6));
  const auto E = quantize(w_[2], range_[2], g.slice(0, 6, 9)) * rank_mask(g.slice(0, kBitGates));
  return {A, B, E};
}

// λ·(expected number of open bit gates of A, B and E, each behind the ones below it, plus the mean
// open probability of the rank gates). The original also weights E's bit gates by the rank gates'
// probabilities; we keep the two terms apart as our specification states them.
torch::Tensor BloraAdapter::penalty() const {
  if (!training_ || lambda_ == 0) return {};
  const auto q = torch::sigmoid(gates_ - shift());  // P(gate open)
  auto total = torch::zeros({}, q.options());
  for (int t = 0; t < 3; ++t) {
    const auto q4 = q[3 * t], q8 = q[3 * t + 1], q16 = q[3 * t + 2];
    total = total + q4 + q4 * q8 + q4 * q8 * q16;
  }
  if (r_ > 1) total = total + q.slice(0, kBitGates).sum() / static_cast<double>(r_ - 1);
  return total * lambda_;
}

void BloraAdapter::finish() {
  if (!training_) return;
  torch::NoGradGuard no_grad;
  ensure_ranges();
  Finished f;
  f.off = read_off(gates_);
  const int64_t k = f.off.rank;
  const std::array<torch::Tensor, 3> kept = {w_[0].narrow(0, 0, k), w_[1].narrow(1, 0, k), w_[2].narrow(0, 0, k)};
  std::vector<float> scales(3);
  for (int t = 0; t < 3; ++t) {
    double step = 0;
    std::tie(f.codes[t], step) = codes_of(kept[t], range_[t], f.off.level[t]);
    scales[t] = static_cast<float>(step);
  }
  f.scales = torch::tensor(scales, torch::kFloat);
  const auto device = w_[0].device();
  w_ = {};
  gates_ = torch::Tensor();
  set_finished(std::move(f), device);
}

void BloraAdapter::set_finished(Finished f, torch::Device device) {
  fin_ = std::move(f);
  for (int t = 0; t < 3; ++t) fixed_[t] = (fin_.codes[t].to(torch::kFloat) * fin_.scales[t]).to(device);
  training_ = false;
}

// Before finish(): blora_A, blora_B, blora_E, blora_gates (log α) and blora_range [3] (0: not yet
// taken), enough to go on training. After: blora_{A,B,E}_codes (int8 up to 8 bits, int16 at 16),
// blora_scales [3] (float32 step per tensor, value = code·step) and blora_readoff int32
// (rank, bits A, bits B, bits E).
AdapterTensors BloraAdapter::tensors() const {
  if (training_) {
    const std::vector<float> range(range_.begin(), range_.end());
    return {{"blora_A", w_[0].detach().cpu()},
            {"blora_B", w_[1].detach().cpu()},
            {"blora_E", w_[2].detach().cpu()},
            {"blora_gates", gates_.detach().cpu()},
            {"blora_range", torch::tensor(range, torch::kFloat)}};
  }
  const std::vector<int32_t> off = {static_cast<int32_t>(fin_.off.rank), level_to_bits(fin_.off.level[0]),
                                    level_to_bits(fin_.off.level[1]), level_to_bits(fin_.off.level[2])};
  return {{"blora_A_codes", fin_.codes[0]}, {"blora_B_codes", fin_.codes[1]},
          {"blora_E_codes", fin_.codes[2]}, {"blora_scales", fin_.scales.clone()},
          {"blora_readoff", torch::tensor(off, torch::kInt)}};
}

nlohmann::json BloraAdapter::describe() const {
  const ReadOff off = training_ ? read_off(gates_) : fin_.off;  // before finish: what it would keep now
  const int64_t k = off.rank;
  const int64_t bA = level_to_bits(off.level[0]), bB = level_to_bits(off.level[1]), bE = level_to_bits(off.level[2]);
  const int64_t memory = k * (in_ * bA + out_ * bB) + k * bE;
  // Bit operations per token as Bayesian Bits counts them (MACs × weight bits × activation bits),
  // MACs k·in (A), k (E), k·out (B), activations at 16 bits. The paper's own formula is not
  // published, so this is our reading; memory_bits is the other figure it could mean.
  constexpr int64_t kActivationBits = 16;
  const int64_t full = r_ * (in_ + out_ + 1);
  return {{"rank", k},
          {"bits", {{"A", bA}, {"B", bB}, {"E", bE}}},
          {"finished", !training_},
          {"trainable", trainable_count(r_, in_, out_)},
          {"stored_bits", stored_bits_of(tensors())},
          {"memory_bits", memory},
          {"bit_ops", memory * kActivationBits},
          {"activation_bits", kActivationBits},
          {"rank_full", r_},
          {"memory_bits_full", full * 32},
          {"bit_ops_full", full * 32 * kActivationBits}};
}

torch::Tensor fetch(const AdapterLookup& get, const std::string& suffix, const std::vector<int64_t>& shape) {
  return stored_tensor(get, suffix, shape);
}

// Finite, not negative floats (ranges and steps) as float32.
torch::Tensor fetch_nonnegative(const AdapterLookup& get, const std::string& suffix, int64_t n) {
  const auto t = fetch(get, suffix, {n});
  if (!t.is_floating_point() || !torch::isfinite(t).all().item<bool>() || (t < 0).any().item<bool>())
    throw std::invalid_argument("adapter tensor '" + suffix + "' must hold finite, non-negative floats");
  return t.to(torch::kFloat);
}

Finished load_finished(const AdapterShape& shape, int64_t r, const AdapterLookup& get) {
  const auto off = fetch(get, "blora_readoff", {4});
  if (torch::isFloatingType(off.scalar_type()))
    throw std::invalid_argument("adapter tensor 'blora_readoff' must hold integers");
  const auto v = off.to(torch::kLong);
  Finished f;
  f.off.rank = v[0].item<int64_t>();
  if (f.off.rank < 1 || f.off.rank > r)
    throw std::invalid_argument("adapter tensor 'blora_readoff' gives rank " + std::to_string(f.off.rank) +
                                ", expected 1 to " + std::to_string(r));
  const int64_t k = f.off.rank;
  const std::array<std::vector<int64_t>, 3> shapes = {{{k, shape.in}, {shape.out, k}, {k}}};
  for (int t = 0; t < 3; ++t) {
    const int64_t bits = v[1 + t].item<int64_t>();
    int level = 0;
    while (level < 4 && level_to_bits(level) != bits) ++level;
    if (level == 4)
      throw std::invalid_argument("adapter tensor 'blora_readoff' gives " + std::to_string(bits) +
                                  " bits (2, 4, 8 or 16)");
    f.off.level[t] = level;
    const std::string name = std::string("blora_") + kNames[t] + "_codes";
    const auto c = fetch(get, name, shapes[t]);
    const int64_t limit = (int64_t{1} << (bits - 1)) - 1;
    if (torch::isFloatingType(c.scalar_type()) || (c.numel() && c.to(torch::kLong).abs().max().item<int64_t>() > limit))
      throw std::invalid_argument("adapter tensor '" + name + "' must hold integers within ±" + std::to_string(limit));
    f.codes[t] = c.to(level == 3 ? torch::kInt16 : torch::kInt8);
  }
  f.scales = fetch_nonnegative(get, "blora_scales", 3);
  return f;
}

class BloraKind final : public AdapterKind {
 public:
  const char* name() const override { return "blora"; }
  const char* summary() const override {
    return "Bayesian-LoRA: s·B·diag(E)·A with learned gates choosing 2/4/8/16 bits per factor and the rank";
  }
  std::string problem(const AdapterShape& s, const AdapterOptions& o) const override {
    (void)s;
    return o.rank < 1 ? "Bayesian-LoRA needs a rank of at least 1" : "";
  }
  int64_t trainable(const AdapterShape& s, const AdapterOptions& o) const override {
    return trainable_count(o.rank, s.in, s.out);
  }
  std::unique_ptr<Adapter> create(const AdapterShape& shape, const AdapterOptions& o, const LoraAdapter& base,
                                  torch::Device device) const override {
    const int64_t r = o.rank;
    const double s = o.alpha / static_cast<double>(r);
    torch::Tensor A, B;
    if (o.fit_base && base.defined()) {
      if (base.A.size(0) == r) {  // the same factors, B rescaled so that s·B·A is the base's ΔW
        A = base.A.detach();
        B = base.B.detach() * (base.scaling / s);
      } else {  // another rank: the best rank-r factors of the same ΔW
        std::tie(B, A) = fit_factors(base.delta().detach() / s, r);
      }
    } else {
      A = kaiming_rows(r, shape.in);
      B = torch::zeros({shape.out, r});
    }
    std::array<torch::Tensor, 3> w = {trainable_leaf(A, device), trainable_leaf(B, device),
                                      trainable_leaf(torch::ones({r}), device)};
    const std::array<int64_t, 3> fan_in = {shape.in, r, 1};
    std::array<double, 3> range{};
    for (int t = 0; t < 3; ++t) {
      const double m = w[t].detach().abs().max().item<double>();
      range[t] = m > 0 ? static_cast<double>(static_cast<float>(m)) : 1.0 / std::sqrt(static_cast<double>(fan_in[t]));
    }
    auto gates = trainable_leaf(torch::full({kBitGates + r - 1}, kInitLogAlpha), device);
    return std::make_unique<BloraAdapter>(std::move(w), std::move(gates), range, s, o.gate_lambda);
  }
  std::unique_ptr<Adapter> load(const AdapterShape& shape, const AdapterOptions& o, const AdapterLookup& get,
                                torch::Device device) const override {
    const int64_t r = o.rank;
    const double s = o.alpha / static_cast<double>(r);
    if (get("blora_A_codes").defined())
      return std::make_unique<BloraAdapter>(load_finished(shape, r, get), r, shape, s, device);
    std::array<torch::Tensor, 3> w = {stored_leaf(get, "blora_A", {r, shape.in}, device),
                                      stored_leaf(get, "blora_B", {shape.out, r}, device),
                                      stored_leaf(get, "blora_E", {r}, device)};
    auto gates = stored_leaf(get, "blora_gates", {kBitGates + r - 1}, device);
    const auto R = fetch_nonnegative(get, "blora_range", 3);
    const std::array<double, 3> range = {R[0].item<double>(), R[1].item<double>(), R[2].item<double>()};
    return std::make_unique<BloraAdapter>(std::move(w), std::move(gates), range, s, o.gate_lambda);
  }
};

}  // namespace

const AdapterKind& blora_adapter_kind() {
  static const BloraKind k;
  return k;
}

}  // namespace apiq
