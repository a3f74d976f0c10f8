// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/quantizer_options.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace apiq {

void QuantizerOptions::validate() const {
  if (format == Format::Int && (bits < 2 || bits > 8))
    throw std::invalid_argument("quantizer bits must be in 2..8 for int, got " + std::to_string(bits));
  if (format == Format::NF && (bits < 2 || bits > 4))
    throw std::invalid_argument("quantizer bits must be 2, 3 or 4 for nf, got " + std::to_string(bits));
  if (group_size <= 0) throw std::invalid_argument("quantizer group size must be positive, got " + std::to_string(group_size));
  if (nf_block_size <= 0)
    throw std::invalid_argument("nf block size must be positive, got " + std::to_string(nf_block_size));
  if (!std::isfinite(clip_init)) throw std::invalid_argument("clipping init must be finite");
  if (nf_scale_bits < 0 || nf_scale_bits > 8)
    throw std::invalid_argument("nf scale bits (b0) must be 0 (no double quantization) or 1..8, got " +
                                std::to_string(nf_scale_bits));
  if (nf_scale_block <= 0)
    throw std::invalid_argument("nf scale block (B1) must be positive, got " + std::to_string(nf_scale_block));
}

const char* nf_scale_float_name(QuantizerOptions::NFScaleFloat f) {
  switch (f) {
    case QuantizerOptions::NFScaleFloat::BF16: return "bf16";
    case QuantizerOptions::NFScaleFloat::FP16: return "fp16";
    case QuantizerOptions::NFScaleFloat::FP32: return "fp32";
  }
  return "fp32";
}

QuantizerOptions::NFScaleFloat parse_nf_scale_float(const std::string& name) {
  for (auto f : {QuantizerOptions::NFScaleFloat::BF16, QuantizerOptions::NFScaleFloat::FP16, QuantizerOptions::NFScaleFloat::FP32})
    if (name == nf_scale_float_name(f)) return f;
  throw std::invalid_argument("nf scale float must be bf16, fp16 or fp32, got '" + name + "'");
}

}  // namespace apiq
