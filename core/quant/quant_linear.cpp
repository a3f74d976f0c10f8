// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/quant_linear.h"

#include <ATen/autocast_mode.h>
#include <torch/nn/functional.h>

#include "quant/packed_matmul.h"

namespace apiq {
namespace F = torch::nn::functional;

torch::Tensor QuantLinear::fake_quant(const torch::Tensor& target) const {
  return quantizer.fake_quant(target);
}

torch::Tensor QuantLinear::current_weight_hat() const {
  switch (state) {
    case State::Dense: return W;
    case State::Final: return w_hat;
    case State::Training: return fake_quant(source());
  }
  return W;
}

void QuantLinear::finalize() {
  torch::NoGradGuard ng;
  const auto device = W.device();
  const QuantizerOptions& q = quantizer.opts;
  if (q.nf_double_quant()) {
    nf_double = nf_double_quantize(source().to(torch::kFloat), nf_double_quant_config(q));
    nf = NFCodes{nf_double->codes, nf_double_quant_scales(*nf_double), q.bits, q.nf_block_size};
    w_hat = nf_dequantize(*nf).to(device);
  } else if (q.format == QuantizerOptions::Format::NF) {
    nf = nf_quantize(source().to(torch::kFloat), q.bits, q.nf_block_size);
    w_hat = nf_dequantize(*nf).to(device);
  } else {
    packed = pack(quantizer.quantize(source().to(torch::kFloat)));
    w_hat = dequantize(*packed).to(device);
  }
  state = State::Final;
}

torch::Tensor QuantLinear::forward(const torch::Tensor& x, const torch::Tensor& weight_hat) const {
  // Under CUDA autocast the matmul casts both operands itself; casting Ŵ to x's float32 first
  // would only add two passes over the weight.
  const bool autocast = x.is_cuda() && at::autocast::is_autocast_enabled(at::kCUDA);
  auto y = F::linear(x, autocast ? weight_hat : weight_hat.to(x.scalar_type()), bias.defined() ? bias.to(x.scalar_type()) : torch::Tensor());
  return state == State::Dense ? y : add_adapter(y, x);
}

torch::Tensor QuantLinear::add_adapter(const torch::Tensor& y, const torch::Tensor& x) const {
  if (adapter) return y + adapter->apply(x);
  return lora.defined() ? lora.add_to(y, x) : y;
}

void QuantBlockLinears::prepare() const {
  for (int i = 0; i < kNumLinears; ++i) w_hat_[i] = linears[i].current_weight_hat();
}

torch::Tensor QuantBlockLinears::apply(LinearKind k, const torch::Tensor& x) const {
  const int i = static_cast<int>(k);
  const QuantLinear& l = linears[i];
  if (l.packed_only()) {
    auto y = packed_matmul(x, *l.packed);
    if (l.bias.defined()) y = y + l.bias.to(y.scalar_type());
    return l.add_adapter(y, x);
  }
  if (!w_hat_[i].defined()) prepare();
  return linears[i].forward(x, w_hat_[i]);
}

std::optional<PackedProduct> QuantBlockLinears::packed_product(LinearKind k) const {
  const QuantLinear& l = at(k);
  if (!l.packed_only() || l.bias.defined() || l.adapter) return std::nullopt;
  return PackedProduct{&*l.packed, l.lora.defined() ? &l.lora : nullptr};
}

std::vector<torch::Tensor> QuantBlockLinears::clip_parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& l : linears)
    if (l.state == QuantLinear::State::Training)
      for (const auto& p : l.clip_parameters()) out.push_back(p);
  return out;
}

std::vector<torch::Tensor> QuantBlockLinears::lora_parameters() const {
  std::vector<torch::Tensor> out;
  for (const auto& l : linears)
    if (l.state == QuantLinear::State::Training && l.lora.defined()) {
      out.push_back(l.lora.A);
      out.push_back(l.lora.B);
    }
  return out;
}

torch::Tensor RecordingLinears::apply(LinearKind k, const torch::Tensor& x) const {
  inputs[static_cast<int>(k)] = x.detach();
  return inner_.apply(k, x);
}

}  // namespace apiq
