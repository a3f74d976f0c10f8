// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/budget_allocation.h"

#include <cmath>
#include <cstdio>

#include "quant/group_quantizer.h"
#include "quant/mc_knapsack.h"
#include "quant/packing.h"
#include "quant/stored_zeros.h"

namespace apiq {

std::vector<BudgetCandidate> budget_candidates(const std::vector<int>& bit_widths) {
  std::vector<BudgetCandidate> out;
  for (int bits : bit_widths)
    for (int64_t g : {32, 64, 128}) out.push_back({bits, g});
  return out;
}

int64_t linear_storage_bits(int64_t out, int64_t in, int bits, int64_t group_size, int64_t lora_rank, int zero_bits) {
  const int64_t codes = out * packed_words(in, bits) * 32;
  const int64_t groups = out * num_groups(in, group_size) * (16 + zero_bits);  // fp16 scale + zero point
  return codes + groups + lora_rank * (in + out) * 32;
}

namespace {

// One candidate of one linear: Σ F ⊙ (W − RTN(W))² (float64 sum) and its storage. The zero points'
// width is that of RTN's zeros, which learned clipping keeps (it scales a group's min and max by
// factors in (0, 1), so a group straddles 0 before and after); a method that quantizes W − L may
// differ in the rare group whose sign the low-rank part changes.
KnapsackChoice rtn_choice(const torch::Tensor& W, const torch::Tensor& F, const QuantizerOptions& base,
                          const BudgetCandidate& c, int64_t rank) {
  QuantizerOptions q = base;
  q.bits = c.bits;
  q.group_size = c.group_size;
  q.learnable_clipping = false;
  const GroupQuantizer quantizer(q, W.size(0), W.size(1), W.device());
  const auto err = (W - quantizer.fake_quant(W)).pow(2);
  const double cost = (F.defined() ? err * F.to(err.device(), torch::kFloat) : err).sum().item<double>();
  const int zero_bits = stored_zero_bits(quantizer.scale_and_zero(W).second.to(torch::kLong));
  return {cost, linear_storage_bits(W.size(0), W.size(1), c.bits, c.group_size, rank, zero_bits)};
}

// The knapsack with an exact unit when the table fits, else the coarsest unit that fits (rounded
// storage up, the budget down: the choice still never exceeds it).
KnapsackSolution solve(const std::vector<std::vector<KnapsackChoice>>& items, int64_t budget) {
  try {
    return solve_mc_knapsack(items, budget);
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).find("unit") == std::string::npos) throw;
    const auto n = static_cast<int64_t>(items.size());
    const int64_t unit = std::max<int64_t>(1, budget * n / (kMaxKnapsackCells / 2) + 1);
    return solve_mc_knapsack(items, budget, unit);
  }
}

}  // namespace

BudgetAllocation allocate_budget(const LlamaModel& model, const CalibrationOptions& o,
                                 const std::vector<BlockFisher>& fisher, ProgressObserver* obs) {
  torch::NoGradGuard ng;
  const auto candidates = budget_candidates(o.budget_bits);
  const int64_t rank = o.spec().has_adapter() && o.budget_counts_lora ? o.lora.rank : 0;
  std::vector<std::vector<KnapsackChoice>> items;
  std::vector<std::string> keys;
  BudgetAllocation a;
  const int64_t blocks = model.config().num_hidden_layers;
  for (int64_t b = 0; b < blocks; ++b) {
    for (LinearKind k : kAllLinears) {
      if (!o.is_target(k)) continue;
      const torch::Tensor W = model.weights().blocks[b].linear(k).weight.to(torch::kFloat);
      const torch::Tensor F = fisher.empty() ? torch::Tensor() : fisher[b][static_cast<int>(k)];
      std::vector<KnapsackChoice> choices;
      for (const auto& c : candidates) choices.push_back(rtn_choice(W, F, o.quant, c, rank));
      items.push_back(std::move(choices));
      keys.push_back(QuantSpec::module_key(b, k));
      a.params += W.numel();
    }
    report(obs, "budget", b + 1, blocks);
  }
  a.budget_bits = static_cast<int64_t>(std::floor(o.budget * static_cast<double>(a.params)));
  KnapsackSolution s;
  try {
    s = solve(items, a.budget_bits);
  } catch (const std::invalid_argument& e) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", o.budget);
    throw std::invalid_argument(std::string("--budget ") + b + " bits per parameter cannot be met: " + e.what() +
                                " (over " + std::to_string(a.params) + " parameters)");
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& c = candidates[static_cast<size_t>(s.chosen[i])];
    a.overrides[keys[i]] = {c.bits, c.group_size};
  }
  a.storage_bits = s.total_storage_bits;
  a.cost = s.total_cost;
  return a;
}

}  // namespace apiq
