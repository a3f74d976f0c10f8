// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/mc_knapsack.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>

namespace apiq {

namespace {

void check_items(const std::vector<std::vector<KnapsackChoice>>& items, int64_t unit) {
  if (unit < 0) throw std::invalid_argument("knapsack unit must be 0 (the gcd) or positive, got " + std::to_string(unit));
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].empty()) throw std::invalid_argument("knapsack item " + std::to_string(i) + " has no choices");
    for (size_t j = 0; j < items[i].size(); ++j) {
      const auto& c = items[i][j];
      if (c.storage_bits < 0 || !std::isfinite(c.cost))
        throw std::invalid_argument("knapsack item " + std::to_string(i) + " choice " + std::to_string(j) +
                                    ": storage must not be negative and the cost must be finite");
    }
  }
}

int64_t min_storage(const std::vector<KnapsackChoice>& choices) {
  int64_t m = INT64_MAX;
  for (const auto& c : choices) m = std::min(m, c.storage_bits);
  return m;
}

// Extra storage of every choice above its item's least, in units (rounded up), and the unit
// actually used (the gcd when `unit` is 0; 1 when every extra is 0).
std::vector<std::vector<int64_t>> extra_units(const std::vector<std::vector<KnapsackChoice>>& items, int64_t& unit) {
  if (unit == 0) {
    for (const auto& it : items) {
      const int64_t m = min_storage(it);
      for (const auto& c : it) unit = std::gcd(unit, c.storage_bits - m);
    }
    if (unit == 0) unit = 1;
  }
  std::vector<std::vector<int64_t>> w(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const int64_t m = min_storage(items[i]);
    for (const auto& c : items[i]) w[i].push_back((c.storage_bits - m + unit - 1) / unit);
  }
  return w;
}

}  // namespace

KnapsackSolution solve_mc_knapsack(const std::vector<std::vector<KnapsackChoice>>& items, int64_t budget_bits,
                                   int64_t unit) {
  check_items(items, unit);
  int64_t least = 0;
  for (const auto& it : items) least += min_storage(it);
  if (least > budget_bits)
    throw std::invalid_argument("the storage budget of " + std::to_string(budget_bits) +
                                " bits is below the least storage possible, " + std::to_string(least) +
                                " bits (every matrix at its smallest configuration)");
  const auto w = extra_units(items, unit);
  // Capacity in units: the budget left over the least, rounded down, and never more than all
  // items' largest extras together (beyond that the table would only repeat itself).
  int64_t most = 0;
  for (const auto& wi : w) most += *std::max_element(wi.begin(), wi.end());
  const int64_t cap = std::min((budget_bits - least) / unit, most);
  const int64_t n = static_cast<int64_t>(items.size());
  if (n * (cap + 1) > kMaxKnapsackCells)
    throw std::invalid_argument("the knapsack table would need " + std::to_string(n) + " x " + std::to_string(cap + 1) +
                                " cells; give a coarser storage unit than " + std::to_string(unit) + " bits");
  // best[c]: least cost of the items so far with at most c extra units. Every item has a choice of
  // 0 extra units, so every entry stays finite.
  std::vector<double> best(cap + 1, 0.0), next(cap + 1);
  std::vector<int> pick(static_cast<size_t>(n * (cap + 1)));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t c = 0; c <= cap; ++c) {
      double b = INFINITY;
      int arg = -1;
      for (size_t j = 0; j < w[i].size(); ++j) {
        if (w[i][j] > c) continue;
        const double v = best[c - w[i][j]] + items[i][j].cost;
        if (v < b) b = v, arg = static_cast<int>(j);
      }
      next[c] = b;
      pick[i * (cap + 1) + c] = arg;
    }
    best.swap(next);
  }
  KnapsackSolution s;
  s.chosen.assign(n, 0);
  for (int64_t i = n - 1, c = cap; i >= 0; --i) {
    const int j = pick[i * (cap + 1) + c];
    s.chosen[i] = j;
    c -= w[i][j];
  }
  for (int64_t i = 0; i < n; ++i) {
    s.total_cost += items[i][s.chosen[i]].cost;
    s.total_storage_bits += items[i][s.chosen[i]].storage_bits;
  }
  return s;
}

}  // namespace apiq
