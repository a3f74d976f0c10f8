// SPDX-License-Identifier: GPL-3.0-or-later
// QA-HiRA (Shen et al., arXiv 2407.17029): one matrix M [⌈out/λ2⌉, ⌈in/λ1⌉], the input averaged
// over runs of λ1, every output repeated λ2 times: Δ(x) = s·repeat_λ2(M·pool_λ1(x)). We take
// s = λ1, so ΔW[o, i] = M[o/λ2, i/λ1]: M holds ΔW's value on each λ2 × λ1 tile (the paper's code
// uses LoRA's α/r there; with s = λ1 the learning rate acts on ΔW as it would on a dense update).
// So Δ(x) is M times the sums of x over the tiles. Sizes that the pools do not divide end in a
// shorter last tile, as the quantizer's last group does (a 172-wide FFN at group 32). With λ1 a
// multiple of the quantization group, ΔW is constant inside every (row, group) cell and folds
// exactly into the group zero points (apiq merge). From a base LoRA ΔW₀ the nearest such matrix is
// the tile mean.
#include "model/adapters/adapter_kinds.h"

#include <torch/nn/functional.h>
#include "model/adapters/adapter_math.h"

namespace apiq {
namespace {

int64_t in_pool_of(const AdapterShape& s, const AdapterOptions& o) { return o.in_pool > 0 ? o.in_pool : s.group_size; }
int64_t tiles(int64_t n, int64_t pool) { return (n + pool - 1) / pool; }

// x [..., in] → [..., ⌈in/k⌉]: the sum of each run of k inputs (the last run may be shorter).
torch::Tensor tile_sums(const torch::Tensor& x, int64_t k) {
  const int64_t in = x.size(-1), pad = tiles(in, k) * k - in;
  auto sizes = x.sizes().vec();
  sizes.back() = tiles(in, k);
  sizes.push_back(k);
  return torch::constant_pad_nd(x, {0, pad}).reshape(sizes).sum(-1);
}

// w [out, in] → [⌈out/ro⌉, ⌈in/ci⌉]: the mean of each tile (shorter edge tiles included).
torch::Tensor ragged_tile_mean(const torch::Tensor& w, int64_t ro, int64_t ci) {
  const int64_t R = tiles(w.size(0), ro), C = tiles(w.size(1), ci);
  const auto padded = torch::constant_pad_nd(w, {0, C * ci - w.size(1), 0, R * ro - w.size(0)});
  const auto ones = torch::constant_pad_nd(torch::ones_like(w), {0, C * ci - w.size(1), 0, R * ro - w.size(0)});
  return tile_mean(padded, ro, ci) / tile_mean(ones, ro, ci);
}

class QahiraAdapter final : public Adapter {
 public:
  QahiraAdapter(torch::Tensor M, int64_t out, int64_t in, int64_t in_pool, int64_t out_pool)
      : M_(std::move(M)), out_(out), in_(in), l1_(in_pool), l2_(out_pool) {}
  const char* kind() const override { return "qahira"; }
  torch::Tensor apply(const torch::Tensor& x) const override {
    namespace F = torch::nn::functional;
    return repeat_outputs(F::linear(tile_sums(x, l1_), M_.to(x.scalar_type())), l2_).narrow(-1, 0, out_);
  }
  torch::Tensor delta() const override {
    return expand_tiles(M_, l2_, l1_).narrow(0, 0, out_).narrow(1, 0, in_).to(torch::kFloat);
  }
  std::vector<torch::Tensor> parameters() const override { return {M_}; }
  torch::Tensor group_delta(int64_t group) const override {
    if (group <= 0 || l1_ % group) return {};
    return expand_tiles(M_.detach(), l2_, l1_ / group).narrow(0, 0, out_).narrow(1, 0, tiles(in_, group)).to(torch::kFloat);
  }
  AdapterTensors tensors() const override { return {{"qahira_M", M_.detach().cpu()}}; }
  nlohmann::json describe() const override {
    return {{"in_pool", l1_}, {"out_pool", l2_}, {"trainable", M_.numel()}, {"stored_bits", stored_bits_of(tensors())}};
  }

 private:
  torch::Tensor M_;
  int64_t out_, in_, l1_, l2_;
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
    if (l1 > s.in || o.out_pool > s.out)
      return "QA-HiRA pools " + std::to_string(o.out_pool) + " × " + std::to_string(l1) + " exceed the layer's " +
             std::to_string(s.out) + " × " + std::to_string(s.in);
    return "";
  }
  int64_t trainable(const AdapterShape& s, const AdapterOptions& o) const override {
    return tiles(s.out, o.out_pool) * tiles(s.in, in_pool_of(s, o));
  }
  std::unique_ptr<Adapter> create(const AdapterShape& s, const AdapterOptions& o, const LoraAdapter& base,
                                  torch::Device device) const override {
    const int64_t l1 = in_pool_of(s, o);
    torch::Tensor M = o.fit_base && base.defined()
                          ? ragged_tile_mean(base.delta().detach().to(torch::kCPU, torch::kFloat), o.out_pool, l1)
                          : torch::zeros({tiles(s.out, o.out_pool), tiles(s.in, l1)});
    return std::make_unique<QahiraAdapter>(trainable_leaf(M, device), s.out, s.in, l1, o.out_pool);
  }
  std::unique_ptr<Adapter> load(const AdapterShape& s, const AdapterOptions& o, const AdapterLookup& get,
                                torch::Device device) const override {
    const int64_t l1 = in_pool_of(s, o);
    return std::make_unique<QahiraAdapter>(
        stored_leaf(get, "qahira_M", {tiles(s.out, o.out_pool), tiles(s.in, l1)}, device), s.out, s.in, l1, o.out_pool);
  }
};

}  // namespace

const AdapterKind& qahira_adapter_kind() {
  static const QahiraKind k;
  return k;
}

}  // namespace apiq
