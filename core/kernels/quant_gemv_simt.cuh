// SPDX-License-Identifier: GPL-3.0-or-later
// The SIMT packed product (quant_gemv.cu's fallback for shapes the tensor-core form does not take):
// y[m, :] = x[m, :] Ŵᵀ for a few rows m (1..16) reading the packed codes, fp16 scales and int32
// zeros directly (W2/W3/W4). Memory bound: one warp per output row streams the row's words with
// several independent loads in flight per lane; each code is decoded once and used for every m.
// Included by quant_gemv_w{2,3,4}.cu, one bit width each: its 20 instantiations per width are the
// slowest device code to compile, and three units compile in parallel.
#pragma once
#include <cstdint>

#include "device_types.cuh"
#include "fast_divmod.cuh"
#include "quant_gemv_simt.h"

namespace apiq::kernels::gemv_simt {


constexpr int kWarpsPerBlock = 4;
constexpr int kUnroll = 8;  // words loaded per lane before any is used

// PER consecutive activations of row m starting at col0, as float. VEC: 16-byte loads (the caller
// guarantees alignment and a full word).
template <typename T, int PER, bool VEC>
__device__ __forceinline__ void load_x(const T* __restrict__ xr, uint32_t col0, uint32_t cols, float (&v)[PER]) {
  if constexpr (VEC) {
    constexpr int kPerVec = 16 / sizeof(T);
    static_assert(PER % kPerVec == 0, "a word must cover whole 16-byte vectors");
#pragma unroll
    for (int i = 0; i < PER / kPerVec; ++i) {
      const uint4 raw = __ldg(reinterpret_cast<const uint4*>(xr + col0) + i);
      const T* e = reinterpret_cast<const T*>(&raw);
#pragma unroll
      for (int k = 0; k < kPerVec; ++k) v[i * kPerVec + k] = to_f(e[k]);
    }
  } else {
#pragma unroll
    for (int k = 0; k < PER; ++k) v[k] = col0 + k < cols ? to_f(xr[col0 + k]) : 0.f;
  }
}

template <int BITS, typename T, int MT, bool VEC>
__global__ void __launch_bounds__(kWarpsPerBlock * 32)
    packed_gemv_kernel(const T* __restrict__ x, const uint32_t* __restrict__ words, const __half* __restrict__ scales,
                       const int32_t* __restrict__ zeros, const T* __restrict__ residual, T* __restrict__ y, int M,
                       int64_t rows, uint32_t cols, uint32_t n_words, uint32_t group, FastDivmod by_group,
                       uint32_t n_groups, bool fz) {
  constexpr int PER = 32 / BITS;
  constexpr uint32_t MASK = (1u << BITS) - 1u;
  // A word's codes fall in at most two groups when a group holds at least a word's codes (every
  // practical case); then both groups' scales and zeros are loaded up front. Otherwise each code
  // looks its group up.
  const bool two_groups_max = group >= PER;
  const int lane = threadIdx.x % 32;
  const int64_t row = static_cast<int64_t>(blockIdx.x) * kWarpsPerBlock + threadIdx.x / 32;
  if (row >= rows) return;
  const uint32_t* wr = words + row * n_words;
  const __half* sr = scales + row * n_groups;
  const int32_t* zr = zeros + row * n_groups;
  float acc[MT];
#pragma unroll
  for (int m = 0; m < MT; ++m) acc[m] = 0.f;

  // Indices within a row are 32-bit and group lookups use FastDivmod: a 64-bit division by the
  // run-time group size costs far more than the word's memory traffic.
  for (uint32_t base = 0; base < n_words; base += 32 * kUnroll) {
    // Every load of the batch (words and their groups' scales and zeros) is issued before any is
    // used, so a lane has many independent requests in flight.
    uint32_t wv[kUnroll];
    float s0[kUnroll], z0[kUnroll], s1[kUnroll], z1[kUnroll];
    uint32_t first_n[kUnroll];  // codes of the word in its first group
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const uint32_t idx = base + u * 32 + lane;
      const bool ok = idx < n_words;
      wv[u] = ok ? __ldg(wr + idx) : 0u;
      if (two_groups_max) {
        const uint32_t g0 = ok ? by_group.div(idx * PER) : 0;
        const uint32_t g1 = ok ? by_group.div(min(idx * PER + PER - 1, cols - 1)) : 0;
        first_n[u] = (g0 + 1) * group - idx * PER;
        s0[u] = __half2float(__ldg(sr + g0));
        z0[u] = zero_value(__ldg(zr + g0), fz);
        s1[u] = __half2float(__ldg(sr + g1));
        z1[u] = zero_value(__ldg(zr + g1), fz);
      }
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const uint32_t idx = base + u * 32 + lane;
      if (idx >= n_words) break;
      const uint32_t col0 = idx * PER;
      float wd[PER];
      if (two_groups_max) {
        // Codes before the boundary belong to the first group (g0 == g1 for whole-word groups).
#pragma unroll
        for (int k = 0; k < PER; ++k) {
          const bool first = static_cast<uint32_t>(k) < first_n[u];
          wd[k] = (static_cast<float>((wv[u] >> (k * BITS)) & MASK) - (first ? z0[u] : z1[u])) * (first ? s0[u] : s1[u]);
        }
      } else {
#pragma unroll
        for (int k = 0; k < PER; ++k) {
          const uint32_t g = by_group.div(min(col0 + k, cols - 1));
          wd[k] = (static_cast<float>((wv[u] >> (k * BITS)) & MASK) - zero_value(__ldg(zr + g), fz)) *
                  __half2float(__ldg(sr + g));
        }
      }
      const bool full = col0 + PER <= cols;
#pragma unroll
      for (int m = 0; m < MT; ++m) {
        if (m >= M) break;
        float xv[PER];
        if (VEC && full)
          load_x<T, PER, VEC>(x + static_cast<int64_t>(m) * cols, col0, cols, xv);
        else
          load_x<T, PER, false>(x + static_cast<int64_t>(m) * cols, col0, cols, xv);  // zero beyond cols; padded codes are 0 too
        float a = 0.f;
#pragma unroll
        for (int k = 0; k < PER; ++k) a = fmaf(wd[k], xv[k], a);
        acc[m] += a;
      }
    }
  }
#pragma unroll
  for (int m = 0; m < MT; ++m) {
    if (m >= M) break;
    const float v = warp_sum(acc[m]);
    if (lane == 0) y[m * rows + row] = from_f<T>(residual ? v + to_f(residual[m * rows + row]) : v);
  }
}

template <int BITS, typename T, int MT>
int launch_mt(const void* x, const int32_t* words, const void* scales, const int32_t* zeros, const void* res, void* y,
              int M, int64_t rows, int64_t cols, int64_t group, bool fz, cudaStream_t stream) {
  constexpr int PER = 32 / BITS;
  const int64_t n_words = (cols + PER - 1) / PER, n_groups = (cols + group - 1) / group;
  if (cols >= (int64_t{1} << 30) || group >= (int64_t{1} << 30)) return static_cast<int>(cudaErrorInvalidValue);
  // 16-byte loads of x need whole vectors per word and 16-byte aligned rows.
  const bool vec = (PER * sizeof(T)) % 16 == 0 && (cols * sizeof(T)) % 16 == 0 &&
                   reinterpret_cast<uintptr_t>(x) % 16 == 0;
  const unsigned blocks = blocks_for(rows, kWarpsPerBlock);
  auto args = [&](auto kernel) {
    kernel<<<blocks, kWarpsPerBlock * 32, 0, stream>>>(
        static_cast<const T*>(x), reinterpret_cast<const uint32_t*>(words), static_cast<const __half*>(scales), zeros,
        static_cast<const T*>(res), static_cast<T*>(y), M, rows, static_cast<uint32_t>(cols), static_cast<uint32_t>(n_words),
        static_cast<uint32_t>(group), FastDivmod(static_cast<uint32_t>(group)), static_cast<uint32_t>(n_groups), fz);
  };
  if constexpr ((PER * sizeof(T)) % 16 == 0) {
    if (vec) args(packed_gemv_kernel<BITS, T, MT, true>);
    else args(packed_gemv_kernel<BITS, T, MT, false>);
  } else {
    args(packed_gemv_kernel<BITS, T, MT, false>);
  }
  return static_cast<int>(cudaGetLastError());
}

template <int BITS>
int launch(const void* x, ElemType x_type, const int32_t* words, const void* scales, const int32_t* zeros, const void* res,
           void* y, int M, int64_t rows, int64_t cols, int64_t group, bool fz, cudaStream_t stream) {
  auto by_rows = [&](auto t) {
    using T = decltype(t);
    if (M <= 1) return launch_mt<BITS, T, 1>(x, words, scales, zeros, res, y, M, rows, cols, group, fz, stream);
    if (M <= 2) return launch_mt<BITS, T, 2>(x, words, scales, zeros, res, y, M, rows, cols, group, fz, stream);
    if (M <= 4) return launch_mt<BITS, T, 4>(x, words, scales, zeros, res, y, M, rows, cols, group, fz, stream);
    if (M <= 8) return launch_mt<BITS, T, 8>(x, words, scales, zeros, res, y, M, rows, cols, group, fz, stream);
    return launch_mt<BITS, T, 16>(x, words, scales, zeros, res, y, M, rows, cols, group, fz, stream);
  };
  return x_type == ElemType::F16 ? by_rows(__half{}) : by_rows(__nv_bfloat16{});
}

}  // namespace apiq::kernels::gemv_simt
