// SPDX-License-Identifier: GPL-3.0-or-later
// RMSNorm: the composed LibTorch reference (as Hugging Face computes it) and our CUDA kernel.
#pragma once
#include <torch/types.h>

namespace apiq {

// weight · (x / √(mean(x²) + eps)), normalised in float32 (float64 stays float64) and cast back
// to x's dtype before the weight, as the reference model does.
torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);
// Our kernel for contiguous CUDA tensors of one dtype (no autograd).
torch::Tensor rms_norm_kernel(const torch::Tensor& x, const torch::Tensor& weight, double eps);
// The kernel where it applies (CUDA, no gradient needed), else the reference.
torch::Tensor rms_norm_dispatch(const torch::Tensor& x, const torch::Tensor& weight, double eps);

}  // namespace apiq
