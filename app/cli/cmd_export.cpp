// SPDX-License-Identifier: GPL-3.0-or-later
// apiq export: a quantized checkpoint as PEFT, dense Hugging Face, GPTQ or compressed-tensors.
#include <cstdio>
#include <memory>

#include "export/export.h"
#include "model/llama_model.h"
#include "commands.h"
#include "terminal_progress.h"

namespace apiq::cli {

namespace {

struct ExportArgs {
  std::string qdir, out, format, dtype = "f16", base_model;
  bool force = false;
};

void run_export(const ExportArgs& a) {
  ExportOptions o;
  o.format = a.format;
  o.dtype = parse_dtype(a.dtype);
  o.force = a.force;
  o.base_model = a.base_model;
  ExportResult r;
  {
    TerminalProgress progress;  // its line ends before the summary
    r = export_checkpoint(a.qdir, a.out, o, &progress);
  }
  std::printf("%s -> %s (%s)\n", a.qdir.c_str(), a.out.c_str(), a.format.c_str());
  for (const auto& n : r.notes) std::printf("  %s\n", n.c_str());
}

}  // namespace

void add_export(CLI::App& app) {
  auto a = std::make_shared<ExportArgs>();
  auto* c = app.add_subcommand("export", "Export a quantized checkpoint for other tools (PEFT, transformers, GPTQ, vLLM)");
  c->add_option("QDIR", a->qdir, "quantized checkpoint folder (written by apiq quantize)")->required();
  std::string formats;
  for (const auto& n : export_format_names()) formats += (formats.empty() ? "" : "|") + n;
  c->add_option("--format", a->format, formats)->required()->check(CLI::IsMember(export_format_names()));
  c->add_option("--out", a->out, "output folder (must not exist)")->required();
  c->add_option("--dtype", a->dtype, "dtype of hf-dequantized's dense weights and of compressed-tensors' scales and dense tensors: f16, bf16 or f32")->capture_default_str()
      ->check(CLI::IsMember({"f16", "bf16", "f32"}));
  c->add_option("--base-model", a->base_model, "base_model_name_or_path written into adapter_config.json");
  c->add_flag("--force", a->force, "accept a lossy export (GPTQ v1 cannot store a zero point of 0)");
  c->callback([a] { run_export(*a); });
}

}  // namespace apiq::cli
