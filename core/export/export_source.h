// SPDX-License-Identifier: GPL-3.0-or-later
// What every export format reads and returns: the quantized checkpoint opened for export (with
// the observer and cancel token of the export in progress), the options, and notes for the user.
#pragma once
#include <torch/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/progress.h"
#include "io/tokenizer.h"
#include "quant/quantized_checkpoint.h"

namespace apiq {

// A native quantized checkpoint (quant_method "apiq-studio") opened for export.
struct QuantizedSource : QuantizedCheckpoint {
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
  std::string format = "hf-dequantized";   // a name from export_format_table()
  torch::ScalarType dtype = torch::kHalf;  // dense tensors of hf-dequantized
  bool force = false;                      // accept a lossy export (zero points the format cannot store)
  std::string base_model;                  // base_model_name_or_path of the adapter; empty: the format's default
};

struct ExportResult {
  std::vector<std::string> notes;  // one line each, for the user
};


}  // namespace apiq
