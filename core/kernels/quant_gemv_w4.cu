// SPDX-License-Identifier: GPL-3.0-or-later
// The SIMT packed product for 4-bit codes (a unit of its own so that the widths compile in parallel).
#include "quant_gemv_simt.cuh"

namespace apiq::kernels::gemv_simt {
APIQ_GEMV_SIMT_INSTANTIATE(4);
}  // namespace apiq::kernels::gemv_simt
