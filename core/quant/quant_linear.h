// SPDX-License-Identifier: GPL-3.0-or-later
// One linear of a model being quantized: the frozen full-precision W, its quantizer (γ, β for
// learnable clipping), its LoRA factors, and once finalized its packed codes. A block of seven
// of them plugs into decoder_block_forward through QuantBlockLinears.
#pragma once
#include <torch/types.h>

#include <array>
#include <memory>
#include <optional>

#include "quant/group_quantizer.h"
#include "model/llama_block.h"
#include "model/adapter.h"
#include "model/lora.h"
#include "quant/nf_double_quant.h"
#include "quant/nf_quantizer.h"
#include "quant/packing.h"

namespace apiq {

struct QuantLinear {
  enum class State { Dense, Training, Final };
  State state = State::Dense;
  torch::Tensor W;     // [out, in] full precision (kept while calibrating, for targets and metrics)
  torch::Tensor bias;  // [out] or undefined
  torch::Tensor quant_source;  // what the quantizer sees when not W itself (LoftQ: W − sBA)
  GroupQuantizer quantizer;
  LoraAdapter lora;                  // what calibration trains and checkpoints store as .lora_A/.lora_B
  std::shared_ptr<Adapter> adapter;  // finetuning's adapter (any kind); when set it replaces `lora`
  std::optional<PackedLinear> packed;  // int format, after finalize()
  std::optional<NFCodes> nf;           // nf format, after finalize() (absmax: the scales as dequantized)
  std::optional<NFDoubleQuantized> nf_double;  // and its double-quantized scales where configured
  torch::Tensor w_hat;                 // dequantized Ŵ after finalize() (the model's device, float32)

  const torch::Tensor& source() const { return quant_source.defined() ? quant_source : W; }
  int64_t out() const { return W.defined() ? W.size(0) : w_hat.defined() ? w_hat.size(0) : packed.value().out; }
  int64_t in() const { return W.defined() ? W.size(1) : w_hat.defined() ? w_hat.size(1) : packed.value().in; }
  // Final, with only the packed codes in memory (no Ŵ): products go through packed_matmul.
  bool packed_only() const { return state == State::Final && !w_hat.defined() && packed.has_value(); }
  // The quantizer's fake-quantized `target` (NF or int groups as configured): what Ŵ becomes when
  // `target` is the quantization source. Initialisations that search over sources (LoftQ, LQ-LoRA) call it.
  torch::Tensor fake_quant(const torch::Tensor& target) const;
  // Ŵ as the forward uses it: fake-quantized from W, γ, β while training; the stored codes after.
  torch::Tensor current_weight_hat() const;
  // Fixes the codes from the current γ, β (or NF), packs them and caches Ŵ.
  void finalize();
  // x (Ŵ + s·BA)ᵀ + bias, with Ŵ given (so a block computes each Ŵ once per step).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& weight_hat) const;
  std::vector<torch::Tensor> clip_parameters() const { return quantizer.parameters(); }
  // y + the adapter's (or LoRA's) contribution for input x.
  torch::Tensor add_adapter(const torch::Tensor& y, const torch::Tensor& x) const;
};

// The seven linears of one block. Each step, prepare() computes every Ŵ once (packed-only linears
// have none: they multiply through packed_matmul, Ŵ rebuilt per product and never kept).
class QuantBlockLinears final : public BlockLinears {
 public:
  std::array<QuantLinear, kNumLinears> linears;
  BlockNorms norms;

  QuantLinear& at(LinearKind k) { return linears[static_cast<int>(k)]; }
  const QuantLinear& at(LinearKind k) const { return linears[static_cast<int>(k)]; }
  void prepare() const;
  torch::Tensor apply(LinearKind k, const torch::Tensor& x) const override;
  std::optional<PackedProduct> packed_product(LinearKind k) const override;
  std::vector<torch::Tensor> clip_parameters() const;
  std::vector<torch::Tensor> lora_parameters() const;

 private:
  mutable std::array<torch::Tensor, kNumLinears> w_hat_;
};

// Records the input each linear sees, around another BlockLinears (calibration captures
// all linears' inputs of a block with one block forward).
class RecordingLinears final : public BlockLinears {
 public:
  explicit RecordingLinears(const BlockLinears& inner) : inner_(inner) {}
  torch::Tensor apply(LinearKind k, const torch::Tensor& x) const override;
  mutable std::array<torch::Tensor, kNumLinears> inputs;

 private:
  const BlockLinears& inner_;
};

}  // namespace apiq
