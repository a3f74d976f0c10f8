// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiq/block_calibrator.h"

#include <ATen/autocast_mode.h>

namespace apiq {

torch::Tensor batch_slice(const torch::Tensor& t, int64_t begin, int64_t count, torch::Device device) {
  return t.narrow(0, begin, count).to(device, torch::kFloat);
}


AutocastScope::AutocastScope(bool on) : on_(on) {
  if (!on_) return;
  prev_ = at::autocast::is_autocast_enabled(at::kCUDA);
  at::autocast::set_autocast_enabled(at::kCUDA, true);
  at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!on_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_autocast_enabled(at::kCUDA, prev_);
}

torch::ScalarType cache_dtype(const CalibrationOptions& o, torch::Device device) {
  return device.is_cuda() && o.mixed_precision ? torch::kBFloat16 : torch::kFloat;
}

torch::Tensor run_block(const BlockContext& ctx, const QuantBlockLinears& qb, const BlockLinears& linears,
                        const torch::Tensor& x) {
  AutocastScope autocast(ctx.device.is_cuda() && ctx.opts.mixed_precision);
  auto xd = x.to(ctx.device, torch::kFloat);
  const auto T = xd.size(1);
  return decoder_block_forward(ctx.cfg, qb.attn_norm, qb.mlp_norm, linears, xd, ctx.cos.narrow(0, 0, T),
                               ctx.sin.narrow(0, 0, T));
}

QuantBlockLinears init_block(const BlockContext& ctx, const BlockWeights& weights) {
  const auto& o = ctx.opts;
  QuantBlockLinears qb;
  qb.attn_norm = weights.attn_norm.to(ctx.device, torch::kFloat);
  qb.mlp_norm = weights.mlp_norm.to(ctx.device, torch::kFloat);
  const bool apiq = o.method == Method::ApiqLw || o.method == Method::ApiqBw;
  QuantizerOptions qo = o.quant;
  qo.learnable_clipping = apiq && qo.format == QuantizerOptions::Format::Int && qo.learnable_clipping;
  for (LinearKind k : kAllLinears) {
    QuantLinear& l = qb.at(k);
    const auto& src = weights.linear(k);
    l.W = src.weight.to(ctx.device, torch::kFloat);
    if (src.bias.defined()) l.bias = src.bias.to(ctx.device, torch::kFloat);
    if (!o.is_target(k)) continue;  // stays Dense: W as is, no quantizer, no LoRA
    l.quantizer = GroupQuantizer(qo, l.W.size(0), l.W.size(1), ctx.device);
    if (o.method != Method::Rtn) l.lora = LoraAdapter::init_default(l.W.size(0), l.W.size(1), o.lora, ctx.device);
    l.state = QuantLinear::State::Training;
    if (o.method == Method::Loftq) loftq_init(l, o.loftq_iters);
  }
  return qb;
}

void loftq_init(QuantLinear& l, int iters) {
  torch::NoGradGuard ng;
  const double s = l.lora.scaling;
  const int64_t r = l.lora.A.size(0);
  auto residual_target = l.W;  // what Ŵ should approximate: W − s·BA
  for (int t = 0; t < iters; ++t) {
    l.quant_source = residual_target;  // the last Q is taken before the last SVD
    auto q = (l.quantizer.opts.format == QuantizerOptions::Format::NF)
                 ? nf_fake_quant(residual_target, l.quantizer.opts.bits, l.quantizer.opts.nf_block_size)
                 : l.quantizer.fake_quant(residual_target);
    auto [U, S, Vh] = torch::linalg_svd(l.W - q, /*full_matrices=*/false);
    const int64_t k = std::min<int64_t>(r, S.size(0));
    auto sq = S.narrow(0, 0, k).sqrt();
    auto B = torch::zeros_like(l.lora.B);
    auto A = torch::zeros_like(l.lora.A);
    B.narrow(1, 0, k).copy_(U.narrow(1, 0, k) * sq.unsqueeze(0) / s);
    A.narrow(0, 0, k).copy_(sq.unsqueeze(1) * Vh.narrow(0, 0, k));
    l.lora.A = A;
    l.lora.B = B;
    residual_target = l.W - l.lora.delta();
  }
}

}  // namespace apiq
