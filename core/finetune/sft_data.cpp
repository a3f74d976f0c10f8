// SPDX-License-Identifier: GPL-3.0-or-later
#include "finetune/sft_data.h"

#include <torch/nn/functional.h>
#include <torch/types.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/errors.h"
#include "finetune/chat_data.h"
#include "model/evaluation.h"
#include "base/fs_util.h"

namespace apiq {
namespace fs = std::filesystem;

const char* const kGsm8kQuestionSuffix =
    "\nAnswer the above question. First think step by step and then answer the final number.\n";
const char* const kGsm8kAnswerPrefix = "The final answer is: ";

int64_t SftExample::predicted_tokens() const {
  int64_t n = 0;
  for (size_t t = 1; t < labels.size(); ++t) n += labels[t] != kIgnoreIndex;
  return n;
}

SftFormat parse_sft_format(const std::string& s) {
  if (s == "text") return SftFormat::Text;
  if (s == "gsm8k") return SftFormat::Gsm8k;
  if (s == "chat") return SftFormat::Chat;
  throw std::invalid_argument("unknown data format '" + s + "' (use text, gsm8k or chat)");
}

const char* sft_format_name(SftFormat f) {
  switch (f) {
    case SftFormat::Text: return "text";
    case SftFormat::Gsm8k: return "gsm8k";
    case SftFormat::Chat: return "chat";
  }
  return "?";
}

namespace {

std::string read_data_file(const fs::path& p) { return read_nonempty_file(p, "data file"); }

std::vector<SftExample> examples_of(const Tokenizer& tok, const fs::path& file, const SftDataOptions& o) {
  if (o.format == SftFormat::Text) {
    auto windows = text_windows(tokenize_stream(tok, read_data_file(file)), o.seq_len);
    if (windows.empty()) throw InputError(file, "the text is shorter than one window of " + std::to_string(o.seq_len) + " tokens");
    return windows;
  }
  std::vector<SftExample> out;
  if (o.format == SftFormat::Chat) {
    const auto fmt = ChatFormat::for_tokenizer(tok);
    for (const auto& row : read_chat_jsonl(file)) out.push_back(encode_chat(tok, fmt, row, o.seq_len, file));
    return out;
  }
  for (const auto& qa : read_gsm8k_jsonl(file)) out.push_back(encode_gsm8k(tok, qa, o.seq_len));
  return out;
}

}  // namespace

std::vector<QaPair> read_gsm8k_jsonl(const fs::path& path) {
  const std::string text = read_data_file(path);
  std::istringstream in(text);
  std::vector<QaPair> rows;
  std::string line;
  int64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    const std::string where = "line " + std::to_string(n) + ": ";
    if (j.is_discarded()) throw InputError(path, where + "not valid JSON");
    if (!j.is_object() || !j.contains("question") || !j.contains("answer") || !j["question"].is_string() ||
        !j["answer"].is_string())
      throw InputError(path, where + "expected an object with string fields \"question\" and \"answer\"");
    rows.push_back({j["question"].get<std::string>(), j["answer"].get<std::string>(), n});
  }
  if (rows.empty()) throw InputError(path, "no question/answer rows");
  return rows;
}

std::string gsm8k_prompt(const std::string& question) { return question + kGsm8kQuestionSuffix; }

std::string gsm8k_target(const std::string& answer) {
  std::string s = answer;
  const std::string mark = "####";
  for (size_t pos = s.find(mark); pos != std::string::npos; pos = s.find(mark, pos)) {
    s.replace(pos, mark.size(), kGsm8kAnswerPrefix);
    pos += std::char_traits<char>::length(kGsm8kAnswerPrefix);
  }
  return s;
}

SftExample encode_gsm8k(const Tokenizer& tok, const QaPair& qa, int64_t max_len) {
  SftExample e;
  e.ids = tokenize_stream(tok, gsm8k_prompt(qa.question));
  e.labels.assign(e.ids.size(), kIgnoreIndex);
  auto target = tok.encode(gsm8k_target(qa.answer));
  target.push_back(tok.eos_id());
  for (int64_t id : target) {
    e.ids.push_back(id);
    e.labels.push_back(id);
  }
  if (max_len > 0 && static_cast<int64_t>(e.ids.size()) > max_len) {
    e.ids.resize(static_cast<size_t>(max_len));
    e.labels.resize(static_cast<size_t>(max_len));
  }
  return e;
}

std::vector<SftExample> text_windows(const std::vector<int64_t>& stream, int64_t seq_len) {
  if (seq_len < 2) throw std::invalid_argument("seq-len must be at least 2");
  std::vector<SftExample> out;
  for (size_t begin = 0; begin + static_cast<size_t>(seq_len) <= stream.size(); begin += static_cast<size_t>(seq_len)) {
    SftExample e;
    e.ids.assign(stream.begin() + static_cast<std::ptrdiff_t>(begin),
                 stream.begin() + static_cast<std::ptrdiff_t>(begin + static_cast<size_t>(seq_len)));
    e.labels = e.ids;
    out.push_back(std::move(e));
  }
  return out;
}

SftData load_sft_data(const Tokenizer& tok, const fs::path& file, const SftDataOptions& o) {
  if (o.seq_len < 2) throw std::invalid_argument("seq-len must be at least 2");
  SftData d;
  d.train = examples_of(tok, file, o);
  if (!o.eval_file.empty()) {
    d.eval = examples_of(tok, o.eval_file, o);
  } else {
    if (!(o.eval_fraction > 0 && o.eval_fraction < 1))
      throw std::invalid_argument("the held-out fraction must lie strictly between 0 and 1");
    const auto n = static_cast<int64_t>(d.train.size());
    const int64_t held = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(n) * o.eval_fraction));
    if (n - held < 1)
      throw InputError(file, "has " + std::to_string(n) + " example(s): too few to hold out " +
                                 std::to_string(held) + " for evaluation and train on the rest (give --eval-data)");
    d.eval.assign(d.train.end() - held, d.train.end());
    d.train.resize(static_cast<size_t>(n - held));
  }
  if (o.max_eval_examples >= 0 && static_cast<int64_t>(d.eval.size()) > o.max_eval_examples)
    d.eval.resize(static_cast<size_t>(o.max_eval_examples));
  auto no_targets = [](const std::vector<SftExample>& v) {
    for (const auto& e : v)
      if (e.predicted_tokens() > 0) return false;
    return true;
  };
  if (no_targets(d.train)) throw InputError(file, "no training tokens to predict (are the answers cut off by --seq-len?)");
  if (d.eval.empty() || no_targets(d.eval))
    throw InputError(o.eval_file.empty() ? file : o.eval_file, "no held-out tokens to evaluate");
  return d;
}

SftBatch make_batch(const std::vector<SftExample>& examples, const std::vector<int64_t>& indices, int64_t pad_id) {
  if (indices.empty()) throw std::invalid_argument("make_batch: no examples");
  size_t len = 0;
  for (int64_t i : indices) len = std::max(len, examples.at(static_cast<size_t>(i)).ids.size());
  const auto B = static_cast<int64_t>(indices.size());
  SftBatch b;
  b.ids = torch::full({B, static_cast<int64_t>(len)}, pad_id, torch::kInt64);
  b.labels = torch::full({B, static_cast<int64_t>(len)}, kIgnoreIndex, torch::kInt64);
  auto ids = b.ids.accessor<int64_t, 2>();
  auto labels = b.labels.accessor<int64_t, 2>();
  for (int64_t r = 0; r < B; ++r) {
    const auto& e = examples.at(static_cast<size_t>(indices[static_cast<size_t>(r)]));
    for (size_t t = 0; t < e.ids.size(); ++t) {
      ids[r][static_cast<int64_t>(t)] = e.ids[t];
      labels[r][static_cast<int64_t>(t)] = e.labels[t];
    }
    b.predicted_tokens += e.predicted_tokens();
  }
  return b;
}

torch::Tensor masked_nll_sum(const torch::Tensor& logits, const torch::Tensor& labels) {
  const int64_t L = logits.size(1), V = logits.size(2);
  const auto work = logits.scalar_type() == torch::kDouble ? torch::kDouble : torch::kFloat;
  auto pred = logits.narrow(1, 0, L - 1).reshape({-1, V}).to(work);
  auto tgt = labels.narrow(1, 1, L - 1).reshape({-1}).to(logits.device());
  return torch::nn::functional::cross_entropy(
      pred, tgt, torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreIndex).reduction(torch::kSum));
}

}  // namespace apiq
