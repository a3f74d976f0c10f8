// SPDX-License-Identifier: GPL-3.0-or-later
// How a checkpoint stores integer zero points: as uint8 when every one lies in [0, 255] — always for
// a group that straddles 0, whose zero round(−xmin/s) is a code — else as int16 (our quantizer bounds
// zeros at ±10000; a group of one sign keeps its exact grid, group_quantizer.cpp). Float zero points
// (a merged adapter) stay float32. In memory they are int32 (ops/packed_layout.h) whatever was stored.
#pragma once
#include <torch/types.h>

namespace apiq {

// The tensor to write for in-memory zeros `z` (int32 → uint8 or int16; float unchanged).
torch::Tensor stored_zero_points(const torch::Tensor& z);
// Bits per zero point that stored_zero_points(z) takes: 8, 16, or 32 for float zeros.
int stored_zero_bits(const torch::Tensor& z);

}  // namespace apiq
