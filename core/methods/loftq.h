// SPDX-License-Identifier: GPL-3.0-or-later
// LoftQ's alternation, exposed for its unit test and for methods that start from it.
#pragma once
#include "quant/quant_linear.h"

namespace apiq {

// T alternations: quantize W − sBA, rank-r SVD of W − Ŵ, B = U√S/s, A = √S Vᵀ.
void loftq_init(QuantLinear& l, int iters);

}  // namespace apiq
