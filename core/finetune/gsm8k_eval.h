// SPDX-License-Identifier: GPL-3.0-or-later
// GSM8K exact-match evaluation: greedy decoding from the training prompt, and the number after
// "The final answer is: " compared with the reference number after "####".
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/llama_model.h"
#include "base/progress.h"
#include "finetune/sft_data.h"
#include "io/tokenizer.h"

namespace apiq {

// "1,234" -> "1234", "18.00" -> "18", "-0.50" -> "-0.5", "+7" -> "7", "007" -> "7": commas and a leading
// plus removed, leading zeros of the integer part and trailing zeros of the fraction dropped.
std::string normalize_number(const std::string& s);

// The first number after the first "The final answer is:" in generated text, normalised;
// nothing when the phrase or a number after it is missing.
std::optional<std::string> extract_final_answer(const std::string& text);
// The number after "####" in a GSM8K reference answer, normalised.
std::optional<std::string> reference_answer(const std::string& answer);

struct Gsm8kEvalOptions {
  int64_t max_new_tokens = 256;
  int64_t limit = -1;  // score the first `limit` rows (all when negative)
};

struct Gsm8kItem {
  int64_t line = 0;
  std::string reference;   // normalised number
  std::string predicted;   // normalised number, empty when none was found
  std::string generation;  // the decoded text
  bool correct = false;
};

struct Gsm8kResult {
  int64_t correct = 0;
  int64_t total = 0;
  double accuracy() const { return total ? static_cast<double>(correct) / static_cast<double>(total) : 0.0; }
  std::vector<Gsm8kItem> items;
};

Gsm8kResult evaluate_gsm8k(const LlamaModel& model, const Tokenizer& tok, const std::vector<QaPair>& rows,
                           const Gsm8kEvalOptions& opts, ProgressObserver* obs = nullptr,
                           const CancelToken* cancel = nullptr);

}  // namespace apiq
