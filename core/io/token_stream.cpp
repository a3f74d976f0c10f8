// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/token_stream.h"

#include <torch/types.h>

#include <random>

#include "base/errors.h"

namespace apiq {
namespace fs = std::filesystem;

std::vector<int64_t> tokenize_stream(const Tokenizer& tok, const std::string& text) {
  std::vector<int64_t> ids;
  if (tok.bos_id() >= 0) ids.push_back(tok.bos_id());  // models without a BOS (Qwen) start with the text
  auto body = tok.encode(text);
  ids.insert(ids.end(), body.begin(), body.end());
  return ids;
}

void check_token_ids(const std::vector<int64_t>& ids, int64_t vocab_size, const Tokenizer& tok) {
  for (int64_t id : ids)
    if (id < 0 || id >= vocab_size)
      throw InputError(tok.path(), "gives token id " + std::to_string(id) + ", which the model's embedding does not have "
                                   "(vocab_size " + std::to_string(vocab_size) + " in config.json): the tokenizer does not "
                                   "belong to this model");
}

std::vector<int64_t> tokenize_for_model(const Tokenizer& tok, const std::string& text, int64_t vocab_size) {
  auto ids = tokenize_stream(tok, text);
  check_token_ids(ids, vocab_size, tok);
  return ids;
}

torch::Tensor sample_windows(const std::vector<int64_t>& stream, int64_t n, int64_t len, uint64_t seed,
                             const fs::path& origin) {
  const int64_t total = static_cast<int64_t>(stream.size());
  if (total <= len)
    throw InputError(origin, "the text has " + std::to_string(total) + " tokens, not more than one window of " +
                                 std::to_string(len));
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> start(0, total - len - 1);
  auto out = torch::empty({n, len}, torch::kInt64);
  auto acc = out.accessor<int64_t, 2>();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t s = start(rng);
    for (int64_t t = 0; t < len; ++t) acc[i][t] = stream[s + t];
  }
  return out;
}

}  // namespace apiq
