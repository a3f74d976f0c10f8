// SPDX-License-Identifier: GPL-3.0-or-later
// Products with a packed quantized weight that stays packed in memory: Ŵ is rebuilt on the fly
// (CUDA kernels where available, the LibTorch reference otherwise) and never saved for backward,
// so finetuning holds only the packed codes. Gradients flow to the input only; the base is frozen.
#pragma once
#include <torch/types.h>

#include "quant/packing.h"

namespace apiq {

// Ŵ = (codes − zeros)·scales in `dtype`, on p's device. CUDA: our unpack kernel; else the reference.
torch::Tensor dequantize_packed(const PackedLinear& p, torch::ScalarType dtype);

// y = x Ŵᵀ for x [..., in] -> [..., out], in x's dtype. Differentiable with respect to x
// (dx = dy Ŵ, Ŵ recomputed in backward). Small batches (≤ 16 rows) on CUDA read the packed codes
// directly; larger ones dequantize into a weight of x's dtype and use cuBLAS.
torch::Tensor packed_matmul(const torch::Tensor& x, const PackedLinear& p);

// Forward only (no autograd node): what packed_matmul runs when no gradient is needed.
torch::Tensor packed_matmul_forward(const torch::Tensor& x, const PackedLinear& p);

// The composed LibTorch reference of packed_matmul (unpack, dequantize in float32, matmul).
torch::Tensor packed_matmul_reference(const torch::Tensor& x, const PackedLinear& p);

}  // namespace apiq
