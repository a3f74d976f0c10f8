// SPDX-License-Identifier: GPL-3.0-or-later
// Fused group fake-quantization with learnable weight clipping (ApiQ/OmniQuant LWC), forward and
// backward, one warp per group. Mirrors the composed reference in group_quantizer.cpp:
//   hi = σ(γ)·max(W_g), lo = σ(β)·min(W_g), s = clamp((hi − lo)/q, 1e-5, 1e4),
//   z = round(clamp(−lo/s, −1e4, 1e4)) (no gradient), Ŵ = (clamp(round_ste(W/s) + z, 0, q) − z)·s.
#include <cfloat>
#include <cstdint>
#include <type_traits>

#include "device_types.cuh"

namespace apiq::kernels {
namespace {

constexpr int kWarpsPerBlock = 8;

struct GroupParams {
  float mx, mn, sg, sb, s_raw, s, z;
};

__device__ __forceinline__ GroupParams group_params(float mx, float mn, float gamma, float beta, float maxq) {
  GroupParams p;
  p.mx = mx;
  p.mn = mn;
  p.sg = 1.f / (1.f + expf(-gamma));
  p.sb = 1.f / (1.f + expf(-beta));
  // Rounded products and difference, as the composed ops round them (no FMA contraction), and
  // the division by the scalar 2^b − 1 as LibTorch's CUDA kernel does it: times its reciprocal.
  const float hi = __fmul_rn(p.sg, mx), lo = __fmul_rn(p.sb, mn);
  p.s_raw = __fmul_rn(__fsub_rn(hi, lo), 1.f / maxq);
  p.s = fminf(fmaxf(p.s_raw, 1e-5f), 1e4f);
  p.z = rintf(fminf(fmaxf(-lo / p.s, -1e4f), 1e4f));  // rintf: half to even, as torch::round
  return p;
}

// Group extent and the warp's reduction of max and min over it.
template <typename T>
__device__ __forceinline__ void group_range(const T* w, int64_t n, int lane, float& mx, float& mn) {
  mx = -FLT_MAX;
  mn = FLT_MAX;
  for (int64_t j = lane; j < n; j += 32) {
    const float v = to_f(w[j]);
    mx = fmaxf(mx, v);
    mn = fminf(mn, v);
  }
  mx = warp_max(mx);
  mn = warp_min(mn);
}

template <typename T, typename TO>
__global__ void fake_quant_forward_kernel(const T* __restrict__ W, const float* __restrict__ gamma,
                                          const float* __restrict__ beta, TO* __restrict__ out, int64_t rows,
                                          int64_t cols, int64_t group, int64_t n_groups, float maxq) {
  const int lane = threadIdx.x % 32;
  const int64_t gid = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
  if (gid >= rows * n_groups) return;
  const int64_t row = gid / n_groups, g = gid % n_groups, start = g * group;
  const int64_t n = min(group, cols - start);
  const T* w = W + row * cols + start;
  float mx, mn;
  group_range(w, n, lane, mx, mn);
  const GroupParams p = group_params(mx, mn, gamma[gid], beta[gid], maxq);
  TO* o = out + row * cols + start;
  for (int64_t j = lane; j < n; j += 32) {
    const float q = fminf(fmaxf(rintf(to_f(w[j]) / p.s) + p.z, 0.f), maxq);
    o[j] = from_f<TO>((q - p.z) * p.s);
  }
}

// dŴ/ds = (q − z) − [0 ≤ u ≤ q]·W/s, with u = round(W/s) + z; the clamp of s passes the gradient
// inside its bounds; hi, lo carry it to γ, β (and to the max and min elements of W, split evenly
// among ties as amax/amin do). The direct STE path gives dW = [0 ≤ u ≤ q]·dŴ.
template <typename T, typename TG>
__global__ void fake_quant_backward_kernel(const T* __restrict__ W, const float* __restrict__ gamma,
                                           const float* __restrict__ beta, const TG* __restrict__ grad,
                                           float* __restrict__ dgamma, float* __restrict__ dbeta,
                                           T* __restrict__ dW, int64_t rows, int64_t cols, int64_t group,
                                           int64_t n_groups, float maxq) {
  const int lane = threadIdx.x % 32;
  const int64_t gid = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
  if (gid >= rows * n_groups) return;
  const int64_t row = gid / n_groups, g = gid % n_groups, start = g * group;
  const int64_t n = min(group, cols - start);
  const T* w = W + row * cols + start;
  const TG* go = grad + row * cols + start;
  float mx, mn;
  group_range(w, n, lane, mx, mn);
  const GroupParams p = group_params(mx, mn, gamma[gid], beta[gid], maxq);
  float ds = 0.f, n_max = 0.f, n_min = 0.f;
  for (int64_t j = lane; j < n; j += 32) {
    const float v = to_f(w[j]);
    const float t = v / p.s;
    const float u = rintf(t) + p.z;
    const bool inside = u >= 0.f && u <= maxq;
    const float q = fminf(fmaxf(u, 0.f), maxq);
    ds += to_f(go[j]) * ((q - p.z) - (inside ? t : 0.f));
    n_max += v == mx;
    n_min += v == mn;
  }
  ds = warp_sum(ds);
  const float ds_raw = (p.s_raw >= 1e-5f && p.s_raw <= 1e4f) ? ds : 0.f;
  const float dhi = ds_raw * (1.f / maxq), dlo = -dhi;
  if (lane == 0) {
    dgamma[gid] = dhi * mx * p.sg * (1.f - p.sg);
    dbeta[gid] = dlo * mn * p.sb * (1.f - p.sb);
  }
  if (dW == nullptr) return;
  n_max = warp_sum(n_max);
  n_min = warp_sum(n_min);
  T* dw = dW + row * cols + start;
  for (int64_t j = lane; j < n; j += 32) {
    const float v = to_f(w[j]);
    const float u = rintf(v / p.s) + p.z;
    float d = (u >= 0.f && u <= maxq) ? to_f(go[j]) : 0.f;
    if (v == mx) d += dhi * p.sg / n_max;
    if (v == mn) d += dlo * p.sb / n_min;
    dw[j] = from_f<T>(d);
  }
}

// Fast path for whole groups of 8·V elements: 8 lanes per group (4 groups per warp), each lane
// holding V consecutive elements in registers, loaded and stored as wide vectors. One pass over
// W each way.
constexpr int kLanesPerGroup = 8;

template <typename T, int V>
__device__ __forceinline__ void load_vec(const T* __restrict__ p, float (&v)[V]) {
  constexpr int kBytes = V * sizeof(T);
  if constexpr (kBytes % 16 == 0) {
#pragma unroll
    for (int i = 0; i < kBytes / 16; ++i) {
      const uint4 raw = __ldg(reinterpret_cast<const uint4*>(p) + i);
      const T* e = reinterpret_cast<const T*>(&raw);
#pragma unroll
      for (int k = 0; k < 16 / static_cast<int>(sizeof(T)); ++k) v[i * (16 / sizeof(T)) + k] = to_f(e[k]);
    }
  } else {
#pragma unroll
    for (int k = 0; k < V; ++k) v[k] = to_f(p[k]);
  }
}

template <typename T, int V>
__device__ __forceinline__ void store_vec(T* __restrict__ p, const float (&v)[V]) {
  constexpr int kBytes = V * sizeof(T);
  if constexpr (kBytes % 16 == 0) {
#pragma unroll
    for (int i = 0; i < kBytes / 16; ++i) {
      uint4 raw;
      T* e = reinterpret_cast<T*>(&raw);
#pragma unroll
      for (int k = 0; k < 16 / static_cast<int>(sizeof(T)); ++k) e[k] = from_f<T>(v[i * (16 / sizeof(T)) + k]);
      reinterpret_cast<uint4*>(p)[i] = raw;
    }
  } else {
#pragma unroll
    for (int k = 0; k < V; ++k) p[k] = from_f<T>(v[k]);
  }
}

template <typename F>
__device__ __forceinline__ float group_reduce(float v, F op) {
#pragma unroll
  for (int off = kLanesPerGroup / 2; off > 0; off >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, off));
  return v;
}

template <int V>
__device__ __forceinline__ void range_of(const float (&w)[V], float& mx, float& mn) {
  mx = w[0];
  mn = w[0];
#pragma unroll
  for (int k = 1; k < V; ++k) {
    mx = fmaxf(mx, w[k]);
    mn = fminf(mn, w[k]);
  }
  mx = group_reduce(mx, [](float a, float b) { return fmaxf(a, b); });
  mn = group_reduce(mn, [](float a, float b) { return fminf(a, b); });
}

template <typename T, typename TO, int V>
__global__ void fake_quant_forward_vec(const T* __restrict__ W, const float* __restrict__ gamma,
                                       const float* __restrict__ beta, TO* __restrict__ out, int64_t n_groups_total,
                                       float maxq) {
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t gid = t / kLanesPerGroup;
  // Whole warps stay in the loop body for the shuffles; lanes past the end only skip memory.
  const bool live = gid < n_groups_total;
  const int64_t off = (live ? gid : 0) * (kLanesPerGroup * V) + (t % kLanesPerGroup) * V;
  float w[V];
  load_vec<T, V>(W + off, w);
  float mx, mn;
  range_of(w, mx, mn);
  if (!live) return;
  const GroupParams p = group_params(mx, mn, gamma[gid], beta[gid], maxq);
#pragma unroll
  for (int k = 0; k < V; ++k) {
    const float q = fminf(fmaxf(rintf(w[k] / p.s) + p.z, 0.f), maxq);
    w[k] = (q - p.z) * p.s;
  }
  store_vec<TO, V>(out + off, w);
}

template <typename T, typename TG, int V>
__global__ void fake_quant_backward_vec(const T* __restrict__ W, const float* __restrict__ gamma,
                                        const float* __restrict__ beta, const TG* __restrict__ grad,
                                        float* __restrict__ dgamma, float* __restrict__ dbeta, T* __restrict__ dW,
                                        int64_t n_groups_total, float maxq) {
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int64_t gid = t / kLanesPerGroup;
  const bool live = gid < n_groups_total;
  const int64_t off = (live ? gid : 0) * (kLanesPerGroup * V) + (t % kLanesPerGroup) * V;
  float w[V], go[V];
  load_vec<T, V>(W + off, w);
  load_vec<TG, V>(grad + off, go);
  float mx, mn;
  range_of(w, mx, mn);
  const GroupParams p = group_params(mx, mn, gamma[live ? gid : 0], beta[live ? gid : 0], maxq);
  float ds = 0.f, n_max = 0.f, n_min = 0.f;
  bool inside[V];
#pragma unroll
  for (int k = 0; k < V; ++k) {
    const float tq = w[k] / p.s;
    const float u = rintf(tq) + p.z;
    inside[k] = u >= 0.f && u <= maxq;
    const float q = fminf(fmaxf(u, 0.f), maxq);
    ds += go[k] * ((q - p.z) - (inside[k] ? tq : 0.f));
    n_max += w[k] == mx;
    n_min += w[k] == mn;
  }
  ds = group_reduce(ds, [](float a, float b) { return a + b; });
  const float ds_raw = (p.s_raw >= 1e-5f && p.s_raw <= 1e4f) ? ds : 0.f;
  const float dhi = ds_raw * (1.f / maxq), dlo = -dhi;
  if (live && t % kLanesPerGroup == 0) {
    dgamma[gid] = dhi * mx * p.sg * (1.f - p.sg);
    dbeta[gid] = dlo * mn * p.sb * (1.f - p.sb);
  }
  if (dW == nullptr) return;
  n_max = group_reduce(n_max, [](float a, float b) { return a + b; });
  n_min = group_reduce(n_min, [](float a, float b) { return a + b; });
  if (!live) return;
#pragma unroll
  for (int k = 0; k < V; ++k) {
    float d = inside[k] ? go[k] : 0.f;
    if (w[k] == mx) d += dhi * p.sg / n_max;
    if (w[k] == mn) d += dlo * p.sb / n_min;
    go[k] = d;
  }
  store_vec<T, V>(dW + off, go);
}

// Calls f(std::integral_constant<int, V>) when the vector kernels apply to this weight.
template <typename F>
bool with_vec_width(int64_t cols, int64_t group, const void* a, const void* b, const void* c, F&& f) {
  if (cols % group != 0) return false;
  for (const void* p : {a, b, c})
    if (p && reinterpret_cast<uintptr_t>(p) % 16 != 0) return false;
  switch (group) {
    case 32: f(std::integral_constant<int, 4>{}); return true;
    case 64: f(std::integral_constant<int, 8>{}); return true;
    case 128: f(std::integral_constant<int, 16>{}); return true;
    default: return false;
  }
}

constexpr int kVecThreads = 256;

}  // namespace

int launch_fake_quant_forward(const void* W, ElemType w_type, const float* gamma, const float* beta, void* out,
                              ElemType out_type, int64_t rows, int64_t cols, int64_t group, int bits, void* stream) {
  if (rows <= 0 || cols <= 0) return 0;
  if (group <= 0 || bits < 1 || bits > 8) return static_cast<int>(cudaErrorInvalidValue);
  const int64_t n_groups = (cols + group - 1) / group;
  const float maxq = static_cast<float>((1 << bits) - 1);
  const unsigned blocks = blocks_for(rows * n_groups, kWarpsPerBlock);
  return with_elem_type(w_type, [&](auto wt) {
    using T = decltype(wt);
    return with_elem_type(out_type, [&](auto ot) {
      using TO = decltype(ot);
      const bool vec = with_vec_width(cols, group, W, out, nullptr, [&](auto v) {
        constexpr int V = decltype(v)::value;
        fake_quant_forward_vec<T, TO, V>
            <<<blocks_for(rows * n_groups * kLanesPerGroup, kVecThreads), kVecThreads, 0,
               static_cast<cudaStream_t>(stream)>>>(static_cast<const T*>(W), gamma, beta, static_cast<TO*>(out),
                                                     rows * n_groups, maxq);
      });
      if (vec) return static_cast<int>(cudaGetLastError());
      fake_quant_forward_kernel<T, TO><<<blocks, kWarpsPerBlock * 32, 0, static_cast<cudaStream_t>(stream)>>>(
          static_cast<const T*>(W), gamma, beta, static_cast<TO*>(out), rows, cols, group, n_groups, maxq);
      return static_cast<int>(cudaGetLastError());
    });
  });
}

int launch_fake_quant_backward(const void* W, ElemType w_type, const float* gamma, const float* beta,
                               const void* grad, ElemType grad_type, float* dgamma, float* dbeta, void* dW,
                               int64_t rows, int64_t cols, int64_t group, int bits, void* stream) {
  if (rows <= 0 || cols <= 0) return 0;
  if (group <= 0 || bits < 1 || bits > 8) return static_cast<int>(cudaErrorInvalidValue);
  const int64_t n_groups = (cols + group - 1) / group;
  const float maxq = static_cast<float>((1 << bits) - 1);
  const unsigned blocks = blocks_for(rows * n_groups, kWarpsPerBlock);
  return with_elem_type(w_type, [&](auto wt) {
    using T = decltype(wt);
    return with_elem_type(grad_type, [&](auto gt) {
      using TG = decltype(gt);
      const bool vec = with_vec_width(cols, group, W, grad, dW, [&](auto v) {
        constexpr int V = decltype(v)::value;
        fake_quant_backward_vec<T, TG, V>
            <<<blocks_for(rows * n_groups * kLanesPerGroup, kVecThreads), kVecThreads, 0,
               static_cast<cudaStream_t>(stream)>>>(static_cast<const T*>(W), gamma, beta, static_cast<const TG*>(grad),
                                                     dgamma, dbeta, static_cast<T*>(dW), rows * n_groups, maxq);
      });
      if (vec) return static_cast<int>(cudaGetLastError());
      fake_quant_backward_kernel<T, TG><<<blocks, kWarpsPerBlock * 32, 0, static_cast<cudaStream_t>(stream)>>>(
          static_cast<const T*>(W), gamma, beta, static_cast<const TG*>(grad), dgamma, dbeta, static_cast<T*>(dW),
          rows, cols, group, n_groups, maxq);
      return static_cast<int>(cudaGetLastError());
    });
  });
}

}  // namespace apiq::kernels
