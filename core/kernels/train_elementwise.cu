// SPDX-License-Identifier: GPL-3.0-or-later
// The elementwise work of a calibration step under bf16 autocast, forward and backward, each in one
// pass: RMSNorm of the float32 residual stream straight into the autocast dtype (the linears after
// it would cast anyway), rotary embedding of q and k, and SiLU(gate)·up. Composed, these were a
// dozen float32 kernels and casts each way (launchers.h states the formulas).
#include "device_types.cuh"

namespace apiq::kernels {
namespace {

constexpr int kThreads = 256;

// Block-wide sum (blockDim.x a multiple of 32, at most 1024); every thread gets the result.
__device__ float block_sum(float v) {
  __shared__ float warp_sums[32];
  __shared__ float total;
  v = warp_sum(v);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) warp_sums[warp] = v;
  __syncthreads();
  if (warp == 0) {
    float s = lane < static_cast<int>(blockDim.x / 32) ? warp_sums[lane] : 0.f;
    s = warp_sum(s);
    if (lane == 0) total = s;
  }
  __syncthreads();
  const float out = total;
  __syncthreads();  // warp_sums and total are reused by the next call
  return out;
}

// One block per row. n = cast_X(x·r) as the reference rounds it to x's dtype before the weight.
template <typename X, typename Y>
__global__ void rms_norm_fwd(const X* __restrict__ x, const float* __restrict__ w, Y* __restrict__ y,
                             float* __restrict__ rstd, int64_t cols, float eps) {
  const X* xr = x + blockIdx.x * cols;
  Y* yr = y + blockIdx.x * cols;
  float acc = 0.f;
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
    const float v = to_f(xr[c]);
    acc += v * v;
  }
  const float r = rsqrtf(block_sum(acc) / static_cast<float>(cols) + eps);
  if (threadIdx.x == 0) rstd[blockIdx.x] = r;
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) {
    const float n = to_f(from_f<X>(__fmul_rn(to_f(xr[c]), r)));
    yr[c] = from_f<Y>(__fmul_rn(w[c], n));
  }
}

// dx = r·g − x·r³/cols · Σ g·x with g = dy·w (the rounding of n is passed straight through).
template <typename X, typename Y>
__global__ void rms_norm_bwd(const X* __restrict__ x, const float* __restrict__ w, const float* __restrict__ rstd,
                             const Y* __restrict__ dy, X* __restrict__ dx, int64_t cols) {
  const X* xr = x + blockIdx.x * cols;
  const Y* dyr = dy + blockIdx.x * cols;
  X* dxr = dx + blockIdx.x * cols;
  const float r = rstd[blockIdx.x];
  float acc = 0.f;
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x) acc += to_f(dyr[c]) * w[c] * to_f(xr[c]);
  const float k = block_sum(acc) * r * r * r / static_cast<float>(cols);
  for (int64_t c = threadIdx.x; c < cols; c += blockDim.x)
    dxr[c] = from_f<X>(r * to_f(dyr[c]) * w[c] - k * to_f(xr[c]));
}

int norm_threads(int64_t cols) {
  int t = 32;
  while (t < cols && t < 1024) t *= 2;
  return t;
}

// Calls f(X{}, Y{}) for the two element types.
template <typename F>
int with_two_types(ElemType a, ElemType b, F&& f) {
  return with_elem_type(a, [&](auto xa) { return with_elem_type(b, [&](auto yb) { return f(xa, yb); }); });
}

// One thread per pair (i, i + D/2) of a row of x [rows, D]; row's position t = (row / heads) % seq.
// Forward y = x·cos + rot(x)·sin with rot(x) = (−x₂, x₁); backward dx = dy·cos + rotᵀ(dy·sin).
// Products and sum in float32, rounded once, as the composed ops compute them before the cast.
template <typename T, bool kBackward>
__global__ void rotary_kernel(const T* __restrict__ x, T* __restrict__ y, const float* __restrict__ cos,
                              const float* __restrict__ sin, int64_t rows, int64_t heads, int64_t seq,
                              int64_t head_dim) {
  const int64_t half = head_dim / 2;
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= rows * half) return;
  const int64_t row = i / half, j = i % half;
  const int64_t t = (row / heads) % seq;
  const float* c = cos + t * head_dim;
  const float* s = sin + t * head_dim;
  const float a = to_f(x[row * head_dim + j]), b = to_f(x[row * head_dim + j + half]);
  float lo, hi;
  if (kBackward) {
    lo = __fadd_rn(__fmul_rn(a, c[j]), __fmul_rn(b, s[j + half]));
    hi = __fadd_rn(__fmul_rn(b, c[j + half]), -__fmul_rn(a, s[j]));
  } else {
    lo = __fadd_rn(__fmul_rn(a, c[j]), __fmul_rn(-b, s[j]));
    hi = __fadd_rn(__fmul_rn(b, c[j + half]), __fmul_rn(a, s[j + half]));
  }
  y[row * head_dim + j] = from_f<T>(lo);
  y[row * head_dim + j + half] = from_f<T>(hi);
}

// Forward out = cast(cast(silu(g))·u) as the composed ops round; backward du = cast(dout·silu(g)),
// dg = cast(cast(dout·u)·σ(g)(1 + g(1 − σ(g)))).
template <typename T>
__global__ void silu_mul_fwd(const T* __restrict__ g, const T* __restrict__ u, T* __restrict__ out, int64_t n) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float gv = to_f(g[i]);
  const float s = to_f(from_f<T>(gv / (1.f + expf(-gv))));
  out[i] = from_f<T>(s * to_f(u[i]));
}

template <typename T>
__global__ void silu_mul_bwd(const T* __restrict__ g, const T* __restrict__ u, const T* __restrict__ dout,
                             T* __restrict__ dg, T* __restrict__ du, int64_t n) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float gv = to_f(g[i]), d = to_f(dout[i]);
  const float sig = 1.f / (1.f + expf(-gv));
  const float s = to_f(from_f<T>(gv / (1.f + expf(-gv))));
  du[i] = from_f<T>(d * s);
  const float ds = to_f(from_f<T>(d * to_f(u[i])));
  dg[i] = from_f<T>(ds * (sig * (1.f + gv * (1.f - sig))));
}

int last_error() { return static_cast<int>(cudaGetLastError()); }

}  // namespace

int launch_rms_norm_train_forward(const void* x, ElemType x_type, const float* w, void* y, ElemType y_type,
                                  float* rstd, int64_t rows, int64_t cols, float eps, void* stream) {
  if (rows == 0) return 0;
  return with_two_types(x_type, y_type, [&](auto xt, auto yt) {
    using X = decltype(xt);
    using Y = decltype(yt);
    rms_norm_fwd<X, Y><<<static_cast<unsigned>(rows), norm_threads(cols), 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const X*>(x), w, static_cast<Y*>(y), rstd, cols, eps);
    return last_error();
  });
}

int launch_rms_norm_train_backward(const void* x, ElemType x_type, const float* w, const float* rstd, const void* dy,
                                   ElemType dy_type, void* dx, int64_t rows, int64_t cols, void* stream) {
  if (rows == 0) return 0;
  return with_two_types(x_type, dy_type, [&](auto xt, auto yt) {
    using X = decltype(xt);
    using Y = decltype(yt);
    rms_norm_bwd<X, Y><<<static_cast<unsigned>(rows), norm_threads(cols), 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const X*>(x), w, rstd, static_cast<const Y*>(dy), static_cast<X*>(dx), cols);
    return last_error();
  });
}

int launch_rotary(const void* x, void* y, const float* cos, const float* sin, int64_t rows, int64_t heads, int64_t seq,
                  int64_t head_dim, ElemType type, bool backward, void* stream) {
  if (head_dim % 2 || heads <= 0 || seq <= 0) return static_cast<int>(cudaErrorInvalidValue);
  const int64_t pairs = rows * (head_dim / 2);
  if (pairs == 0) return 0;
  return with_elem_type(type, [&](auto tag) {
    using T = decltype(tag);
    const auto grid = blocks_for(pairs, kThreads);
    auto* s = static_cast<cudaStream_t>(stream);
    if (backward)
      rotary_kernel<T, true><<<grid, kThreads, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(y), cos, sin, rows,
                                                       heads, seq, head_dim);
    else
      rotary_kernel<T, false><<<grid, kThreads, 0, s>>>(static_cast<const T*>(x), static_cast<T*>(y), cos, sin, rows,
                                                        heads, seq, head_dim);
    return last_error();
  });
}

int launch_silu_mul_forward(const void* gate, const void* up, void* out, int64_t n, ElemType type, void* stream) {
  if (n == 0) return 0;
  return with_elem_type(type, [&](auto tag) {
    using T = decltype(tag);
    silu_mul_fwd<T><<<blocks_for(n, kThreads), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const T*>(gate), static_cast<const T*>(up), static_cast<T*>(out), n);
    return last_error();
  });
}

int launch_silu_mul_backward(const void* gate, const void* up, const void* dout, void* dgate, void* dup, int64_t n,
                             ElemType type, void* stream) {
  if (n == 0) return 0;
  return with_elem_type(type, [&](auto tag) {
    using T = decltype(tag);
    silu_mul_bwd<T><<<blocks_for(n, kThreads), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
        static_cast<const T*>(gate), static_cast<const T*>(up), static_cast<const T*>(dout), static_cast<T*>(dgate),
        static_cast<T*>(dup), n);
    return last_error();
  });
}

}  // namespace apiq::kernels
