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

const char* error_string(int code);

}  // namespace apiq::kernels
