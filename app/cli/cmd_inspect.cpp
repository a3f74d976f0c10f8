// SPDX-License-Identifier: GPL-3.0-or-later
// apiq inspect MODEL [--json]: architecture summary, a per-tensor table and, for a quantized
// checkpoint, the stored bits per parameter of its quantized linears.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "calibration/run_summary.h"
#include "io/config.h"
#include "quant/quant_spec.h"
#include "base/errors.h"
#include "io/safetensors.h"
#include "commands.h"

namespace apiq::cli {
namespace fs = std::filesystem;

namespace {

struct InspectArgs {
  std::string model;
  bool json = false;
};

std::string shape_text(const std::vector<int64_t>& s) {
  std::string o = "[";
  for (size_t i = 0; i < s.size(); ++i) o += (i ? ", " : "") + std::to_string(s[i]);
  return o + "]";
}

// What the quantized linears store (counted as `apiq compare` counts it); null for a dense model.
nlohmann::ordered_json quantized_linears_json(const fs::path& dir, const LlamaConfig& cfg) {
  if (!is_quantized_config(cfg)) return nullptr;
  const StoredBytes s = count_stored_bytes(dir);
  return {{"params", s.linear_params}, {"bytes", s.linear_bytes}, {"bits_per_param", s.bits_per_param()}};
}

void run_inspect(const InspectArgs& a) {
  const fs::path dir = a.model;
  if (!fs::is_directory(dir)) throw InputError(dir, "model folder does not exist");
  const LlamaConfig cfg = LlamaConfig::from_file(dir / "config.json");
  const TensorStore store = TensorStore::open_dir(dir);
  int64_t total_params = 0, total_bytes = 0;
  nlohmann::ordered_json tensors = nlohmann::ordered_json::array();
  for (const auto& name : store.names()) {
    const auto& ti = store.info(name);
    total_params += ti.numel();
    total_bytes += static_cast<int64_t>(ti.nbytes());
    tensors.push_back({{"name", name}, {"shape", ti.shape}, {"dtype", dtype_name(ti.dtype)},
                       {"params", ti.numel()}, {"bytes", ti.nbytes()}});
  }
  nlohmann::ordered_json arch = {
      {"model_type", cfg.model_type},         {"hidden_size", cfg.hidden_size},
      {"intermediate_size", cfg.intermediate_size}, {"num_hidden_layers", cfg.num_hidden_layers},
      {"num_attention_heads", cfg.num_attention_heads}, {"num_key_value_heads", cfg.num_key_value_heads},
      {"head_dim", cfg.head_dim},             {"vocab_size", cfg.vocab_size},
      {"rope_theta", cfg.rope_theta},         {"rope_scaling", cfg.rope_scaling.type},
      {"rms_norm_eps", cfg.rms_norm_eps},     {"tie_word_embeddings", cfg.tie_word_embeddings},
      {"dtype", cfg.dtype},                   {"shards", store.files().size()}};
  if (cfg.raw.contains("quantization_config")) arch["quantization"] = cfg.raw["quantization_config"];
  const auto quantized = quantized_linears_json(dir, cfg);
  if (a.json) {
    nlohmann::ordered_json out = {{"model", dir.string()}, {"architecture", arch}, {"tensors", tensors},
                                  {"total_params", total_params}, {"total_bytes", total_bytes}};
    if (!quantized.is_null()) out["quantized_linears"] = quantized;
    std::printf("%s\n", out.dump(2).c_str());
    return;
  }
  std::printf("model        %s\n", dir.c_str());
  for (auto it = arch.begin(); it != arch.end(); ++it) std::printf("%-20s %s\n", it.key().c_str(), it.value().dump().c_str());
  std::printf("\n%-56s %-16s %-5s %12s %12s\n", "tensor", "shape", "dtype", "params", "bytes");
  for (const auto& t : tensors)
    std::printf("%-56s %-16s %-5s %12lld %12lld\n", t["name"].get<std::string>().c_str(),
                shape_text(t["shape"].get<std::vector<int64_t>>()).c_str(), t["dtype"].get<std::string>().c_str(),
                static_cast<long long>(t["params"].get<int64_t>()), static_cast<long long>(t["bytes"].get<int64_t>()));
  std::printf("%-56s %-16s %-5s %12lld %12lld\n", "total", "", "", static_cast<long long>(total_params),
              static_cast<long long>(total_bytes));
  if (!quantized.is_null())
    std::printf("\nquantized linears: %.0f params, %.0f bytes stored (codes, scales, zeros or NF scales, LoRA): "
                "%.4f bits per parameter\n",
                quantized["params"].get<double>(), quantized["bytes"].get<double>(), quantized["bits_per_param"].get<double>());
}

}  // namespace

void add_inspect(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  auto* cmd = app.add_subcommand("inspect", "Architecture summary and per-tensor table of a model folder");
  cmd->add_option("MODEL", args->model, "model folder (config.json + safetensors)")->required();
  cmd->add_flag("--json", args->json, "machine-readable output");
  cmd->callback([args] { run_inspect(*args); });
}

}  // namespace apiq::cli
