// SPDX-License-Identifier: GPL-3.0-or-later
// Packing quantized codes into the layout of ops/packed_layout.h (int32 words, fp16 scales,
// int32 zeros): what lives in memory after quantization (a checkpoint stores the zeros compactly,
// quant/stored_zeros.h).
#pragma once
#include <torch/types.h>

#include <cstdint>

#include "ops/packed_layout.h"
#include "quant/group_quantizer.h"

namespace apiq {

// codes: [rows, in] integer tensor with values in [0, 2^bits) (checked) -> [rows, packed_words] int32.
// bits 1..8.
torch::Tensor pack_codes(const torch::Tensor& codes, int bits);
// The inverse: [rows, packed_words(in)] int32 -> [rows, in] uint8.
torch::Tensor unpack_codes(const torch::Tensor& packed, int bits, int64_t in);


// Packs codes and rounds the scales to fp16 (the only lossy step).
PackedLinear pack(const QuantizedCodes& q);
// Codes exactly as packed, scales widened back to float32.
QuantizedCodes unpack(const PackedLinear& p);
// (codes − zeros)·scales computed in float32 from the fp16 scales, returned in `dtype`.
torch::Tensor dequantize(const PackedLinear& p, torch::ScalarType dtype = torch::kFloat);

}  // namespace apiq
