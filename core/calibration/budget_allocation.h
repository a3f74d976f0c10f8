// SPDX-License-Identifier: GPL-3.0-or-later
// --budget B: mixed precision under a memory budget for every method (LQ-LoRA's allocation, as an
// exact multiple-choice knapsack). Each quantized linear gets one configuration out of bits
// 2/3/4/8 × group 32/64/128; a configuration costs its reconstruction error and takes its storage
// as the checkpoint writes it; the sum of storage stays within B bits per quantized parameter.
//
// Cost: Σ F ⊙ (W − RTN(W))², the error of plain min-max rounding at that configuration, weighted by
// the diagonal Fisher where --fisher N is given (else F = 1). The same proxy for every method: it
// is what every method starts from (ApiQ's learned clipping and LQ-LoRA's low-rank part then lower
// it), and it costs one fake-quantization per candidate instead of one calibration per candidate.
// Storage: packed int32 words of codes, fp16 scales and zero points per group (uint8, or int16 where
// a group does not straddle 0: quant/stored_zeros.h), and — unless
// the LoRA factors are excluded — the fp32 factors A [r, in] and B [out, r], which do not change
// with the choice but count against the budget.
#pragma once
#include <vector>

#include "calibration/fisher.h"
#include "methods/calibration_options.h"
#include "model/llama_model.h"

namespace apiq {

struct BudgetCandidate {
  int bits = 2;
  int64_t group_size = 64;
};
// Every configuration the allocation chooses among (`bits` × groups 32/64/128), in a fixed order.
std::vector<BudgetCandidate> budget_candidates(const std::vector<int>& bits = {2, 3, 4, 8});

// Bits one linear [out, in] takes as written: codes, scales, zeros of `zero_bits` each, plus LoRA
// rank r (0: none).
int64_t linear_storage_bits(int64_t out, int64_t in, int bits, int64_t group_size, int64_t lora_rank,
                            int zero_bits = 8);

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
