// SPDX-License-Identifier: GPL-3.0-or-later
// Bits a quantized linear takes in a written checkpoint, counted from the tensors as loaded: the
// independent side of the storage formulas' tests.
#pragma once
#include <string>

#include "io/safetensors.h"

namespace apiq::test {

// Codes, scales and zero points or NF scales of `module`, plus its LoRA factors with `with_lora`.
inline int64_t stored_linear_bits(const TensorStore& s, const std::string& module, bool with_lora = false) {
  int64_t bits = 0;
  for (const char* suffix : {".qweight", ".scales", ".zeros", ".nf_absmax", ".nf_scale_codes", ".nf_scale_maxima",
                             ".nf_offset", ".lora_A", ".lora_B"}) {
    const bool lora = suffix[1] == 'l';
    if ((!lora || with_lora) && s.contains(module + suffix)) bits += s.load(module + suffix).nbytes() * 8;
  }
  return bits;
}

}  // namespace apiq::test
