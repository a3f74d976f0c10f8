// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/export_peft.h"

#include <cmath>

#include "base/errors.h"
#include "export/export_format.h"
#include "export/fused_linears.h"
#include "io/tensor_names.h"

namespace apiq {
namespace fs = std::filesystem;

bool has_lora_adapter(const QuantizedCheckpoint& src) {
  const auto& names = tensor_names_for(src.cfg.model_type);
  for (int64_t b = 0; b < src.cfg.num_hidden_layers; ++b)
    for (LinearKind k : kAllLinears) {
      if (!src.spec.is_target(k)) continue;  // dense linears have no adapter
      const std::string m = linear_module(names, b, k);
      if (!src.store.contains(m + ".lora_A") || !src.store.contains(m + ".lora_B")) return false;
    }
  return true;
}

NamedTensors peft_adapter_tensors(const QuantizedSource& src, int64_t* rank) {
  const auto& names = tensor_names_for(src.cfg.model_type);
  NamedTensors out;
  int64_t r = -1;
  for (int64_t b = 0; b < src.cfg.num_hidden_layers; ++b) {
    for (LinearKind k : kAllLinears) {
      if (!src.spec.is_target(k)) continue;
      const std::string m = linear_module(names, b, k);
      if (!src.store.contains(m + ".lora_A") || !src.store.contains(m + ".lora_B"))
        throw InputError(src.dir, "linear '" + m + "' has no LoRA factors (an rtn checkpoint has no adapter to export)");
      const auto& ia = src.store.info(m + ".lora_A");
      const auto& ib = src.store.info(m + ".lora_B");
      if (ia.shape.size() != 2 || ib.shape.size() != 2 || ia.shape[0] != ib.shape[1])
        throw InputError(src.store.file_of(m + ".lora_A"), "LoRA factors of '" + m + "' have inconsistent shapes");
      if (r < 0) r = ia.shape[0];
      if (ia.shape[0] != r)
        throw InputError(src.store.file_of(m + ".lora_A"),
                         "LoRA rank of '" + m + "' differs from the others (PEFT needs one rank)");
      out.emplace_back("base_model.model." + m + ".lora_A.weight", load_finite(src.store, m + ".lora_A").to(torch::kFloat).contiguous());
      out.emplace_back("base_model.model." + m + ".lora_B.weight", load_finite(src.store, m + ".lora_B").to(torch::kFloat).contiguous());
    }
  }
  if (rank) *rank = r;
  fuse_lora(names, src.cfg.num_hidden_layers, out);
  return out;
}

nlohmann::ordered_json peft_adapter_config(const QuantizedSource& src, int64_t rank, const std::string& base_model) {
  // Fused modules (phi3) carry the parts' adapters side by side: rank n·r with alpha n·α keeps
  // PEFT's scaling alpha / r of the parts.
  const auto fused = fused_linears(tensor_names_for(src.cfg.model_type));
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  nlohmann::ordered_json rank_pattern = nlohmann::ordered_json::object(), alpha_pattern = rank_pattern;
  const double alpha = src.spec.lora.alpha;
  for (LinearKind k : kAllLinears) {
    if (!src.spec.is_target(k)) continue;
    const FusedLinear* f = fused_module_of(fused, k);
    if (!f) {
      targets.push_back(linear_short_name(k));
    } else if (f->parts.front() == k) {
      const std::string leaf = f->module.substr(f->module.rfind('.') + 1);
      const auto n = static_cast<int64_t>(f->parts.size());
      targets.push_back(leaf);
      rank_pattern[leaf] = n * rank;
      alpha_pattern[leaf] = static_cast<double>(n) * alpha;
    }
  }
  nlohmann::ordered_json j;
  j["peft_type"] = "LORA";
  j["task_type"] = "CAUSAL_LM";
  j["base_model_name_or_path"] = base_model;
  j["revision"] = nullptr;
  j["inference_mode"] = true;
  j["r"] = rank;
  // Our scaling is lora_alpha / r with the factors' own rank, as PEFT computes it.
  if (std::floor(alpha) == alpha && std::abs(alpha) < 1e15)
    j["lora_alpha"] = static_cast<int64_t>(alpha);
  else
    j["lora_alpha"] = alpha;
  j["lora_dropout"] = 0.0;
  j["target_modules"] = targets;
  j["bias"] = "none";
  j["fan_in_fan_out"] = false;
  j["use_rslora"] = false;
  j["use_dora"] = false;
  j["init_lora_weights"] = true;
  j["modules_to_save"] = nullptr;
  j["layers_to_transform"] = nullptr;
  j["layers_pattern"] = nullptr;
  j["rank_pattern"] = rank_pattern;
  j["alpha_pattern"] = alpha_pattern;
  return j;
}

void write_peft_adapter(const QuantizedSource& src, const fs::path& dir, const std::string& base_model) {
  int64_t rank = 0;
  const NamedTensors tensors = peft_adapter_tensors(src, &rank);
  write_safetensors(dir / "adapter_model.safetensors", tensors, {{"format", "pt"}});
  write_file_atomic(dir / "adapter_config.json", peft_adapter_config(src, rank, base_model).dump(2) + "\n");
}

namespace {
class PeftFormat final : public ExportFormat {
 public:
  const char* name() const override { return "peft"; }
  const char* engines() const override {
    return "transformers + PEFT (PeftModel.from_pretrained), on a base holding this checkpoint's dequantized "
           "weights, such as the hf-dequantized export.";
  }
  const char* loss() const override { return "Lossless: the LoRA factors are copied exactly."; }
  std::vector<std::string> problems(const QuantizedCheckpoint& ck) const override {
    std::vector<std::string> out;
    if (ck.spec.adapter)
      out.push_back("PEFT has no " + ck.spec.adapter->kind + " adapter (export hf-dequantized, which adds it into the dense weights)");
    else if (!has_lora_adapter(ck))
      out.push_back("the checkpoint has no LoRA factors (rtn, or an adapter merged into the zero points)");
    if (auto why = fused_target_problem(tensor_names_for(ck.cfg.model_type), ck.spec.targets); !why.empty())
      out.push_back(why);
    return out;
  }
  std::string default_base_model(const fs::path& qdir, const fs::path&) const override {
    return fs::absolute(qdir).lexically_normal().string();  // the adapter applies to the source's Ŵ
  }
  ExportResult write(const QuantizedSource& src, const fs::path& dir, const ExportOptions& o) const override {
    write_peft_adapter(src, dir, o.base_model);
    copy_tokenizer_files(src.dir, dir);
    return {{"PEFT LoRA adapter; it is valid only on a base that dequantizes to this checkpoint's weights"}};
  }
};
}  // namespace

const ExportFormat& peft_export_format() {
  static const PeftFormat f;
  return f;
}

}  // namespace apiq
