// SPDX-License-Identifier: GPL-3.0-or-later
#include "finetune/gsm8k_eval.h"

#include "io/token_stream.h"

#include <regex>

#include "model/evaluation.h"

namespace apiq {

namespace {

const std::regex& number_re() {
  static const std::regex re(R"([-+]?\d+(?:\.\d+)?)");
  return re;
}

std::string without_commas(const std::string& s) {
  std::string out;
  for (char c : s)
    if (c != ',') out.push_back(c);
  return out;
}

std::optional<std::string> first_number(const std::string& s) {
  const std::string clean = without_commas(s);
  std::smatch m;
  if (!std::regex_search(clean, m, number_re())) return std::nullopt;
  return normalize_number(m.str());
}

}  // namespace

std::string normalize_number(const std::string& s) {
  std::string t = without_commas(s);
  bool neg = false;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
    neg = t[0] == '-';
    t.erase(0, 1);
  }
  std::string int_part = t, frac;
  if (const auto dot = t.find('.'); dot != std::string::npos) {
    int_part = t.substr(0, dot);
    frac = t.substr(dot + 1);
  }
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  const auto nz = int_part.find_first_not_of('0');
  int_part = nz == std::string::npos ? "0" : int_part.substr(nz);
  std::string out = int_part + (frac.empty() ? "" : "." + frac);
  if (neg && out != "0") out = "-" + out;
  return out;
}

std::optional<std::string> extract_final_answer(const std::string& text) {
  std::string prefix = kGsm8kAnswerPrefix;
  while (!prefix.empty() && prefix.back() == ' ') prefix.pop_back();  // "…is:" followed by any spacing
  const auto pos = text.find(prefix);
  if (pos == std::string::npos) return std::nullopt;
  std::string rest = text.substr(pos + prefix.size());
  // Only what belongs to this answer: stop at a repeated phrase.
  if (const auto again = rest.find(prefix); again != std::string::npos) rest.resize(again);
  return first_number(rest);
}

std::optional<std::string> reference_answer(const std::string& answer) {
  const auto pos = answer.rfind("####");
  if (pos == std::string::npos) return std::nullopt;
  return first_number(answer.substr(pos + 4));
}

Gsm8kResult evaluate_gsm8k(const LlamaModel& model, const Tokenizer& tok, const std::vector<QaPair>& rows,
                           const Gsm8kEvalOptions& opts, ProgressObserver* obs, const CancelToken* cancel) {
  const int64_t n = opts.limit >= 0 ? std::min<int64_t>(opts.limit, static_cast<int64_t>(rows.size()))
                                    : static_cast<int64_t>(rows.size());
  Gsm8kResult r;
  GenerateOptions go;
  go.max_new_tokens = opts.max_new_tokens;
  for (int64_t i = 0; i < n; ++i) {
    const QaPair& qa = rows[static_cast<size_t>(i)];
    const auto ref = reference_answer(qa.answer);
    if (!ref) throw std::invalid_argument("line " + std::to_string(qa.line) + ": the reference answer has no '#### number'");
    std::vector<int64_t> prompt = tokenize_stream(tok, gsm8k_prompt(qa.question));
    Gsm8kItem item;
    item.line = qa.line;
    item.reference = *ref;
    item.generation = tok.decode(generate_greedy(model, prompt, go, nullptr, cancel));
    item.predicted = extract_final_answer(item.generation).value_or("");
    item.correct = !item.predicted.empty() && item.predicted == item.reference;
    r.correct += item.correct;
    ++r.total;
    r.items.push_back(std::move(item));
    report(obs, "gsm8k", i + 1, n);
  }
  return r;
}

}  // namespace apiq
