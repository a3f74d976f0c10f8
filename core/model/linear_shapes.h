// SPDX-License-Identifier: GPL-3.0-or-later
// The (out, in) shape of each of a decoder block's seven linears (and the length of its norms),
// from the config: the one place that knows it (loaders, checkpoints, benchmarks and the wizard's size estimate ask here).
#pragma once
#include <array>
#include <cstdint>

#include "io/config.h"
#include "io/tensor_names.h"

namespace apiq {

struct LinearShape {
  int64_t out = 0;
  int64_t in = 0;
  int64_t numel() const { return out * in; }
};

// In LinearKind order: q, k, v, o, gate, up, down.
inline std::array<LinearShape, kNumLinears> linear_shapes(const LlamaConfig& c) {
  const int64_t d = c.hidden_size, f = c.intermediate_size;
  return {{{c.q_dim(), d}, {c.kv_dim(), d}, {c.kv_dim(), d}, {d, c.q_dim()}, {f, d}, {f, d}, {d, f}}};
}

inline LinearShape linear_shape(const LlamaConfig& c, LinearKind k) { return linear_shapes(c)[static_cast<int>(k)]; }

// Length of a block norm's weight: the hidden size, or the head size for the per-head q/k norms.
inline int64_t block_norm_size(const LlamaConfig& c, NormKind n) {
  return n == NormKind::Q || n == NormKind::K ? c.head_dim : c.hidden_size;
}

}  // namespace apiq
