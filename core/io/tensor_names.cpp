// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/tensor_names.h"

#include <sstream>
#include <stdexcept>

namespace apiq {

namespace {
constexpr std::array<const char*, kNumLinears> kSeparateLinears = {
    "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
    "mlp.gate_proj",    "mlp.up_proj",      "mlp.down_proj"};
constexpr std::array<const char*, kNumNorms> kPrePostNorms = {"input_layernorm.weight",
                                                              "post_attention_layernorm.weight", nullptr, nullptr};

// One row per architecture; all share the Hugging Face Llama module layout but for the fields set.
constexpr ArchTensorNames kTable[] = {
    {"llama", "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight", "model.layers.{}.", kPrePostNorms,
     kSeparateLinears},
    {"mistral", "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight", "model.layers.{}.", kPrePostNorms,
     kSeparateLinears},
    {"qwen2", "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight", "model.layers.{}.", kPrePostNorms,
     kSeparateLinears, nullptr, nullptr, /*qkv_bias=*/true},
    {"qwen3", "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight", "model.layers.{}.",
     {"input_layernorm.weight", "post_attention_layernorm.weight", "self_attn.q_norm.weight", "self_attn.k_norm.weight"},
     kSeparateLinears},
    {"phi3", "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight", "model.layers.{}.", kPrePostNorms,
     kSeparateLinears, "self_attn.qkv_proj", "mlp.gate_up_proj"},
};
}  // namespace

const ArchTensorNames& tensor_names_for(const std::string& model_type) {
  for (const auto& row : kTable)
    if (model_type == row.model_type) return row;
  throw std::invalid_argument("unsupported model_type '" + model_type + "' (supported: " + supported_model_types() + ")");
}

bool has_tensor_names(const std::string& model_type) {
  for (const auto& row : kTable)
    if (model_type == row.model_type) return true;
  return false;
}

std::string supported_model_types() {
  std::string s;
  for (const auto& row : kTable) s += (s.empty() ? "" : ", ") + std::string(row.model_type);
  return s;
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

LinearTargets parse_targets(const std::string& csv) {
  LinearTargets t{};
  std::stringstream ss(csv);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::string full = item.size() > 5 && item.compare(item.size() - 5, 5, "_proj") == 0 ? item : item + "_proj";
    int found = -1;
    for (LinearKind k : kAllLinears)
      if (full == linear_short_name(k)) found = static_cast<int>(k);
    if (found < 0) throw std::invalid_argument("unknown target linear '" + item + "' (use q, k, v, o, gate, up, down)");
    if (t[found]) throw std::invalid_argument("target linear '" + item + "' is listed twice");
    t[found] = true;
  }
  if (count_targets(t) == 0) throw std::invalid_argument("no target linears: name at least one of q, k, v, o, gate, up, down");
  return t;
}

std::string targets_to_string(const LinearTargets& t) {
  std::string out;
  for (LinearKind k : kAllLinears) {
    if (!t[static_cast<int>(k)]) continue;
    const std::string n = linear_short_name(k);  // "q_proj" → "q"
    if (!out.empty()) out += ',';
    out.append(n, 0, n.find("_proj"));
  }
  return out;
}

int count_targets(const LinearTargets& t) {
  int n = 0;
  for (bool b : t) n += b ? 1 : 0;
  return n;
}

}  // namespace apiq
