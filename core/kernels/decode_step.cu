// SPDX-License-Identifier: GPL-3.0-or-later
// The small kernels of a fused batch-1 decode step: the rotary embedding with the key/value cache
// write, one query position's attention over the cache (also with the rotation and cache write
// inside, the fused decode's default), and SiLU(gate)·up. Each replaces a chain of
// LibTorch ops (narrow, neg, cat, two products and a sum per rotation; index_copy; a masked
// attention; silu and mul). Replayed from a CUDA graph, a kernel costs a few microseconds whatever
// it does, so at batch 1 the number of kernels per token, not their arithmetic, sets the token time.
// All arithmetic in float32, one rounding to the activations' type at the end.
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "device_types.cuh"

namespace apiq::kernels {
namespace {

constexpr int kRopeThreads = 128;
constexpr int kAttnWarps = 8;
constexpr int kMaxHeadDim = 256;  // a lane keeps head_dim / 32 accumulators

// Element d of one head's vector src rotated at position pos: x·cos + rotate_half(x)·sin, in float32.
// Both kernels that rotate use this one expression, so their roundings agree bit for bit.
template <typename T>
__device__ __forceinline__ float rotated(const T* src, const T* cos, const T* sin, int64_t pos, int D, int d) {
  const int half = D / 2;
  const float other = d < half ? -to_f(src[d + half]) : to_f(src[d - half]);
  return fmaf(to_f(src[d]), to_f(cos[pos * D + d]), other * to_f(sin[pos * D + d]));
}

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
  const bool rotate = slot < heads + kv_heads;
  for (int d = static_cast<int>(threadIdx.x); d < D; d += kRopeThreads) {
    const float v = rotate ? rotated(src, cos, sin, pos, D, d) : to_f(src[d]);
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

constexpr int kPer = kMaxHeadDim / 32;  // a lane's elements of one head row
constexpr int kRows = 4;                // cache positions a warp takes at a time

// Rows j0 … j0 + kRows − 1 of one head's cache [capacity, D], this lane's elements as float, all
// loads issued before any is used; rows at or past n read as zeros (loaded from row n − 1, valid).
template <typename T>
__device__ __forceinline__ void load_rows(const T* head, int j0, int n, int D, float (&out)[kRows][kPer]) {
  const int lane = threadIdx.x % 32;
#pragma unroll
  for (int u = 0; u < kRows; ++u) {
    const T* r = head + static_cast<int64_t>(min(j0 + u, n - 1)) * D;
#pragma unroll
    for (int i = 0; i < kPer; ++i) {
      const float v = lane + 32 * i < D ? to_f(r[lane + 32 * i]) : 0.f;
      out[u][i] = j0 + u < n ? v : 0.f;
    }
  }
}

// q·scale of query head h into qs. ROPE: q is the fused projection [heads + 2·kv_heads, D]; its q
// is rotated as rope_kv_kernel does (same roundings), and its kv head's rotated k and v go into the
// cache rows k_row, v_row.
template <typename T, bool ROPE>
__device__ __forceinline__ void stage_query(const T* q, const T* cos, const T* sin, T* k_row, T* v_row, float* qs,
                                            int h, int kvh, int heads, int kv_heads, int D, int64_t pos, float scale) {
  for (int d = static_cast<int>(threadIdx.x); d < D; d += kAttnWarps * 32) {
    if constexpr (ROPE) {
      const T* kv_src = q + static_cast<int64_t>(heads + kvh) * D;
      qs[d] = to_f(from_f<T>(rotated(q + static_cast<int64_t>(h) * D, cos, sin, pos, D, d))) * scale;
      k_row[d] = from_f<T>(rotated(kv_src, cos, sin, pos, D, d));
      v_row[d] = kv_src[static_cast<int64_t>(kv_heads) * D + d];
    } else {
      qs[d] = to_f(q[static_cast<int64_t>(h) * D + d]) * scale;
    }
  }
}

// One block per query head: scores against keys 0..*pos of its kv head, softmax, weighted values.
// ROPE: q is the fused projection's raw output (q, k, v slots), and the block first does what
// rope_kv_kernel does for its own head: it rotates its q and writes its kv head's rotated k and v
// at *pos into the caches, then reads them back like any cached row. With grouped heads every block
// of a group writes the same row with the same bytes (a benign race: whichever store lands last,
// each block reads what it wrote itself).
// A warp takes kRows positions at a time with all their loads issued before any is used: the chain
// of dependent cache reads, not the arithmetic, sets this kernel's time.
// Shared memory: q·scale [D], scores [capacity], per-warp partial outputs [warps][D], reduction [warps].
template <typename T, bool ROPE>
__global__ void __launch_bounds__(kAttnWarps * 32)
    decode_attention_kernel(const T* __restrict__ q, const T* __restrict__ cos, const T* __restrict__ sin,
                            std::conditional_t<ROPE, T, const T>* __restrict__ k_cache,
                            std::conditional_t<ROPE, T, const T>* __restrict__ v_cache,
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
  if (ROPE && (pos < 0 || pos >= capacity)) return;  // the host checks; never write outside the cache
  const int n = static_cast<int>(min(max(pos, int64_t{0}) + 1, static_cast<int64_t>(capacity)));
  const auto K = k_cache + static_cast<int64_t>(kvh) * capacity * D;
  const auto V = v_cache + static_cast<int64_t>(kvh) * capacity * D;
  if constexpr (ROPE) {
    stage_query<T, true>(q, cos, sin, K + pos * D, V + pos * D, qs, h, kvh, heads, kv_heads, D, pos, scale);
  } else {
    stage_query<T, false>(q, cos, sin, nullptr, nullptr, qs, h, kvh, heads, kv_heads, D, pos, scale);
  }
  __syncthreads();  // also makes this block's cache writes visible to its own threads
  for (int j0 = warp * kRows; j0 < n; j0 += kAttnWarps * kRows) {
    float kv[kRows][kPer];
    load_rows(static_cast<const T*>(K), j0, n, D, kv);
#pragma unroll
    for (int u = 0; u < kRows; ++u) {
      float a = 0.f;
#pragma unroll
      for (int i = 0; i < kPer; ++i)
        if (lane + 32 * i < D) a = fmaf(qs[lane + 32 * i], kv[u][i], a);
      a = warp_sum(a);
      if (lane == 0 && j0 + u < n) scores[j0 + u] = a;
    }
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
  float acc[kPer] = {};
  for (int j0 = warp * kRows; j0 < n; j0 += kAttnWarps * kRows) {
    float vv[kRows][kPer];
    load_rows(static_cast<const T*>(V), j0, n, D, vv);
#pragma unroll
    for (int u = 0; u < kRows; ++u) {
      const float p = j0 + u < n ? scores[j0 + u] : 0.f;
#pragma unroll
      for (int i = 0; i < kPer; ++i) acc[i] = fmaf(p, vv[u][i], acc[i]);
    }
  }
#pragma unroll
  for (int i = 0; i < kPer; ++i) {
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

namespace {

// Both attention launches: ROPE rotates and writes the caches first (so they are written through).
template <bool ROPE>
int launch_attention(const void* q, const void* cos, const void* sin, const int64_t* pos,
                     std::conditional_t<ROPE, void, const void>* k_cache,
                     std::conditional_t<ROPE, void, const void>* v_cache, void* out, int64_t heads, int64_t kv_heads,
                     int64_t head_dim, int64_t capacity, float scale, ElemType type, void* stream, bool overlap) {
  if (!decode_step_supported(type, heads, kv_heads, head_dim, capacity)) return static_cast<int>(cudaErrorInvalidValue);
  return with_elem_type(type, [&](auto t) {
    using T = decltype(t);
    using Cache = std::conditional_t<ROPE, T, const T>;
    return launch_kernel(decode_attention_kernel<T, ROPE>, static_cast<unsigned>(heads), kAttnWarps * 32,
                         attention_smem(head_dim, capacity), static_cast<cudaStream_t>(stream), overlap,
                         static_cast<const T*>(q), static_cast<const T*>(cos), static_cast<const T*>(sin),
                         static_cast<Cache*>(k_cache), static_cast<Cache*>(v_cache), pos, static_cast<T*>(out),
                         static_cast<int>(heads), static_cast<int>(kv_heads), static_cast<int>(head_dim),
                         static_cast<int>(capacity), scale);
  });
}

}  // namespace

int launch_decode_attention(const void* q, const void* k_cache, const void* v_cache, const int64_t* pos, void* out,
                            int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t capacity, float scale,
                            ElemType type, void* stream, bool overlap_previous) {
  return launch_attention<false>(q, nullptr, nullptr, pos, k_cache, v_cache, out, heads, kv_heads, head_dim, capacity,
                                 scale, type, stream, overlap_previous);
}

int launch_rope_attention(const void* qkv, const void* cos, const void* sin, const int64_t* pos, void* k_cache,
                          void* v_cache, void* out, int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t capacity,
                          float scale, ElemType type, void* stream, bool overlap_previous) {
  return launch_attention<true>(qkv, cos, sin, pos, k_cache, v_cache, out, heads, kv_heads, head_dim, capacity, scale,
                                type, stream, overlap_previous);
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
