// SPDX-License-Identifier: GPL-3.0-or-later
// Tokenizer of the chat-template renderer. It follows the rules of jinja2's lexer with the settings
// transformers uses (trim_blocks=True, lstrip_blocks=True): `-` strips all whitespace beside a tag, `+`
// keeps it, a block or comment tag alone on its line takes the line's indentation with it, and the one
// newline after a block or comment tag is dropped. Whitespace means Python's str.isspace().
#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "io/chat_template_internal.h"

namespace apiq::chat_template_detail {

std::string normalize_source(const std::string& source) {
  std::string out;
  out.reserve(source.size());
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] != '\r') {
      out += source[i];
      continue;
    }
    out += '\n';
    if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::pair<int, int> SourceMap::where(size_t pos) const {
  const auto it = std::upper_bound(line_starts.begin(), line_starts.end(), pos);
  const size_t line = size_t(it - line_starts.begin());  // 1-based: line_starts[0] is 0
  int col = 1;  // in characters: count the UTF-8 lead bytes before pos
  for (size_t i = line_starts[line - 1]; i < pos && i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++col;
  return {int(line), col};
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

// The Python escapes that 'unicode-escape' decoding knows; an unknown escape keeps its backslash.
// Jinja backslash-escapes non-ASCII characters first, so a backslash before one keeps that escape text.
class StringDecoder {
 public:
  StringDecoder(const std::string& raw, size_t at) : raw_(raw), at_(at) {}

  std::string run() {
    for (size_t i = 0; i < raw_.size();) {
      if (raw_[i] != '\\' || i + 1 >= raw_.size()) {
        out_ += raw_[i++];
        continue;
      }
      i = escape(i + 1);
    }
    return out_;
  }

 private:
  size_t hex_escape(size_t i, int digits) {
    if (i + digits > raw_.size()) throw SyntaxError("truncated \\x/\\u escape in a string", at_, false);
    const std::string h = raw_.substr(i, digits);
    if (h.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
      throw SyntaxError("truncated \\x/\\u escape in a string", at_, false);
    const unsigned long cp = std::strtoul(h.c_str(), nullptr, 16);
    if (cp > 0x10FFFF) throw SyntaxError("illegal Unicode character in a string", at_, false);
    append_utf8(out_, char32_t(cp));
    return i + digits;
  }

  size_t non_ascii_escape(size_t i) {
    const unsigned char c = raw_[i];
    const int n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    const std::u32string cp = decode_utf8(raw_.substr(i, n));
    const char32_t u = cp.empty() ? 0xFFFD : cp[0];
    static const char* hex = "0123456789abcdef";
    const int digits = u < 0x100 ? 2 : u < 0x10000 ? 4 : 8;
    out_ += "\\";
    out_ += digits == 2 ? 'x' : digits == 4 ? 'u' : 'U';
    for (int k = digits - 1; k >= 0; --k) out_ += hex[(u >> (4 * k)) & 0xF];
    return i + n;
  }

  size_t escape(size_t i) {
    const char c = raw_[i];
    static const std::string simple = "\\'\"abfnrtv";
    static const char simple_to[] = {'\\', '\'', '"', '\a', '\b', '\f', '\n', '\r', '\t', '\v'};
    if (const size_t k = simple.find(c); k != std::string::npos) {
      out_ += simple_to[k];
      return i + 1;
    }
    if (c == '\n') return i + 1;  // a line continuation
    if (c >= '0' && c <= '7') {
      int value = 0, n = 0;
      while (n < 3 && i < raw_.size() && raw_[i] >= '0' && raw_[i] <= '7') value = value * 8 + (raw_[i++] - '0'), ++n;
      append_utf8(out_, char32_t(value));
      return i;
    }
    if (c == 'x') return hex_escape(i + 1, 2);
    if (c == 'u') return hex_escape(i + 1, 4);
    if (c == 'U') return hex_escape(i + 1, 8);
    if (c == 'N') throw SyntaxError("\\N{...} escape in a string", at_, true);
    out_ += '\\';
    if (static_cast<unsigned char>(c) >= 0x80) return non_ascii_escape(i);
    out_ += c;
    return i + 1;
  }

  const std::string& raw_;
  size_t at_;
  std::string out_;
};

class Lexer {
 public:
  explicit Lexer(const std::string& s) : s_(s) {}

  std::vector<Token> run() {
    while (pos_ < s_.size()) root();
    push(Tok::Eof, s_.size());
    return std::move(out_);
  }

 private:
  bool at(size_t p, const char* lit) const { return s_.compare(p, std::char_traits<char>::length(lit), lit) == 0; }

  // Bytes of Python whitespace starting at p.
  size_t space_len(size_t p) const {
    size_t q = p;
    while (q < s_.size()) {
      const unsigned char c = s_[q];
      const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
      const std::u32string cp = decode_utf8(s_.substr(q, n));
      if (cp.size() != 1 || !is_py_space(cp[0])) break;
      q += n;
    }
    return q - p;
  }

  // Skips whitespace after a `-` tag end; returns whether what was matched ends with a newline.
  bool skip_space_after() {
    const size_t n = space_len(pos_);
    pos_ += n;
    return n > 0 && s_[pos_ - 1] == '\n';
  }

  void push(Tok type, size_t p, std::string text = {}) {
    Token t;
    t.type = type;
    t.pos = p;
    t.text = std::move(text);
    out_.push_back(std::move(t));
  }

  // The text before a tag, with the tag's whitespace control applied.
  std::string strip_text(std::string text, char sign, bool lstrip_allowed) const {
    if (sign == '-') {
      std::u32string u = decode_utf8(text);
      while (!u.empty() && is_py_space(u.back())) u.pop_back();
      return encode_utf8(u);
    }
    if (sign == '+' || !lstrip_allowed) return text;
    const size_t nl = text.rfind('\n');
    const size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
    if ((l_pos > 0 || line_starting_) && l_pos < text.size()) {
      const std::u32string rest = decode_utf8(text.substr(l_pos));
      if (std::all_of(rest.begin(), rest.end(), is_py_space)) text.resize(l_pos);
    }
    return text;
  }

  void data(const std::string& text, size_t p) {
    if (!text.empty()) push(Tok::Data, p, text);
  }

  // `{%[-+]? raw %}` at p: returns the end of the tag, or npos.
  size_t raw_begin_end(size_t p) const {
    size_t q = p + 2;
    if (q < s_.size() && (s_[q] == '-' || s_[q] == '+')) ++q;
    q += space_len(q);
    if (!at(q, "raw")) return std::string::npos;
    q += 3;
    q += space_len(q);
    if (at(q, "-%}")) return q + 3 + space_len(q + 3);
    if (at(q, "%}")) return q + 2;
    return std::string::npos;
  }

  void root() {
    size_t p = pos_;
    while ((p = s_.find('{', p)) != std::string::npos) {
      if (p + 1 < s_.size() && (s_[p + 1] == '{' || s_[p + 1] == '%' || s_[p + 1] == '#')) break;
      ++p;
    }
    if (p == std::string::npos) {
      data(s_.substr(pos_), pos_);
      pos_ = s_.size();
      return;
    }
    const char kind = s_[p + 1];
    const char sign = (p + 2 < s_.size() && (s_[p + 2] == '-' || s_[p + 2] == '+')) ? s_[p + 2] : 0;
    data(strip_text(s_.substr(pos_, p - pos_), sign, kind != '{'), pos_);
    line_starting_ = false;
    if (kind == '%') {
      if (const size_t raw_end = raw_begin_end(p); raw_end != std::string::npos) {
        line_starting_ = raw_end > 0 && s_[raw_end - 1] == '\n';
        pos_ = raw_end;
        raw();
        return;
      }
    }
    pos_ = p + 2 + (sign ? 1 : 0);
    if (kind == '#') return comment(p);
    push(kind == '{' ? Tok::VarBegin : Tok::BlockBegin, p);
    tag(kind == '%');
  }

  void raw() {
    for (size_t p = pos_; (p = s_.find("{%", p)) != std::string::npos; ++p) {
      size_t q = p + 2;
      const char sign = (q < s_.size() && (s_[q] == '-' || s_[q] == '+')) ? s_[q] : 0;
      if (sign) ++q;
      q += space_len(q);
      if (!at(q, "endraw")) continue;
      q += 6;
      q += space_len(q);
      if (!at(q, "%}") && !at(q, "-%}") && !at(q, "+%}")) continue;
      data(strip_text(s_.substr(pos_, p - pos_), sign, true), pos_);
      pos_ = q;
      end_of_block();
      return;
    }
    throw SyntaxError("missing end of raw directive", pos_, false);
  }

  // At `%}`, `-%}` or `+%}`: consumes it with its whitespace rule.
  void end_of_block() {
    if (at(pos_, "+%}")) {
      pos_ += 3;
      line_starting_ = false;
    } else if (at(pos_, "-%}")) {
      pos_ += 3;
      line_starting_ = skip_space_after();
    } else {
      pos_ += 2;
      line_starting_ = pos_ < s_.size() && s_[pos_] == '\n';
      if (line_starting_) ++pos_;
    }
  }

  void comment(size_t begin) {
    const size_t q = s_.find("#}", pos_);
    if (q == std::string::npos) throw SyntaxError("missing end of comment tag", begin, false);
    const char sign = (q > pos_ && (s_[q - 1] == '-' || s_[q - 1] == '+')) ? s_[q - 1] : 0;
    pos_ = q + 2;
    if (sign == '-') {
      line_starting_ = skip_space_after();
    } else if (sign == '+') {
      line_starting_ = false;
    } else {
      line_starting_ = pos_ < s_.size() && s_[pos_] == '\n';
      if (line_starting_) ++pos_;
    }
  }

  bool tag_end(bool block) {
    if (block) {
      if (!at(pos_, "+%}") && !at(pos_, "-%}") && !at(pos_, "%}")) return false;
      const size_t p = pos_;
      end_of_block();
      push(Tok::BlockEnd, p);
      return true;
    }
    const size_t p = pos_;
    if (at(pos_, "-}}")) {
      pos_ += 3;
      line_starting_ = skip_space_after();
    } else if (at(pos_, "}}")) {
      pos_ += 2;
      line_starting_ = false;
    } else {
      return false;
    }
    push(Tok::VarEnd, p);
    return true;
  }

  void tag(bool block) {
    std::vector<char> balance;
    while (true) {
      if (pos_ >= s_.size()) throw SyntaxError("unexpected end of template inside a tag", pos_, false);
      if (balance.empty() && tag_end(block)) return;
      if (const size_t n = space_len(pos_)) {
        pos_ += n;
        continue;
      }
      if (number() || name() || string()) continue;
      op(balance);
    }
  }

  size_t digits(size_t p) const {  // (\d+_)*\d+
    if (p >= s_.size() || !is_digit(s_[p])) return std::string::npos;
    while (p < s_.size() && is_digit(s_[p])) {
      ++p;
      if (p + 1 < s_.size() && s_[p] == '_' && is_digit(s_[p + 1])) ++p;
    }
    return p;
  }

  size_t exponent(size_t p) const {
    if (p >= s_.size() || (s_[p] != 'e' && s_[p] != 'E')) return std::string::npos;
    ++p;
    if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
    return digits(p);
  }

  size_t float_end(size_t p) const {
    if (p > 0 && s_[p - 1] == '.') return std::string::npos;
    const size_t a = digits(p);
    if (a == std::string::npos) return a;
    if (a < s_.size() && s_[a] == '.' && digits(a + 1) != std::string::npos) {
      const size_t f = digits(a + 1);
      const size_t e = exponent(f);
      return e != std::string::npos ? e : f;
    }
    return exponent(a);
  }

  size_t int_end(size_t p, int& base) const {
    base = 10;
    if (s_[p] == '0' && p + 1 < s_.size()) {
      const char b = char(s_[p + 1] | 0x20);
      const char* set = b == 'b' ? "01" : b == 'o' ? "01234567" : b == 'x' ? "0123456789abcdefABCDEF" : nullptr;
      if (set) {
        size_t q = p + 2, last = std::string::npos;
        while (q < s_.size()) {
          const size_t d = (s_[q] == '_') ? q + 1 : q;
          if (d >= s_.size() || !std::char_traits<char>::find(set, std::char_traits<char>::length(set), s_[d])) break;
          q = d + 1;
          last = q;
        }
        if (last != std::string::npos) {
          base = b == 'b' ? 2 : b == 'o' ? 8 : 16;
          return last;
        }
      }
    }
    if (s_[p] == '0') {
      size_t q = p + 1;
      while (q < s_.size() && (s_[q] == '0' || (s_[q] == '_' && q + 1 < s_.size() && s_[q + 1] == '0')))
        q += s_[q] == '_' ? 2 : 1;
      return q;
    }
    return digits(p);
  }

  bool number() {
    if (!is_digit(s_[pos_])) return false;
    std::string text;
    if (const size_t e = float_end(pos_); e != std::string::npos) {
      for (size_t i = pos_; i < e; ++i)
        if (s_[i] != '_') text += s_[i];
      push(Tok::Float, pos_);
      out_.back().real = std::strtod(text.c_str(), nullptr);
      pos_ = e;
      return true;
    }
    int base = 10;
    const size_t e = int_end(pos_, base);
    for (size_t i = pos_ + (base == 10 ? 0 : 2); i < e; ++i)
      if (s_[i] != '_') text += s_[i];
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), nullptr, base);
    if (errno == ERANGE || v > uint64_t(INT64_MAX)) throw SyntaxError("integer literal beyond 64 bits", pos_, true);
    push(Tok::Int, pos_);
    out_.back().integer = int64_t(v);
    pos_ = e;
    return true;
  }

  bool name() {
    if (static_cast<unsigned char>(s_[pos_]) >= 0x80) throw SyntaxError("non-ASCII identifier", pos_, true);
    if (!is_name_start(s_[pos_])) return false;
    size_t e = pos_;
    while (e < s_.size() && is_name_char(s_[e])) ++e;
    push(Tok::Name, pos_, s_.substr(pos_, e - pos_));
    pos_ = e;
    return true;
  }

  bool string() {
    const char q = s_[pos_];
    if (q != '\'' && q != '"') return false;
    size_t e = pos_ + 1;
    while (e < s_.size() && s_[e] != q) e += s_[e] == '\\' ? 2 : 1;
    if (e >= s_.size()) throw SyntaxError("unterminated string", pos_, false);
    push(Tok::String, pos_, StringDecoder(s_.substr(pos_ + 1, e - pos_ - 1), pos_).run());
    pos_ = e + 1;
    return true;
  }

  void op(std::vector<char>& balance) {
    static const char* two[] = {"//", "**", "==", "!=", ">=", "<="};
    std::string text;
    for (const char* t : two)
      if (at(pos_, t)) text = t;
    if (text.empty()) {
      const char c = s_[pos_];
      if (std::string("+-/*%~[](){}><=.:|,;").find(c) == std::string::npos)
        throw SyntaxError(std::string("unexpected character '") + c + "'", pos_, false);
      text = std::string(1, c);
      if (c == '(' || c == '[' || c == '{') balance.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
      if (c == ')' || c == ']' || c == '}') {
        if (balance.empty()) throw SyntaxError(std::string("unexpected '") + c + "'", pos_, false);
        if (balance.back() != c)
          throw SyntaxError(std::string("unexpected '") + c + "', expected '" + balance.back() + "'", pos_, false);
        balance.pop_back();
      }
    }
    push(Tok::Op, pos_, text);
    pos_ += text.size();
  }

  const std::string& s_;
  size_t pos_ = 0;
  bool line_starting_ = true;
  std::vector<Token> out_;
};

}  // namespace

std::vector<Token> tokenize(const std::string& normalized, SourceMap& map) {
  map.text = normalized;
  map.line_starts = {0};
  for (size_t i = 0; i < normalized.size(); ++i)
    if (normalized[i] == '\n') map.line_starts.push_back(i + 1);
  return Lexer(normalized).run();
}

}  // namespace apiq::chat_template_detail
