// SPDX-License-Identifier: GPL-3.0-or-later
// Exports of a native quantized checkpoint into formats other tools load (issue 5, "Exports").
// Every export is assembled in `OUT.tmp-<pid>` and renamed to OUT only when complete.
#pragma once
#include <torch/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "apiq/config.h"
#include "apiq/progress.h"
#include "apiq/quantized_checkpoint.h"
#include "apiq/safetensors.h"

namespace apiq {

enum class ExportFormat { Peft, HfDequantized, Gptq, GptqV2, CompressedTensors };

ExportFormat parse_export_format(const std::string& s);  // "peft", "hf-dequantized", …
const char* export_format_name(ExportFormat f);

// A native quantized checkpoint (quant_method "apiq-studio") opened for export.
struct QuantizedSource {
  std::filesystem::path dir;
  LlamaConfig cfg;
  QuantizationInfo info;
  TensorStore store;
  // Who watches the export (not owned, may be null). The writers that go through the decoder
  // blocks call block_done after each one: progress "export" b+1 of (blocks + 1; the last unit is
  // writing the files), and the cancel flag is checked there.
  ProgressObserver* obs = nullptr;
  const CancelToken* cancel = nullptr;
  void block_done(int64_t block) const;

  // Throws InputError (file + problem) unless `dir` holds an apiq-studio quantized checkpoint.
  static QuantizedSource open(const std::filesystem::path& dir);
};

struct ExportOptions {
  ExportFormat format = ExportFormat::HfDequantized;
  torch::ScalarType dtype = torch::kHalf;  // dense tensors of hf-dequantized
  bool force = false;                      // accept a lossy export (GPTQ v1 zero points of 0)
  std::string base_model;                  // base_model_name_or_path of the adapter; empty: a sensible path
};

struct ExportResult {
  std::vector<std::string> notes;  // one line each, for the user
};

// Writes the export into a new folder `out` (which must not exist). Progress goes to `obs` (stage
// "export", one unit per decoder block and one for writing); a cancel (CancelledError) or any
// error leaves no `out` and no temporary folder behind.
ExportResult export_checkpoint(const std::filesystem::path& qdir, const std::filesystem::path& out,
                               const ExportOptions& opts, ProgressObserver* obs = nullptr,
                               const CancelToken* cancel = nullptr);

// Copies the tokenizer files (and generation_config.json) that exist in `from` into `to`.
void copy_tokenizer_files(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace apiq
