// SPDX-License-Identifier: GPL-3.0-or-later
// config.json of the Llama family (llama, mistral), both the v4 and the v5 (rope_parameters, dtype) layouts.
#pragma once
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace apiq {

struct RopeScaling {
  std::string type = "default";  // default | linear | llama3
  double factor = 1.0;
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  int64_t original_max_position_embeddings = 8192;
};

struct LlamaConfig {
  std::string model_type = "llama";
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;
  int64_t head_dim = 0;
  int64_t num_hidden_layers = 0;
  int64_t vocab_size = 0;
  int64_t max_position_embeddings = 2048;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  RopeScaling rope_scaling;
  bool tie_word_embeddings = false;
  bool attention_bias = false;
  bool mlp_bias = false;
  std::string dtype = "float32";  // torch_dtype / dtype as written
  int64_t bos_token_id = 1;
  std::vector<int64_t> eos_token_ids = {2};
  nlohmann::json raw;  // the file as read, so exports can carry unknown keys forward

  // `origin` names the file in error messages.
  static LlamaConfig from_json(const nlohmann::json& j, const std::filesystem::path& origin);
  static LlamaConfig from_file(const std::filesystem::path& path);

  int64_t q_dim() const { return num_attention_heads * head_dim; }
  int64_t kv_dim() const { return num_key_value_heads * head_dim; }
};

}  // namespace apiq
