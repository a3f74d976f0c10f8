// SPDX-License-Identifier: GPL-3.0-or-later
// The packed product's entry: the tensor-core form (quant_gemv_mma.cu) where it applies, else the
// SIMT form (quant_gemv_simt.cuh, one unit per bit width).
#include <cstdint>

#include "device_types.cuh"
#include "quant_gemv_simt.h"

namespace apiq::kernels {

bool packed_gemv_supported(int bits, ElemType x_type, int64_t m) {
  return (bits == 2 || bits == 3 || bits == 4) && x_type != ElemType::F32 && m >= 1 && m <= kMaxGemvRows;
}

int launch_packed_gemv(const void* x, ElemType x_type, const int32_t* words, const void* scales_f16, const void* zeros_any,
                       void* y, int64_t m, int64_t rows, int64_t cols, int64_t group, int bits, void* stream,
                       GemvPath path, bool overlap_previous, ZeroType zero_type, const void* residual,
                       const GemvPrologue& prologue, const GemvLora& lora, GemvOutput output) {
  if (!packed_gemv_supported(bits, x_type, m) || group <= 0) return static_cast<int>(cudaErrorInvalidValue);
  if (rows == 0 || cols == 0) return 0;
  if (path != GemvPath::CudaCores &&
      packed_gemv_mma_supported(bits, x_type, m, rows, cols, group, scales_f16, zeros_any, zero_type))
    return launch_packed_gemv_mma(x, x_type, words, scales_f16, zeros_any, y, m, rows, cols, group, bits, stream,
                                  overlap_previous, zero_type, residual, prologue, lora, path, output);
  // This kernel reads int32 (or float32) zero points and the input as stored, adds no LoRA and
  // stores its outputs as they are.
  if (zero_type == ZeroType::UInt8 || prologue.input != GemvInput::Plain || lora.b || output != GemvOutput::Plain)
    return static_cast<int>(cudaErrorInvalidValue);
  const auto* zeros = static_cast<const int32_t*>(zeros_any);
  const bool float_zeros = zero_type == ZeroType::Float32;
  const auto s = static_cast<cudaStream_t>(stream);
  const int M = static_cast<int>(m);
  switch (bits) {
    case 2: return gemv_simt::launch<2>(x, x_type, words, scales_f16, zeros, residual, y, M, rows, cols, group, float_zeros, s);
    case 3: return gemv_simt::launch<3>(x, x_type, words, scales_f16, zeros, residual, y, M, rows, cols, group, float_zeros, s);
    default: return gemv_simt::launch<4>(x, x_type, words, scales_f16, zeros, residual, y, M, rows, cols, group, float_zeros, s);
  }
}

}  // namespace apiq::kernels
