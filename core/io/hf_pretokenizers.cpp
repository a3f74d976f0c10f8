// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json pre-tokenizers: ByteLevel, Split, Metaspace, Digits, Whitespace, WhitespaceSplit,
// Punctuation, BertPreTokenizer, CharDelimiterSplit, Sequence (flattened into one chain).
#include <unicode/uchar.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "io/hf_tokenizer_parts.h"

namespace apiq::hf {

namespace {

void emit(const Piece& p, const std::vector<Span>& kept, std::vector<Piece>& out) {
  for (const Span& k : kept)
    if (k.end > k.begin) out.push_back({p.text.substr(k.begin, k.end - k.begin), p.at_start && k.begin == 0});
}

template <class Pred>
void split_by_char(const std::vector<Piece>& in, std::vector<Piece>& out, PreTokenizeScratch& s, Pred pred,
                   SplitBehavior behavior) {
  for (const Piece& p : in) {
    find_char_matches(p.text, pred, s.matches);
    split_spans(s.matches, behavior, s.spans);
    emit(p, s.spans, out);
  }
}

const Regex& gpt2_regex() {
  static const Regex re = Regex::onig(
      R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)", JsonReader{"(built in)"},
      "ByteLevel");
  return re;
}

class ByteLevel : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, bool use_regex) : add_prefix_space_(add_prefix_space), use_regex_(use_regex) {}
  bool map_now = true;  // false when it is the chain's last step: the model maps instead
  void apply(const std::vector<Piece>& in, std::vector<Piece>& out, PreTokenizeScratch& s) const override {
    const size_t first_out = out.size();
    for (Piece p : in) {
      if (add_prefix_space_ && p.text[0] != ' ') p.text = s.arena.store(" ", p.text);
      if (!use_regex_) {
        out.push_back(p);
        continue;
      }
      find_matches(gpt2_regex(), p.text, s.matches);
      split_spans(s.matches, SplitBehavior::Isolated, s.spans);
      emit(p, s.spans, out);
    }
    if (map_now)
      for (size_t i = first_out; i < out.size(); ++i) out[i].text = s.arena.store_byte_level(out[i].text);
  }
  bool uses_unicode_tables() const override { return use_regex_; }

 private:
  bool add_prefix_space_, use_regex_;
};

class Split : public PreTokenizer {
 public:
  Split(Regex re, SplitBehavior behavior, bool invert) : re_(std::move(re)), behavior_(behavior), invert_(invert) {}
  void apply(const std::vector<Piece>& in, std::vector<Piece>& out, PreTokenizeScratch& s) const override {
    for (const Piece& p : in) {
      find_matches(re_, p.text, s.matches);
      if (invert_)
        for (MatchSpan& m : s.matches) m.is_match = !m.is_match;
      split_spans(s.matches, behavior_, s.spans);
      emit(p, s.spans, out);
    }
  }
  bool uses_unicode_tables() const override { return !re_.is_literal(); }

 private:
  Regex re_;
  SplitBehavior behavior_;
  bool invert_;
};

class Metaspace : public PreTokenizer {
 public:
  using Prepend = PrependScheme;
  Metaspace(std::string replacement, Prepend scheme, bool split)
      : replacement_(std::move(replacement)), scheme_(scheme), split_(split) {}
  void apply(const std::vector<Piece>& in, std::vector<Piece>& out, PreTokenizeScratch& s) const override {
    const char32_t rep = utf8_at(replacement_, 0);
    thread_local std::string text;
    for (const Piece& p : in) {
      text.clear();
      for (char c : p.text) {
        if (c == ' ') text += replacement_;
        else text += c;
      }
      const bool starts = text.compare(0, replacement_.size(), replacement_) == 0;
      const bool prepend = !starts && (scheme_ == Prepend::Always || (scheme_ == Prepend::First && p.at_start));
      const Piece whole{prepend ? s.arena.store(replacement_, text) : s.arena.store(text), p.at_start};
      if (!split_) {
        out.push_back(whole);
        continue;
      }
      find_char_matches(whole.text, [rep](char32_t c) { return c == rep; }, s.matches);
      split_spans(s.matches, SplitBehavior::MergedWithNext, s.spans);
      emit(whole, s.spans, out);
    }
  }
  Prepend scheme() const { return scheme_; }
  bool splits() const { return split_; }
  bool uses_unicode_tables() const override { return false; }

 private:
  std::string replacement_;
  Prepend scheme_;
  bool split_;
};

// Rust regex `\w+|[^\w\s]+`, kept; the rest (white space) dropped.
class Whitespace : public PreTokenizer {
 public:
  void apply(const std::vector<Piece>& in, std::vector<Piece>& out, PreTokenizeScratch&) const override {
    for (const Piece& p : in) {
      const std::string_view t = p.text;
      size_t i = 0;
      while (i < t.size()) {
        const char32_t c = utf8_at(t, i);
        if (is_white_space(c)) {
          i += utf8_len(static_cast<unsigned char>(t[i]));
          continue;
        }
        const bool word = is_word_char(c);
        size_t j = i;
        while (j < t.size()) {
          const char32_t d = utf8_at(t, j);
          if (word ? !is_word_char(d) : (is_word_char(d) || is_white_space(d))) break;
          j += utf8_len(static_cast<unsigned char>(t[j]));
        }
        out.push_back({t.substr(i, j - i), p.at_start && i == 0});
        i = j;
      }
    }
  }
  bool uses_unicode_tables() const override { return true; }
};

bool is_punctuation(char32_t c) {
  if (c < 0x80) return std::ispunct(static_cast<int>(c)) != 0;
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_P_MASK) != 0;
}

class CharSplit : public PreTokenizer {
 public:
  enum class Kind { WhiteSpace, Punctuation, Bert, Digits, Delimiter };
  CharSplit(Kind kind, SplitBehavior behavior, char32_t delimiter = 0)
      : kind_(kind), behavior_(behavior), delimiter_(delimiter) {}
  void apply(const std::vector<Piece>& in, std::vector<Piece>& out, PreTokenizeScratch& s) const override {
    switch (kind_) {
      case Kind::WhiteSpace: return split_by_char(in, out, s, is_white_space, behavior_);
      case Kind::Punctuation: return split_by_char(in, out, s, is_punctuation, behavior_);
      case Kind::Digits: return split_by_char(in, out, s, is_numeric, behavior_);
      case Kind::Delimiter: {
        const char32_t d = delimiter_;
        return split_by_char(in, out, s, [d](char32_t c) { return c == d; }, behavior_);
      }
      case Kind::Bert: {
        thread_local std::vector<Piece> words;
        words.clear();
        split_by_char(in, words, s, is_white_space, SplitBehavior::Removed);
        return split_by_char(words, out, s, is_punctuation, SplitBehavior::Isolated);
      }
    }
  }
  bool uses_unicode_tables() const override { return kind_ != Kind::Delimiter; }

 private:
  Kind kind_;
  SplitBehavior behavior_;
  char32_t delimiter_;
};

void parse_into(const Json& j, const JsonReader& reader, const std::string& key,
                std::vector<std::unique_ptr<PreTokenizer>>& steps) {
  const std::string type = reader.type_of(j, key);
  if (type == "Sequence") {
    const Json& list = reader.need(j, "pretokenizers", key);
    const std::string lkey = sub_key(key, "pretokenizers");
    if (!list.is_array()) reader.fail(lkey, "expected a list");
    for (size_t i = 0; i < list.size(); ++i) parse_into(list[i], reader, sub_key(lkey, i), steps);
  } else if (type == "ByteLevel") {
    steps.push_back(std::make_unique<ByteLevel>(reader.bool_of(j, "add_prefix_space", key, 1),
                                                reader.bool_of(j, "use_regex", key, 1)));
  } else if (type == "Split") {
    steps.push_back(std::make_unique<Split>(parse_pattern(j, reader, key), parse_split_behavior(j, reader, key),
                                            reader.bool_of(j, "invert", key)));
  } else if (type == "Metaspace") {
    const PrependScheme scheme = parse_prepend_scheme(j, reader, key);
    steps.push_back(std::make_unique<Metaspace>(reader.char_of(j, "replacement", key), scheme,
                                                reader.bool_of(j, "split", key, 1)));
  } else if (type == "Digits") {
    const bool individual = reader.bool_of(j, "individual_digits", key, 0);
    steps.push_back(std::make_unique<CharSplit>(
        CharSplit::Kind::Digits, individual ? SplitBehavior::Isolated : SplitBehavior::Contiguous));
  } else if (type == "Whitespace") {
    steps.push_back(std::make_unique<Whitespace>());
  } else if (type == "WhitespaceSplit") {
    steps.push_back(std::make_unique<CharSplit>(CharSplit::Kind::WhiteSpace, SplitBehavior::Removed));
  } else if (type == "Punctuation") {
    const SplitBehavior b = j.contains("behavior") ? parse_split_behavior(j, reader, key) : SplitBehavior::Isolated;
    steps.push_back(std::make_unique<CharSplit>(CharSplit::Kind::Punctuation, b));
  } else if (type == "BertPreTokenizer") {
    steps.push_back(std::make_unique<CharSplit>(CharSplit::Kind::Bert, SplitBehavior::Isolated));
  } else if (type == "CharDelimiterSplit") {
    const std::string d = reader.char_of(j, "delimiter", key);
    steps.push_back(std::make_unique<CharSplit>(CharSplit::Kind::Delimiter, SplitBehavior::Removed, utf8_at(d, 0)));
  } else {
    reader.unsupported("pre_tokenizer", type, sub_key(key, "type"));
  }
}

}  // namespace

PrependScheme parse_prepend_scheme(const Json& j, const JsonReader& reader, const std::string& key) {
  PrependScheme scheme = PrependScheme::Always;
  if (j.contains("prepend_scheme")) {
    const std::string v = reader.string_of(j, "prepend_scheme", key);
    if (v == "always") scheme = PrependScheme::Always;
    else if (v == "first") scheme = PrependScheme::First;
    else if (v == "never") scheme = PrependScheme::Never;
    else reader.unsupported("Metaspace prepend_scheme", v, sub_key(key, "prepend_scheme"));
  }
  if (j.contains("add_prefix_space") && !reader.bool_of(j, "add_prefix_space", key, 1)) {
    if (scheme != PrependScheme::Never)
      reader.fail(sub_key(key, "add_prefix_space"), "add_prefix_space does not match declared prepend_scheme");
  }
  return scheme;
}

PreTokenizerChain PreTokenizerChain::parse(const Json& j, const JsonReader& reader, const Normalizer* normalizer) {
  PreTokenizerChain chain;
  if (j.is_null()) return chain;
  parse_into(j, reader, "pre_tokenizer", chain.steps_);
  // Metaspace's "first" asks for the piece's offset in the original text; we know it exactly only
  // when Metaspace runs first and the normalizer never drops or merges leading characters.
  for (size_t i = 0; i < chain.steps_.size(); ++i) {
    const auto* m = dynamic_cast<const Metaspace*>(chain.steps_[i].get());
    if (m == nullptr || m->scheme() != Metaspace::Prepend::First) continue;
    if (i > 0) reader.unsupported("pre_tokenizer", "Metaspace with prepend_scheme first after another step", "pre_tokenizer");
    if (normalizer != nullptr && !normalizer->keeps_first_char())
      reader.unsupported("pre_tokenizer", "Metaspace with prepend_scheme first after this normalizer", "pre_tokenizer");
  }
  if (!chain.steps_.empty()) {
    if (auto* last = dynamic_cast<ByteLevel*>(chain.steps_.back().get())) {
      last->map_now = false;
      chain.model_maps_bytes_ = true;
    }
  }
  return chain;
}

bool PreTokenizerChain::uses_unicode_tables() const {
  for (const auto& step : steps_)
    if (step->uses_unicode_tables()) return true;
  return false;
}

bool PreTokenizerChain::keeps_text_whole() const {
  for (const auto& step : steps_) {
    const auto* m = dynamic_cast<const Metaspace*>(step.get());
    if (m == nullptr || m->splits()) return false;
  }
  return true;
}

void PreTokenizerChain::run(std::vector<Piece>& pieces, PreTokenizeScratch& s) const {
  for (const auto& step : steps_) {
    s.next.clear();
    step->apply(pieces, s.next, s);
    pieces.swap(s.next);
  }
}

}  // namespace apiq::hf
