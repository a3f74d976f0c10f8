// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/evaluation.h"

#include <algorithm>
#include <cmath>
#include <torch/nn/functional.h>

#include "ops/cuda_ops.h"
#include "model/static_decoder.h"

namespace apiq {

PerplexityResult evaluate_perplexity(const LogitsFn& logits_fn, const std::vector<int64_t>& stream,
                                     const PerplexityOptions& opts, ProgressObserver* obs,
                                     const CancelToken* cancel) {
  if (opts.seq_len < 2) throw std::invalid_argument("seq-len must be at least 2");
  const int64_t n_tokens = static_cast<int64_t>(stream.size());
  int64_t windows = n_tokens / opts.seq_len;  // the remainder is dropped
  if (opts.max_windows >= 0) windows = std::min(windows, opts.max_windows);
  if (windows == 0)
    throw std::invalid_argument("the text has " + std::to_string(n_tokens) + " tokens, fewer than one window of " +
                                std::to_string(opts.seq_len));
  torch::NoGradGuard no_grad;
  auto all = torch::tensor(stream, torch::kInt64);
  double sum = 0.0;
  for (int64_t w = 0; w < windows; ++w) {
    checkpoint(cancel);
    auto ids = all.narrow(0, w * opts.seq_len, opts.seq_len).unsqueeze(0);
    auto logits = logits_fn(ids).squeeze(0).to(torch::kFloat);  // [T, V]
    auto targets = ids.squeeze(0).narrow(0, 1, opts.seq_len - 1).to(logits.device());
    auto nll = torch::nn::functional::cross_entropy(logits.narrow(0, 0, opts.seq_len - 1), targets);
    const double v = nll.item<double>();
    if (!std::isfinite(v)) throw std::runtime_error("non-finite loss in window " + std::to_string(w));
    sum += v;
    report(obs, "eval", w + 1, windows);
  }
  PerplexityResult r;
  r.nll = sum / static_cast<double>(windows);
  r.ppl = std::exp(r.nll);
  r.tokens = n_tokens;
  r.windows = windows;
  return r;
}

PerplexityResult evaluate_perplexity(const LlamaModel& model, const std::vector<int64_t>& stream,
                                     const PerplexityOptions& opts, ProgressObserver* obs,
                                     const CancelToken* cancel) {
  return evaluate_perplexity([&](const torch::Tensor& ids) { return model.forward(ids); }, stream, opts, obs,
                             cancel);
}

std::vector<int64_t> generate_greedy(const LlamaModel& model, const std::vector<int64_t>& prompt_ids,
                                     const GenerateOptions& opts, const std::function<void(int64_t)>& on_token,
                                     const CancelToken* cancel) {
  if (prompt_ids.empty()) throw std::invalid_argument("generation needs at least one prompt token");
  torch::NoGradGuard no_grad;
  const auto& eos = model.config().eos_token_ids;
  auto is_eos = [&](int64_t id) { return std::find(eos.begin(), eos.end(), id) != eos.end(); };
  if (opts.cuda_graph && opts.max_new_tokens > 0 && model.options().device.is_cuda() &&
      !model.options().stream_blocks) {
    StaticDecoder dec(model, static_cast<int64_t>(prompt_ids.size()) + opts.max_new_tokens, true, opts.fused_decode,
                      opts.fused_options);
    std::vector<int64_t> out;
    for (int64_t i = 0; i < opts.max_new_tokens; ++i) {
      checkpoint(cancel);
      const int64_t id = i == 0 ? dec.prefill(prompt_ids) : dec.step();
      if (opts.stop_at_eos && is_eos(id)) break;
      out.push_back(id);
      if (on_token) on_token(id);
    }
    return out;
  }
  ScopedGemvOverlap overlap;  // weights are constant while decoding
  KVCache cache;
  std::vector<int64_t> out;
  auto next_input = torch::tensor(prompt_ids, torch::kInt64).unsqueeze(0);
  for (int64_t i = 0; i < opts.max_new_tokens; ++i) {
    checkpoint(cancel);
    auto logits = model.forward(next_input, &cache);
    const int64_t id = logits.select(1, logits.size(1) - 1).argmax(-1).item<int64_t>();
    if (opts.stop_at_eos && is_eos(id)) break;
    out.push_back(id);
    if (on_token) on_token(id);
    next_input = torch::tensor({id}, torch::kInt64).unsqueeze(0);
  }
  return out;
}

}  // namespace apiq
