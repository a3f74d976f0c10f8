// SPDX-License-Identifier: GPL-3.0-or-later
// LQ-LoRA's low-rank-plus-quantized decomposition (Guo et al., 2023), exposed for its unit test.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "quant/quant_linear.h"

namespace apiq {

// Rank-r factors of M by randomized SVD (Halko et al.): a Gaussian sketch of r + oversample
// columns from `seed`, `power_iters` power iterations (re-orthonormalised each time), then an exact
// SVD of the small projection. Returns (L1, L2) = (U√S [out, k], √S Vᵀ [k, in]), k = min(r, out, in).
std::pair<torch::Tensor, torch::Tensor> randomized_low_rank(const torch::Tensor& M, int64_t rank, int64_t oversample,
                                                            int power_iters, uint64_t seed);

struct LqLoraTrace {
  std::vector<double> errors;  // ‖W − L1L2 − Q‖_F of each iteration run
  int kept = -1;               // the iteration whose (L1, L2, Q) the linear holds: the least error
};

// Up to `iters` iterations from Q = 0: (L1, L2) = rank-r randomized SVD of W − Q, then
// Q = quantize(W − L1L2) with the linear's quantizer; stops at the first iteration whose error is
// not below the best so far and keeps the best iterate (LQ-LoRA's code returns the last one).
// Sets quant_source = W − L1L2 and A = L2/√s, B = L1/√s, so that s·BA = L1L2.
LqLoraTrace lq_lora_init(QuantLinear& l, int iters, uint64_t seed);

}  // namespace apiq
