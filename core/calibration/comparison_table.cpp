// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/comparison_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace apiq {

namespace {

using Number = std::function<std::optional<double>(const RunSummary&)>;
using Text = std::function<std::string(const RunSummary&)>;

std::optional<double> finite(double v) { return std::isfinite(v) ? std::optional<double>(v) : std::nullopt; }
std::optional<double> unless_reference(const RunSummary& r, double v) {
  return r.reference ? std::nullopt : finite(v);
}

ComparisonColumn text_column(const char* key, const char* header, Text text) {
  return {key, header, false, 0, nullptr, std::move(text)};
}
ComparisonColumn number_column(const char* key, const char* header, bool ranked, int digits, Number number) {
  return {key, header, ranked, digits, std::move(number), nullptr};
}

std::string format_number(double v, int digits, bool precise) {
  char buf[64];
  if (precise) std::snprintf(buf, sizeof buf, "%.17g", v);
  else if (std::fabs(v) >= std::pow(10.0, digits) || v == std::floor(v)) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// Characters, not bytes, so that UTF-8 text (a rank range "2–8", a run folder's name) stays aligned.
size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(const std::string& s, size_t width, bool left) {
  const size_t w = display_width(s);
  if (w >= width) return s;
  return left ? s + std::string(width - w, ' ') : std::string(width - w, ' ') + s;
}

// The finetune columns are empty on runs that were not finetuned.
std::optional<double> finetuned(const RunSummary& r, const std::function<std::optional<double>(const FinetuneSummary&)>& f) {
  return r.finetune ? f(*r.finetune) : std::nullopt;
}

}  // namespace

const std::vector<ComparisonColumn>& comparison_columns() {
  static const std::vector<ComparisonColumn> columns = {
      text_column("run", "run", [](const RunSummary& r) { return r.label(); }),
      text_column("method", "method", [](const RunSummary& r) { return r.reference ? std::string("-") : r.method; }),
      number_column("bits", "bits", false, 0, [](const RunSummary& r) { return unless_reference(r, r.bits); }),
      number_column("group_size", "group", false, 0,
                    [](const RunSummary& r) { return unless_reference(r, static_cast<double>(r.group_size)); }),
      number_column("rank", "rank", false, 0,
                    [](const RunSummary& r) { return unless_reference(r, static_cast<double>(r.rank)); }),
      text_column("format", "format", [](const RunSummary& r) { return r.format; }),
      number_column("size_mb", "size MB", true, 4, [](const RunSummary& r) { return finite(r.model_megabytes()); }),
      number_column("bits_per_param", "bits/param", true, 4, [](const RunSummary& r) { return finite(r.bits_per_param()); }),
      number_column("perplexity", "perplexity", true, 5, [](const RunSummary& r) { return r.perplexity; }),
      number_column("act_err", "act err", true, 4, [](const RunSummary& r) { return unless_reference(r, r.mean_act_err); }),
      number_column("block_mse", "block MSE", true, 4,
                    [](const RunSummary& r) { return unless_reference(r, r.mean_block_mse); }),
      number_column("seconds", "time s", true, 4, [](const RunSummary& r) { return r.seconds; }),
      number_column("peak_mib", "peak MiB", true, 4, [](const RunSummary& r) -> std::optional<double> {
        if (!r.peak_memory_bytes) return std::nullopt;
        return *r.peak_memory_bytes / 1048576.0;
      }),
      text_column("device", "device", [](const RunSummary& r) { return r.device; }),
      text_column("adapter", "adapter", [](const RunSummary& r) {
        if (!r.finetune) return std::string();
        return r.finetune->adapter_kind + (r.finetune->merged ? " (merged)" : "");
      }),
      number_column("adapter_params", "adapter params", false, 0,
                    [](const RunSummary& r) { return finetuned(r, [](const FinetuneSummary& f) { return f.trainable; }); }),
      number_column("adapter_kib", "adapter KiB", false, 4,
                    [](const RunSummary& r) { return finetuned(r, [](const FinetuneSummary& f) { return f.stored_kib(); }); }),
      text_column("adapter_rank", "adapter rank",
                  [](const RunSummary& r) { return r.finetune ? r.finetune->ranks : std::string(); }),
      number_column("finetuned_ppl", "finetuned ppl", true, 5,
                    [](const RunSummary& r) { return finetuned(r, [](const FinetuneSummary& f) { return f.perplexity; }); }),
  };
  return columns;
}

std::vector<int> best_rows(const std::vector<RunSummary>& rows, const ComparisonColumn& column) {
  if (!column.ranked || !column.number) return {};
  std::vector<std::pair<int, double>> values;
  for (size_t i = 0; i < rows.size(); ++i)
    if (!rows[i].reference)
      if (const auto v = column.number(rows[i])) values.emplace_back(static_cast<int>(i), *v);
  if (values.size() < 2) return {};
  double lowest = values.front().second, highest = lowest;
  for (const auto& [i, v] : values) lowest = std::min(lowest, v), highest = std::max(highest, v);
  if (lowest == highest) return {};
  std::vector<int> best;
  for (const auto& [i, v] : values)
    if (v == lowest) best.push_back(i);
  return best;
}

namespace {
bool contains(const std::vector<int>& v, size_t i) { return std::find(v.begin(), v.end(), static_cast<int>(i)) != v.end(); }
}  // namespace

std::string comparison_cell(const RunSummary& row, const ComparisonColumn& column, bool precise) {
  if (column.text) return column.text(row);
  const auto v = column.number(row);
  return v ? format_number(*v, column.digits, precise) : std::string();
}

std::string comparison_text(const std::vector<RunSummary>& rows) {
  const auto& cols = comparison_columns();
  std::vector<std::vector<std::string>> cells(rows.size() + 1);
  for (const auto& c : cols) cells[0].push_back(c.header);
  std::vector<std::vector<int>> best;
  for (const auto& c : cols) best.push_back(best_rows(rows, c));
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t c = 0; c < cols.size(); ++c) {
      std::string s = comparison_cell(rows[i], cols[c]);
      if (contains(best[c], i)) s += "*";
      cells[i + 1].push_back(s.empty() ? "-" : s);
    }
  std::vector<size_t> width(cols.size(), 0);
  for (const auto& line : cells)
    for (size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], display_width(line[c]));
  std::ostringstream out;
  for (const auto& line : cells) {
    for (size_t c = 0; c < line.size(); ++c) {
      const bool left = !cols[c].number;
      out << (c ? "  " : "") << (c + 1 == line.size() ? line[c] : pad(line[c], width[c], left));
    }
    out << "\n";
  }
  out << "* best of the column (lowest; the full-precision row is not ranked, and a column where every run is equal "
         "has none)\n";
  return out.str();
}

std::string per_block_text(const std::vector<RunSummary>& rows) {
  size_t blocks = 0;
  for (const auto& r : rows) blocks = std::max({blocks, r.block_act_err.size(), r.block_mse.size()});
  size_t width = 16;  // wide enough for every header, so the columns stay aligned
  for (const auto& r : rows)
    if (!r.reference) width = std::max(width, display_width(r.label()) + 8);
  std::ostringstream out;
  out << "per block: activation error (mean over the block's linears) | block output MSE\n" << pad("block", 6, true);
  for (const char* part : {"act err", "MSE"}) {
    out << " |";
    for (const auto& r : rows)
      if (!r.reference) out << " " << pad(r.label() + " " + part, width, false);
  }
  out << "\n";
  auto cell = [width](const std::vector<double>& v, size_t b) {
    char buf[32];
    if (b < v.size() && std::isfinite(v[b])) std::snprintf(buf, sizeof buf, "%.6g", v[b]);
    else std::snprintf(buf, sizeof buf, "-");
    return pad(buf, width, false);
  };
  for (size_t b = 0; b < blocks; ++b) {
    out << pad(std::to_string(b), 6, true) << " |";
    for (const auto& r : rows)
      if (!r.reference) out << " " << cell(r.block_act_err, b);
    out << " |";
    for (const auto& r : rows)
      if (!r.reference) out << " " << cell(r.block_mse, b);
    out << "\n";
  }
  return out.str();
}

std::string comparison_csv(const std::vector<RunSummary>& rows) {
  const auto& cols = comparison_columns();
  std::ostringstream out;
  for (size_t c = 0; c < cols.size(); ++c) out << (c ? "," : "") << cols[c].key;
  out << "\n";
  for (const auto& r : rows) {
    for (size_t c = 0; c < cols.size(); ++c) out << (c ? "," : "") << csv_field(comparison_cell(r, cols[c], true));
    out << "\n";
  }
  return out.str();
}

nlohmann::ordered_json comparison_json(const std::vector<RunSummary>& rows) {
  const auto& cols = comparison_columns();
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    nlohmann::ordered_json j, best = nlohmann::ordered_json::array();
    for (const auto& c : cols) {
      if (c.text) j[c.key] = c.text(r);
      else if (const auto v = c.number(r)) j[c.key] = *v;
      else j[c.key] = nullptr;
      if (contains(best_rows(rows, c), i)) best.push_back(c.key);
    }
    j["reference"] = r.reference;
    j["dir"] = r.dir.string();
    j["model_bytes"] = r.model_bytes;
    j["resume_state_bytes"] = r.resume_state_bytes;
    j["linear_params"] = r.linear_params;
    j["linear_bytes"] = r.linear_bytes;
    nlohmann::ordered_json blocks = nlohmann::ordered_json::array();
    for (size_t b = 0; b < r.block_act_err.size(); ++b) {
      nlohmann::ordered_json bj;
      bj["block"] = b;
      bj["act_err"] = std::isfinite(r.block_act_err[b]) ? nlohmann::ordered_json(r.block_act_err[b]) : nullptr;
      bj["out_mse"] = b < r.block_mse.size() ? nlohmann::ordered_json(r.block_mse[b]) : nullptr;
      blocks.push_back(bj);
    }
    j["blocks"] = blocks;
    j["best"] = best;
    runs.push_back(j);
  }
  return {{"runs", runs}};
}

}  // namespace apiq
