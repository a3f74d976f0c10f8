// SPDX-License-Identifier: GPL-3.0-or-later
// Exact multiple-choice knapsack for budgeted mixed precision (LQ-LoRA's allocation): every item
// (a matrix) has candidate configurations, each with a cost (its reconstruction error) and its
// storage in bits; choose exactly one per item so that the total cost is least and the total
// storage stays within the budget. Plain C++, no LibTorch.
//
// Solved by a dynamic programme over the storage each item spends above its cheapest-storage
// choice (the "extra" storage), in units of `unit` bits:
//  - unit 0 (default): the gcd of all extra storages. Every extra storage is then a whole number of
//    units and the programme is exact: the optimum of the problem as stated.
//  - unit > 0: each extra storage is rounded UP to whole units and the remaining budget DOWN, so
//    the chosen storage never exceeds the budget; the result is optimal for the rounded problem
//    (it may miss a choice that fits only by less than a unit per item). Use it when the gcd is so
//    small that the table would not fit (see kMaxKnapsackCells).
#pragma once
#include <cstdint>
#include <vector>

namespace apiq {

struct KnapsackChoice {
  double cost = 0;           // finite
  int64_t storage_bits = 0;  // >= 0
};

struct KnapsackSolution {
  std::vector<int> chosen;  // index into each item's choices
  double total_cost = 0;    // Σ cost of the chosen, summed in item order
  int64_t total_storage_bits = 0;
};

// The dynamic programme keeps one choice index per item and budget unit; past this many cells
// solve_mc_knapsack refuses (std::invalid_argument) and asks for a coarser unit.
inline constexpr int64_t kMaxKnapsackCells = int64_t{1} << 25;  // 128 MiB of int choice indices

// Throws std::invalid_argument for an item without choices, a negative storage, a non-finite cost
// or a negative unit, and when even the cheapest-storage choice of every item exceeds the budget
// (the message gives the least storage possible).
KnapsackSolution solve_mc_knapsack(const std::vector<std::vector<KnapsackChoice>>& items, int64_t budget_bits,
                                   int64_t unit = 0);

}  // namespace apiq
