// SPDX-License-Identifier: GPL-3.0-or-later
// LibTorch-facing dispatch to our CUDA kernels, with the composed LibTorch path as reference
// and as the fallback wherever CUDA (or our kernels) are absent.
#pragma once
#include <torch/types.h>

namespace apiq {

// True when this build has our kernels and a CUDA device is visible.
bool cuda_kernels_available();

// RMSNorm: our kernel for contiguous CUDA tensors, else the LibTorch reference.
torch::Tensor rms_norm_dispatch(const torch::Tensor& x, const torch::Tensor& weight, double eps);
torch::Tensor rms_norm_kernel(const torch::Tensor& x, const torch::Tensor& weight, double eps);  // CUDA only

// Peak bytes allocated on a CUDA device by LibTorch's caching allocator since the last reset.
int64_t cuda_peak_memory_bytes(torch::Device device);
void cuda_reset_peak_memory(torch::Device device);

}  // namespace apiq
