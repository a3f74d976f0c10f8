// SPDX-License-Identifier: GPL-3.0-or-later
// Finetuning data: plain text cut into windows, GSM8K question/answer pairs formatted as the
// ApiQ paper trains them (loss on the answer only), or chat conversations (chat_data.h), and
// padded batches of them.
//
// Label convention (Hugging Face's): `labels` lines up with `ids`; position t's logits predict
// ids[t + 1] and count in the loss when labels[t + 1] != kIgnoreIndex.
#pragma once
#include <torch/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "io/tokenizer.h"

namespace apiq {

constexpr int64_t kIgnoreIndex = -100;

struct SftExample {
  std::vector<int64_t> ids;
  std::vector<int64_t> labels;  // same length; kIgnoreIndex where no loss is taken
  int64_t predicted_tokens() const;  // labels[1:] that count
};

enum class SftFormat { Text, Gsm8k, Chat };
SftFormat parse_sft_format(const std::string& s);  // text | gsm8k | chat; throws std::invalid_argument
const char* sft_format_name(SftFormat f);

// One GSM8K row; `line` is its 1-based line in the jsonl file.
struct QaPair {
  std::string question, answer;
  int64_t line = 0;
};

// {"question": …, "answer": …} per line; blank lines are skipped. InputError for a missing file,
// a line that is not a JSON object with string question/answer (naming the line), or no rows.
std::vector<QaPair> read_gsm8k_jsonl(const std::filesystem::path& path);

extern const char* const kGsm8kQuestionSuffix;  // "\nAnswer the above question. First think step by step…\n"
extern const char* const kGsm8kAnswerPrefix;    // "The final answer is: "
std::string gsm8k_prompt(const std::string& question);  // question + suffix
std::string gsm8k_target(const std::string& answer);    // "####" replaced by the answer prefix (EOS added as a token)

// ids = [BOS] + encode(prompt) + encode(target) + [EOS], labels masked over BOS and the prompt.
// Cut to `max_len` tokens when longer.
SftExample encode_gsm8k(const Tokenizer& tok, const QaPair& qa, int64_t max_len);

// Non-overlapping windows of `seq_len` tokens (the remainder is dropped), labels = ids.
std::vector<SftExample> text_windows(const std::vector<int64_t>& stream, int64_t seq_len);

struct SftDataOptions {
  SftFormat format = SftFormat::Text;
  int64_t seq_len = 512;
  double eval_fraction = 0.1;         // held out from the end of the data when no eval file is given
  std::filesystem::path eval_file;    // optional: held-out data in the same format
  int64_t max_eval_examples = -1;     // keep at most this many held-out examples (all when negative)
};

struct SftData {
  std::vector<SftExample> train, eval;
};

// Reads and tokenizes the data (text: [BOS] + encode(file), as evaluation does). InputError for
// a missing or empty file and for data too short for one training and one held-out example.
SftData load_sft_data(const Tokenizer& tok, const std::filesystem::path& file, const SftDataOptions& opts);

struct SftBatch {
  torch::Tensor ids;     // [B, L] int64, right-padded with `pad_id`
  torch::Tensor labels;  // [B, L] int64, kIgnoreIndex over padding
  int64_t predicted_tokens = 0;
};

// The examples `indices` of `examples`, padded to the longest.
SftBatch make_batch(const std::vector<SftExample>& examples, const std::vector<int64_t>& indices, int64_t pad_id);

// Sum of next-token NLL (float32; float64 for float64 logits) over the predicted positions: logits [B, L, V], labels [B, L].
torch::Tensor masked_nll_sum(const torch::Tensor& logits, const torch::Tensor& labels);

}  // namespace apiq
