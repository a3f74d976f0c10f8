// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/run_summary.h"

#include <algorithm>
#include <cmath>

#include "base/errors.h"
#include "base/fs_util.h"
#include "calibration/calibration_report.h"
#include "io/config.h"
#include "io/safetensors.h"
#include "io/tensor_names.h"
#include "io/token_stream.h"
#include "io/tokenizer.h"
#include "model/adapter.h"
#include "model/evaluation.h"
#include "model/linear_shapes.h"
#include "quant/load_model.h"
#include "quant/quant_spec.h"

namespace apiq {
namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Suffixes of the tensors stored for a quantized linear (quantized_checkpoint.h).
constexpr const char* kLinearSuffixes[] = {".qweight",        ".scales",          ".zeros",      ".nf_absmax",
                                           ".nf_scale_codes", ".nf_scale_maxima", ".nf_offset", ".lora_A",
                                           ".lora_B"};
constexpr const char* kResumeSuffixes[] = {".clip_gamma", ".clip_beta"};

template <size_t N>
bool has_suffix(const std::string& name, const char* const (&suffixes)[N]) {
  for (const char* s : suffixes)
    if (ends_with(name, s)) return true;
  return false;
}

// A finetuned adapter's tensor ("<module>.qbara_A"), which replaces the LoRA factors it was made from.
bool is_adapter_tensor(const std::string& name) {
  for (const std::string& kind : adapter_kind_names())
    if (name.find("." + kind + "_") != std::string::npos) return true;
  return false;
}

// Element count of the target linears' weights.
double target_linear_params(const LlamaConfig& cfg, const LinearTargets& targets) {
  double n = 0;
  for (LinearKind k : kAllLinears)
    if (targets[static_cast<int>(k)]) n += static_cast<double>(linear_shape(cfg, k).numel());
  return n * static_cast<double>(cfg.num_hidden_layers);
}

void fill_block_metrics(RunSummary& s) {
  const auto& r = s.result;
  s.mean_act_err = r.mean_act_err();
  s.block_mse.clear();
  double mse = 0;
  for (const auto& b : r.blocks) {
    s.block_mse.push_back(b.out_mse);
    mse += b.out_mse;
  }
  s.mean_block_mse = r.blocks.empty() ? 0.0 : mse / static_cast<double>(r.blocks.size());
  std::vector<double> sum(r.blocks.size(), 0.0), count(r.blocks.size(), 0.0);
  for (const auto& l : r.layers) {
    const auto b = static_cast<size_t>(l.block);
    if (b >= sum.size()) sum.resize(b + 1, 0.0), count.resize(b + 1, 0.0);
    sum[b] += l.act_err;
    count[b] += 1;
  }
  s.block_act_err.assign(sum.size(), std::nan(""));
  for (size_t b = 0; b < sum.size(); ++b)
    if (count[b] > 0) s.block_act_err[b] = sum[b] / count[b];
}

const char* dtype_short_name(StDtype d) {
  switch (d) {
    case StDtype::F32: return "f32";
    case StDtype::F16: return "f16";
    case StDtype::BF16: return "bf16";
    default: return "other";
  }
}

double bits_per_weight(double bytes, double params) { return params > 0 ? 8.0 * bytes / params : std::nan(""); }

}  // namespace

double StoredBytes::bits_per_param() const { return bits_per_weight(linear_bytes, linear_params); }

double RunSummary::bits_per_param() const { return bits_per_weight(linear_bytes, linear_params); }

StoredBytes count_stored_bytes(const fs::path& dir) {
  const auto config_file = dir / "config.json";
  const LlamaConfig cfg = LlamaConfig::from_file(config_file);
  if (!is_quantized_config(cfg)) throw InputError(config_file, "has no quantization_config: not a quantized checkpoint");
  const QuantSpec spec = quant_spec_of(cfg, config_file);
  StoredBytes s;
  const TensorStore store = TensorStore::open_dir(dir);
  for (const auto& name : store.names()) {
    const auto bytes = static_cast<double>(store.info(name).nbytes());
    if (has_suffix(name, kResumeSuffixes)) {
      s.resume_state_bytes += bytes;
      continue;
    }
    s.model_bytes += bytes;
    if (has_suffix(name, kLinearSuffixes) || is_adapter_tensor(name)) s.linear_bytes += bytes;
  }
  s.linear_params = target_linear_params(cfg, spec.targets);
  return s;
}

namespace {

// report.json's `key` inside `where` as a number; none when absent; InputError when of another type.
std::optional<double> number_at(const nlohmann::json& where, const char* key, const std::string& field,
                                const fs::path& origin) {
  const auto it = where.find(key);
  if (it == where.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) throw InputError(origin, field + "." + key + " is not a number");
  return it->get<double>();
}

const nlohmann::json& object_at(const nlohmann::json& where, const char* key, const std::string& field,
                                const fs::path& origin) {
  static const nlohmann::json none = nlohmann::json::object();
  const auto it = where.find(key);
  if (it == where.end()) return none;
  if (!it->is_object()) throw InputError(origin, field + "." + key + " is not an object");
  return *it;
}

// "8", or "lowest–highest" when the linears' ranks differ; "" when no linear has a rank.
std::string rank_range(const nlohmann::json& linears, const fs::path& origin) {
  std::optional<double> lowest, highest;
  for (const auto& l : linears) {
    if (!l.is_object()) throw InputError(origin, "finetune.adapter.linears holds an entry that is not an object");
    const auto r = number_at(l, "rank", "finetune.adapter.linears[]", origin);
    if (!r) continue;
    lowest = lowest ? std::min(*lowest, *r) : *r;
    highest = highest ? std::max(*highest, *r) : *r;
  }
  if (!lowest) return "";
  const auto text = [](double v) { return std::to_string(static_cast<int64_t>(v)); };
  return *lowest == *highest ? text(*lowest) : text(*lowest) + "\u2013" + text(*highest);
}

}  // namespace

std::optional<FinetuneSummary> finetune_summary(const nlohmann::json& report, const fs::path& origin) {
  if (!report.is_object() || !report.contains("finetune")) return std::nullopt;
  const auto& ft = object_at(report, "finetune", "report", origin);
  FinetuneSummary f;
  const auto& adapter = object_at(ft, "adapter", "finetune", origin);
  const auto kind = adapter.find("kind");
  if (kind != adapter.end() && !kind->is_string()) throw InputError(origin, "finetune.adapter.kind is not a string");
  f.adapter_kind = kind != adapter.end() ? kind->get<std::string>() : "lora";
  f.trainable = number_at(adapter, "trainable", "finetune.adapter", origin);
  f.stored_bits = number_at(adapter, "stored_bits", "finetune.adapter", origin);
  if (const auto it = adapter.find("linears"); it != adapter.end()) {
    if (!it->is_array()) throw InputError(origin, "finetune.adapter.linears is not an array");
    f.linears = *it;
  }
  f.ranks = rank_range(f.linears, origin);
  if (const auto it = ft.find("evals"); it != ft.end()) {
    if (!it->is_array()) throw InputError(origin, "finetune.evals is not an array");
    for (const auto& e : *it) {
      if (!e.is_object()) throw InputError(origin, "finetune.evals holds an entry that is not an object");
      const auto ppl = number_at(e, "ppl", "finetune.evals[]", origin);
      if (!f.perplexity_before) f.perplexity_before = ppl;
      f.perplexity = ppl;
    }
  }
  // Merged: the adapter now lives in the zero points, so nothing is stored beside the base.
  f.merged = report.contains("merge");
  if (f.merged && f.stored_bits) f.stored_bits = 0.0;
  return f;
}

void unique_labels(std::vector<RunSummary>& rows) {
  for (auto& r : rows) r.name.clear();
  for (auto& r : rows) {
    if (r.reference) continue;
    const auto clash = std::count_if(rows.begin(), rows.end(), [&](const RunSummary& o) {
      return !o.reference && o.dir.filename() == r.dir.filename();
    });
    if (clash > 1) r.name = (r.dir.parent_path().filename() / r.dir.filename()).string();
  }
}

std::string RunSummary::label() const {
  if (reference) return "full precision";
  if (!name.empty()) return name;
  const std::string name = dir.filename().string();
  return name.empty() ? method : name;
}

RunSummary summarize_run(const fs::path& run_dir) {
  // One read of report.json: the calibration's part parsed by read_report's parser, the finetune part here.
  const auto report_file = run_dir / "report.json";
  const std::string report_text = read_nonempty_file(report_file, "report");
  const StoredReport report = parse_report(report_text, report_file);
  const auto config_file = run_dir / "config.json";
  const LlamaConfig cfg = LlamaConfig::from_file(config_file);
  const QuantSpec spec = quant_spec_of(cfg, config_file);
  RunSummary s;
  s.dir = run_dir;
  s.method = report.method;
  if (const auto it = report.options.find("model"); it != report.options.end() && it->is_string())
    s.source_model = it->get<std::string>();
  s.bits = spec.quant.bits;
  s.group_size = spec.quant.group_size;
  s.rank = spec.lora.rank;
  s.format = spec.format_name();
  s.result = report.result;
  s.finetune = finetune_summary(nlohmann::json::parse(report_text, nullptr, false), report_file);
  s.seconds = report.result.seconds;
  s.peak_memory_bytes = report.result.peak_memory_bytes;
  s.device = report.result.device;
  fill_block_metrics(s);
  const StoredBytes stored = count_stored_bytes(run_dir);
  s.model_bytes = stored.model_bytes;
  s.resume_state_bytes = stored.resume_state_bytes;
  s.linear_params = stored.linear_params;
  s.linear_bytes = stored.linear_bytes;
  return s;
}

RunSummary summarize_full_precision(const fs::path& model_dir, const RunSummary* like) {
  const auto config_file = model_dir / "config.json";
  const LlamaConfig cfg = LlamaConfig::from_file(config_file);
  if (is_quantized_config(cfg))
    throw InputError(config_file, "is a quantized checkpoint, not a full-precision model");
  LinearTargets targets = kAllTargets;
  if (like && !like->reference && fs::exists(like->dir / "config.json"))
    targets = quant_spec_of(LlamaConfig::from_file(like->dir / "config.json"), like->dir / "config.json").targets;
  RunSummary s;
  s.dir = model_dir;
  s.reference = true;
  const TensorStore store = TensorStore::open_dir(model_dir);
  for (const auto& name : store.names()) s.model_bytes += static_cast<double>(store.info(name).nbytes());
  // The linears' dense bytes at the model's own dtype (phi3 stores q/k/v fused, so count by shape).
  const auto& embed = store.info(tensor_names_for(cfg.model_type).embed);
  const double element_bytes = static_cast<double>(embed.nbytes()) / static_cast<double>(std::max<int64_t>(1, embed.numel()));
  s.format = dtype_short_name(embed.dtype);
  s.linear_params = target_linear_params(cfg, targets);
  s.linear_bytes = s.linear_params * element_bytes;
  return s;  // no per-block errors: the reference is what the runs are measured against
}

fs::path common_source_model(const std::vector<RunSummary>& runs) {
  fs::path model;
  for (const auto& r : runs) {
    if (r.reference) continue;
    if (r.source_model.empty() || (!model.empty() && r.source_model != model)) return {};
    model = r.source_model;
  }
  return model;
}

double run_perplexity(const fs::path& dir, const std::string& text, const RunPerplexityOptions& opts,
                      ProgressObserver* obs, const CancelToken* cancel) {
  const auto config_file = dir / "config.json";
  const LlamaConfig cfg = LlamaConfig::from_file(config_file);
  if (const auto why = cfg.sequence_problem(opts.seq_len); !why.empty())
    throw InputError(config_file, "a perplexity window of " + std::to_string(opts.seq_len) + " tokens is " + why);
  const Tokenizer tok = Tokenizer::load_from_dir(dir);
  const auto stream = tokenize_for_model(tok, text, cfg.vocab_size);
  if (static_cast<int64_t>(stream.size()) < opts.seq_len)
    throw InputError(opts.text_file, "the text has " + std::to_string(stream.size()) + " tokens (" +
                                         dir.filename().string() + "'s tokenizer), fewer than one window of " +
                                         std::to_string(opts.seq_len));
  const LlamaModel model = load_model(dir, ModelOptions().set_device(torch::Device(opts.device)), obs);
  PerplexityOptions po;
  po.seq_len = opts.seq_len;
  po.max_windows = opts.max_windows;
  return evaluate_perplexity(model, stream, po, obs, cancel).ppl;
}

}  // namespace apiq
