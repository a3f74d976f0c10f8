// SPDX-License-Identifier: GPL-3.0-or-later
// Added tokens: their ids (assigned as the library's add_tokens does) and the leftmost-longest
// search for them with the single_word / lstrip / rstrip rules, before pre-tokenization.
#include <algorithm>

#include "io/hf_tokenizer_parts.h"

namespace apiq::hf {

// A byte trie; search() yields the leftmost, then longest, matches without overlap.
struct AddedVocabulary::Trie {
  struct Node {
    std::vector<std::pair<unsigned char, int32_t>> kids;
    int64_t id = -1;
  };
  std::vector<Node> nodes{1};
  bool first_byte[256] = {};

  void insert(std::string_view pattern, int64_t id) {
    int32_t n = 0;
    for (char ch : pattern) {
      const auto b = static_cast<unsigned char>(ch);
      auto& kids = nodes[static_cast<size_t>(n)].kids;
      auto it = std::find_if(kids.begin(), kids.end(), [b](const auto& k) { return k.first == b; });
      if (it != kids.end()) {
        n = it->second;
        continue;
      }
      const auto next = static_cast<int32_t>(nodes.size());
      nodes[static_cast<size_t>(n)].kids.push_back({b, next});
      nodes.emplace_back();
      n = next;
    }
    if (nodes[static_cast<size_t>(n)].id < 0) nodes[static_cast<size_t>(n)].id = id;
    first_byte[static_cast<unsigned char>(pattern[0])] = true;
  }

  // Longest pattern starting at text[i]: its end, or 0 when none.
  size_t longest_at(std::string_view text, size_t i, int64_t& id) const {
    size_t best = 0;
    int32_t n = 0;
    for (size_t j = i; j < text.size(); ++j) {
      const auto b = static_cast<unsigned char>(text[j]);
      const auto& kids = nodes[static_cast<size_t>(n)].kids;
      auto it = std::find_if(kids.begin(), kids.end(), [b](const auto& k) { return k.first == b; });
      if (it == kids.end()) break;
      n = it->second;
      if (nodes[static_cast<size_t>(n)].id >= 0) best = j + 1, id = nodes[static_cast<size_t>(n)].id;
    }
    return best;
  }
};

AddedVocabulary::AddedVocabulary() = default;
AddedVocabulary::~AddedVocabulary() = default;
AddedVocabulary::AddedVocabulary(AddedVocabulary&&) noexcept = default;
AddedVocabulary& AddedVocabulary::operator=(AddedVocabulary&&) noexcept = default;

void AddedVocabulary::add(const std::vector<AddedToken>& tokens, const BpeModel& model, const Normalizer* normalizer) {
  const auto model_size = static_cast<int64_t>(model.vocab_count());
  int64_t next_id = model_size;
  if (!tokens_.empty()) {
    const int64_t top = max_id();
    next_id = (top >= model_size || model_size == 0) ? top + 1 : model_size;
  }
  for (const AddedToken& t : tokens) {
    if (t.content.empty()) continue;
    if (auto it = content_to_id_.find(t.content); it != content_to_id_.end() && tokens_[it->second] == t) continue;
    int64_t id = token_to_id(t.content);
    if (id < 0) id = model.token_to_id(t.content);
    if (id < 0) id = next_id++;
    if (t.normalized && normalizer != nullptr) {
      std::string normed = t.content;
      normalizer->apply(normed);
      if (normed != t.content) normalized_form_[id] = normed;
    }
    content_to_id_[t.content] = id;
    if (t.special) special_[t.content] = true;
    tokens_[id] = t;
  }
  raw_trie_.reset();
  normalized_trie_.reset();
  for (const auto& [id, t] : tokens_) {
    auto& trie = t.normalized ? normalized_trie_ : raw_trie_;
    if (!trie) trie = std::make_unique<Trie>();
    auto nf = normalized_form_.find(id);
    const std::string& pattern = t.normalized && nf != normalized_form_.end() ? nf->second : t.content;
    if (!pattern.empty()) trie->insert(pattern, id);
  }
}

namespace {

bool ends_with_word(std::string_view s) {
  if (s.empty()) return false;
  size_t i = s.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return is_word_char(utf8_at(s, i));
}

bool starts_with_word(std::string_view s) { return !s.empty() && is_word_char(utf8_at(s, 0)); }

// Where the white space that ends s begins (regex \s*$).
size_t trailing_space_start(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    size_t i = end - 1;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    if (!is_white_space(utf8_at(s, i))) break;
    end = i;
  }
  return end;
}

// Length of the white space that begins s (regex ^\s*).
size_t leading_space_end(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_white_space(utf8_at(s, i))) i += utf8_len(static_cast<unsigned char>(s[i]));
  return i;
}

}  // namespace

void AddedVocabulary::split(std::string_view text, bool normalized_tokens, std::vector<TokenSpan>& out) const {
  out.clear();
  const Trie* trie = normalized_tokens ? normalized_trie_.get() : raw_trie_.get();
  if (text.empty() || trie == nullptr) {
    out.push_back({0, text.size(), -1});
    return;
  }
  size_t start_offset = 0;
  for (size_t i = 0; i < text.size();) {
    int64_t id = -1;
    const size_t match_end = trie->first_byte[static_cast<unsigned char>(text[i])] ? trie->longest_at(text, i, id) : 0;
    if (match_end == 0) {
      ++i;
      continue;
    }
    size_t start = i, stop = match_end;
    i = match_end;  // the search goes on after the match, whatever happens to it below
    const AddedToken& t = tokens_.at(id);
    if (t.single_word) {
      const bool start_space = start == 0 || !ends_with_word(text.substr(0, start));
      const bool stop_space = stop == text.size() || !starts_with_word(text.substr(stop));
      if (!start_space || !stop_space) continue;
    }
    if (t.lstrip) start = std::max(trailing_space_start(text.substr(0, start)), start_offset);
    if (t.rstrip) stop += leading_space_end(text.substr(stop));
    if (start_offset < start) out.push_back({start_offset, start, -1});
    out.push_back({start, stop, id});
    start_offset = stop;
  }
  if (start_offset != text.size()) out.push_back({start_offset, text.size(), -1});
}

int64_t AddedVocabulary::token_to_id(std::string_view content) const {
  auto it = content_to_id_.find(std::string(content));
  return it == content_to_id_.end() ? -1 : it->second;
}

const std::string* AddedVocabulary::id_to_token(int64_t id) const {
  if (auto nf = normalized_form_.find(id); nf != normalized_form_.end()) return &nf->second;
  auto it = tokens_.find(id);
  return it == tokens_.end() ? nullptr : &it->second.content;
}

bool AddedVocabulary::is_special_string(std::string_view token) const { return special_.count(std::string(token)) != 0; }

bool AddedVocabulary::is_special_id(int64_t id) const {
  auto it = tokens_.find(id);
  return it != tokens_.end() && it->second.special;
}

bool AddedVocabulary::uses_unicode_tables() const {
  for (const auto& [id, t] : tokens_)
    if (t.single_word || t.lstrip || t.rstrip) return true;
  return false;
}

int64_t AddedVocabulary::max_id() const {
  int64_t top = -1;
  for (const auto& [id, t] : tokens_) top = std::max(top, id);
  return top;
}

}  // namespace apiq::hf
