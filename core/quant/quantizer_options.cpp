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
}

}  // namespace apiq
