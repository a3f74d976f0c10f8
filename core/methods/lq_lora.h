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
  std::vector<double> errors;  // ‖√F ⊙ (W − L1L2 − Q)‖_F of each iteration run (F = 1 unweighted)
  int kept = -1;               // the iteration whose (L1, L2, Q) the linear holds: the least error
};

// Up to `iters` iterations from Q = 0: (L1, L2) = rank-r randomized SVD of W − Q, then
// Q = quantize(W − L1L2) with the linear's quantizer; stops at the first iteration whose error is
// not below the best so far and keeps the best iterate (LQ-LoRA's code returns the last one).
// Sets quant_source = W − L1L2 and A = L2/√s, B = L1/√s, so that s·BA = L1L2.
// With a diagonal Fisher `fisher` ([out, in], any device; undefined or all zero: unweighted) the
// errors are weighted by √F and the SVD is LQ-LoRA's two-sided approximation of the weighted one:
// the SVD of D_r·M·D_c, unscaled, with D_r, D_c the square roots of F's row and column means.
LqLoraTrace lq_lora_init(QuantLinear& l, int iters, uint64_t seed, const torch::Tensor& fisher = {});

// ‖√F ⊙ D‖_F, or ‖D‖_F when `fisher` is undefined.
double fisher_weighted_norm(const torch::Tensor& D, const torch::Tensor& fisher);

}  // namespace apiq
