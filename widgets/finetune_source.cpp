// SPDX-License-Identifier: GPL-3.0-or-later
#include "finetune_source.h"

#include <filesystem>
#include <stdexcept>

#include "finetune/finetune.h"
#include "finetune/finetune_model.h"
#include "io/config.h"
#include "model/adapter.h"
#include "model/linear_shapes.h"
#include "quant/quant_spec.h"

namespace apiq::widgets {

FinetuneSource readFinetuneSource(const QString& folder) {
  FinetuneSource s;
  s.folder = folder;
  try {
    const auto config = std::filesystem::path(folder.toStdString()) / "config.json";
    const apiq::LlamaConfig cfg = apiq::LlamaConfig::from_file(config);
    if (!apiq::is_quantized_config(cfg)) throw std::invalid_argument("not a quantized checkpoint: quantize the model first");
    const apiq::QuantSpec spec = apiq::quant_spec_of(cfg, config);
    s.method = QString::fromStdString(spec.method);
    s.bits = spec.quant.bits;
    s.groupSize = spec.is_int() ? spec.quant.group_size : 0;
    s.storedAdapter = spec.adapter;
    s.baseRank = spec.adapter ? spec.adapter->rank : spec.lora.rank;
    s.maxSequence = cfg.max_sequence();
    s.config = cfg;
    s.spec = spec;
    const auto shapes = apiq::linear_shapes(cfg);
    for (int64_t b = 0; b < cfg.num_hidden_layers; ++b)
      for (apiq::LinearKind k : apiq::kAllLinears)
        if (spec.is_target(k)) s.linears.push_back({shapes[static_cast<int>(k)].out, shapes[static_cast<int>(k)].in});
  } catch (const std::exception& e) {
    s.error = QString::fromStdString(e.what());
  }
  return s;
}

namespace {

// `o` for `kind` resolved by core as finetune resolves it; a non-empty problem when it refuses.
std::pair<apiq::AdapterOptions, QString> resolve(const FinetuneSource& s, const apiq::AdapterKind& kind,
                                                  apiq::AdapterOptions o) {
  o.kind = kind.name();
  if (!s.config) return {o, s.error};
  try {
    return {apiq::resolve_adapter(*s.config, s.spec, o), QString()};
  } catch (const std::invalid_argument& e) {
    return {o, QString::fromStdString(e.what())};
  }
}

}  // namespace

std::vector<AdapterCount> adapterCounts(const FinetuneSource& s, const apiq::AdapterOptions& options) {
  std::vector<AdapterCount> out;
  for (const apiq::AdapterKind* kind : apiq::adapter_table()) {
    AdapterCount c;
    c.kind = QString::fromLatin1(kind->name());
    auto [o, problem] = resolve(s, *kind, options);
    qint64 total = 0;
    for (const auto& l : s.linears) {
      if (!problem.isEmpty()) break;
      const apiq::AdapterShape shape{l.out, l.in, s.groupSize};
      if (const std::string why = kind->problem(shape, o); !why.empty()) problem = QString::fromStdString(why);
      else total += kind->trainable(shape, o);
    }
    if (problem.isEmpty() && !s.error.isEmpty()) problem = s.error;
    if (problem.isEmpty()) c.trainable = total;
    c.problem = problem;
    out.push_back(c);
  }
  return out;
}

FinetuneOutcome outcomeOf(const apiq::FinetuneResult& r, const QString& outputDir) {
  FinetuneOutcome o;
  o.outputDir = outputDir;
  o.adapter = r.adapter;
  const std::string kind = r.adapter.value("kind", std::string("lora"));
  o.kind = QString::fromStdString(kind);
  o.mergeable = apiq::find_adapter_kind(kind).mergeable();
  o.trainable = r.adapter.value("trainable", int64_t{0});
  o.storedBits = r.adapter.value("stored_bits", 0.0);
  if (!r.evals.empty()) o.pplBefore = r.evals.front().ppl;
  if (r.evals.size() > 1) o.pplAfter = r.evals.back().ppl;
  return o;
}

}  // namespace apiq::widgets
