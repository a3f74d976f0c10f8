// SPDX-License-Identifier: GPL-3.0-or-later
// The SIMT packed product of one bit width (quant_gemv_simt.cuh), instantiated in quant_gemv_w{2,3,4}.cu.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>

#include "launchers.h"

namespace apiq::kernels::gemv_simt {

// y [M, rows] (+ res) = x [M, cols] Ŵᵀ, x and y f16 or bf16 (x_type), zeros int32 or float32 (fz). Defined
// in the .cuh; each quant_gemv_w<BITS>.cu instantiates its width with the macro below.
template <int BITS>
int launch(const void* x, ElemType x_type, const int32_t* words, const void* scales, const int32_t* zeros, const void* res,
           void* y, int M, int64_t rows, int64_t cols, int64_t group, bool fz, cudaStream_t stream);

#define APIQ_GEMV_SIMT_INSTANTIATE(BITS)                                                                                \
  template int launch<BITS>(const void*, ElemType, const int32_t*, const void*, const int32_t*, const void*, void*, int, \
                            int64_t, int64_t, int64_t, bool, cudaStream_t)

}  // namespace apiq::kernels::gemv_simt
