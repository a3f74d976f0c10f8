// SPDX-License-Identifier: GPL-3.0-or-later
// Q-BaRA (Shen et al., arXiv 2407.17029): the input averaged in pairs, A [2r, in/2], B [out/2, 2r],
// every output repeated twice: Δ(x) = s·repeat₂(B·A·pool₂(x)), s = α / r. Rank 2r on the
// parameters of a rank-r LoRA. ΔW is constant on 2 × 2 tiles: ΔW = expand₂ₓ₂(s·B·A / 2).
// Starting from a base LoRA ΔW₀: the nearest tile-constant matrix is the 2 × 2 tile mean T (a
// Frobenius projection), and because expanding scales every norm by the same factor the best
// rank-2r M = B·A with s·M/2 = T is T's truncated SVD (Eckart–Young): M = 2T/s at rank 2r.
#include "model/adapters/adapter_kinds.h"

#include <torch/nn/functional.h>
#include "model/adapters/adapter_math.h"

namespace apiq {
namespace {

class QbaraAdapter final : public Adapter {
 public:
  QbaraAdapter(torch::Tensor A, torch::Tensor B, double scaling) : A_(std::move(A)), B_(std::move(B)), s_(scaling) {}
  const char* kind() const override { return "qbara"; }
  torch::Tensor apply(const torch::Tensor& x) const override {
    namespace F = torch::nn::functional;
    const auto h = F::linear(F::linear(pool_inputs(x, 2), A_.to(x.scalar_type())), B_.to(x.scalar_type()));
    return repeat_outputs(h, 2) * s_;
  }
  torch::Tensor delta() const override { return expand_tiles(B_.matmul(A_) * (s_ / 2.0), 2, 2).to(torch::kFloat); }
  std::vector<torch::Tensor> parameters() const override { return {A_, B_}; }
  AdapterTensors tensors() const override { return {{"qbara_A", A_.detach().cpu()}, {"qbara_B", B_.detach().cpu()}}; }
  nlohmann::json describe() const override {
    return {{"rank", A_.size(0)}, {"trainable", A_.numel() + B_.numel()}, {"stored_bits", stored_bits_of(tensors())}};
  }

 private:
  torch::Tensor A_, B_;
  double s_;
};

class QbaraKind final : public AdapterKind {
 public:
  const char* name() const override { return "qbara"; }
  const char* summary() const override {
    return "Q-BaRA: inputs averaged in pairs, outputs repeated; rank 2r on the parameters of LoRA rank r";
  }
  std::string problem(const AdapterShape& s, const AdapterOptions& o) const override {
    if (o.rank < 1) return "Q-BaRA needs a rank of at least 1";
    if (s.in % 2 || s.out % 2)
      return "Q-BaRA pairs inputs and outputs, but the layer is " + std::to_string(s.out) + " × " + std::to_string(s.in);
    return "";
  }
  int64_t trainable(const AdapterShape& s, const AdapterOptions& o) const override {
    return 2 * o.rank * (s.in / 2 + s.out / 2);
  }
  std::unique_ptr<Adapter> create(const AdapterShape& s, const AdapterOptions& o, const LoraAdapter& base,
                                  torch::Device device) const override {
    const double scaling = o.alpha / static_cast<double>(o.rank);
    torch::Tensor A, B;
    if (o.fit_base && base.defined()) {
      const auto T = tile_mean(base.delta().detach().to(torch::kCPU, torch::kDouble), 2, 2);
      std::tie(B, A) = fit_factors(T * (2.0 / scaling), 2 * o.rank);
    } else {
      A = kaiming_rows(2 * o.rank, s.in / 2);
      B = torch::zeros({s.out / 2, 2 * o.rank});
    }
    return std::make_unique<QbaraAdapter>(trainable_leaf(A, device), trainable_leaf(B, device), scaling);
  }
  std::unique_ptr<Adapter> load(const AdapterShape& s, const AdapterOptions& o, const AdapterLookup& get,
                                torch::Device device) const override {
    return std::make_unique<QbaraAdapter>(stored_leaf(get, "qbara_A", {2 * o.rank, s.in / 2}, device),
                                          stored_leaf(get, "qbara_B", {s.out / 2, 2 * o.rank}, device),
                                          o.alpha / static_cast<double>(o.rank));
  }
};

}  // namespace

const AdapterKind& qbara_adapter_kind() {
  static const QbaraKind k;
  return k;
}

}  // namespace apiq
