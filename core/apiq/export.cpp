// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiq/export.h"

#include <unistd.h>

#include <stdexcept>

#include "apiq/errors.h"
#include "apiq/export_hf.h"
#include "apiq/export_packed.h"
#include "apiq/export_peft.h"
#include "apiq/fs_util.h"

namespace apiq {
namespace fs = std::filesystem;

namespace {
struct FormatName {
  ExportFormat format;
  const char* name;
};
constexpr FormatName kFormats[] = {{ExportFormat::Peft, "peft"},
                                   {ExportFormat::HfDequantized, "hf-dequantized"},
                                   {ExportFormat::Gptq, "gptq"},
                                   {ExportFormat::GptqV2, "gptq-v2"},
                                   {ExportFormat::CompressedTensors, "compressed-tensors"}};
}  // namespace

ExportFormat parse_export_format(const std::string& s) {
  for (const auto& f : kFormats)
    if (s == f.name) return f.format;
  throw std::invalid_argument("unknown export format '" + s +
                              "' (use peft, hf-dequantized, gptq, gptq-v2 or compressed-tensors)");
}

const char* export_format_name(ExportFormat f) {
  for (const auto& e : kFormats)
    if (e.format == f) return e.name;
  return "?";
}

QuantizedSource QuantizedSource::open(const fs::path& dir) {
  if (!fs::is_directory(dir)) throw InputError(dir, "quantized checkpoint folder does not exist");
  QuantizedSource s{dir, LlamaConfig::from_file(dir / "config.json"), {}, TensorStore::open_dir(dir)};
  if (!is_quantized_config(s.cfg))
    throw InputError(dir / "config.json",
                     "not an ApiQ Studio quantized checkpoint (no quantization_config with quant_method apiq-studio)");
  s.info = QuantizationInfo::from_json(s.cfg.raw["quantization_config"], dir / "config.json");
  tensor_names_for(s.cfg.model_type);  // an unknown architecture fails here, before anything is written
  return s;
}

void QuantizedSource::block_done(int64_t block) const {
  report(obs, "export", block + 1, cfg.num_hidden_layers + 1);
  checkpoint(cancel);
}

void copy_tokenizer_files(const fs::path& from, const fs::path& to) {
  static const char* const kFiles[] = {"tokenizer.model", "tokenizer.json", "tokenizer_config.json",
                                       "special_tokens_map.json", "generation_config.json"};
  bool any = false;
  for (const char* f : kFiles) {
    if (!fs::exists(from / f)) continue;
    fs::copy_file(from / f, to / f);
    any = true;
  }
  if (!any) throw InputError(from, "no tokenizer file (tokenizer.model or tokenizer.json) to copy");
}

ExportResult export_checkpoint(const fs::path& qdir, const fs::path& out, const ExportOptions& opts,
                               ProgressObserver* obs, const CancelToken* cancel) {
  if (fs::exists(out)) throw InputError(out, "already exists: exports never overwrite, choose another --out");
  QuantizedSource src = QuantizedSource::open(qdir);
  src.obs = obs;
  src.cancel = cancel;
  const int64_t units = src.cfg.num_hidden_layers + 1;
  report(obs, "export", 0, units);
  fs::path tmp = out;
  tmp += ".tmp-" + std::to_string(::getpid());
  remove_tree(tmp);
  fs::create_directories(tmp);
  ExportResult result;
  try {
    switch (opts.format) {
      case ExportFormat::Peft: {
        const std::string base = opts.base_model.empty() ? fs::absolute(qdir).lexically_normal().string() : opts.base_model;
        write_peft_adapter(src, tmp, base);
        copy_tokenizer_files(qdir, tmp);
        result.notes.push_back("PEFT LoRA adapter; it is valid only on a base that dequantizes to this checkpoint's weights");
        break;
      }
      case ExportFormat::HfDequantized: {
        const std::string base = opts.base_model.empty() ? fs::absolute(out).lexically_normal().string() : opts.base_model;
        result = write_hf_dequantized(src, tmp, opts.dtype, base);
        break;
      }
      case ExportFormat::Gptq:
      case ExportFormat::GptqV2:
      case ExportFormat::CompressedTensors: {
        // The adapter travels in the same folder as its packed base.
        const std::string base = opts.base_model.empty() ? fs::absolute(out).lexically_normal().string() : opts.base_model;
        result = opts.format == ExportFormat::CompressedTensors
                     ? write_compressed_tensors(src, tmp, opts.force, base)
                     : write_gptq(src, tmp, opts.format == ExportFormat::GptqV2, opts.force, base);
        break;
      }
    }
    checkpoint(cancel);
    fs::rename(tmp, out);
    report(obs, "export", units, units);
  } catch (...) {
    remove_tree(tmp);
    throw;
  }
  return result;
}

}  // namespace apiq
