// SPDX-License-Identifier: GPL-3.0-or-later
// The rank and alpha of a LoRA adapter (a plain struct, no LibTorch).
#pragma once
#include <cstdint>

namespace apiq {

struct LoraOptions {
  int64_t rank = 64;
  double alpha = 16.0;
  double scaling() const { return alpha / static_cast<double>(rank); }
  LoraOptions& set_rank(int64_t r) { rank = r; return *this; }
  LoraOptions& set_alpha(double a) { alpha = a; return *this; }
};

}  // namespace apiq
