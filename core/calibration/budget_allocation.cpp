// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/budget_allocation.h"

#include <cmath>
#include <algorithm>
#include <cstdio>

#include "methods/method.h"
#include "quant/group_quantizer.h"
#include "quant/mc_knapsack.h"
#include "quant/nf_double_quant.h"
#include "quant/packing.h"
#include "quant/stored_zeros.h"

namespace apiq {

std::vector<BudgetCandidate> budget_candidates(const std::vector<int>& bit_widths, QuantizerOptions::Format format) {
  using SF = QuantizerOptions::NFScaleFloat;
  std::vector<BudgetCandidate> out;
  for (int bits : bit_widths) {
    if (format == QuantizerOptions::Format::Int) {
      for (int64_t g : {32, 64, 128}) out.push_back({bits, g});
      continue;
    }
    if (bits < 2 || bits > 4) continue;  // NF levels exist for 2..4 bits
    for (int b0 : {2, 3, 4, 8})
      for (SF b1 : {SF::BF16, SF::FP16, SF::FP32})
        for (int64_t B0 : {16, 32, 64})
          for (int64_t B1 : {16, 64, 256}) out.push_back({bits, B0, b0, B1, b1});
  }
  return out;
}

int64_t linear_storage_bits(int64_t out, int64_t in, int bits, int64_t group_size, int64_t lora_rank, int zero_bits) {
  const int64_t codes = out * packed_words(in, bits) * 32;
  const int64_t groups = out * num_groups(in, group_size) * (16 + zero_bits);  // fp16 scale + zero point
  return codes + groups + lora_rank * (in + out) * 32;
}

int64_t candidate_storage_bits(int64_t out, int64_t in, const QuantizerOptions& base, const BudgetCandidate& c,
                               int64_t lora_rank, int zero_bits) {
  if (base.format == QuantizerOptions::Format::Int) return linear_storage_bits(out, in, c.bits, c.group_size, lora_rank, zero_bits);
  return nf_linear_storage_bits(out, in, apply_module_quant(base, c)) + lora_rank * (in + out) * 32;
}

namespace {

// Per group Σ F ⊙ (W − Ŵ)², [out, n_groups] in float64.
torch::Tensor group_error(const torch::Tensor& W, const torch::Tensor& W_hat, const torch::Tensor& F, int64_t g) {
  auto err = (W - W_hat).pow(2);
  if (F.defined()) err = err * F.to(err.device(), torch::kFloat);
  const int64_t G = num_groups(W.size(1), g);
  return torch::constant_pad_nd(err, {0, G * g - W.size(1)}, 0.0).view({W.size(0), G, g}).sum(-1, false, torch::kDouble);
}

}  // namespace

double candidate_cost(const torch::Tensor& W, const torch::Tensor& F, const QuantizerOptions& base,
                      const BudgetCandidate& c, bool clip_search) {
  QuantizerOptions q = apply_module_quant(base, c);
  if (q.format == QuantizerOptions::Format::NF) {
    const auto err = (W - nf_fake_quant(W, q)).pow(2);
    return (F.defined() ? err * F.to(err.device(), torch::kFloat) : err).sum(torch::kDouble).item<double>();
  }
  q.learnable_clipping = clip_search;
  GroupQuantizer quantizer(q, W.size(0), W.size(1), W.device());
  if (!clip_search) return group_error(W, quantizer.fake_quant(W), F, c.group_size).sum().item<double>();
  torch::Tensor best;
  for (double r : kClipSearchRatios) {
    // σ(30) is 1 in float32: the unclipped range.
    const double logit = r < 1.0 ? std::log(r / (1.0 - r)) : 30.0;
    quantizer.gamma = torch::full_like(quantizer.gamma, logit);
    quantizer.beta = torch::full_like(quantizer.beta, logit);
    const auto e = group_error(W, quantizer.fake_quant(W), F, c.group_size);
    best = best.defined() ? torch::minimum(best, e) : e;
  }
  return best.sum().item<double>();
}

namespace {

// One candidate of one linear: its cost and its storage. The zero points' width is that of RTN's
// zeros, which clipping keeps (it scales a group's min and max by factors in (0, 1], so a group
// straddles 0 before and after); a method that quantizes W − L may differ in the rare group whose
// sign the low-rank part changes.
KnapsackChoice choice(const torch::Tensor& W, const torch::Tensor& F, const QuantizerOptions& base,
                      const BudgetCandidate& c, int64_t rank, bool clip_search) {
  QuantizerOptions q = apply_module_quant(base, c);
  int zero_bits = 8;
  if (q.format == QuantizerOptions::Format::Int) {
    q.learnable_clipping = false;
    zero_bits = stored_zero_bits(GroupQuantizer(q, W.size(0), W.size(1), W.device()).scale_and_zero(W).second.to(torch::kLong));
  }
  return {candidate_cost(W, F, base, c, clip_search), candidate_storage_bits(W.size(0), W.size(1), base, c, rank, zero_bits)};
}

// The choices no other beats in both storage and cost (indices into `all`, by rising storage):
// dropping the rest keeps the optimum and shrinks the programme (LQ-LoRA's NF grid has 324).
std::vector<int> pareto_front(const std::vector<KnapsackChoice>& all) {
  std::vector<int> order(all.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return all[a].storage_bits != all[b].storage_bits ? all[a].storage_bits < all[b].storage_bits : all[a].cost < all[b].cost;
  });
  std::vector<int> front;
  for (int i : order)
    if (front.empty() || all[i].cost < all[front.back()].cost) front.push_back(i);
  return front;
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
  const auto candidates = budget_candidates(o.budget_bits, o.quant.format);
  if (candidates.empty()) throw std::invalid_argument("--budget-bits leaves no configuration for the " + std::string(o.spec().format_name()) + " format");
  const int64_t rank = o.spec().has_adapter() && o.budget_counts_lora ? o.lora.rank : 0;
  const bool clip_search = find_method(o.method).learnable_clipping();
  const torch::Device device(o.device);
  std::vector<std::vector<KnapsackChoice>> items;
  std::vector<std::vector<int>> kept;  // per item: the candidate index of each of its choices
  std::vector<std::string> keys;
  BudgetAllocation a;
  const int64_t blocks = model.config().num_hidden_layers;
  for (int64_t b = 0; b < blocks; ++b) {
    for (LinearKind k : kAllLinears) {
      if (!o.is_target(k)) continue;
      // Costed on the run's device: LQ-LoRA's NF grid is 324 quantizations per linear.
      const torch::Tensor W = model.weights().blocks[b].linear(k).weight.to(device, torch::kFloat);
      const torch::Tensor F = fisher.empty() ? torch::Tensor() : fisher[b][static_cast<int>(k)];
      std::vector<KnapsackChoice> all;
      for (const auto& c : candidates) {
        all.push_back(choice(W, F, o.quant, c, rank, clip_search));
        if (!std::isfinite(all.back().cost))  // the Pareto front would drop it silently
          throw std::invalid_argument("--budget: the error of " + QuantSpec::module_key(b, k) + " at " +
                                      std::to_string(c.bits) + " bits is not finite (a non-finite weight or Fisher?)");
      }
      kept.push_back(pareto_front(all));
      std::vector<KnapsackChoice> choices;
      for (int i : kept.back()) choices.push_back(all[static_cast<size_t>(i)]);
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
  for (size_t i = 0; i < items.size(); ++i)
    a.overrides[keys[i]] = candidates[static_cast<size_t>(kept[i][static_cast<size_t>(s.chosen[i])])];
  a.storage_bits = s.total_storage_bits;
  a.cost = s.total_cost;
  return a;
}

}  // namespace apiq
