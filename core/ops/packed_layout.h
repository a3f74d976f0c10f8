// SPDX-License-Identifier: GPL-3.0-or-later
// The packed storage of a quantized linear as the kernels read it: b-bit codes in int32 words,
// fp16 scales, int32 zero points. quant/packing.h builds and reads it; ops/ only launches on it.
//
// Word layout: each row's codes are packed along the input dimension, floor(32/b) codes per
// word, code k of a word in bits [k·b, (k+1)·b) (lowest bits first); bits above
// floor(32/b)·b are zero. So b = 2: 16 codes, b = 4: 8 codes, b = 3: 10 codes and 2 spare bits.
// A row's last word is filled with zero codes when `in` is not a multiple of the codes per word.
// Words are stored as int32 (the same 32 bits; a set top bit reads as negative).
#pragma once
#include <torch/types.h>

#include <cstdint>

namespace apiq {

inline int64_t num_groups(int64_t in, int64_t group_size) { return (in + group_size - 1) / group_size; }
inline int64_t codes_per_word(int bits) { return 32 / bits; }
inline int64_t packed_words(int64_t in, int bits) { return (in + codes_per_word(bits) - 1) / codes_per_word(bits); }

struct PackedLinear {
  int bits = 0;
  int64_t out = 0;
  int64_t in = 0;
  int64_t group_size = 0;
  torch::Tensor packed;  // [out, packed_words(in, bits)] int32
  torch::Tensor scales;  // [out, n_groups] float16
  torch::Tensor zeros;   // [out, n_groups] int32 (asymmetric zero points may fall outside the code range),
                         // or float32 once a merged adapter made them fractional (z − Δ/s); uint8 only in
                         // a decoder's own copy (model/fused_decode) where all lie in 0..255, read by the
                         // tensor-core product alone

  int64_t n_groups() const { return num_groups(in, group_size); }
  bool float_zeros() const { return zeros.defined() && zeros.scalar_type() == torch::kFloat; }
  // Bytes of packed + scales + zeros as held.
  int64_t storage_bytes() const {
    int64_t n = 0;
    for (const auto* t : {&packed, &scales, &zeros})
      if (t->defined()) n += t->numel() * static_cast<int64_t>(t->element_size());
    return n;
  }
};

}  // namespace apiq
