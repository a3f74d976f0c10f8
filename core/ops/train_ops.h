// SPDX-License-Identifier: GPL-3.0-or-later
// The elementwise ops of a calibration step as single CUDA kernels with their backward
// (kernels/train_elementwise.cu), for CUDA tensors under bf16/f16 autocast. Each *_dispatch picks the
// kernel where it applies and the composed LibTorch ops otherwise (CPU, no autocast, the kernels
// switched off, other dtypes or layouts); forward values equal the composed ops' after autocast's cast.
#pragma once
#include <torch/types.h>

namespace apiq {

// RMSNorm of a float32 activation straight into the autocast dtype (the linears that follow would
// cast it anyway); the weight must not need a gradient. Else rms_norm_dispatch (rms_norm.h).
bool rms_norm_autocast_applies(const torch::Tensor& x, const torch::Tensor& weight);
torch::Tensor rms_norm_autocast(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// Rotary embedding of heads laid out [B, T, heads, D] (contiguous, the autocast dtype), cos and sin
// float32 [T, D]; returns [B, heads, T, D] (a transposed view), as apply_rotary on the transpose does.
torch::Tensor rotate_heads(const torch::Tensor& x_bthd, const torch::Tensor& cos, const torch::Tensor& sin);

// x·cos + rotate_half(x)·sin over the last dimension (the composed reference, any device and dtype).
torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);

// silu(gate) · up.
torch::Tensor silu_mul_dispatch(const torch::Tensor& gate, const torch::Tensor& up);

}  // namespace apiq
