// SPDX-License-Identifier: GPL-3.0-or-later
// config.json of the Llama family (the model types of io/tensor_names.h: llama, mistral, qwen2,
// qwen3, phi3), both the v4 and the v5 (rope_parameters, dtype) layouts.
#pragma once
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/tensor_names.h"

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
  bool qkv_bias = false;       // qwen2: q, k, v carry a bias, o none
  int64_t sliding_window = 0;  // attention sees at most this many positions; 0: all (we refuse longer windows)
  std::string dtype = "float32";  // torch_dtype / dtype as written
  int64_t bos_token_id = 1;
  std::vector<int64_t> eos_token_ids = {2};
  nlohmann::json raw;  // the file as read, so exports can carry unknown keys forward

  // `origin` names the file in error messages.
  static LlamaConfig from_json(const nlohmann::json& j, const std::filesystem::path& origin);
  static LlamaConfig from_file(const std::filesystem::path& path);

  int64_t q_dim() const { return num_attention_heads * head_dim; }
  int64_t kv_dim() const { return num_key_value_heads * head_dim; }
  bool linear_has_bias(LinearKind k) const {
    if (k == LinearKind::Q || k == LinearKind::K || k == LinearKind::V) return attention_bias || qkv_bias;
    return k == LinearKind::O ? attention_bias : mlp_bias;
  }
  // The longest sequence a forward may run: max_position_embeddings, and the sliding window
  // where one is set (within it, windowed and full attention agree).
  int64_t max_sequence() const {
    return sliding_window > 0 ? std::min(sliding_window, max_position_embeddings) : max_position_embeddings;
  }
  // Why a forward over `len` positions is refused ("longer than the model's context (…)"), or "".
  std::string sequence_problem(int64_t len) const;
};

}  // namespace apiq
