// SPDX-License-Identifier: GPL-3.0-or-later
#include "size_estimate.h"

#include <algorithm>

#include "calibration/budget_allocation.h"

namespace apiq::widgets {

int64_t narrowest_in_features(const LlamaConfig& c) {
  int64_t m = INT64_MAX;
  for (const auto& l : linear_shapes(c)) m = std::min(m, l.in);
  return m;
}

int64_t smallest_linear_dim(const LlamaConfig& c) {
  int64_t m = INT64_MAX;
  for (const auto& l : linear_shapes(c)) m = std::min({m, l.in, l.out});
  return m;
}

namespace {
int64_t linear_params(const LlamaConfig& c, const LinearShape& l, int k) {
  int64_t p = l.in * l.out;
  const bool attn = k <= static_cast<int>(LinearKind::O);
  if ((attn && c.attention_bias) || (!attn && c.mlp_bias)) p += l.out;
  return p;
}
int64_t dense_non_linear_params(const LlamaConfig& c) {
  int64_t p = c.vocab_size * c.hidden_size + c.hidden_size;  // embedding, final norm
  if (!c.tie_word_embeddings) p += c.vocab_size * c.hidden_size;
  p += c.num_hidden_layers * 2 * c.hidden_size;  // two norms per block
  return p;
}
}  // namespace

int64_t parameter_count(const LlamaConfig& c) {
  int64_t per_block = 0;
  const auto shapes = linear_shapes(c);
  for (int k = 0; k < kNumLinears; ++k) per_block += linear_params(c, shapes[k], k);
  return dense_non_linear_params(c) + c.num_hidden_layers * per_block;
}

int64_t dtype_bytes(const std::string& dtype) {
  if (dtype == "float16" || dtype == "bfloat16" || dtype == "half" || dtype == "fp16" || dtype == "bf16") return 2;
  if (dtype == "float64" || dtype == "double") return 8;
  return 4;
}

SizeEstimate estimate_size(const LlamaConfig& c, const QuantizerOptions& q, int64_t rank, bool withLora,
                           const QStringList& targets) {
  SizeEstimate e;
  const double db = static_cast<double>(dtype_bytes(c.dtype));
  const double L = static_cast<double>(c.num_hidden_layers);
  e.originalBytes = static_cast<double>(parameter_count(c)) * db;
  e.denseBytes = static_cast<double>(dense_non_linear_params(c)) * db;
  const auto shapes = linear_shapes(c);
  for (int k = 0; k < kNumLinears; ++k) {
    const auto& l = shapes[k];
    const double n = static_cast<double>(l.in * l.out);
    const double bias = static_cast<double>(linear_params(c, l, k)) - n;
    e.denseBytes += L * bias * db;
    if (!targets.contains(QString::fromLatin1(linear_short_name(static_cast<LinearKind>(k))))) {
      e.denseBytes += L * n * db;
      continue;
    }
    e.codeBytes += L * n * q.bits / 8.0;
    if (q.format == QuantizerOptions::Format::Int) {
      const double groups = static_cast<double>(l.out * num_groups(l.in, std::max<int64_t>(1, q.group_size)));
      e.scaleBytes += L * groups * (2.0 + 1.0);  // fp16 scale + uint8 zero (quant/stored_zeros.h)
    } else {
      const int64_t bs = std::max<int64_t>(1, q.nf_block_size);
      e.scaleBytes += L * static_cast<double>((l.in * l.out + bs - 1) / bs) * 4.0;  // fp32 absmax
    }
    if (withLora) e.loraBytes += L * 4.0 * static_cast<double>(rank * (l.in + l.out));
  }
  return e;
}

BudgetRange budget_range(const LlamaConfig& c, const QStringList& targets, int64_t loraRank,
                         const std::vector<int>& bitWidths, const QuantizerOptions& base) {
  BudgetRange r;
  const auto shapes = linear_shapes(c);
  const auto candidates = budget_candidates(bitWidths, base.format);
  for (int k = 0; k < kNumLinears; ++k) {
    if (!targets.contains(QString::fromLatin1(linear_short_name(static_cast<LinearKind>(k))))) continue;
    const auto& l = shapes[k];
    int64_t least = INT64_MAX, most = 0;
    for (const auto& cand : candidates) {
      const int64_t bits = candidate_storage_bits(l.out, l.in, base, cand, loraRank);
      least = std::min(least, bits);
      most = std::max(most, bits);
    }
    // Every block has the same shapes: the allocation's extremes are the per-linear ones, L times.
    r.params += c.num_hidden_layers * l.numel();
    r.leastBits += c.num_hidden_layers * least;
    r.mostBits += c.num_hidden_layers * most;
  }
  return r;
}

double estimate_peak_memory(const LlamaConfig& c, int64_t nsamples, int64_t seqLen) {
  double block = 2.0 * static_cast<double>(c.hidden_size);
  for (const auto& l : linear_shapes(c)) block += static_cast<double>(l.in * l.out);
  const double caches = 3.0 * static_cast<double>(nsamples) * static_cast<double>(seqLen) *
                        static_cast<double>(c.hidden_size) * 4.0;
  const double sample = 20.0 * static_cast<double>(seqLen) *
                        static_cast<double>(std::max(c.hidden_size, c.intermediate_size)) * 4.0;
  return block * 4.0 + caches + sample;
}

}  // namespace apiq::widgets
