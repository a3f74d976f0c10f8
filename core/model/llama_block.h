// SPDX-License-Identifier: GPL-3.0-or-later
// One Llama decoder block as plain functions over tensors: RMSNorm, rotary embedding,
// grouped-query attention with a causal mask, SwiGLU MLP. The linears are pluggable
// (dense here; quantized + LoRA in the methods), so calibration can run a block alone.
#pragma once
#include <torch/types.h>

#include <array>
#include <optional>

#include "io/config.h"
#include "io/tensor_names.h"
#include "model/lora.h"
#include "ops/packed_layout.h"
#include "ops/rms_norm.h"
#include "ops/train_ops.h"  // apply_rotary

namespace apiq {

struct LinearWeights {
  torch::Tensor weight;  // [out, in]
  torch::Tensor bias;    // [out] or undefined
};

// A block's norm weights in NormKind order: before attention, before the MLP, and qwen3's
// per-head q / k norms (undefined where the architecture has none).
// `t` on `device` as `dtype`. Leaving the host it crosses in its own dtype and is converted on the
// device: a blocking to(device, dtype) converts on the host first (one CPU pass, and the wider copy
// crosses the bus; ~0.2 s a 7B block in bf16 -> float32).
torch::Tensor to_device_as(const torch::Tensor& t, torch::Device device, torch::ScalarType dtype);

struct BlockNorms {
  std::array<torch::Tensor, kNumNorms> w;

  torch::Tensor& operator[](NormKind n) { return w[static_cast<int>(n)]; }
  const torch::Tensor& operator[](NormKind n) const { return w[static_cast<int>(n)]; }
  BlockNorms to(torch::Device device, torch::ScalarType dtype) const;  // undefined ones stay undefined
};

struct BlockWeights {
  BlockNorms norms;
  std::array<LinearWeights, kNumLinears> linears;

  LinearWeights& linear(LinearKind k) { return linears[static_cast<int>(k)]; }
  const LinearWeights& linear(LinearKind k) const { return linears[static_cast<int>(k)]; }
  BlockWeights to(torch::Device device, torch::ScalarType dtype) const;
};

// A linear that is exactly a packed product plus, optionally, a plain LoRA term (no bias, no
// other adapter): what a fused decode step may run in its own kernels.
struct PackedProduct {
  const PackedLinear* packed = nullptr;
  const LoraAdapter* lora = nullptr;  // null, or defined factors
};

// How a block applies its seven linears.
class BlockLinears {
 public:
  virtual ~BlockLinears() = default;
  virtual torch::Tensor apply(LinearKind k, const torch::Tensor& x) const = 0;
  // Linear k as a packed product where it is one; nullopt otherwise (dense, training, adapters).
  virtual std::optional<PackedProduct> packed_product(LinearKind) const { return std::nullopt; }
};

class DenseLinears final : public BlockLinears {
 public:
  explicit DenseLinears(const BlockWeights& w) : w_(w) {}
  torch::Tensor apply(LinearKind k, const torch::Tensor& x) const override;

 private:
  const BlockWeights& w_;
};

// Precomputed inverse frequencies, with default, linear or llama3 scaling.
struct RotaryEmbedding {
  torch::Tensor inv_freq;  // [head_dim / 2], float64, CPU

  static RotaryEmbedding make(const LlamaConfig& cfg);
  // cos and sin for positions [pos0, pos0 + len): each [len, head_dim], computed in float32
  // and returned in `dtype` on `device`.
  std::pair<torch::Tensor, torch::Tensor> cos_sin(int64_t pos0, int64_t len, torch::Device device,
                                                  torch::ScalarType dtype) const;
};

// Keys and values of earlier positions of one block, [B, kv_heads, T, head_dim].
struct KVEntry {
  torch::Tensor k, v;
  int64_t length() const { return k.defined() ? k.size(2) : 0; }
};

// x: [B, T, hidden]. `cos`/`sin` cover the T new positions. With a cache the new keys and
// values are appended and attention sees all earlier positions.
torch::Tensor decoder_block_forward(const LlamaConfig& cfg, const BlockNorms& norms, const BlockLinears& linears,
                                    const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                                    KVEntry* cache = nullptr);

// A key/value cache of fixed capacity whose write position lives on the device, so that a decode
// step has the same shapes and host work every time and can be captured in a CUDA graph.
struct StaticKV {
  torch::Tensor k, v;  // [B, kv_heads, capacity, head_dim]
};
// One decode step of a block: x [B, 1, hidden]; the new key and value go to position `pos`
// (device int64 [1]); attention sees the positions where `key_mask` ([capacity] bool) is true.
torch::Tensor decoder_block_step(const LlamaConfig& cfg, const BlockNorms& norms, const BlockLinears& linears,
                                 const torch::Tensor& x,
                                 const torch::Tensor& cos, const torch::Tensor& sin, StaticKV& kv,
                                 const torch::Tensor& pos, const torch::Tensor& key_mask);

}  // namespace apiq
