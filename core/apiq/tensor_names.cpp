// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiq/tensor_names.h"

#include <stdexcept>

namespace apiq {

namespace {
// Llama and Mistral share the Hugging Face module layout.
constexpr ArchTensorNames kTable[] = {
    {"llama", "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight", "model.layers.{}.",
     "input_layernorm.weight", "post_attention_layernorm.weight",
     {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj",
      "mlp.down_proj"}},
    {"mistral", "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight", "model.layers.{}.",
     "input_layernorm.weight", "post_attention_layernorm.weight",
     {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj",
      "mlp.down_proj"}},
};
}  // namespace

const ArchTensorNames& tensor_names_for(const std::string& model_type) {
  for (const auto& row : kTable)
    if (model_type == row.model_type) return row;
  throw std::invalid_argument("no tensor-name table for model_type '" + model_type + "'");
}

const char* linear_short_name(LinearKind k) {
  static constexpr const char* names[kNumLinears] = {"q_proj", "k_proj", "v_proj", "o_proj",
                                                     "gate_proj", "up_proj", "down_proj"};
  return names[static_cast<int>(k)];
}

std::string block_prefix(const ArchTensorNames& names, int64_t block) {
  std::string p = names.block;
  const auto pos = p.find("{}");
  return p.replace(pos, 2, std::to_string(block));
}

std::string linear_module(const ArchTensorNames& names, int64_t block, LinearKind k) {
  std::string m = block_prefix(names, block) + names.linears[static_cast<int>(k)];
  return m;
}

}  // namespace apiq
