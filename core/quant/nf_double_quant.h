// SPDX-License-Identifier: GPL-3.0-or-later
// LQ-LoRA's NormalFloat with double quantization of the block scales (Guo et al., 2023): the
// weight's NF codes per block of B0 consecutive elements (nf_quantizer.h), and the blocks' absmax
// scales themselves quantized: offset = the least absmax of the tensor, the shifted scales
// (absmax − offset) stored as b0-bit unsigned integers per group of B1 scales, each group with one
// maximum in b1-bit float (bf16, fp16 or fp32):
//   absmax ≈ round(shifted · (2^b0 − 1) / max) · max / (2^b0 − 1) + offset
// The weight is then coded against these dequantized scales (so a value may exceed its scale and
// take the end level ±1). Bits per parameter as LQ-LoRA counts them: b + b0/B0 + b1/(B0·B1), plus
// the offset (32 bits per tensor); as written here codes are packed floor(32/b) to an int32 word
// (ops/packed_layout.h), so b = 3 costs 3.2 bits a code — nf_double_quant_storage_bits is exact.
#pragma once
#include <torch/types.h>

#include <cstdint>

#include "quant/quantizer_options.h"

namespace apiq {

struct NFDoubleQuantConfig {
  using ScaleFloat = QuantizerOptions::NFScaleFloat;
  int bits = 4;                              // b: NF levels, 2..4
  int scale_bits = 8;                        // b0: codes of the shifted scales, 1..8
  ScaleFloat scale_float = ScaleFloat::FP32;  // b1: the per-group maximum
  int64_t block_size = 64;                   // B0: elements per absmax scale
  int64_t scale_block = 256;                 // B1: scales per group

  int scale_float_bits() const { return scale_float == ScaleFloat::FP32 ? 32 : 16; }
  torch::ScalarType scale_dtype() const;
  // LQ-LoRA's b + b0/B0 + b1/(B0·B1), without the per-tensor offset.
  double bits_per_param() const;
  // Throws std::invalid_argument naming the bad field.
  void validate() const;
};

struct NFDoubleQuantized {
  NFDoubleQuantConfig config;
  torch::Tensor codes;         // uint8, W's shape: indices into normal_float_levels(b)
  torch::Tensor scale_codes;   // uint8 [n_blocks], each in [0, 2^b0 − 1]
  torch::Tensor scale_maxima;  // [n_scale_groups] in the b1 dtype: each group's largest shifted scale
  torch::Tensor offset;        // float32 scalar: the least absmax
};

// Computed in float32 (float64 for float64 W). The last block and the last scale group may be short.
NFDoubleQuantized nf_double_quantize(const torch::Tensor& W, const NFDoubleQuantConfig& config);
// The dequantized absmax scales, [n_blocks] float32.
torch::Tensor nf_double_quant_scales(const NFDoubleQuantized& q);
torch::Tensor nf_double_dequantize(const NFDoubleQuantized& q, torch::ScalarType dtype = torch::kFloat);

// The tensors as written: codes and scale codes packed into int32 words ([1, words] each, by
// pack_codes), the maxima in their b1 dtype, the float32 offset.
struct NFDoubleQuantPacked {
  torch::Tensor codes, scale_codes, scale_maxima, offset;
  int64_t storage_bytes() const;
};
NFDoubleQuantPacked pack(const NFDoubleQuantized& q);
// Bits of pack(nf_double_quantize(W)) for a W of `numel` elements, without quantizing anything.
int64_t nf_double_quant_storage_bits(const NFDoubleQuantConfig& config, int64_t numel);

// The double quantization an nf QuantizerOptions asks for (q.nf_double_quant()).
NFDoubleQuantConfig nf_double_quant_config(const QuantizerOptions& q);
// Ŵ of an nf weight under `q`: double-quantized scales where q asks for them, else float32 absmax
// (nf_fake_quant). In W's dtype, no gradient.
torch::Tensor nf_fake_quant(const torch::Tensor& W, const QuantizerOptions& q);
// Bits an nf linear [out, in] takes in a checkpoint: codes packed row by row (.qweight, as int
// linears), then float32 absmax per block, or the double quantization's packed scale codes, b1
// maxima and float32 offset (quantized_checkpoint.cpp writes exactly these).
int64_t nf_linear_storage_bits(int64_t out, int64_t in, const QuantizerOptions& q);

}  // namespace apiq
