// SPDX-License-Identifier: GPL-3.0-or-later
// The first half of an unmerged LoRA in decode: u = in(x) Aᵀ in float32, for the A factors of a
// group of linears stacked into one [n, cols] matrix. The second half (u Bᵀ, B [rows, rank]) is
// added by the tensor-core product itself (GemvLora), so an adapter costs one small kernel per group
// instead of a norm, two dense products and their intermediate roundings.
//
// One block per row of A and input row: each thread takes a few 16-byte pieces of the row and of x
// (a few KiB, from L2), so all of a row's loads are in flight at once; in(x) is built on the fly with
// the separate kernels' roundings (RMSNorm: a block-wide sum of squares first; SiLU·mul of a
// [m, 2·cols] gate/up), and the float32 sums meet in one block reduction.
#include <cstdint>

#include "device_types.cuh"
#include "gemv_mma_parts.cuh"

namespace apiq::kernels {
namespace {

constexpr int kLoraWarps = 8;
constexpr int kVec = 8;  // elements per 16-byte load
constexpr int kAhead = 2;  // 16-byte pieces of A per thread loaded before the PDL wait (a 4096 row: all)

// The sum of v over the block; `red` holds kLoraWarps floats. Every thread gets it.
__device__ __forceinline__ float block_sum(float v, float* red) {
  v = warp_sum(v);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  __syncthreads();  // red may still be read from the previous sum
  if (lane == 0) red[warp] = v;
  __syncthreads();
  float s = 0.f;
#pragma unroll
  for (int w = 0; w < kLoraWarps; ++w) s += red[w];
  return s;
}

template <typename T>
__global__ void __launch_bounds__(kLoraWarps * 32)
    lora_down_kernel(const T* __restrict__ x, const T* __restrict__ A, float* __restrict__ u, int n, int cols,
                     GemvPrologue pro) {
  __shared__ float red[kLoraWarps];
  const int b = static_cast<int>(blockIdx.x), m = b / n, r = b - m * n;
  const bool silu = pro.input == GemvInput::SiluMul, norm = pro.input == GemvInput::RmsNorm;
  const T* xr = x + static_cast<int64_t>(m) * (silu ? 2 * cols : cols);
  const T* ar = A + static_cast<int64_t>(r) * cols;
  const T* nw = static_cast<const T*>(pro.norm_weight);
  const bool vec = reinterpret_cast<uintptr_t>(xr) % 16 == 0 && reinterpret_cast<uintptr_t>(ar) % 16 == 0 &&
                   (!norm || reinterpret_cast<uintptr_t>(nw) % 16 == 0) &&
                   (!silu || reinterpret_cast<uintptr_t>(xr + cols) % 16 == 0);
  constexpr int kStride = kLoraWarps * 32 * kVec;
  // A never depends on the previous kernel: the first kAhead pieces of the row are requested before
  // waiting for it (x, its output, only after).
  T ahead[kAhead][kVec];
#pragma unroll
  for (int j = 0; j < kAhead; ++j)
    if (const int c = threadIdx.x * kVec + j * kStride; c < cols) gemv_mma::load_raw(ar + c, vec, ahead[j]);
  pdl_release_next();
  pdl_wait_previous();  // x is the previous kernel's output
  float rstd = 1.f;
  if (norm) {
    float ss = 0.f;
    for (int c = threadIdx.x * kVec; c < cols; c += kStride) {
      T v[kVec];
      gemv_mma::load_raw(xr + c, vec, v);
#pragma unroll
      for (int k = 0; k < kVec; ++k) ss = fmaf(to_f(v[k]), to_f(v[k]), ss);
    }
    rstd = rsqrtf(block_sum(ss, red) / static_cast<float>(cols) + pro.eps);
  }
  float acc = 0.f;
  // acc += a · in(x) over the kVec columns from c.
  auto add = [&](int c, const T (&a)[kVec]) {
    T v[kVec];
    gemv_mma::load_raw(xr + c, vec, v);
    if (silu) {
      T up[kVec];
      gemv_mma::load_raw(xr + cols + c, vec, up);
#pragma unroll
      for (int k = 0; k < kVec; ++k) v[k] = from_f<T>(silu_times(to_f(v[k]), to_f(up[k])));
    } else if (norm) {
      T w[kVec];
      gemv_mma::load_raw(nw + c, vec, w);
#pragma unroll
      for (int k = 0; k < kVec; ++k) v[k] = from_f<T>(rms_normed(v[k], rstd, w[k]));
    }
#pragma unroll
    for (int k = 0; k < kVec; ++k) acc = fmaf(to_f(a[k]), to_f(v[k]), acc);
  };
#pragma unroll
  for (int j = 0; j < kAhead; ++j)
    if (const int c = threadIdx.x * kVec + j * kStride; c < cols) add(c, ahead[j]);
  for (int c = threadIdx.x * kVec + kAhead * kStride; c < cols; c += kStride) {
    T a[kVec];
    gemv_mma::load_raw(ar + c, vec, a);
    add(c, a);
  }
  acc = block_sum(acc, red);
  if (threadIdx.x == 0) u[static_cast<int64_t>(m) * n + r] = acc;
}

}  // namespace

int launch_lora_down(const void* x, ElemType x_type, const void* A, float* u, int64_t m, int64_t n, int64_t cols,
                     const GemvPrologue& pro, void* stream, bool overlap_previous) {
  if (x_type == ElemType::F32 || cols % kVec != 0 || m < 1 || m * n >= (int64_t{1} << 31) || n < 1 || n > (int64_t{1} << 24) ||
      cols > (int64_t{1} << 30) || (pro.input == GemvInput::RmsNorm && !pro.norm_weight))
    return static_cast<int>(cudaErrorInvalidValue);
  auto go = [&](auto t) {
    using T = decltype(t);
    return launch_kernel(lora_down_kernel<T>, static_cast<unsigned>(m * n), kLoraWarps * 32, 0,
                         static_cast<cudaStream_t>(stream), overlap_previous, static_cast<const T*>(x),
                         static_cast<const T*>(A), u, static_cast<int>(n), static_cast<int>(cols), pro);
  };
  return x_type == ElemType::F16 ? go(__half{}) : go(__nv_bfloat16{});
}

}  // namespace apiq::kernels
