// SPDX-License-Identifier: GPL-3.0-or-later
// The multiple-choice knapsack against brute-force enumeration of every combination on small
// random instances, and its edge cases.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <stdexcept>

#include "quant/mc_knapsack.h"

using namespace apiq;
using Items = std::vector<std::vector<KnapsackChoice>>;

namespace {

// Least total cost over all combinations within the budget (INFINITY when none fits).
double brute_force(const Items& items, int64_t budget) {
  double best = INFINITY;
  std::vector<size_t> idx(items.size(), 0);
  while (true) {
    double cost = 0;
    int64_t storage = 0;
    for (size_t i = 0; i < items.size(); ++i) cost += items[i][idx[i]].cost, storage += items[i][idx[i]].storage_bits;
    if (storage <= budget) best = std::min(best, cost);
    size_t k = 0;  // odometer step
    while (k < items.size() && ++idx[k] == items[k].size()) idx[k++] = 0;
    if (k == items.size()) return best;
  }
}

Items random_items(std::mt19937& rng, int64_t storage_step) {
  std::uniform_int_distribution<int> n_items(1, 5), n_choices(1, 4), units(1, 12);
  std::uniform_real_distribution<double> cost(0.0, 10.0);
  Items items(n_items(rng));
  for (auto& it : items) {
    it.resize(n_choices(rng));
    for (auto& c : it) c = {cost(rng), units(rng) * storage_step};
  }
  return items;
}

void expect_consistent(const Items& items, const KnapsackSolution& s, int64_t budget) {
  ASSERT_EQ(s.chosen.size(), items.size());
  double cost = 0;
  int64_t storage = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    ASSERT_GE(s.chosen[i], 0);
    ASSERT_LT(s.chosen[i], static_cast<int>(items[i].size()));
    cost += items[i][s.chosen[i]].cost;
    storage += items[i][s.chosen[i]].storage_bits;
  }
  EXPECT_DOUBLE_EQ(s.total_cost, cost);
  EXPECT_EQ(s.total_storage_bits, storage);
  EXPECT_LE(storage, budget);
}

}  // namespace

TEST(McKnapsack, MatchesBruteForceOnRandomInstances) {
  std::mt19937 rng(15);
  int solved = 0, infeasible = 0;
  for (int trial = 0; trial < 600; ++trial) {
    // Storages in multiples of 24 (the gcd path must find a unit > 1) or odd ones (unit 1).
    const Items items = random_items(rng, trial % 2 ? 24 : 1);
    int64_t lo = 0, hi = 0;
    for (const auto& it : items) {
      int64_t mn = INT64_MAX, mx = 0;
      for (const auto& c : it) mn = std::min(mn, c.storage_bits), mx = std::max(mx, c.storage_bits);
      lo += mn, hi += mx;
    }
    const int64_t budget = std::uniform_int_distribution<int64_t>(lo - 5, hi + 5)(rng);
    const double want = brute_force(items, budget);
    if (std::isinf(want)) {
      EXPECT_THROW(solve_mc_knapsack(items, budget), std::invalid_argument);
      ++infeasible;
      continue;
    }
    const auto s = solve_mc_knapsack(items, budget);
    expect_consistent(items, s, budget);
    EXPECT_NEAR(s.total_cost, want, 1e-9) << "trial " << trial;
    ++solved;
  }
  EXPECT_GT(solved, 500);
  EXPECT_GT(infeasible, 5);
}

TEST(McKnapsack, CoarseUnitNeverExceedsTheBudgetAndIsNoBetterThanExact) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const Items items = random_items(rng, 1);
    const int64_t hi = 12 * static_cast<int64_t>(items.size());  // every choice at most 12 bits
    const int64_t budget = std::uniform_int_distribution<int64_t>(hi / 2, hi)(rng);
    if (std::isinf(brute_force(items, budget))) continue;
    const auto exact = solve_mc_knapsack(items, budget);
    const auto coarse = solve_mc_knapsack(items, budget, /*unit=*/5);
    expect_consistent(items, coarse, budget);
    EXPECT_GE(coarse.total_cost, exact.total_cost - 1e-12);
  }
}

TEST(McKnapsack, HandWorkedInstance) {
  // Two matrices, options (cost, bits): item 0 {(9, 2), (4, 5), (1, 8)}, item 1 {(6, 3), (2, 6)}.
  // The six pairs (cost, bits): 00 (15, 5), 01 (11, 8), 10 (10, 8), 11 (6, 11), 20 (7, 11),
  // 21 (3, 14). Within 10 bits the least cost is pair 10.
  const Items items = {{{9, 2}, {4, 5}, {1, 8}}, {{6, 3}, {2, 6}}};
  const auto s = solve_mc_knapsack(items, 10);
  EXPECT_EQ(s.chosen, (std::vector<int>{1, 0}));
  EXPECT_DOUBLE_EQ(s.total_cost, 10.0);
  EXPECT_EQ(s.total_storage_bits, 8);
  // With 14 bits the cheapest pair (1, 8)+(2, 6) fits exactly.
  const auto wide = solve_mc_knapsack(items, 14);
  EXPECT_EQ(wide.chosen, (std::vector<int>{2, 1}));
  EXPECT_EQ(wide.total_storage_bits, 14);
}

TEST(McKnapsack, EdgeCases) {
  EXPECT_TRUE(solve_mc_knapsack({}, 0).chosen.empty());
  // Budget exactly the least storage: every item at its smallest choice.
  const Items items = {{{5, 100}, {1, 200}}, {{3, 64}, {0, 640}}};
  const auto s = solve_mc_knapsack(items, 164);
  EXPECT_EQ(s.chosen, (std::vector<int>{0, 0}));
  try {
    solve_mc_knapsack(items, 163);
    FAIL() << "no error below the least storage";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("164"), std::string::npos) << e.what();
  }
  EXPECT_THROW(solve_mc_knapsack({{}}, 10), std::invalid_argument);
  EXPECT_THROW(solve_mc_knapsack({{{1, -1}}}, 10), std::invalid_argument);
  EXPECT_THROW(solve_mc_knapsack({{{NAN, 1}}}, 10), std::invalid_argument);
  EXPECT_THROW(solve_mc_knapsack(items, 1000, -3), std::invalid_argument);
  // Equal storages everywhere (gcd of the extras 0): the cheapest choice of each.
  const auto flat = solve_mc_knapsack({{{2, 8}, {1, 8}}, {{0.5, 8}}}, 16);
  EXPECT_EQ(flat.chosen, (std::vector<int>{1, 0}));
  // Storages of real matrices (millions of bits, gcd 4096) solve without a coarser unit.
  const Items big = {{{3, 4096 * 1000}, {1, 4096 * 1500}}, {{3, 4096 * 2000}, {2, 4096 * 2100}}};
  EXPECT_EQ(solve_mc_knapsack(big, 4096 * 3600).chosen, (std::vector<int>{1, 1}));
  // A table too large is refused with advice rather than allocated.
  const Items fine = {{{1, 0}, {0, int64_t{1} << 40}}, {{1, 1}, {0, 2}}};  // gcd 1
  EXPECT_THROW(solve_mc_knapsack(fine, int64_t{1} << 41), std::invalid_argument);
}
