// SPDX-License-Identifier: GPL-3.0-or-later
// Plain launcher API of our CUDA kernels: raw pointers, sizes, a stream. No LibTorch here,
// so kernels build and test on their own; core/apiq/cuda_ops.cpp adapts tensors to them.
#pragma once
#include <cstdint>

namespace apiq::kernels {

enum class ElemType { F32 = 0, F16 = 1, BF16 = 2 };

// Returns a cudaError_t as int (0 = success) so callers need no CUDA headers.
// y[r, :] = w ⊙ cast(x[r, :] · rsqrt(mean(x[r, :]²) + eps)), statistics in float32.
int launch_rms_norm(const void* x, const void* w, void* y, int64_t rows, int64_t cols, float eps, ElemType type,
                    void* stream);

// Fused group fake-quantization with learnable clipping (see fake_quant.cu for the formula).
// W [rows, cols] (w_type), γ and β [rows, ceil(cols/group)] float32, out [rows, cols] (out_type).
int launch_fake_quant_forward(const void* W, ElemType w_type, const float* gamma, const float* beta, void* out,
                              ElemType out_type, int64_t rows, int64_t cols, int64_t group, int bits, void* stream);
// Gradients for γ and β from dL/dŴ (grad_type); dW (w_type, may be null) gets the input-side
// gradient: the straight-through path plus the max/min elements' share through the scale.
int launch_fake_quant_backward(const void* W, ElemType w_type, const float* gamma, const float* beta,
                               const void* grad, ElemType grad_type, float* dgamma, float* dbeta, void* dW,
                               int64_t rows, int64_t cols, int64_t group, int bits, void* stream);

// codes [rows, cols] uint8 <-> words [rows, ceil(cols / floor(32/bits))] int32 (packing.h layout).
int launch_pack_codes(const uint8_t* codes, int32_t* words, int64_t rows, int64_t cols, int bits, void* stream);
int launch_unpack_codes(const int32_t* words, uint8_t* codes, int64_t rows, int64_t cols, int bits, void* stream);
// out [rows, cols] = (code − zero)·scale with fp16 scales and zeros [rows, ceil(cols/group)]: int32,
// or with float_zeros the bits of float32 zero points (a merged adapter makes them fractional).
int launch_dequantize(const int32_t* words, const void* scales_f16, const int32_t* zeros, void* out, ElemType out_type,
                      int64_t rows, int64_t cols, int64_t group, int bits, void* stream, bool float_zeros = false);

// y [m, rows] = x [m, cols] Ŵᵀ from packed words, for 1 ≤ m ≤ kMaxGemvRows, bits 2/3/4,
// x and y in fp16 or bf16 (same type), float32 accumulation. Picks the tensor-core kernel
// (quant_gemv_mma.cu) where it applies, else the CUDA-core kernel (quant_gemv.cu);
// GemvPath::CudaCores forces the latter (benchmarks and tests compare the two).
constexpr int64_t kMaxGemvRows = 16;
enum class GemvPath { Auto = 0, CudaCores = 1 };
bool packed_gemv_supported(int bits, ElemType x_type, int64_t m);
int launch_packed_gemv(const void* x, ElemType x_type, const int32_t* words, const void* scales_f16,
                       const int32_t* zeros, void* y, int64_t m, int64_t rows, int64_t cols, int64_t group, int bits,
                       void* stream, GemvPath path = GemvPath::Auto, bool overlap_previous = false,
                       bool float_zeros = false);
// The tensor-core kernel alone: bits 2 or 4, 1 ≤ m ≤ 16 (9–16 rows in two launches where x does not
// fit in shared memory at once), group = 1, 2 or 4 × (4 words of codes),
// cols a multiple of 16 words of codes, compute capability ≥ 8.0.
// overlap_previous: the kernels queued just before did not write words, scales or zeros, so on
// sm_90+ the launch may start during their tail and request the weights before waiting for them
// (programmatic dependent launch; x is read only after the wait). Decode of a loaded model.
bool packed_gemv_mma_supported(int bits, ElemType x_type, int64_t m, int64_t rows, int64_t cols, int64_t group,
                               const void* scales, const void* zeros);
int launch_packed_gemv_mma(const void* x, ElemType x_type, const int32_t* words, const void* scales_f16,
                           const int32_t* zeros, void* y, int64_t m, int64_t rows, int64_t cols, int64_t group,
                           int bits, void* stream, bool overlap_previous = false, bool float_zeros = false);

// Keeps the stream busy for about `ns` nanoseconds (benchmarks queue the timed work behind it so
// host-side dispatch does not show up as GPU idle time between the events).
int launch_spin(int64_t ns, void* stream);

const char* error_string(int code);

}  // namespace apiq::kernels
