// SPDX-License-Identifier: GPL-3.0-or-later
// Tensor-level wrappers of the fused decode-step kernels (kernels/decode_step.cu): batch 1, one
// new position, the position a device int64 so that a CUDA graph replays the same launches.
// CUDA only; decode_step_kernels_support() says where they apply (the caller falls back to the
// composed ops elsewhere).
#pragma once
#include <torch/types.h>

namespace apiq {

// fp16/bf16 on a CUDA build with a device, head_dim even and ≤ 256, heads a multiple of
// kv_heads, and the attention scores of `capacity` positions within 48 KiB of shared memory.
bool decode_step_kernels_support(torch::ScalarType dtype, int64_t heads, int64_t kv_heads, int64_t head_dim,
                                 int64_t capacity);

// qkv [(heads + 2·kv_heads)·head_dim] (one token's q, k, v, contiguous): rotates q and k at
// position pos ([1] int64; cos, sin [capacity, head_dim]), writes k and v into the caches
// ([1, kv_heads, capacity, head_dim]) at pos and returns q [heads, head_dim].
torch::Tensor rope_kv_write_kernel(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                                   const torch::Tensor& pos, const torch::Tensor& k_cache,
                                   const torch::Tensor& v_cache, int64_t heads);

// softmax(scale · q Kᵀ) V over cache positions 0..pos for q [heads, head_dim]; returns [heads·head_dim].
torch::Tensor decode_attention_kernel(const torch::Tensor& q, const torch::Tensor& k_cache,
                                      const torch::Tensor& v_cache, const torch::Tensor& pos, double scale);

// rope_kv_write_kernel and decode_attention_kernel in one launch (the fused decode's default): the
// same attention output [heads·head_dim] and cache writes, bit for bit.
torch::Tensor rope_attention_kernel(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                                    const torch::Tensor& pos, const torch::Tensor& k_cache,
                                    const torch::Tensor& v_cache, int64_t heads, double scale);

// [..., 2·inter] (gate, then up) -> [..., inter] = silu(gate)·up.
torch::Tensor silu_mul_kernel(const torch::Tensor& gate_up);

}  // namespace apiq
