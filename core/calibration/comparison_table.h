// SPDX-License-Identifier: GPL-3.0-or-later
// The comparison table of runs (run_summary.h) as one list of columns, so that `apiq compare`'s
// text, its --csv and --json, and the GUI's summary table are the same data in the same order.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "calibration/run_summary.h"

namespace apiq {

struct ComparisonColumn {
  const char* key;     // CSV/JSON name, e.g. "perplexity"
  const char* header;  // the text table's header, e.g. "perplexity"
  bool ranked;         // lower is better: the best run is marked (the reference row never is)
  int digits;          // significant digits in the text table
  std::function<std::optional<double>(const RunSummary&)> number;  // null for text columns
  std::function<std::string(const RunSummary&)> text;              // for text columns
};

// run, method, bits, group, rank, format, size_mb, bits_per_param, perplexity, act_err, block_mse,
// seconds, peak_mib, device, then from a finetune (empty otherwise): adapter (kind, "(merged)" after
// apiq merge), adapter_params (trainable), adapter_kib (stored), adapter_rank ("8", "2–8"),
// finetuned_ppl (the last held-out evaluation) — in this order.
const std::vector<ComparisonColumn>& comparison_columns();

// Rows with the lowest value of `column` among the runs that are not the reference (all of them
// on a tie); none when the column is not ranked, fewer than two runs have a value, or every run
// has the same value (nothing to choose by).
std::vector<int> best_rows(const std::vector<RunSummary>& rows, const ComparisonColumn& column);

// A cell as the text table shows it ("" for a missing value); `precise` gives every digit (CSV).
std::string comparison_cell(const RunSummary& row, const ComparisonColumn& column, bool precise = false);

// The summary table, one line per run, the best of each ranked column marked with '*'.
std::string comparison_text(const std::vector<RunSummary>& rows);
// Activation error and block-output MSE per block, one column per run.
std::string per_block_text(const std::vector<RunSummary>& rows);
// The same columns as CSV (a header of keys, then one line per run; numbers at full precision).
std::string comparison_csv(const std::vector<RunSummary>& rows);
// {"runs": [{every column by key, "reference", "dir", "model_bytes", "resume_state_bytes",
//  "linear_params", "linear_bytes", "blocks": [{"block", "act_err", "out_mse"}], "best": [keys]}]}
nlohmann::ordered_json comparison_json(const std::vector<RunSummary>& rows);

}  // namespace apiq
