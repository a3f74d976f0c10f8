// SPDX-License-Identifier: GPL-3.0-or-later
// Packed storage of a quantized linear: b-bit codes in int32 words, fp16 scales, int32 zeros.
// This is what a quantized checkpoint holds and what lives in memory after quantization.
//
// Word layout: each row's codes are packed along the input dimension, floor(32/b) codes per
// word, code k of a word in bits [k·b, (k+1)·b) (lowest bits first); bits above
// floor(32/b)·b are zero. So b = 2: 16 codes, b = 4: 8 codes, b = 3: 10 codes and 2 spare bits.
// A row's last word is filled with zero codes when `in` is not a multiple of the codes per word.
// Words are stored as int32 (the same 32 bits; a set top bit reads as negative).
#pragma once
#include <torch/types.h>

#include <cstdint>

#include "apiq/group_quantizer.h"

namespace apiq {

inline int64_t codes_per_word(int bits) { return 32 / bits; }
inline int64_t packed_words(int64_t in, int bits) { return (in + codes_per_word(bits) - 1) / codes_per_word(bits); }

// codes: [rows, in] integer tensor with values in [0, 2^bits) (checked) -> [rows, packed_words] int32.
// bits 1..8.
torch::Tensor pack_codes(const torch::Tensor& codes, int bits);
// The inverse: [rows, packed_words(in)] int32 -> [rows, in] uint8.
torch::Tensor unpack_codes(const torch::Tensor& packed, int bits, int64_t in);

struct PackedLinear {
  int bits = 0;
  int64_t out = 0;
  int64_t in = 0;
  int64_t group_size = 0;
  torch::Tensor packed;  // [out, packed_words(in, bits)] int32
  torch::Tensor scales;  // [out, n_groups] float16
  torch::Tensor zeros;   // [out, n_groups] int32 (asymmetric zero points may fall outside the code range)

  int64_t n_groups() const { return num_groups(in, group_size); }
  int64_t storage_bytes() const;  // bytes of packed + scales + zeros
};

// Packs codes and rounds the scales to fp16 (the only lossy step).
PackedLinear pack(const QuantizedCodes& q);
// Codes exactly as packed, scales widened back to float32.
QuantizedCodes unpack(const PackedLinear& p);
// (codes − zeros)·scales computed in float32 from the fp16 scales, returned in `dtype`.
torch::Tensor dequantize(const PackedLinear& p, torch::ScalarType dtype = torch::kFloat);

}  // namespace apiq
