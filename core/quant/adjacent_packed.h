// SPDX-License-Identifier: GPL-3.0-or-later
// Packed linears that a fused decode step multiplies together (q, k, v; gate, up) laid out back to
// back: one allocation each for their codes, scales and zeros, every linear holding a view of its
// rows. The fused step then runs a group as one product over the adjacent rows, without a second
// copy of the weights (FusedDecodeBlocks finds the span). Values and shapes are unchanged.
#pragma once
#include "quant/quant_linear.h"

namespace apiq {

// Groups whose linears are not all packed-only with equal bits, group size, input width, zero-point
// type and device are left as they are.
void place_packed_groups_adjacent(QuantBlockLinears& block);

}  // namespace apiq
