// SPDX-License-Identifier: GPL-3.0-or-later
// The bits a quantized checkpoint stores for each linear, as entries for LinearHeatMap: one
// {"block", "linear", "bits", "group_size"} per quantized linear — the config's module_overrides
// where a --budget allocation chose them, else the run's uniform bits — and the effective stored
// bits per parameter counted from the files. The Comparison tab (selected run) and the main
// window's model browser (opened checkpoint) show the same thing through showLinearBits().
#pragma once
#include <QString>
#include <nlohmann/json.hpp>
#include <optional>

#include "quant/quant_spec.h"

namespace apiq::widgets {

class LinearHeatMap;

struct LinearBits {
  nlohmann::json linears = nlohmann::json::array();  // one entry per quantized linear
  bool mixed = false;                                // the config carries module_overrides
  double storedBitsPerParam = 0;                     // codes, scales, zeros and LoRA over the linears' weights
  std::optional<double> budget;                      // report.json's budget.bits_per_param, when there is one
  std::optional<bool> budgetCountsLora;
};

// The entries of `spec` over `blocks` blocks: its targets only (the others stay dense).
nlohmann::json linear_bits_entries(const QuantSpec& spec, int64_t blocks);

// None when `dir` holds no quantized checkpoint (a dense model); InputError (naming the file) on a
// malformed config.json or safetensors header. Reads config.json, the safetensors headers and
// report.json if present: call it off the GUI thread where the folder may be large or remote.
std::optional<LinearBits> read_linear_bits(const QString& dir);

// Fills `map` with `bits` of the run named `title`; the note gives the effective bits per parameter.
void showLinearBits(LinearHeatMap* map, const LinearBits& bits, const QString& title);
// "3.02 stored bits per parameter (LoRA included) · budget 3 bits per parameter"
QString linearBitsNote(const LinearBits& bits);

}  // namespace apiq::widgets
