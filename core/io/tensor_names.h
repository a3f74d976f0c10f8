// SPDX-License-Identifier: GPL-3.0-or-later
// Our module names mapped to checkpoint tensor names, one table row per architecture.
#pragma once
#include <array>
#include <string>

namespace apiq {

// The seven linears of a decoder block, in forward order (the order ApiQ-lw calibrates them).
enum class LinearKind { Q = 0, K, V, O, Gate, Up, Down };
constexpr int kNumLinears = 7;
constexpr std::array<LinearKind, kNumLinears> kAllLinears = {LinearKind::Q,    LinearKind::K,  LinearKind::V,   LinearKind::O,
                                                              LinearKind::Gate, LinearKind::Up, LinearKind::Down};

// Which of a block's seven linears are quantized (indexed by LinearKind); the others stay dense:
// no quantizer, no LoRA, their full-precision W.
using LinearTargets = std::array<bool, kNumLinears>;
constexpr LinearTargets kAllTargets = {true, true, true, true, true, true, true};
// "q,k,v,o,gate,up,down" (the _proj suffix is optional); throws std::invalid_argument for an
// unknown or repeated name or an empty list.
LinearTargets parse_targets(const std::string& csv);
std::string targets_to_string(const LinearTargets& t);  // "q,v,down"
int count_targets(const LinearTargets& t);

// The norms of a decoder block, in the order BlockNorms holds them.
enum class NormKind { Attn = 0, Mlp, Q, K };
constexpr int kNumNorms = 4;

struct ArchTensorNames {
  const char* model_type;
  const char* embed;       // token embedding
  const char* final_norm;  // norm before the head
  const char* lm_head;     // absent when embeddings are tied
  const char* block;       // prefix with one "{}" for the block index
  // Norm weights relative to the block prefix, in NormKind order; q/k (qwen3's per-head RMSNorm
  // of queries and keys before the rotation) are null where the architecture has none.
  std::array<const char*, kNumNorms> norms;
  // Module paths relative to the block prefix. Where the checkpoint fuses linears (phi3), these
  // are the names our own checkpoints use and `fused_qkv` / `fused_gate_up` the stored modules,
  // rows stacked q, k, v and gate, up.
  std::array<const char*, kNumLinears> linears;
  const char* fused_qkv = nullptr;
  const char* fused_gate_up = nullptr;
  bool qkv_bias = false;  // q, k and v always carry a bias (qwen2), o does not

  bool has_norm(NormKind n) const { return norms[static_cast<int>(n)] != nullptr; }
  const char* norm(NormKind n) const { return norms[static_cast<int>(n)]; }
};

// Throws std::invalid_argument for an architecture without a row.
const ArchTensorNames& tensor_names_for(const std::string& model_type);
bool has_tensor_names(const std::string& model_type);
std::string supported_model_types();  // "llama, mistral, …"

const char* linear_short_name(LinearKind k);  // "q_proj", …
std::string block_prefix(const ArchTensorNames& names, int64_t block);
// e.g. "model.layers.3.self_attn.q_proj" (add ".weight" / ".bias")
std::string linear_module(const ArchTensorNames& names, int64_t block, LinearKind k);

}  // namespace apiq
