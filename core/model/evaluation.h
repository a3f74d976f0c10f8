// SPDX-License-Identifier: GPL-3.0-or-later
// Perplexity with the GPTQ/ApiQ protocol, and greedy generation.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "model/fused_decode.h"
#include "model/llama_model.h"
#include "base/progress.h"
#include "io/token_stream.h"
#include "io/tokenizer.h"

namespace apiq {

struct PerplexityOptions {
  int64_t seq_len = 2048;
  int64_t max_windows = -1;  // all windows when negative
};

struct PerplexityResult {
  double nll = 0.0;  // mean over windows of the mean next-token NLL in each window
  double ppl = 0.0;  // exp(nll)
  int64_t tokens = 0;   // tokens in the stream (BOS included)
  int64_t windows = 0;  // windows scored
};

// Forward function: ids [1, T] on any device -> logits [1, T, vocab]. Lets quantized models
// share the protocol.
using LogitsFn = std::function<torch::Tensor(const torch::Tensor& ids)>;

PerplexityResult evaluate_perplexity(const LogitsFn& logits_fn, const std::vector<int64_t>& stream,
                                     const PerplexityOptions& opts, ProgressObserver* obs = nullptr,
                                     const CancelToken* cancel = nullptr);
PerplexityResult evaluate_perplexity(const LlamaModel& model, const std::vector<int64_t>& stream,
                                     const PerplexityOptions& opts, ProgressObserver* obs = nullptr,
                                     const CancelToken* cancel = nullptr);

struct GenerateOptions {
  int64_t max_new_tokens = 64;
  bool stop_at_eos = true;
  // On CUDA (model resident on the device): decode with a fixed-capacity cache replayed from a
  // CUDA graph (StaticDecoder). Off: the growing cache, one host dispatch per kernel.
  bool cuda_graph = true;
  // With the CUDA graph: each block as the fused decode step where the model allows it
  // (FusedDecodeBlocks); off: the composed ops (benchmarks compare the two).
  bool fused_decode = true;
  FusedDecodeOptions fused_options;  // what the fused step folds in (benchmarks turn parts off)
};

// Greedy decoding with a key/value cache. `on_token` (optional) sees each new id as it comes.
// Returns the generated ids (prompt excluded).
std::vector<int64_t> generate_greedy(const LlamaModel& model, const std::vector<int64_t>& prompt_ids,
                                     const GenerateOptions& opts,
                                     const std::function<void(int64_t)>& on_token = nullptr,
                                     const CancelToken* cancel = nullptr);

}  // namespace apiq
