// SPDX-License-Identifier: GPL-3.0-or-later
// What the finetune dialog knows about a quantized checkpoint before training: its quantization,
// the rank its adapter has (what finetune's rank 0 means), and the (out, in) of every linear an
// adapter would sit beside; and, from these, the trainable parameters of every row of core's
// adapter table for the options chosen, as `apiq finetune` would resolve them. After training,
// what the finished finetune reports.
#pragma once
#include <QString>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "io/config.h"
#include "model/adapter_options.h"
#include "quant/quant_spec.h"

namespace apiq {
struct FinetuneResult;
}

namespace apiq::widgets {

struct FinetuneSource {
  QString folder;
  QString error;  // not a quantized checkpoint, unreadable, …
  QString method;
  int bits = 0;
  qint64 groupSize = 0;  // 0 when the base is not group-quantized (NormalFloat)
  qint64 baseRank = 0;   // the stored adapter's rank, else the LoRA factors' (0: none)
  std::optional<apiq::AdapterOptions> storedAdapter;  // a finetuned adapter of another kind than LoRA
  qint64 maxSequence = 0;
  std::optional<apiq::LlamaConfig> config;  // what core resolves the adapter options against
  apiq::QuantSpec spec;
  struct Linear {
    qint64 out = 0, in = 0;
  };
  std::vector<Linear> linears;  // every target linear of every block
};

// Reads FOLDER/config.json (no weights); errors land in `error`.
FinetuneSource readFinetuneSource(const QString& folder);

struct AdapterCount {
  QString kind;                     // a name of the adapter table
  std::optional<qint64> trainable;  // none when the options do not fit; `problem` says why
  QString problem;                  // core's text (untranslated: it names numbers and fields)
};

// One entry per row of apiq::adapter_table(), in its order: the sum over every target linear of
// kind.trainable(shape, options) with `o` resolved as finetune does (rank 0: the base's; a stored
// adapter of the same kind trains on with its own options, one of another kind is a problem).
std::vector<AdapterCount> adapterCounts(const FinetuneSource& s, const apiq::AdapterOptions& o);

// What a finished finetune reports, as the dialog shows it.
struct FinetuneOutcome {
  QString outputDir;
  QString kind;
  bool mergeable = false;  // the kind folds into the packed model (apiq merge)
  std::optional<double> pplBefore, pplAfter;
  qint64 trainable = 0;
  double storedBits = 0;
  nlohmann::json adapter;  // FinetuneResult::adapter (report.json's finetune.adapter)
};
FinetuneOutcome outcomeOf(const apiq::FinetuneResult& r, const QString& outputDir);

}  // namespace apiq::widgets
