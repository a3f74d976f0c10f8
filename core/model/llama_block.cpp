// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/llama_block.h"

#include <cmath>
#include <torch/nn/functional.h>

#include "ops/cuda_ops.h"

namespace apiq {
namespace F = torch::nn::functional;

torch::Tensor to_device_as(const torch::Tensor& t, torch::Device device, torch::ScalarType dtype) {
  if (t.device().is_cpu() && !device.is_cpu()) return t.to(device).to(dtype);
  return t.to(device, dtype);
}

BlockNorms BlockNorms::to(torch::Device device, torch::ScalarType dtype) const {
  BlockNorms out;
  for (int i = 0; i < kNumNorms; ++i)
    if (w[i].defined()) out.w[i] = to_device_as(w[i], device, dtype);
  return out;
}

BlockWeights BlockWeights::to(torch::Device device, torch::ScalarType dtype) const {
  BlockWeights out;
  out.norms = norms.to(device, dtype);
  for (int i = 0; i < kNumLinears; ++i) {
    out.linears[i].weight = to_device_as(linears[i].weight, device, dtype);
    if (linears[i].bias.defined()) out.linears[i].bias = to_device_as(linears[i].bias, device, dtype);
  }
  return out;
}

torch::Tensor DenseLinears::apply(LinearKind k, const torch::Tensor& x) const {
  const auto& l = w_.linear(k);
  return F::linear(x, l.weight, l.bias);
}

RotaryEmbedding RotaryEmbedding::make(const LlamaConfig& cfg) {
  const int64_t d = cfg.head_dim;
  // Kept in float64; cos_sin works in float32 like the reference model unless float64 is asked for.
  auto idx = torch::arange(0, d, 2, torch::kInt64).to(torch::kDouble) / static_cast<double>(d);
  auto inv = 1.0 / torch::pow(torch::tensor(cfg.rope_theta, torch::kDouble), idx);
  const auto& rs = cfg.rope_scaling;
  if (rs.type == "linear") {
    inv = inv / rs.factor;
  } else if (rs.type == "llama3") {
    // Long wavelengths are divided by the factor, short ones kept, the band between blended.
    const double old_len = static_cast<double>(rs.original_max_position_embeddings);
    const double low_wavelen = old_len / rs.low_freq_factor;
    const double high_wavelen = old_len / rs.high_freq_factor;
    auto wavelen = 2.0 * M_PI / inv;
    auto scaled = torch::where(wavelen > low_wavelen, inv / rs.factor, inv);
    auto smooth = (old_len / wavelen - rs.low_freq_factor) / (rs.high_freq_factor - rs.low_freq_factor);
    auto blended = (1.0 - smooth) * scaled / rs.factor + smooth * scaled;
    auto medium = (wavelen >= high_wavelen).logical_and(wavelen <= low_wavelen);
    inv = torch::where(medium, blended, scaled);
  }
  return RotaryEmbedding{inv};
}

std::pair<torch::Tensor, torch::Tensor> RotaryEmbedding::cos_sin(int64_t pos0, int64_t len, torch::Device device,
                                                                 torch::ScalarType dtype) const {
  const auto work = dtype == torch::kDouble ? torch::kDouble : torch::kFloat;
  auto pos = torch::arange(pos0, pos0 + len, torch::kInt64).to(work);
  auto freqs = torch::outer(pos, inv_freq.to(work));  // [len, d/2]
  auto emb = torch::cat({freqs, freqs}, -1).to(device);  // [len, d]
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

namespace {

struct Attention {
  torch::Tensor q, k, v;  // [B, heads, T, head_dim], rotated
};

// [B, T, heads·D] → [B, T, heads, D], with the per-head RMSNorm where the block has one.
torch::Tensor split_heads(const torch::Tensor& y, int64_t heads, int64_t D, const torch::Tensor& head_norm,
                          double eps) {
  auto h = y.view({y.size(0), y.size(1), heads, D});
  return head_norm.defined() ? rms_norm_dispatch(h, head_norm, eps) : h;
}

Attention project_qkv(const LlamaConfig& cfg, const BlockNorms& norms, const BlockLinears& linears,
                      const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const int64_t H = cfg.num_attention_heads, KVH = cfg.num_key_value_heads, D = cfg.head_dim;
  const double eps = cfg.rms_norm_eps;
  auto h = rms_norm_dispatch(x, norms[NormKind::Attn], eps);
  auto q = split_heads(linears.apply(LinearKind::Q, h), H, D, norms[NormKind::Q], eps);
  auto k = split_heads(linears.apply(LinearKind::K, h), KVH, D, norms[NormKind::K], eps);
  auto v = split_heads(linears.apply(LinearKind::V, h), KVH, D, torch::Tensor(), eps);
  return {rotate_heads(q, cos, sin), rotate_heads(k, cos, sin), v.transpose(1, 2)};
}

// Attention over (keys, values), then o_proj, the residual and the MLP.
torch::Tensor finish_block(const LlamaConfig& cfg, const torch::Tensor& mlp_norm, const BlockLinears& linears,
                           const torch::Tensor& x, const torch::Tensor& q, const torch::Tensor& keys,
                           const torch::Tensor& values, const std::optional<torch::Tensor>& mask, bool causal) {
  const int64_t B = x.size(0), T = x.size(1);
  const int64_t H = cfg.num_attention_heads, KVH = cfg.num_key_value_heads, D = cfg.head_dim;
  const double scale = 1.0 / std::sqrt(static_cast<double>(D));
  auto attn = at::scaled_dot_product_attention(q, keys, values, mask, 0.0, causal, scale, /*enable_gqa=*/H != KVH);
  attn = attn.transpose(1, 2).reshape({B, T, H * D});
  auto out = x + linears.apply(LinearKind::O, attn);

  auto m = rms_norm_dispatch(out, mlp_norm, cfg.rms_norm_eps);
  auto act = silu_mul_dispatch(linears.apply(LinearKind::Gate, m), linears.apply(LinearKind::Up, m));
  return out + linears.apply(LinearKind::Down, act);
}

}  // namespace

torch::Tensor decoder_block_forward(const LlamaConfig& cfg, const BlockNorms& norms, const BlockLinears& linears,
                                    const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                    KVEntry* cache) {
  const int64_t T = x.size(1);
  auto [q, k, v] = project_qkv(cfg, norms, linears, x, cos, sin);
  int64_t past = 0;
  if (cache) {
    past = cache->length();
    if (past) {
      k = torch::cat({cache->k, k}, 2);
      v = torch::cat({cache->v, v}, 2);
    }
    cache->k = k;
    cache->v = v;
  }
  std::optional<torch::Tensor> mask;
  bool causal = true;
  if (past > 0) {
    causal = false;
    if (T > 1) {
      // New query t may see keys up to past + t.
      auto qi = torch::arange(T, torch::TensorOptions().device(x.device())).unsqueeze(1) + past;
      auto ki = torch::arange(past + T, torch::TensorOptions().device(x.device())).unsqueeze(0);
      mask = ki <= qi;
    }
  }
  return finish_block(cfg, norms[NormKind::Mlp], linears, x, q, k, v, mask, causal);
}

torch::Tensor decoder_block_step(const LlamaConfig& cfg, const BlockNorms& norms, const BlockLinears& linears,
                                 const torch::Tensor& x,
                                 const torch::Tensor& cos, const torch::Tensor& sin, StaticKV& kv,
                                 const torch::Tensor& pos, const torch::Tensor& key_mask) {
  TORCH_CHECK(x.size(1) == 1, "decoder_block_step takes one new position");
  auto [q, k, v] = project_qkv(cfg, norms, linears, x, cos, sin);
  kv.k.index_copy_(2, pos, k);
  kv.v.index_copy_(2, pos, v);
  return finish_block(cfg, norms[NormKind::Mlp], linears, x, q, kv.k, kv.v, key_mask.view({1, 1, 1, -1}), false);
}

}  // namespace apiq
