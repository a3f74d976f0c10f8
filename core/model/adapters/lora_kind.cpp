// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA (Hu et al.): ΔW = s·B·A, A [r, in], B [out, r], s = α / r — the adapter the quantization
// methods write, behind the adapter interface so finetune treats every kind alike.
#include "model/adapters/adapter_kinds.h"

#include "model/adapters/adapter_math.h"

namespace apiq {
namespace {

class LoraAdapterImpl final : public Adapter {
 public:
  explicit LoraAdapterImpl(LoraAdapter l) : l_(std::move(l)) {}
  const char* kind() const override { return "lora"; }
  torch::Tensor apply(const torch::Tensor& x) const override { return l_.apply(x); }
  torch::Tensor delta() const override { return l_.delta().to(torch::kFloat); }
  std::vector<torch::Tensor> parameters() const override { return {l_.A, l_.B}; }
  AdapterTensors tensors() const override {
    return {{"lora_A", l_.A.detach().cpu()}, {"lora_B", l_.B.detach().cpu()}};
  }
  nlohmann::json describe() const override {
    return {{"rank", l_.A.size(0)}, {"trainable", l_.A.numel() + l_.B.numel()}, {"stored_bits", stored_bits_of(tensors())}};
  }

 private:
  LoraAdapter l_;
};

class LoraKind final : public AdapterKind {
 public:
  const char* name() const override { return "lora"; }
  const char* summary() const override { return "LoRA: ΔW = s·B·A at rank r"; }
  std::string problem(const AdapterShape& s, const AdapterOptions& o) const override {
    (void)s;
    return o.rank < 1 ? "LoRA needs a rank of at least 1" : "";
  }
  int64_t trainable(const AdapterShape& s, const AdapterOptions& o) const override { return o.rank * (s.in + s.out); }

  std::unique_ptr<Adapter> create(const AdapterShape& s, const AdapterOptions& o, const LoraAdapter& base,
                                  torch::Device device) const override {
    LoraAdapter l;
    l.scaling = o.alpha / static_cast<double>(o.rank);
    if (o.fit_base && base.defined()) {
      if (base.A.size(0) == o.rank && base.scaling == l.scaling) {
        l.A = base.A;
        l.B = base.B;
      } else {  // another rank or scaling: the best rank-r factors of the same ΔW
        auto [B, A] = fit_factors(base.delta() / l.scaling, o.rank);
        l.A = A;
        l.B = B;
      }
    } else {
      l.A = kaiming_rows(o.rank, s.in);
      l.B = torch::zeros({s.out, o.rank});
    }
    l.A = trainable_leaf(l.A, device);
    l.B = trainable_leaf(l.B, device);
    return std::make_unique<LoraAdapterImpl>(std::move(l));
  }

  std::unique_ptr<Adapter> load(const AdapterShape& s, const AdapterOptions& o, const AdapterLookup& get,
                                torch::Device device) const override {
    LoraAdapter l;
    l.A = stored_leaf(get, "lora_A", {o.rank, s.in}, device);
    l.B = stored_leaf(get, "lora_B", {s.out, o.rank}, device);
    l.scaling = o.alpha / static_cast<double>(o.rank);
    return std::make_unique<LoraAdapterImpl>(std::move(l));
  }
};

}  // namespace

const AdapterKind& lora_adapter_kind() {
  static const LoraKind k;
  return k;
}

}  // namespace apiq
