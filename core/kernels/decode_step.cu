// SPDX-License-Identifier: GPL-3.0-or-later
// The small kernels of a fused batch-1 decode step: the rotary embedding with the key/value cache
// write, one query position's attention over the cache, and SiLU(gate)·up. Each replaces a chain of
// LibTorch ops (narrow, neg, cat, two products and a sum per rotation; index_copy; a masked
// attention; silu and mul). Replayed from a CUDA graph, a kernel costs a few microseconds whatever
// it does, so at batch 1 the number of kernels per token, not their arithmetic, sets the token time.
// All arithmetic in float32, one rounding to the activations' type at the end.
#include <algorithm>
#include <cstdint>

#include "device_types.cuh"

namespace apiq::kernels {
namespace {

constexpr int kRopeThreads = 128;
constexpr int kAttnWarps = 8;
constexpr int kMaxHeadDim = 256;  // a lane keeps head_dim / 32 accumulators

// One block per head slot of the fused projection: q heads, then k heads, then v heads. q and k
// are rotated (x·cos + rotate_half(x)·sin at position *pos); q goes to q_out, k and v to the caches
// [kv_heads, capacity, head_dim] at *pos.
template <typename T>
__global__ void __launch_bounds__(kRopeThreads)
    rope_kv_kernel(const T* __restrict__ qkv, const T* __restrict__ cos, const T* __restrict__ sin,
                   const int64_t* __restrict__ pos_p, T* __restrict__ q_out, T* __restrict__ k_cache,
                   T* __restrict__ v_cache, int heads, int kv_heads, int D, int capacity) {
  pdl_release_next();
  pdl_wait_previous();  // qkv is the previous kernel's output
  const int slot = static_cast<int>(blockIdx.x);
  const int64_t pos = *pos_p;
  if (pos < 0 || pos >= capacity) return;  // the host checks; never write outside the cache
  const T* src = qkv + static_cast<int64_t>(slot) * D;
  const int half = D / 2;
  const bool rotate = slot < heads + kv_heads;
  for (int d = static_cast<int>(threadIdx.x); d < D; d += kRopeThreads) {
    float v = to_f(src[d]);
    if (rotate) {
      const float other = d < half ? -to_f(src[d + half]) : to_f(src[d - half]);
      v = fmaf(v, to_f(cos[pos * D + d]), other * to_f(sin[pos * D + d]));
    }
    if (slot < heads) {
      q_out[static_cast<int64_t>(slot) * D + d] = from_f<T>(v);
    } else {
      const bool is_k = rotate;
      const int kvh = slot - heads - (is_k ? 0 : kv_heads);
      T* cache = is_k ? k_cache : v_cache;
      cache[(static_cast<int64_t>(kvh) * capacity + pos) * D + d] = from_f<T>(v);
    }
  }
}

// Sum (or max) over the block; every thread gets the result. `red` holds kAttnWarps floats.
template <bool MAX>
__device__ float block_reduce(float v, float* red) {
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  v = MAX ? warp_max(v) : warp_sum(v);
  __syncthreads();  // red may still be read by an earlier reduction
  if (lane == 0) red[warp] = v;
  __syncthreads();
  float r = red[0];
  for (int w = 1; w < kAttnWarps; ++w) r = MAX ? fmaxf(r, red[w]) : r + red[w];
  return r;
}

// One block per query head: scores against keys 0..*pos of its kv head, softmax, weighted values.
// Shared memory: q·scale [D], scores [capacity], per-warp partial outputs [warps][D], reduction [warps].
template <typename T>
__global__ void __launch_bounds__(kAttnWarps * 32)
    decode_attention_kernel(const T* __restrict__ q, const T* __restrict__ k_cache, const T* __restrict__ v_cache,
                            const int64_t* __restrict__ pos_p, T* __restrict__ out, int heads, int kv_heads, int D,
                            int capacity, float scale) {
  // The next kernel (o_proj) may start requesting its weights while this one runs.
  pdl_release_next();
  pdl_wait_previous();
  extern __shared__ float smem[];
  float* qs = smem;
  float* scores = qs + D;
  float* part = scores + capacity;
  float* red = part + kAttnWarps * D;
  const int h = static_cast<int>(blockIdx.x), kvh = h / (heads / kv_heads);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const int64_t pos = *pos_p;
  const int n = static_cast<int>(pos < capacity ? pos + 1 : capacity);
  for (int d = static_cast<int>(threadIdx.x); d < D; d += kAttnWarps * 32)
    qs[d] = to_f(q[static_cast<int64_t>(h) * D + d]) * scale;
  __syncthreads();
  const T* K = k_cache + static_cast<int64_t>(kvh) * capacity * D;
  const T* V = v_cache + static_cast<int64_t>(kvh) * capacity * D;
  for (int j = warp; j < n; j += kAttnWarps) {
    float a = 0.f;
    for (int d = lane; d < D; d += 32) a = fmaf(qs[d], to_f(K[static_cast<int64_t>(j) * D + d]), a);
    a = warp_sum(a);
    if (lane == 0) scores[j] = a;
  }
  __syncthreads();
  float m = -INFINITY;
  for (int j = static_cast<int>(threadIdx.x); j < n; j += kAttnWarps * 32) m = fmaxf(m, scores[j]);
  m = block_reduce<true>(m, red);
  float s = 0.f;
  for (int j = static_cast<int>(threadIdx.x); j < n; j += kAttnWarps * 32) {
    const float e = __expf(scores[j] - m);
    scores[j] = e;
    s += e;
  }
  s = block_reduce<false>(s, red);  // its barriers also publish the exponentials
  float acc[kMaxHeadDim / 32] = {};
  for (int j = warp; j < n; j += kAttnWarps) {
    const float p = scores[j];
#pragma unroll
    for (int i = 0; i < kMaxHeadDim / 32; ++i) {
      const int d = lane + 32 * i;
      if (d < D) acc[i] = fmaf(p, to_f(V[static_cast<int64_t>(j) * D + d]), acc[i]);
    }
  }
#pragma unroll
  for (int i = 0; i < kMaxHeadDim / 32; ++i) {
    const int d = lane + 32 * i;
    if (d < D) part[warp * D + d] = acc[i];
  }
  __syncthreads();
  const float inv = 1.f / s;
  for (int d = static_cast<int>(threadIdx.x); d < D; d += kAttnWarps * 32) {
    float v = 0.f;
    for (int w = 0; w < kAttnWarps; ++w) v += part[w * D + d];
    out[static_cast<int64_t>(h) * D + d] = from_f<T>(v * inv);
  }
}

// gu [rows, 2·inter] (gate, then up) -> out [rows, inter] = silu(gate)·up.
template <typename T>
__global__ void silu_mul_kernel(const T* __restrict__ gu, T* __restrict__ out, int64_t rows, int64_t inter) {
  const int64_t n = rows * inter;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t r = i / inter, c = i - r * inter;
    const float g = to_f(gu[r * 2 * inter + c]), u = to_f(gu[r * 2 * inter + inter + c]);
    out[i] = from_f<T>(silu_times(g, u));
  }
}

size_t attention_smem(int64_t head_dim, int64_t capacity) {
  return sizeof(float) * static_cast<size_t>(head_dim + capacity + kAttnWarps * head_dim + kAttnWarps);
}

}  // namespace

bool decode_step_supported(ElemType type, int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t capacity) {
  return type != ElemType::F32 && heads >= 1 && kv_heads >= 1 && heads % kv_heads == 0 && head_dim >= 2 &&
         head_dim % 2 == 0 && head_dim <= kMaxHeadDim && capacity >= 1 && capacity < (int64_t{1} << 30) &&
         attention_smem(head_dim, capacity) <= 48 * 1024;
}

int launch_rope_kv_write(const void* qkv, const void* cos, const void* sin, const int64_t* pos, void* q_out,
                         void* k_cache, void* v_cache, int64_t heads, int64_t kv_heads, int64_t head_dim,
                         int64_t capacity, ElemType type, void* stream, bool overlap_previous) {
  if (!decode_step_supported(type, heads, kv_heads, head_dim, capacity)) return static_cast<int>(cudaErrorInvalidValue);
  return with_elem_type(type, [&](auto t) {
    using T = decltype(t);
    return launch_kernel(rope_kv_kernel<T>, static_cast<unsigned>(heads + 2 * kv_heads), kRopeThreads, 0,
                         static_cast<cudaStream_t>(stream), overlap_previous, static_cast<const T*>(qkv),
                         static_cast<const T*>(cos), static_cast<const T*>(sin), pos, static_cast<T*>(q_out),
                         static_cast<T*>(k_cache), static_cast<T*>(v_cache), static_cast<int>(heads),
                         static_cast<int>(kv_heads), static_cast<int>(head_dim), static_cast<int>(capacity));
  });
}

int launch_decode_attention(const void* q, const void* k_cache, const void* v_cache, const int64_t* pos, void* out,
                            int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t capacity, float scale,
                            ElemType type, void* stream, bool overlap_previous) {
  if (!decode_step_supported(type, heads, kv_heads, head_dim, capacity)) return static_cast<int>(cudaErrorInvalidValue);
  return with_elem_type(type, [&](auto t) {
    using T = decltype(t);
    return launch_kernel(decode_attention_kernel<T>, static_cast<unsigned>(heads), kAttnWarps * 32,
                         attention_smem(head_dim, capacity), static_cast<cudaStream_t>(stream), overlap_previous,
                         static_cast<const T*>(q), static_cast<const T*>(k_cache), static_cast<const T*>(v_cache), pos,
                         static_cast<T*>(out), static_cast<int>(heads), static_cast<int>(kv_heads),
                         static_cast<int>(head_dim), static_cast<int>(capacity), scale);
  });
}

int launch_silu_mul(const void* gate_up, void* out, int64_t rows, int64_t inter, ElemType type, void* stream) {
  if (rows < 0 || inter < 0) return static_cast<int>(cudaErrorInvalidValue);
  if (rows * inter == 0) return 0;
  return with_elem_type(type, [&](auto t) {
    using T = decltype(t);
    constexpr int kThreads = 256;
    const int64_t blocks = std::min<int64_t>((rows * inter + kThreads - 1) / kThreads, 4096);
    silu_mul_kernel<T><<<static_cast<unsigned>(blocks), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const T*>(gate_up), static_cast<T*>(out), rows, inter);
    return static_cast<int>(cudaGetLastError());
  });
}

}  // namespace apiq::kernels
