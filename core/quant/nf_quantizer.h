// SPDX-License-Identifier: GPL-3.0-or-later
// NormalFloat (QLoRA's NF4, and NF2 built the same way) for the qlora/loftq baselines: each block of
// consecutive elements of the flattened weight is scaled by its absolute maximum and every element
// takes the nearest of 2^b fixed levels.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace apiq {

// Φ⁻¹(p) for p in (0, 1), to double precision.
double normal_quantile(double p);

// The 2^bits NormalFloat levels, ascending, in [−1, 1] with an exact 0. Built as bitsandbytes
// builds NF4: with offset δ = 0.9677083 (≈ 1 − ½(1/32 + 1/30)), the 2^(b−1) positive levels are
// Φ⁻¹ of 2^(b−1) + 1 points spaced evenly from δ down to ½ (the last, ½, dropped), the 2^(b−1) − 1
// negative levels are −Φ⁻¹ of 2^(b−1) points spaced evenly from δ to ½ (½ dropped), plus 0; all
// divided by Φ⁻¹(δ). NF2 keeps the same δ (as LoftQ does):
//   NF2 = {−1, 0, 0.3379152, 1}   (0.3379152 = Φ⁻¹((δ + ½)/2)/Φ⁻¹(δ), also one of NF4's levels)
// bits 2..4.
std::vector<double> normal_float_levels(int bits);

struct NFCodes {
  torch::Tensor codes;   // uint8, W's shape: indices into normal_float_levels(bits)
  torch::Tensor absmax;  // [n_blocks] float32 (float64 for float64 W); block k covers flattened
                         // elements [k·block_size, (k+1)·block_size), the last block may be shorter
  int bits = 0;
  int64_t block_size = 0;
};

// Each block's absolute maximum, [n_blocks] in the compute dtype (float32, float64 for float64 W).
torch::Tensor nf_block_absmax(const torch::Tensor& W, int64_t block_size);
// Nearest level per element; an element exactly halfway between two levels takes the lower one.
// An all-zero block stores absmax 0 and codes of the 0 level.
NFCodes nf_quantize(const torch::Tensor& W, int bits, int64_t block_size = 64);
// The codes of W against given block scales ([n_blocks], e.g. double-quantized absmax values,
// nf_double_quant.h): the nearest level of each element divided by its block's scale, values
// beyond ±1 taking the end levels; a block of scale 0 takes whatever code (it dequantizes to 0).
torch::Tensor nf_encode(const torch::Tensor& W, const torch::Tensor& block_scales, int bits, int64_t block_size);
torch::Tensor nf_dequantize(const NFCodes& c, torch::ScalarType dtype = torch::kFloat);
// nf_dequantize(nf_quantize(W)) in W's dtype. NF has no learnable parameters: no gradient flows.
torch::Tensor nf_fake_quant(const torch::Tensor& W, int bits, int64_t block_size = 64);

}  // namespace apiq
