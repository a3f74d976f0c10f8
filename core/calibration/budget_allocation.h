// SPDX-License-Identifier: GPL-3.0-or-later
// --budget B: mixed precision under a memory budget for every method (LQ-LoRA's allocation, as an
// exact multiple-choice knapsack). Each quantized linear gets one configuration out of bits
// 2/3/4/8 × group 32/64/128 (int) or LQ-LoRA's NF grid (nf); a configuration costs its reconstruction error and takes its storage
// as the checkpoint writes it; the sum of storage stays within B bits per quantized parameter.
//
// Cost: Σ F ⊙ (W − Ŵ)² at that configuration, weighted by the diagonal Fisher where --fisher N is
// given (else F = 1), with Ŵ plain min-max rounding (RTN) — what every method starts from — or, for
// methods that learn clipping (ApiQ), each group's best Ŵ over the clipping ratios
// kClipSearchRatios: the error their training moves toward. A proxy of a few fake-quantizations per
// candidate instead of one calibration per candidate (LQ-LoRA's low-rank part and ApiQ's LoRA then
// lower the error further). On stories260K plain RTN as ApiQ's proxy spent the uniform 2-bit
// budget on a mix that calibrated worse than uniform 2 bits (docs/results.md, "Budget").
// Storage: packed int32 words of codes, fp16 scales and zero points per group (uint8, or int16 where
// a group does not straddle 0: quant/stored_zeros.h) — nf: codes and the (double-quantized) block
// scales as written — and, unless
// the LoRA factors are excluded — the fp32 factors A [r, in] and B [out, r], which do not change
// with the choice but count against the budget.
#pragma once
#include <vector>

#include "calibration/fisher.h"
#include "methods/calibration_options.h"
#include "model/llama_model.h"

namespace apiq {

// One configuration of one linear (int: bits, group; nf: bits, block B0 and the double
// quantization b0, B1, b1 — QuantSpec's per-module override).
using BudgetCandidate = ModuleQuant;
// Every configuration the allocation chooses among, in a fixed order: int — `bits` × groups
// 32/64/128; nf — LQ-LoRA's grid, `bits` within 2..4 × b0 {2, 3, 4, 8} × b1 {bf16, fp16, fp32} ×
// B0 {16, 32, 64} × B1 {16, 64, 256}.
std::vector<BudgetCandidate> budget_candidates(const std::vector<int>& bits = {2, 3, 4, 8},
                                               QuantizerOptions::Format format = QuantizerOptions::Format::Int);

// The clipping ratios (of each group's max and min) the cost of a learnable-clipping method tries.
inline constexpr double kClipSearchRatios[] = {1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7};

// One candidate's cost for one linear W [out, in] (F: its Fisher, or undefined for 1): plain
// rounding (nf: NF with its scales as stored), or, int with `clip_search`, the sum over groups of
// each group's least error over the ratios.
double candidate_cost(const torch::Tensor& W, const torch::Tensor& F, const QuantizerOptions& base,
                      const BudgetCandidate& c, bool clip_search);

// Bits one int linear [out, in] takes as written: codes, scales, zeros of `zero_bits` each, plus
// LoRA rank r (0: none).
int64_t linear_storage_bits(int64_t out, int64_t in, int bits, int64_t group_size, int64_t lora_rank,
                            int zero_bits = 8);
// The same for a candidate of either format (`base` gives the format): int as above, nf codes plus
// its scales as written (nf_linear_storage_bits), plus LoRA rank r.
int64_t candidate_storage_bits(int64_t out, int64_t in, const QuantizerOptions& base, const BudgetCandidate& c,
                               int64_t lora_rank, int zero_bits = 8);

struct BudgetAllocation {
  std::map<std::string, ModuleQuant> overrides;  // every quantized linear, keyed as QuantSpec::module_key
  int64_t params = 0;                           // weights of the quantized linears
  int64_t budget_bits = 0, storage_bits = 0;    // allowed, and taken by the choice
  double cost = 0;
  double bits_per_param() const { return params ? static_cast<double>(storage_bits) / static_cast<double>(params) : 0; }
};

// The allocation for `o.budget` bits per parameter (o.budget_counts_lora: the LoRA factors count)
// over the model's host weights; `fisher` per block, or empty. std::invalid_argument when even the
// smallest configuration of every linear exceeds the budget (the message gives the least possible).
BudgetAllocation allocate_budget(const LlamaModel& model, const CalibrationOptions& o,
                                 const std::vector<BlockFisher>& fisher, ProgressObserver* obs = nullptr);

}  // namespace apiq
