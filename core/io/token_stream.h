// SPDX-License-Identifier: GPL-3.0-or-later
// Text as the models see it: the token stream [BOS] + encode(text), and windows drawn from it.
#pragma once
#include <torch/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/tokenizer.h"

namespace apiq {

// The token stream evaluation and calibration see: [BOS] + encode(text).
std::vector<int64_t> tokenize_stream(const Tokenizer& tok, const std::string& text);

// InputError naming the tokenizer's file when an id has no row in the model's embedding (a
// vocab_size smaller than the tokenizer's, or another model's tokenizer).
void check_token_ids(const std::vector<int64_t>& ids, int64_t vocab_size, const Tokenizer& tok);
// tokenize_stream, checked against the model's vocabulary.
std::vector<int64_t> tokenize_for_model(const Tokenizer& tok, const std::string& text, int64_t vocab_size);

// N windows of L tokens of a token stream at uniform random start positions (std::mt19937_64
// seeded with `seed`): how calibration draws its samples. `origin` names the text in errors.
torch::Tensor sample_windows(const std::vector<int64_t>& stream, int64_t n, int64_t len, uint64_t seed,
                             const std::filesystem::path& origin);

}  // namespace apiq
