// SPDX-License-Identifier: GPL-3.0-or-later
// Element conversions and dispatch over ElemType shared by the kernels.
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <utility>

#include "device_limits.cuh"
#include "launchers.h"

namespace apiq::kernels {

template <typename T> __device__ __forceinline__ float to_f(T v);
template <> __device__ __forceinline__ float to_f<float>(float v) { return v; }
template <> __device__ __forceinline__ float to_f<__half>(__half v) { return __half2float(v); }
template <> __device__ __forceinline__ float to_f<__nv_bfloat16>(__nv_bfloat16 v) { return __bfloat162float(v); }
template <typename T> __device__ __forceinline__ T from_f(float v);
template <> __device__ __forceinline__ float from_f<float>(float v) { return v; }
template <> __device__ __forceinline__ __half from_f<__half>(float v) { return __float2half_rn(v); }
template <> __device__ __forceinline__ __nv_bfloat16 from_f<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }

__device__ __forceinline__ float warp_sum(float v) {
  for (int off = 16; off > 0; off >>= 1) v += __shfl_xor_sync(0xffffffffu, v, off);
  return v;
}
__device__ __forceinline__ float warp_max(float v) {
  for (int off = 16; off > 0; off >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, off));
  return v;
}
__device__ __forceinline__ float warp_min(float v) {
  for (int off = 16; off > 0; off >>= 1) v = fminf(v, __shfl_xor_sync(0xffffffffu, v, off));
  return v;
}

// Calls f(T{}) with the C++ type of an ElemType; returns cudaErrorInvalidValue for others.
template <typename F>
int with_elem_type(ElemType t, F&& f) {
  switch (t) {
    case ElemType::F32: return f(float{});
    case ElemType::F16: return f(__half{});
    case ElemType::BF16: return f(__nv_bfloat16{});
  }
  return static_cast<int>(cudaErrorInvalidValue);
}

inline unsigned blocks_for(int64_t items, int per_block) {
  return static_cast<unsigned>((items + per_block - 1) / per_block);
}

// A zero point as the products read it: an int32, or (after a merge folded an adapter into the
// groups) the bits of a float32, e.g. z − Δ/s, which is fractional.
__device__ __forceinline__ float zero_value(int32_t v, bool float_zeros) {
  return float_zeros ? __int_as_float(v) : static_cast<float>(v);
}

// The values decode's fused kernels produce, in float32 before their one rounding, so that a
// product staging its input (quant_gemv_mma.cu) rounds exactly as the separate kernel does:
// SiLU(g)·u (decode_step.cu), and RMSNorm's w ⊙ cast(x · r) with r = rsqrt(mean(x²) + eps) (rms_norm.cu).
__device__ __forceinline__ float silu_times(float g, float u) { return g / (1.f + __expf(-g)) * u; }
template <typename T>
__device__ __forceinline__ float rms_normed(T x, float r, T w) {
  return to_f(w) * to_f(from_f<T>(to_f(x) * r));
}

// Programmatic dependent launch (sm_90+; both are no-ops where the launch did not ask for it): let
// the next kernel on the stream be scheduled now (its blocks wait in pdl_wait_previous), and wait
// until the previous kernel has finished and its writes are visible. Decode chains its kernels so.
__device__ __forceinline__ void pdl_release_next() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.launch_dependents;");
#endif
}
__device__ __forceinline__ void pdl_wait_previous() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

// kernel<<<grid, block, smem, stream>>>(args...), as a programmatic dependent launch where `overlap`
// and the device has it (sm_90+).
template <typename... P, typename... A>
int launch_kernel(void (*kernel)(P...), unsigned grid, unsigned block, size_t smem, cudaStream_t stream, bool overlap,
                  A&&... args) {
  cudaLaunchConfig_t cfg = {};
  cfg.gridDim = dim3(grid);
  cfg.blockDim = dim3(block);
  cfg.dynamicSmemBytes = smem;
  cfg.stream = stream;
  cudaLaunchAttribute attr[1];
  attr[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
  attr[0].val.programmaticStreamSerializationAllowed = 1;
  cfg.attrs = attr;
  const DeviceLimits* d = overlap ? current_device() : nullptr;
  cfg.numAttrs = d && d->major >= 9 ? 1 : 0;
  return static_cast<int>(cudaLaunchKernelEx(&cfg, kernel, std::forward<A>(args)...));
}

}  // namespace apiq::kernels
