// SPDX-License-Identifier: GPL-3.0-or-later
// apiq compare: finished runs side by side — the summary table a method is chosen from (size,
// perplexity, activation error, block MSE, time, memory, device; the full-precision model as the
// reference row), per-block errors, optionally every linear and held-out activation errors.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "base/errors.h"
#include "calibration/calibration_report.h"
#include "calibration/comparison_table.h"
#include "calibration/heldout_error.h"
#include "calibration/run_summary.h"
#include "io/token_stream.h"
#include "io/tokenizer.h"
#include "commands.h"
#include "terminal_progress.h"

namespace apiq::cli {

namespace {

struct CompareArgs {
  std::vector<std::string> dirs;
  std::string data, device = "cpu";
  int64_t seq_len = 256, max_windows = -1;
  std::string act_data, fp_model;  // fp model: --fp-model or report options.model
  bool no_reference = false, json = false, csv = false, per_layer = false;
  int64_t act_windows = 64, act_seq_len = 256;
  uint64_t act_seed = 2;
};

// The full-precision model of run `i`: --fp-model, else the model its report names.
std::string fp_model_of(const CompareArgs& a, const StoredReport& report) {
  if (!a.fp_model.empty()) return a.fp_model;
  const auto& o = report.options;
  if (!o.contains("model") || !o["model"].is_string())
    throw InputError(report.file, "names no full-precision model; give --fp-model");
  return o["model"].get<std::string>();
}

// Mean held-out activation error (report-schema.md's definition, on windows of --act-data) of
// each run, overall and per linear kind next to the calibration-window means of report.json.
void print_heldout(const CompareArgs& a, const std::vector<StoredReport>& reports) {
  const std::string text = read_text_file(a.act_data);
  std::map<std::string, torch::Tensor> windows_of;  // per full-precision model (its tokenizer)
  std::vector<HeldoutResult> results;
  std::string fp_shown;
  for (size_t i = 0; i < a.dirs.size(); ++i) {
    const std::string fp = fp_model_of(a, reports[i]);
    if (!windows_of.count(fp)) {
      windows_of[fp] = sample_windows(tokenize_stream(Tokenizer::load_from_dir(fp), text), a.act_windows,
                                      a.act_seq_len, a.act_seed, a.act_data);
      fp_shown += (fp_shown.empty() ? "" : ", ") + fp;
    }
    HeldoutOptions ho;
    ho.device = parse_device(a.device).str();
    results.push_back(heldout_activation_error(fp, a.dirs[i], windows_of[fp], ho));
  }
  std::printf("held-out: %lld windows of %lld tokens of %s (seed %llu); full precision: %s\n",
              static_cast<long long>(a.act_windows), static_cast<long long>(a.act_seq_len), a.act_data.c_str(),
              static_cast<unsigned long long>(a.act_seed), fp_shown.c_str());
  std::printf("%-17s", "held-out act err");
  for (const auto& r : results) std::printf(" %14.6g", r.mean_act_err());
  std::printf("\n%-17s", "held-out blk MSE");
  for (const auto& r : results) std::printf(" %14.6g", r.mean_block_mse());
  std::printf("\n");
  for (LinearKind k : kAllLinears) {
    const std::string name = linear_short_name(k), shortn = name.substr(0, name.find("_proj"));
    std::printf("%-17s", (shortn + " calib").c_str());
    for (const auto& rep : reports) {
      double s = 0;
      int n = 0;
      for (const auto& l : rep.result.layers)
        if (l.kind == k) s += l.act_err, ++n;
      std::printf(" %14.6g", n ? s / n : std::nan(""));
    }
    std::printf("\n%-17s", (shortn + " held-out").c_str());
    for (const auto& r : results) std::printf(" %14.6g", r.mean_act_err_by_kind()[static_cast<int>(k)]);
    std::printf("\n");
  }
}

// Every linear of every run (the runs must cover the same layers).
void print_per_layer(const std::vector<StoredReport>& reports) {
  const size_t n = reports[0].result.layers.size();
  for (const auto& r : reports)
    if (r.result.layers.size() != n)
      throw InputError(r.file, "covers " + std::to_string(r.result.layers.size()) + " layers, " +
                                   reports[0].file.string() + " covers " + std::to_string(n));
  std::printf("%-6s %-10s", "block", "linear");
  for (const auto& r : reports) std::printf(" %14s", r.method.c_str());
  std::printf("\n");
  for (size_t i = 0; i < n; ++i) {
    const auto& l0 = reports[0].result.layers[i];
    std::printf("%-6lld %-10s", static_cast<long long>(l0.block), linear_short_name(l0.kind));
    for (const auto& r : reports) std::printf(" %14.6g", r.result.layers[i].act_err);
    std::printf("\n");
  }
}

// The rows: the reference first (unless --no-reference or no run names its model), then the runs;
// perplexities on --data when given.
std::vector<RunSummary> summaries(const CompareArgs& a, const std::vector<StoredReport>& reports) {
  std::vector<RunSummary> rows;
  for (const auto& d : a.dirs) rows.push_back(summarize_run(d));
  if (!a.no_reference) {
    std::string fp = a.fp_model.empty() ? common_source_model(rows).string() : a.fp_model;
    if (fp.empty())
      std::fprintf(stderr, "apiq: warning: the runs name no common full-precision model; no reference row "
                           "(give --fp-model)\n");
    if (!fp.empty() && a.fp_model.empty() && !std::filesystem::exists(std::filesystem::path(fp) / "config.json")) {
      // Moved or deleted since calibration: the runs still compare, without the reference.
      std::fprintf(stderr, "apiq: warning: %s (named by %s) is gone; no full-precision row (give --fp-model)\n",
                   fp.c_str(), reports.front().file.c_str());
      fp.clear();
    }
    if (!fp.empty()) rows.insert(rows.begin(), summarize_full_precision(fp, &rows.front()));
  }
  if (!a.data.empty()) {
    const std::string text = read_text_file(a.data);
    RunPerplexityOptions po;
    po.seq_len = a.seq_len;
    po.max_windows = a.max_windows;
    po.device = parse_device(a.device).str();
    po.text_file = a.data;
    TerminalProgress progress;
    for (auto& r : rows) r.perplexity = run_perplexity(r.dir, text, po, &progress);
  }
  unique_labels(rows);
  return rows;
}

void run_compare(const CompareArgs& a) {
  std::vector<StoredReport> reports;
  for (const auto& d : a.dirs) reports.push_back(read_report(d));
  const auto rows = summaries(a, reports);
  if (a.json) {
    auto j = comparison_json(rows);
    if (!a.data.empty())
      j["perplexity_data"] = {{"file", a.data}, {"seq_len", a.seq_len}, {"max_windows", a.max_windows}};
    std::printf("%s\n", j.dump(2).c_str());
    return;
  }
  if (a.csv) {
    std::fputs(comparison_csv(rows).c_str(), stdout);
    return;
  }
  if (!a.data.empty())
    std::printf("perplexity: windows of %lld tokens of %s%s\n", static_cast<long long>(a.seq_len), a.data.c_str(),
                a.max_windows > 0 ? (", the first " + std::to_string(a.max_windows)).c_str() : "");
  std::fputs(comparison_text(rows).c_str(), stdout);
  std::printf("\n");
  std::fputs(per_block_text(rows).c_str(), stdout);
  if (a.per_layer) {
    std::printf("\n");
    print_per_layer(reports);
  }
  if (!a.act_data.empty()) print_heldout(a, reports);
}

}  // namespace

void add_compare(CLI::App& app) {
  auto a = std::make_shared<CompareArgs>();
  auto* c = app.add_subcommand("compare", "Runs side by side: size, perplexity, activation error, time, memory");
  c->add_option("DIR", a->dirs, "quantized folders")->required()->expected(1, -1);
  c->add_option("--data", a->data, "text file: also each run's (and the reference's) perplexity");
  c->add_option("--seq-len", a->seq_len, "perplexity window")->capture_default_str()->check(CLI::Range(2, 1 << 20));
  c->add_option("--max-windows", a->max_windows, "score at most this many windows")->check(positive_number());
  c->add_option("--fp-model", a->fp_model,
                "full-precision model of the runs: the reference row and held-out errors (default: the model in "
                "each report.json)");
  c->add_flag("--no-reference", a->no_reference, "leave out the full-precision reference row");
  auto* json = c->add_flag("--json", a->json, "print the table (and per-block errors) as JSON");
  c->add_flag("--csv", a->csv, "print the summary table as CSV")->excludes(json);
  c->add_flag("--per-layer", a->per_layer, "also print every linear's activation error");
  c->add_option("--act-data", a->act_data, "text file: also print each run's activation error on windows of it (held out)");
  c->add_option("--act-windows", a->act_windows, "held-out windows, drawn as calibration draws its samples")
      ->capture_default_str()->check(positive_number());
  c->add_option("--act-seq-len", a->act_seq_len, "tokens per held-out window")->capture_default_str()->check(CLI::Range(2, 1 << 20));
  c->add_option("--act-seed", a->act_seed, "seed of the held-out window positions")->capture_default_str();
  c->add_option("--device", a->device, "cpu or cuda[:N]")->capture_default_str();
  c->callback([a] { run_compare(*a); });
}

}  // namespace apiq::cli
