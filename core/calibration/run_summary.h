// SPDX-License-Identifier: GPL-3.0-or-later
// One row of a comparison: what a practitioner chooses a method by — size, quality, time and
// memory — read from a finished run's folder (report.json, config.json, the safetensors headers),
// or from the full-precision model as the reference row. `apiq compare`, its --json/--csv and the
// GUI's Comparison tab all show these rows, so their numbers are the same everywhere.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/progress.h"
#include "calibration/calibration.h"

namespace apiq {

// What `apiq finetune` trained into a run (report.json's "finetune" section; its "adapter" names
// the kind and describes every linear's adapter). A run that was not finetuned has none.
struct FinetuneSummary {
  std::string adapter_kind;  // a name of the adapter table ("lora" for finetunes that predate the table)
  bool merged = false;       // `apiq merge` folded the adapter into the zero points: nothing stored beside the base
  std::optional<double> trainable;    // adapter parameters over every linear (none when the report predates it)
  std::optional<double> stored_bits;  // bits of the stored adapter tensors; 0 once merged
  // The linears' ranks: "8", or "2–8" when they differ (Bayesian-LoRA); "" for kinds without a rank.
  std::string ranks;
  std::optional<double> perplexity;            // held-out perplexity of the last evaluation (after the last epoch)
  std::optional<double> perplexity_before;     // the same before training
  nlohmann::json linears = nlohmann::json::array();  // finetune.adapter.linears as stored
  std::optional<double> stored_kib() const {
    return stored_bits ? std::optional<double>(*stored_bits / 8.0 / 1024.0) : std::nullopt;
  }
};

// The finetune section of a parsed report.json, or none when the run was not finetuned;
// InputError naming `origin` and the field when the section is malformed.
std::optional<FinetuneSummary> finetune_summary(const nlohmann::json& report, const std::filesystem::path& origin);

struct RunSummary {
  std::filesystem::path dir;
  std::filesystem::path source_model;  // report options.model ("" when it names none)
  std::string method;  // empty on the reference row
  bool reference = false;
  int bits = 0;  // 0 on the reference row
  int64_t group_size = 0, rank = 0;
  std::string format;  // "int" / "nf"; the reference row: the weights' dtype ("f32", "bf16", …)
  // Bytes of the tensors needed to run the model: every stored tensor but the learned clipping
  // parameters, which only a resumed calibration reads (counted in resume_state_bytes).
  double model_bytes = 0;
  double resume_state_bytes = 0;
  // The quantized linears: their weights' element count, and the bytes stored for them (codes,
  // scales, zero points or NF absmax, LoRA factors). Reference row: the same linears, dense.
  double linear_params = 0, linear_bytes = 0;
  std::optional<double> perplexity;
  double mean_act_err = 0, mean_block_mse = 0;         // 0 on the reference row, by definition
  std::optional<double> seconds, peak_memory_bytes;    // of the calibration; none for the reference
  std::string device;                                  // where it calibrated ("" when the report predates it)
  std::vector<double> block_act_err, block_mse;        // per block: mean act. error of its linears, output MSE
  CalibrationResult result;                            // per linear (empty on the reference row)
  std::optional<FinetuneSummary> finetune;             // when the run was finetuned (apiq finetune)

  double model_megabytes() const { return model_bytes / 1e6; }
  // Stored bits per weight of the quantized linears, LoRA included (NaN when there are none).
  double bits_per_param() const;
  // The name a table shows: `name` when set (unique_labels), else the run folder's name;
  // "full precision" on the reference row.
  std::string label() const;
  std::string name;
};

// The bytes a quantized checkpoint folder stores, counted from its config.json and safetensors
// headers alone (no report.json needed, so `apiq inspect` reads any quantized folder).
struct StoredBytes {
  double model_bytes = 0;         // every tensor needed to run the model
  double resume_state_bytes = 0;  // learned clipping parameters, read only by a resumed calibration
  double linear_params = 0;       // element count of the quantized linears' weights
  double linear_bytes = 0;        // their codes, scales, zero points or NF absmax, and LoRA factors
  // Stored bits per weight of the quantized linears, LoRA included (NaN when there are none).
  double bits_per_param() const;
};
// InputError naming the file on a missing or malformed config.json or safetensors file, or when
// the folder is not a quantized checkpoint.
StoredBytes count_stored_bytes(const std::filesystem::path& dir);

// Names the rows so that no two runs share a label: runs whose folders have the same name are
// shown with their parent folder too ("a/qlora", "b/qlora").
void unique_labels(std::vector<RunSummary>& rows);

// A finished run (`apiq quantize` output or a GUI job): InputError naming the file on a missing or
// malformed report.json, config.json or safetensors file.
RunSummary summarize_run(const std::filesystem::path& run_dir);

// The full-precision model as the reference row; `like` (a run of it, may be null) says which
// linears count as quantized. InputError naming the file when the folder is not a dense model.
RunSummary summarize_full_precision(const std::filesystem::path& model_dir, const RunSummary* like = nullptr);

// The full-precision model every run was calibrated from (their reports' options.model), or ""
// when one names none or they differ.
std::filesystem::path common_source_model(const std::vector<RunSummary>& runs);

struct RunPerplexityOptions {
  std::filesystem::path text_file;  // where `text` came from, named in errors
  int64_t seq_len = 256;
  int64_t max_windows = -1;  // every window when negative
  std::string device = "cpu";
};

// Perplexity of any model folder (dense or quantized) on `text` under the GPTQ/ApiQ protocol of
// `apiq eval`; progress "perplexity" per window.
double run_perplexity(const std::filesystem::path& dir, const std::string& text, const RunPerplexityOptions& opts,
                      ProgressObserver* obs = nullptr, const CancelToken* cancel = nullptr);

}  // namespace apiq
