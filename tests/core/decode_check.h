// SPDX-License-Identifier: GPL-3.0-or-later
// Checks StaticDecoder against the model's plain full forward, fed the decoder's own tokens (so a
// near-tie in the logits cannot make the two runs take different paths).
#pragma once
#include <algorithm>
#include <vector>

#include "model/static_decoder.h"

namespace apiq::test {

struct DecodeCheck {
  std::vector<int64_t> tokens;  // generated ids
  double max_err = 0;           // largest |logits − full forward's logits| over prefill and steps
  double max_ref = 0;           // largest |full forward's logits|, for scale
  bool used_graph = false;
};

// A small grouped-query Llama shape for random models.
inline LlamaConfig small_config(int64_t hidden, int64_t intermediate, int64_t heads, int64_t kv_heads, int64_t layers,
                                int64_t vocab) {
  LlamaConfig cfg;
  cfg.hidden_size = hidden;
  cfg.intermediate_size = intermediate;
  cfg.num_attention_heads = heads;
  cfg.num_key_value_heads = kv_heads;
  cfg.head_dim = hidden / heads;
  cfg.num_hidden_layers = layers;
  cfg.vocab_size = vocab;
  return cfg;
}

inline DecodeCheck check_static_decode(const LlamaModel& m, std::vector<int64_t> ids, int steps, bool graph) {
  DecodeCheck r;
  StaticDecoder dec(m, static_cast<int64_t>(ids.size()) + steps + 1, graph);
  r.used_graph = dec.uses_graph();
  for (int s = 0; s <= steps; ++s) {
    const int64_t id = s == 0 ? dec.prefill(ids) : dec.step();
    auto ref = m.forward(torch::tensor(ids).unsqueeze(0))[0][static_cast<int64_t>(ids.size()) - 1].to(torch::kFloat).cpu();
    r.max_err = std::max(r.max_err, (dec.last_logits().cpu() - ref).abs().max().item<double>());
    r.max_ref = std::max(r.max_ref, ref.abs().max().item<double>());
    r.tokens.push_back(id);
    ids.push_back(id);
  }
  return r;
}

}  // namespace apiq::test
