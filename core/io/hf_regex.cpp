// SPDX-License-Identifier: GPL-3.0-or-later
// Oniguruma patterns (as tokenizers compiles them) run through PCRE2, and the library's split
// behaviours. Oniguruma's defaults there: \s is White_Space, \w is Alphabetic/Mark/Nd/Pc, \h a hex
// digit, '.' matches a newline and ^/$ are line anchors; PCRE2 is told or rewritten to agree.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "io/hf_tokenizer_parts.h"

namespace apiq::hf {

namespace {

// Oniguruma also counts ² ³ ¹ ¼ ½ ¾ as word characters (its Latin-1 table; found by a sweep of
// every code point against tokenizers).
constexpr const char* kWordItems = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{B2}\\x{B3}\\x{B9}\\x{BC}-\\x{BE}";

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

class OnigTranslator {
 public:
  OnigTranslator(const std::string& pattern, const JsonReader& reader, const std::string& key)
      : p_(pattern), reader_(reader), key_(key) {}

  std::string run() {
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '\\') {
        escape();
      } else if (c == '[') {
        if (in_class_) refuse(p_.compare(i_, 2, "[:") == 0 ? "POSIX bracket [:...:]" : "nested [...]");
        in_class_ = true;
        out_ += c;
        ++i_;
        if (i_ < p_.size() && p_[i_] == '^') out_ += p_[i_++];
      } else if (c == ']' && in_class_) {
        in_class_ = false;
        out_ += c;
        ++i_;
      } else if (in_class_ && c == '&' && p_.compare(i_, 2, "&&") == 0) {
        refuse("class intersection &&");
      } else if (!in_class_ && c == '(' && p_.compare(i_, 2, "(?") == 0) {
        group();
      } else if (!in_class_ && c == '{' && p_.compare(i_, 2, "{,") == 0) {
        out_ += "{0,";  // Oniguruma's {,n}; PCRE2 10.42 reads it as literal text
        i_ += 2;
      } else {
        out_ += c;
        ++i_;
      }
    }
    return out_;
  }

 private:
  [[noreturn]] void refuse(const std::string& what) const {
    reader_.unsupported("regex construct", what + "' in '" + p_, key_);
  }

  void escape() {
    if (i_ + 1 >= p_.size()) refuse("trailing \\");
    const char d = p_[i_ + 1];
    i_ += 2;
    switch (d) {
      case 's': out_ += "\\p{White_Space}"; return;
      case 'S': out_ += "\\P{White_Space}"; return;
      case 'w': out_ += in_class_ ? std::string(kWordItems) : "[" + std::string(kWordItems) + "]"; return;
      case 'W':
        if (in_class_) refuse("\\W inside [...]");
        out_ += "[^" + std::string(kWordItems) + "]";
        return;
      case 'h': out_ += in_class_ ? "0-9a-fA-F" : "[0-9a-fA-F]"; return;
      case 'H':
        if (in_class_) refuse("\\H inside [...]");
        out_ += "[^0-9a-fA-F]";
        return;
      case 'v': out_ += "\\x0b"; return;  // PCRE2's \v is a class of vertical space
      case 'b':
      case 'B': {
        if (in_class_) refuse(std::string("\\") + d + " inside [...]");
        const std::string w = std::string("[") + kWordItems + "]";
        out_ += d == 'b' ? "(?:(?<=" + w + ")(?!" + w + ")|(?<!" + w + ")(?=" + w + "))"
                         : "(?:(?<=" + w + ")(?=" + w + ")|(?<!" + w + ")(?!" + w + "))";
        return;
      }
      case 'u': {
        if (i_ + 4 > p_.size() || !is_hex(p_[i_]) || !is_hex(p_[i_ + 1]) || !is_hex(p_[i_ + 2]) ||
            !is_hex(p_[i_ + 3]))
          refuse("\\u without four hex digits");
        out_ += "\\x{" + p_.substr(i_, 4) + "}";
        i_ += 4;
        return;
      }
      default: break;
    }
    // Same meaning in both engines.
    static const std::string same = "dDnrtfeaAzZGxpPkgRXK0123456789";
    const bool alnum = std::isalnum(static_cast<unsigned char>(d)) != 0;
    if (alnum && same.find(d) == std::string::npos) refuse(std::string("\\") + d);
    out_ += '\\';
    out_ += d;
  }

  // "(?" groups: only option letters need care (Oniguruma's m is PCRE2's s).
  void group() {
    size_t j = i_ + 2;
    std::string flags;
    while (j < p_.size() && (std::isalpha(static_cast<unsigned char>(p_[j])) || p_[j] == '-')) flags += p_[j++];
    const bool option_group = !flags.empty() && j < p_.size() && (p_[j] == ')' || p_[j] == ':');
    if (!option_group) {  // (?: (?= (?! (?<= (?<! (?> (?<name> (?#
      out_ += "(?";
      i_ += 2;
      return;
    }
    out_ += "(?";
    for (char f : flags) {
      if (f == 'i' || f == 'x' || f == '-') out_ += f;
      else if (f == 'm') out_ += 's';
      else refuse(std::string("option (?") + f + ")");
    }
    i_ = j;
  }

  const std::string& p_;
  const JsonReader& reader_;
  const std::string& key_;
  std::string out_;
  size_t i_ = 0;
  bool in_class_ = false;
};

std::shared_ptr<pcre2_code> compile(const std::string& pattern, const JsonReader* reader, const std::string& key) {
  int err = 0;
  PCRE2_SIZE offset = 0;
  pcre2_compile_context* ctx = pcre2_compile_context_create(nullptr);
  pcre2_set_newline(ctx, PCRE2_NEWLINE_LF);
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_DOTALL | PCRE2_MULTILINE, &err, &offset, ctx);
  pcre2_compile_context_free(ctx);
  if (code == nullptr) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    const std::string problem = "regex '" + pattern + "' does not compile: " + reinterpret_cast<char*>(msg);
    if (reader != nullptr) reader->fail(key, problem);
    throw std::invalid_argument(problem);
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter where JIT is missing
  return {code, pcre2_code_free};
}

// Per thread: one ovector pair is all we read, and a JIT stack large enough for long runs.
struct MatchState {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 64 * 1024 * 1024, nullptr);
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  MatchState() { pcre2_jit_stack_assign(context, nullptr, stack); }
  ~MatchState() {
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(stack);
    pcre2_match_data_free(data);
  }
};

}  // namespace

Regex Regex::onig(const std::string& pattern, const JsonReader& reader, const std::string& key) {
  Regex r;
  r.code_ = compile(OnigTranslator(pattern, reader, key).run(), &reader, key);
  return r;
}

Regex Regex::literal(const std::string& text) {
  Regex r;
  if (text.empty()) r.code_ = compile("", nullptr, "");  // matches the empty string everywhere
  r.literal_ = text;
  return r;
}

void Regex::find_iter(std::string_view s, std::vector<Span>& out) const {
  if (!code_) {
    for (size_t at = s.find(literal_); at != std::string_view::npos; at = s.find(literal_, at + literal_.size()))
      out.push_back({at, at + literal_.size()});
    return;
  }
  thread_local MatchState state;
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(s.data());
  size_t from = 0;
  size_t last_match_end = std::string_view::npos;
  while (from <= s.size()) {
    const int rc = pcre2_match(code_.get(), subject, s.size(), from, PCRE2_NO_UTF_CHECK, state.data, state.context);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(rc, msg, sizeof msg);
      throw std::runtime_error(std::string("regex match failed: ") + reinterpret_cast<char*>(msg));
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(state.data);
    const size_t begin = ov[0], end = ov[1];
    if (begin == end && end == last_match_end) {  // no empty match right after a match
      from = from < s.size() ? from + utf8_len(static_cast<unsigned char>(s[from])) : s.size() + 1;
      continue;
    }
    out.push_back({begin, end});
    last_match_end = end;
    from = end;  // an empty match is found again there and then stepped over
  }
}

bool Regex::is_literal() const { return !literal_.empty(); }

size_t first_unassigned(std::string_view s) {
  static const Regex unassigned = Regex::onig("\\p{Cn}", JsonReader{"(built in)"}, "");
  std::vector<Span> found;
  bool ascii = true;
  for (char c : s) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  if (!ascii) unassigned.find_iter(s, found);  // finds them all; rare, and cheap next to encoding
  return found.empty() ? std::string_view::npos : found.front().begin;
}

std::string unicode_version() {
  char v[32] = {};
  pcre2_config(PCRE2_CONFIG_UNICODE_VERSION, v);
  return v;
}

void find_matches(const Regex& re, std::string_view s, std::vector<MatchSpan>& out) {
  out.clear();
  if (s.empty()) {
    out.push_back({0, 0, false});
    return;
  }
  thread_local std::vector<Span> found;
  found.clear();
  re.find_iter(s, found);
  size_t prev = 0;
  for (const Span& m : found) {
    if (prev != m.begin) out.push_back({prev, m.begin, false});
    out.push_back({m.begin, m.end, true});
    prev = m.end;
  }
  if (prev != s.size()) out.push_back({prev, s.size(), false});
}

SplitBehavior parse_split_behavior(const Json& obj, const JsonReader& reader, const std::string& key) {
  const std::string b = reader.string_of(obj, "behavior", key);
  if (b == "Removed") return SplitBehavior::Removed;
  if (b == "Isolated") return SplitBehavior::Isolated;
  if (b == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (b == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (b == "Contiguous") return SplitBehavior::Contiguous;
  reader.unsupported("split behavior", b, sub_key(key, "behavior"));
}

void split_spans(std::vector<MatchSpan>& m, SplitBehavior behavior, std::vector<Span>& kept) {
  kept.clear();
  switch (behavior) {
    case SplitBehavior::Isolated:
      for (const MatchSpan& x : m) kept.push_back({x.begin, x.end});
      return;
    case SplitBehavior::Removed:
      for (const MatchSpan& x : m)
        if (!x.is_match) kept.push_back({x.begin, x.end});
      return;
    case SplitBehavior::Contiguous: {
      bool previous = false;
      for (const MatchSpan& x : m) {
        if (x.is_match == previous && !kept.empty()) kept.back().end = x.end;
        else kept.push_back({x.begin, x.end});
        previous = x.is_match;
      }
      return;
    }
    case SplitBehavior::MergedWithPrevious: {
      bool previous = false;
      for (const MatchSpan& x : m) {
        if (x.is_match && !previous && !kept.empty()) kept.back().end = x.end;
        else kept.push_back({x.begin, x.end});
        previous = x.is_match;
      }
      return;
    }
    case SplitBehavior::MergedWithNext: {
      bool previous = false;
      for (auto it = m.rbegin(); it != m.rend(); ++it) {
        if (it->is_match && !previous && !kept.empty()) kept.back().begin = it->begin;
        else kept.push_back({it->begin, it->end});
        previous = it->is_match;
      }
      std::reverse(kept.begin(), kept.end());
      return;
    }
  }
}

}  // namespace apiq::hf
