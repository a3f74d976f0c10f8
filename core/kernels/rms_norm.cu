// SPDX-License-Identifier: GPL-3.0-or-later
#include "device_types.cuh"

namespace apiq::kernels {
namespace {

// One block per row; a block-wide sum of squares, then a second pass that writes.
template <typename T>
__global__ void rms_norm_kernel(const T* __restrict__ x, const T* __restrict__ w, T* __restrict__ y, int64_t cols,
                                float eps) {
  const int64_t row = blockIdx.x;
  const T* xr = x + row * cols;
  T* yr = y + row * cols;
  float acc = 0.f;
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
    const float v = to_f(xr[c]);
    acc += v * v;
  }
  for (int off = 16; off > 0; off >>= 1) acc += __shfl_down_sync(0xffffffffu, acc, off);
  __shared__ float warp_sums[32];
  __shared__ float rstd;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) warp_sums[warp] = acc;
  __syncthreads();
  if (warp == 0) {
    const int nwarps = (blockDim.x + 31) / 32;
    float s = lane < nwarps ? warp_sums[lane] : 0.f;
    for (int off = 16; off > 0; off >>= 1) s += __shfl_down_sync(0xffffffffu, s, off);
    if (lane == 0) rstd = rsqrtf(s / static_cast<float>(cols) + eps);
  }
  __syncthreads();
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
    // Round the normalised value to T before the weight, as the reference does.
    yr[c] = from_f<T>(rms_normed(xr[c], rstd, w[c]));
  }
}

template <typename T>
int launch(const void* x, const void* w, void* y, int64_t rows, int64_t cols, float eps, void* stream) {
  if (rows == 0) return 0;
  int threads = 32;
  while (threads < cols && threads < 1024) threads *= 2;
  rms_norm_kernel<T><<<static_cast<unsigned>(rows), threads, 0, static_cast<cudaStream_t>(stream)>>>(
      static_cast<const T*>(x), static_cast<const T*>(w), static_cast<T*>(y), cols, eps);
  return static_cast<int>(cudaGetLastError());
}

}  // namespace

int launch_rms_norm(const void* x, const void* w, void* y, int64_t rows, int64_t cols, float eps, ElemType type,
                    void* stream) {
  switch (type) {
    case ElemType::F32: return launch<float>(x, w, y, rows, cols, eps, stream);
    case ElemType::F16: return launch<__half>(x, w, y, rows, cols, eps, stream);
    case ElemType::BF16: return launch<__nv_bfloat16>(x, w, y, rows, cols, eps, stream);
  }
  return static_cast<int>(cudaErrorInvalidValue);
}

const char* error_string(int code) { return cudaGetErrorString(static_cast<cudaError_t>(code)); }

}  // namespace apiq::kernels
