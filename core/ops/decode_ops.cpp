// SPDX-License-Identifier: GPL-3.0-or-later
#include "ops/decode_ops.h"

#include <torch/types.h>

#include "ops/cuda_ops.h"

#ifdef APIQ_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>

#include "ops/kernel_dispatch.h"
#endif

namespace apiq {

#ifdef APIQ_WITH_CUDA
namespace {

// The caches as the kernels index them: [1, kv_heads, capacity, head_dim], contiguous, like q.
void check_caches(const torch::Tensor& x, const torch::Tensor& k_cache, const torch::Tensor& v_cache,
                  const torch::Tensor& pos, const char* what) {
  TORCH_CHECK(x.is_cuda() && k_cache.is_cuda() && v_cache.is_cuda() && pos.is_cuda(), what, " needs CUDA tensors");
  TORCH_CHECK(k_cache.dim() == 4 && k_cache.size(0) == 1 && k_cache.sizes() == v_cache.sizes() &&
                  k_cache.is_contiguous() && v_cache.is_contiguous(),
              what, ": caches must be contiguous [1, kv_heads, capacity, head_dim] tensors of one shape");
  TORCH_CHECK(k_cache.scalar_type() == x.scalar_type() && v_cache.scalar_type() == x.scalar_type(), what,
              ": caches and activations differ in dtype");
  TORCH_CHECK(pos.scalar_type() == torch::kLong && pos.numel() == 1, what, ": the position must be one int64");
}

// One token's fused projection and the rotation tables, as the rotating kernels read them.
void check_rope_inputs(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                       const torch::Tensor& pos, const torch::Tensor& k_cache, const torch::Tensor& v_cache,
                       int64_t heads, const char* what) {
  check_caches(qkv, k_cache, v_cache, pos, what);
  const int64_t kv_heads = k_cache.size(1), capacity = k_cache.size(2), D = k_cache.size(3);
  TORCH_CHECK(qkv.is_contiguous() && qkv.numel() == (heads + 2 * kv_heads) * D, what,
              ": qkv must be one contiguous token of (heads + 2·kv_heads)·head_dim values");
  TORCH_CHECK(cos.sizes() == sin.sizes() && cos.dim() == 2 && cos.size(0) == capacity && cos.size(1) == D &&
                  cos.is_contiguous() && sin.is_contiguous() && cos.scalar_type() == qkv.scalar_type() &&
                  sin.scalar_type() == qkv.scalar_type() && cos.device() == qkv.device(),
              what, ": cos and sin must be contiguous [capacity, head_dim] tables in the activations' dtype");
}

}  // namespace

bool decode_step_kernels_support(torch::ScalarType dtype, int64_t heads, int64_t kv_heads, int64_t head_dim,
                                 int64_t capacity) {
  if (!cuda_kernels_available() || (dtype != torch::kHalf && dtype != torch::kBFloat16)) return false;
  return kernels::decode_step_supported(detail::elem_type(dtype, "decode step"), heads, kv_heads, head_dim, capacity);
}

torch::Tensor rope_kv_write_kernel(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                                   const torch::Tensor& pos, const torch::Tensor& k_cache,
                                   const torch::Tensor& v_cache, int64_t heads) {
  check_rope_inputs(qkv, cos, sin, pos, k_cache, v_cache, heads, "rope_kv_write_kernel");
  const int64_t kv_heads = k_cache.size(1), capacity = k_cache.size(2), D = k_cache.size(3);
  auto q = torch::empty({heads, D}, qkv.options());
  c10::cuda::CUDAGuard guard(qkv.device());
  detail::check_launch(kernels::launch_rope_kv_write(qkv.data_ptr(), cos.data_ptr(), sin.data_ptr(),
                                                     pos.data_ptr<int64_t>(), q.data_ptr(), k_cache.data_ptr(),
                                                     v_cache.data_ptr(), heads, kv_heads, D, capacity,
                                                     detail::elem_type(qkv.scalar_type(), "rope_kv_write"),
                                                     detail::current_stream(), gemv_overlap_enabled()),
                       "rope_kv_write");
  return q;
}

torch::Tensor decode_attention_kernel(const torch::Tensor& q, const torch::Tensor& k_cache,
                                      const torch::Tensor& v_cache, const torch::Tensor& pos, double scale) {
  check_caches(q, k_cache, v_cache, pos, "decode_attention_kernel");
  const int64_t kv_heads = k_cache.size(1), capacity = k_cache.size(2), D = k_cache.size(3);
  TORCH_CHECK(q.is_contiguous() && q.numel() % D == 0, "decode_attention_kernel: q must be contiguous [heads, head_dim]");
  const int64_t heads = q.numel() / D;
  auto out = torch::empty({heads * D}, q.options());
  c10::cuda::CUDAGuard guard(q.device());
  detail::check_launch(kernels::launch_decode_attention(q.data_ptr(), k_cache.data_ptr(), v_cache.data_ptr(),
                                                        pos.data_ptr<int64_t>(), out.data_ptr(), heads, kv_heads, D,
                                                        capacity, static_cast<float>(scale),
                                                        detail::elem_type(q.scalar_type(), "decode_attention"),
                                                        detail::current_stream(), gemv_overlap_enabled()),
                       "decode_attention");
  return out;
}

torch::Tensor rope_attention_kernel(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                                    const torch::Tensor& pos, const torch::Tensor& k_cache,
                                    const torch::Tensor& v_cache, int64_t heads, double scale) {
  check_rope_inputs(qkv, cos, sin, pos, k_cache, v_cache, heads, "rope_attention_kernel");
  const int64_t kv_heads = k_cache.size(1), capacity = k_cache.size(2), D = k_cache.size(3);
  auto out = torch::empty({heads * D}, qkv.options());
  c10::cuda::CUDAGuard guard(qkv.device());
  detail::check_launch(kernels::launch_rope_attention(qkv.data_ptr(), cos.data_ptr(), sin.data_ptr(),
                                                      pos.data_ptr<int64_t>(), k_cache.data_ptr(), v_cache.data_ptr(),
                                                      out.data_ptr(), heads, kv_heads, D, capacity,
                                                      static_cast<float>(scale),
                                                      detail::elem_type(qkv.scalar_type(), "rope_attention"),
                                                      detail::current_stream(), gemv_overlap_enabled()),
                       "rope_attention");
  return out;
}

torch::Tensor silu_mul_kernel(const torch::Tensor& gate_up) {
  TORCH_CHECK(gate_up.is_cuda() && gate_up.size(-1) % 2 == 0, "silu_mul_kernel: needs a CUDA tensor of even width");
  auto x = gate_up.contiguous();
  const int64_t inter = x.size(-1) / 2, rows = x.numel() / std::max<int64_t>(x.size(-1), 1);
  auto sizes = x.sizes().vec();
  sizes.back() = inter;
  auto out = torch::empty(sizes, x.options());
  c10::cuda::CUDAGuard guard(x.device());
  detail::check_launch(kernels::launch_silu_mul(x.data_ptr(), out.data_ptr(), rows, inter,
                                                detail::elem_type(x.scalar_type(), "silu_mul"), detail::current_stream()),
                       "silu_mul");
  return out;
}

#else  // no CUDA kernels in this build

bool decode_step_kernels_support(torch::ScalarType, int64_t, int64_t, int64_t, int64_t) { return false; }
namespace {
[[noreturn]] void no_kernels() { TORCH_CHECK(false, "this build has no CUDA kernels (APIQ_WITH_CUDA=OFF)"); }
}  // namespace
torch::Tensor rope_kv_write_kernel(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                   const torch::Tensor&, const torch::Tensor&, const torch::Tensor&, int64_t) {
  no_kernels();
}
torch::Tensor decode_attention_kernel(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                      const torch::Tensor&, double) {
  no_kernels();
}
torch::Tensor rope_attention_kernel(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&,
                                    const torch::Tensor&, const torch::Tensor&, const torch::Tensor&, int64_t, double) {
  no_kernels();
}
torch::Tensor silu_mul_kernel(const torch::Tensor&) { no_kernels(); }

#endif

}  // namespace apiq
