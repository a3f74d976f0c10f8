// SPDX-License-Identifier: GPL-3.0-or-later
// What every tensor-level wrapper of our kernels needs (CUDA builds only): the kernels' element
// type of a dtype, the current stream, and one error per failed launch naming the kernel.
#pragma once
#ifdef APIQ_WITH_CUDA
#include <c10/cuda/CUDAStream.h>
#include <torch/types.h>

#include "launchers.h"

namespace apiq::detail {

inline kernels::ElemType elem_type(torch::ScalarType t, const char* what) {
  switch (t) {
    case torch::kFloat: return kernels::ElemType::F32;
    case torch::kHalf: return kernels::ElemType::F16;
    case torch::kBFloat16: return kernels::ElemType::BF16;
    default: TORCH_CHECK(false, what, ": unsupported dtype ", t);
  }
}

inline void check_launch(int rc, const char* what) {
  TORCH_CHECK(rc == 0, what, " kernel failed: ", kernels::error_string(rc));
}

inline void* current_stream() { return c10::cuda::getCurrentCUDAStream().stream(); }

}  // namespace apiq::detail
#endif
