// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/quant_spec.h"

#include <cmath>

#include "base/errors.h"
#include "io/json_value.h"

namespace apiq {
using json = nlohmann::json;

void QuantSpec::validate() const {
  quant.validate();
  if (is_int() && !(quant.bits == 2 || quant.bits == 3 || quant.bits == 4 || quant.bits == 8))
    throw std::invalid_argument("bits must be 2, 3, 4 or 8, got " + std::to_string(quant.bits));
  if (lora.rank < 0) throw std::invalid_argument("lora rank must not be negative, got " + std::to_string(lora.rank));
  if (!std::isfinite(lora.alpha)) throw std::invalid_argument("lora alpha must be finite");
  if (count_targets(targets) == 0) throw std::invalid_argument("no target linears: quantize at least one linear");
  for (const auto& [key, m] : overrides) {
    if (is_int() && !(m.bits == 2 || m.bits == 3 || m.bits == 4 || m.bits == 8))
      throw std::invalid_argument("module override " + key + ": bits must be 2, 3, 4 or 8, got " + std::to_string(m.bits));
    try {
      apply_module_quant(quant, m).validate();
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("module override " + key + ": " + e.what());
    }
  }
}

QuantizerOptions apply_module_quant(QuantizerOptions q, const ModuleQuant& m) {
  q.bits = m.bits;
  if (q.format == QuantizerOptions::Format::Int) {
    q.group_size = m.group_size;
  } else {
    q.nf_block_size = m.group_size;
    q.nf_scale_bits = m.nf_scale_bits;
    q.nf_scale_block = m.nf_scale_block;
    q.nf_scale_float = m.nf_scale_float;
  }
  return q;
}

std::string QuantSpec::module_key(int64_t block, LinearKind k) {
  return "layers." + std::to_string(block) + "." + linear_short_name(k);
}

QuantizerOptions QuantSpec::quant_for(int64_t block, LinearKind k) const {
  const auto it = overrides.find(module_key(block, k));
  return it == overrides.end() ? quant : apply_module_quant(quant, it->second);
}

json QuantSpec::to_json() const {
  json modules = json::array();
  for (LinearKind k : kAllLinears)
    if (is_target(k)) modules.push_back(linear_short_name(k));
  json j = {{"quant_method", "apiq-studio"}, {"method", method},
            {"bits", quant.bits},            {"group_size", quant.group_size},
            {"format", format_name()},       {"sym", is_sym()},
            {"nf_block_size", quant.nf_block_size}, {"lora_rank", lora.rank},
            {"lora_alpha", lora.alpha},      {"target_modules", modules}};
  // The double quantization of NF scales, written only where used (older readers see plain nf).
  auto add_nf_scales = [](json& o, int bits, int64_t block, QuantizerOptions::NFScaleFloat f) {
    o["nf_scale_bits"] = bits;
    o["nf_scale_block"] = block;
    o["nf_scale_float"] = nf_scale_float_name(f);
  };
  if (quant.nf_double_quant()) add_nf_scales(j, quant.nf_scale_bits, quant.nf_scale_block, quant.nf_scale_float);
  if (adapter) j["adapter"] = adapter->to_json();
  if (!merged_adapter.empty()) j["merged_adapter"] = merged_adapter;
  if (mixed()) {
    json o = json::object();
    for (const auto& [key, m] : overrides) {
      o[key] = {{"bits", m.bits}, {"group_size", m.group_size}};
      if (!is_int() && m.nf_scale_bits > 0) add_nf_scales(o[key], m.nf_scale_bits, m.nf_scale_block, m.nf_scale_float);
    }
    j["module_overrides"] = o;
  }
  return j;
}

namespace {

template <typename T>
T field(const json& j, const char* key, const std::filesystem::path& origin) {
  if (!j.contains(key)) throw InputError(origin, std::string("quantization_config has no '") + key + "'");
  try {
    return json_value<T>(j.at(key));
  } catch (const std::invalid_argument&) {
    throw InputError(origin, std::string("quantization_config field '") + key + "' has the wrong type");
  }
}

// The optional double quantization fields of `j` into (bits, block, float).
void read_nf_scales(const json& j, int& bits, int64_t& block, QuantizerOptions::NFScaleFloat& f,
                    const std::filesystem::path& origin) {
  if (!j.contains("nf_scale_bits")) return;
  bits = field<int>(j, "nf_scale_bits", origin);
  block = field<int64_t>(j, "nf_scale_block", origin);
  try {
    f = parse_nf_scale_float(field<std::string>(j, "nf_scale_float", origin));
  } catch (const std::invalid_argument& e) {
    throw InputError(origin, std::string("quantization_config: ") + e.what());
  }
}

}  // namespace

QuantSpec QuantSpec::from_json(const json& j, const std::filesystem::path& origin) {
  if (!j.is_object()) throw InputError(origin, "quantization_config is not a JSON object");
  QuantSpec s;
  s.method = field<std::string>(j, "method", origin);
  s.quant.bits = field<int>(j, "bits", origin);
  s.quant.group_size = field<int64_t>(j, "group_size", origin);
  const auto format = field<std::string>(j, "format", origin);
  if (format != "int" && format != "nf") throw InputError(origin, "quantization format '" + format + "' is unknown");
  s.quant.format = format == "nf" ? QuantizerOptions::Format::NF : QuantizerOptions::Format::Int;
  s.quant.mode = field<bool>(j, "sym", origin) ? QuantizerOptions::Mode::Sym : QuantizerOptions::Mode::Asym;
  s.quant.nf_block_size = j.contains("nf_block_size") ? field<int64_t>(j, "nf_block_size", origin) : 64;
  read_nf_scales(j, s.quant.nf_scale_bits, s.quant.nf_scale_block, s.quant.nf_scale_float, origin);
  s.lora.rank = field<int64_t>(j, "lora_rank", origin);
  s.lora.alpha = field<double>(j, "lora_alpha", origin);
  if (j.contains("target_modules")) {  // older checkpoints: all seven
    const auto& m = j.at("target_modules");
    if (!m.is_array()) throw InputError(origin, "quantization_config field 'target_modules' is not a list");
    std::string csv;
    for (const auto& e : m) {
      if (!e.is_string()) throw InputError(origin, "quantization_config field 'target_modules' holds a non-string");
      csv += (csv.empty() ? "" : ",") + e.get<std::string>();
    }
    try {
      s.targets = parse_targets(csv);
    } catch (const std::invalid_argument& e) {
      throw InputError(origin, std::string("invalid target_modules: ") + e.what());
    }
  }
  try {
    if (j.contains("adapter")) s.adapter = AdapterOptions::from_json(j.at("adapter"));
  } catch (const std::invalid_argument& e) {
    throw InputError(origin, std::string("invalid quantization_config adapter: ") + e.what());
  }
  if (j.contains("merged_adapter")) s.merged_adapter = field<std::string>(j, "merged_adapter", origin);
  if (j.contains("module_overrides")) {
    const auto& o = j.at("module_overrides");
    if (!o.is_object()) throw InputError(origin, "quantization_config field 'module_overrides' is not an object");
    for (const auto& [key, m] : o.items()) {
      ModuleQuant q{field<int>(m, "bits", origin), field<int64_t>(m, "group_size", origin)};
      read_nf_scales(m, q.nf_scale_bits, q.nf_scale_block, q.nf_scale_float, origin);
      s.overrides[key] = q;
    }
  }
  try {
    s.validate();
  } catch (const std::invalid_argument& e) {
    throw InputError(origin, std::string("invalid quantization_config: ") + e.what());
  }
  return s;
}

bool is_quantized_config(const LlamaConfig& cfg) {
  if (!cfg.raw.contains("quantization_config") || !cfg.raw["quantization_config"].is_object()) return false;
  const auto& q = cfg.raw["quantization_config"];
  return q.contains("quant_method") && q["quant_method"].is_string() && q["quant_method"] == "apiq-studio";
}

QuantSpec quant_spec_of(const LlamaConfig& cfg, const std::filesystem::path& origin) {
  if (!is_quantized_config(cfg))
    throw InputError(origin, "not an ApiQ Studio quantized checkpoint (no quantization_config with quant_method apiq-studio)");
  return QuantSpec::from_json(cfg.raw["quantization_config"], origin);
}

}  // namespace apiq
