// SPDX-License-Identifier: GPL-3.0-or-later
// Zero-point census of a quantized checkpoint: per linear, how many groups have each zero point.
// A GPTQ v1 export stores zero − 1 in b bits, so it can hold only zero points in [1, 2^b]; a
// group with zero point 0 cannot be represented (formats-and-qt.md §1.1).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/config.h"
#include "io/safetensors.h"

namespace apiq {

struct LinearZeroCensus {
  std::string module;  // e.g. "model.layers.0.self_attn.q_proj"
  int64_t groups = 0;  // rows × groups per row
  int64_t zero_groups = 0;      // zero point 0
  int64_t v1_unstorable = 0;    // outside [1, 2^bits]: what a GPTQ v1 export must clamp
  std::map<int64_t, int64_t> histogram;  // zero point -> groups
};

// Every quantized linear with integer zero points (`<module>.zeros`), blocks and linears in
// forward order; empty for a dense or NormalFloat checkpoint.
std::vector<LinearZeroCensus> zero_point_census(const TensorStore& store, const LlamaConfig& cfg, int bits);

}  // namespace apiq
