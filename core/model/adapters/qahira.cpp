// SPDX-License-Identifier: GPL-3.0-or-later
// QA-HiRA (Shen et al., arXiv 2407.17029): one matrix M [out/λ2, in/λ1], the input averaged over
// runs of λ1, every output repeated λ2 times: Δ(x) = s·repeat_λ2(M·pool_λ1(x)). We take s = λ1, so
// ΔW[o, i] = M[o/λ2, i/λ1]: M holds ΔW's value on each λ2 × λ1 tile (the paper's code uses LoRA's
// α/r there; with s = λ1 the learning rate acts on ΔW as it would on a dense update). With λ1 a
// multiple of the quantization group, ΔW is constant inside every (row, group) cell and folds
// exactly into the group offsets (apiq merge). From a base LoRA ΔW₀ the nearest such matrix is the
// tile mean.
#include "model/adapters/adapter_kinds.h"
#include "model/adapters/adapter_math.h"

namespace apiq {
namespace {

int64_t in_pool_of(const AdapterShape& s, const AdapterOptions& o) { return o.in_pool > 0 ? o.in_pool : s.group_size; }

class QahiraAdapter final : public Adapter {
 public:
  QahiraAdapter(torch::Tensor M, int64_t in_pool, int64_t out_pool) : M_(std::move(M)), l1_(in_pool), l2_(out_pool) {}
  const char* kind() const override { return "qahira"; }
  torch::Tensor apply(const torch::Tensor& x) const override {
    namespace F = torch::nn::functional;
    return repeat_outputs(F::linear(pool_inputs(x, l1_), M_.to(x.scalar_type())), l2_) * static_cast<double>(l1_);
  }
  torch::Tensor delta() const override { return expand_tiles(M_, l2_, l1_).to(torch::kFloat); }
  std::vector<torch::Tensor> parameters() const override { return {M_}; }
  torch::Tensor group_delta(int64_t group) const override {
    if (group <= 0 || l1_ % group) return {};
    return expand_tiles(M_.detach(), l2_, l1_ / group).to(torch::kFloat);
  }
  AdapterTensors tensors() const override { return {{"qahira_M", M_.detach().cpu()}}; }
  nlohmann::json describe() const override {
    return {{"in_pool", l1_}, {"out_pool", l2_}, {"trainable", M_.numel()}, {"stored_bits", stored_bits_of(tensors())}};
  }

 private:
  torch::Tensor M_;
  int64_t l1_, l2_;
};

class QahiraKind final : public AdapterKind {
 public:
  const char* name() const override { return "qahira"; }
  const char* summary() const override {
    return "QA-HiRA: one matrix on inputs pooled per quantization group; merges into the 2-bit model";
  }
  bool mergeable() const override { return true; }
  std::string problem(const AdapterShape& s, const AdapterOptions& o) const override {
    const int64_t l1 = in_pool_of(s, o);
    if (l1 < 1) return "QA-HiRA needs an input pool (the layer is not group-quantized: give --hira-in-pool)";
    if (s.in % l1)
      return "QA-HiRA input pool " + std::to_string(l1) + " does not divide the layer's " + std::to_string(s.in) + " inputs";
    if (s.out % o.out_pool)
      return "QA-HiRA output pool " + std::to_string(o.out_pool) + " does not divide the layer's " +
             std::to_string(s.out) + " outputs";
    return "";
  }
  int64_t trainable(const AdapterShape& s, const AdapterOptions& o) const override {
    return (s.out / o.out_pool) * (s.in / in_pool_of(s, o));
  }
  std::unique_ptr<Adapter> create(const AdapterShape& s, const AdapterOptions& o, const LoraAdapter& base,
                                  torch::Device device) const override {
    const int64_t l1 = in_pool_of(s, o);
    torch::Tensor M = o.fit_base && base.defined() ? tile_mean(base.delta().detach().to(torch::kCPU), o.out_pool, l1)
                                                   : torch::zeros({s.out / o.out_pool, s.in / l1});
    return std::make_unique<QahiraAdapter>(trainable_leaf(M, device), l1, o.out_pool);
  }
  std::unique_ptr<Adapter> load(const AdapterShape& s, const AdapterOptions& o, const AdapterLookup& get,
                                torch::Device device) const override {
    const int64_t l1 = in_pool_of(s, o);
    return std::make_unique<QahiraAdapter>(stored_leaf(get, "qahira_M", {s.out / o.out_pool, s.in / l1}, device), l1,
                                           o.out_pool);
  }
};

}  // namespace

const AdapterKind& qahira_adapter_kind() {
  static const QahiraKind k;
  return k;
}

}  // namespace apiq
