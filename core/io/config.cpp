// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/config.h"

#include <cmath>
#include <fstream>

#include "base/errors.h"
#include "io/json_value.h"

namespace apiq {
using json = nlohmann::json;

namespace {

int64_t required_int(const json& j, const char* key, const std::filesystem::path& origin) {
  if (!j.contains(key) || j[key].is_null()) throw InputError(origin, std::string("missing required field '") + key + "'");
  if (!j[key].is_number_integer() || j[key].get<int64_t>() <= 0)
    throw InputError(origin, std::string("field '") + key + "' must be a positive integer");
  return j[key].get<int64_t>();
}

template <typename T>
T optional(const json& j, const char* key, T fallback, const std::filesystem::path& origin) {
  if (!j.contains(key) || j[key].is_null()) return fallback;
  try {
    if constexpr (std::is_same_v<T, std::vector<int64_t>>)
      return json_array<int64_t>(j[key]);
    else
      return json_value<T>(j[key]);
  } catch (const std::invalid_argument&) {
    throw InputError(origin, std::string("field '") + key + "' has the wrong type");
  }
}

RopeScaling parse_rope(const json& r, const std::filesystem::path& origin) {
  RopeScaling s;
  if (r.contains("rope_type") && r["rope_type"].is_string()) s.type = r["rope_type"].get<std::string>();
  else if (r.contains("type") && r["type"].is_string()) s.type = r["type"].get<std::string>();
  s.factor = optional<double>(r, "factor", 1.0, origin);
  s.low_freq_factor = optional<double>(r, "low_freq_factor", 1.0, origin);
  s.high_freq_factor = optional<double>(r, "high_freq_factor", 4.0, origin);
  s.original_max_position_embeddings = optional<int64_t>(r, "original_max_position_embeddings", 8192, origin);
  if (optional<double>(r, "partial_rotary_factor", 1.0, origin) != 1.0)
    throw InputError(origin, "partial_rotary_factor other than 1 is not supported");
  if (s.type != "default" && s.type != "linear" && s.type != "llama3")
    throw InputError(origin, "unsupported rope scaling type '" + s.type + "' (supported: default, linear, llama3)");
  if (s.type != "default" && !(std::isfinite(s.factor) && s.factor > 0))
    throw InputError(origin, "rope scaling factor must be positive");
  if (s.type == "llama3" && s.high_freq_factor <= s.low_freq_factor)
    throw InputError(origin, "llama3 rope scaling needs high_freq_factor > low_freq_factor");
  return s;
}

// Mistral and Phi-3 set sliding_window; Qwen2/3 only when use_sliding_window is true.
void parse_window(const json& j, LlamaConfig& c, const std::filesystem::path& origin) {
  const bool qwen = c.model_type.rfind("qwen", 0) == 0;
  if (qwen && !optional<bool>(j, "use_sliding_window", false, origin)) return;
  if (!j.contains("sliding_window") || j["sliding_window"].is_null()) return;
  c.sliding_window = required_int(j, "sliding_window", origin);
}

}  // namespace

LlamaConfig LlamaConfig::from_json(const json& j, const std::filesystem::path& origin) {
  if (!j.is_object()) throw InputError(origin, "config is not a JSON object");
  LlamaConfig c;
  c.raw = j;
  if (!j.contains("model_type") || !j["model_type"].is_string())
    throw InputError(origin, "missing required field 'model_type'");
  c.model_type = j["model_type"].get<std::string>();
  if (!has_tensor_names(c.model_type))
    throw InputError(origin, "unsupported model_type '" + c.model_type + "' (supported: " + supported_model_types() + ")");
  c.hidden_size = required_int(j, "hidden_size", origin);
  c.intermediate_size = required_int(j, "intermediate_size", origin);
  c.num_attention_heads = required_int(j, "num_attention_heads", origin);
  c.num_hidden_layers = required_int(j, "num_hidden_layers", origin);
  c.vocab_size = required_int(j, "vocab_size", origin);
  c.num_key_value_heads = optional<int64_t>(j, "num_key_value_heads", c.num_attention_heads, origin);
  if (c.num_key_value_heads <= 0 || c.num_attention_heads % c.num_key_value_heads != 0)
    throw InputError(origin, "num_attention_heads (" + std::to_string(c.num_attention_heads) +
                                 ") is not a multiple of num_key_value_heads (" + std::to_string(c.num_key_value_heads) + ")");
  if (j.contains("head_dim") && !j["head_dim"].is_null()) {
    c.head_dim = required_int(j, "head_dim", origin);
  } else {
    if (c.hidden_size % c.num_attention_heads != 0)
      throw InputError(origin, "hidden_size is not divisible by num_attention_heads and no head_dim is given");
    c.head_dim = c.hidden_size / c.num_attention_heads;
  }
  if (c.head_dim % 2 != 0) throw InputError(origin, "head_dim must be even for rotary embeddings");
  c.max_position_embeddings = optional<int64_t>(j, "max_position_embeddings", 2048, origin);
  c.rms_norm_eps = optional<double>(j, "rms_norm_eps", 1e-6, origin);
  if (!(std::isfinite(c.rms_norm_eps) && c.rms_norm_eps > 0))
    throw InputError(origin, "field 'rms_norm_eps' must be a positive number");
  if (c.max_position_embeddings <= 0) throw InputError(origin, "field 'max_position_embeddings' must be positive");
  c.tie_word_embeddings = optional<bool>(j, "tie_word_embeddings", false, origin);
  c.attention_bias = optional<bool>(j, "attention_bias", false, origin);
  c.mlp_bias = optional<bool>(j, "mlp_bias", false, origin);
  c.qkv_bias = tensor_names_for(c.model_type).qkv_bias;
  parse_window(j, c, origin);
  if (optional<double>(j, "partial_rotary_factor", 1.0, origin) != 1.0)
    throw InputError(origin, "partial_rotary_factor other than 1 is not supported");
  const std::string act = optional<std::string>(j, "hidden_act", "silu", origin);
  if (act != "silu") throw InputError(origin, "unsupported hidden_act '" + act + "' (only silu)");
  c.dtype = optional<std::string>(j, "dtype", optional<std::string>(j, "torch_dtype", "float32", origin), origin);

  // v5 files keep rope_theta and the scaling inside rope_parameters; v4 files at the top level.
  c.rope_theta = optional<double>(j, "rope_theta", 10000.0, origin);
  if (j.contains("rope_parameters") && j["rope_parameters"].is_object()) {
    c.rope_theta = optional<double>(j["rope_parameters"], "rope_theta", c.rope_theta, origin);
    c.rope_scaling = parse_rope(j["rope_parameters"], origin);
  } else if (j.contains("rope_scaling") && j["rope_scaling"].is_object()) {
    c.rope_scaling = parse_rope(j["rope_scaling"], origin);
  }
  if (!(std::isfinite(c.rope_theta) && c.rope_theta > 0)) throw InputError(origin, "rope_theta must be positive");

  c.bos_token_id = optional<int64_t>(j, "bos_token_id", 1, origin);
  if (j.contains("eos_token_id") && j["eos_token_id"].is_array()) {
    c.eos_token_ids = optional<std::vector<int64_t>>(j, "eos_token_id", {}, origin);
  } else {
    c.eos_token_ids = {optional<int64_t>(j, "eos_token_id", 2, origin)};
  }
  return c;
}

std::string LlamaConfig::sequence_problem(int64_t len) const {
  if (len > max_position_embeddings)
    return "longer than the model's context (max_position_embeddings " + std::to_string(max_position_embeddings) + ")";
  if (sliding_window > 0 && len > sliding_window)
    return "longer than the model's attention window (sliding_window " + std::to_string(sliding_window) +
           "; windowed attention is not implemented)";
  return "";
}

LlamaConfig LlamaConfig::from_file(const std::filesystem::path& path) {
  if (std::filesystem::is_directory(path)) throw InputError(path, "is a folder, not a config file");
  std::ifstream in(path);
  if (!in) throw InputError(path, "missing or unreadable config file");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw InputError(path, std::string("invalid JSON: ") + e.what());
  }
  return from_json(j, path);
}

}  // namespace apiq
