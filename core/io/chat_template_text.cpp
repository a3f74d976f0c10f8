// SPDX-License-Identifier: GPL-3.0-or-later
// Python str semantics on UTF-8 text for the chat-template renderer: whitespace, case mapping, strip,
// split, splitlines, title, replace, repr. Case mapping covers Latin, Greek, Cyrillic, Armenian and
// fullwidth letters (what chat content realistically holds); other scripts are left as they are.
#include <algorithm>

#include "io/chat_template_internal.h"

namespace apiq::chat_template_detail {

std::u32string decode_utf8(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    const int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    char32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
    bool ok = n >= 0 && i + n < s.size();
    for (int k = 1; ok && k <= n; ++k) {
      const unsigned char t = s[i + k];
      ok = (t >> 6) == 2;
      cp = (cp << 6) | (t & 0x3F);
    }
    if (!ok) {  // an invalid or truncated sequence stands for one replacement character
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += n + 1;
  }
  return out;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6));
    out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += char(0xE0 | (c >> 12));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xF0 | (c >> 18));
    out += char(0x80 | ((c >> 12) & 0x3F));
    out += char(0x80 | ((c >> 6) & 0x3F));
    out += char(0x80 | (c & 0x3F));
  }
}

std::string encode_utf8(const std::u32string& s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

// str.isspace(), which is also what `\s` matches in Python's re.
bool is_py_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool is_linebreak(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || (c >= 0x1C && c <= 0x1E) || c == 0x85 ||
         c == 0x2028 || c == 0x2029;
}

namespace {

// Blocks where upper and lower case letters alternate; `upper_even` says which parity is upper case.
struct PairRange {
  char32_t first, last;
  bool upper_even;
};
constexpr PairRange kPairs[] = {
    {0x0100, 0x012F, true}, {0x0132, 0x0137, true}, {0x0139, 0x0148, false}, {0x014A, 0x0177, true},
    {0x0179, 0x017E, false}, {0x01CD, 0x01DC, false}, {0x01DE, 0x01EF, true}, {0x01F8, 0x021F, true},
    {0x0222, 0x0233, true}, {0x03D8, 0x03EF, true}, {0x0460, 0x0481, true}, {0x048A, 0x04BF, true},
    {0x04C1, 0x04CE, false}, {0x04D0, 0x052F, true}, {0x1E00, 0x1E95, true}, {0x1EA0, 0x1EFF, true},
};

// Blocks where lower = upper + offset.
struct ShiftRange {
  char32_t first, last;  // upper-case range
  char32_t offset;
};
constexpr ShiftRange kShifts[] = {
    {'A', 'Z', 0x20},        {0x00C0, 0x00D6, 0x20}, {0x00D8, 0x00DE, 0x20}, {0x0391, 0x03A1, 0x20},
    {0x03A3, 0x03AB, 0x20},  {0x0388, 0x038A, 0x25}, {0x0410, 0x042F, 0x20}, {0x0400, 0x040F, 0x50},
    {0x0531, 0x0556, 0x30},  {0x2160, 0x216F, 0x10}, {0x24B6, 0x24CF, 0x1A}, {0xFF21, 0xFF3A, 0x20},
};

// Single pairs outside the blocks above: {upper, lower}.
constexpr std::pair<char32_t, char32_t> kSingles[] = {
    {0x0178, 0x00FF}, {0x0386, 0x03AC}, {0x038C, 0x03CC}, {0x038E, 0x03CD}, {0x038F, 0x03CE},
    {0x04C0, 0x04CF}, {0x01C4, 0x01C6}, {0x01C7, 0x01C9}, {0x01CA, 0x01CC}, {0x01F1, 0x01F3},
};

// Dz-style digraphs have a separate title case letter between upper and lower.
bool is_digraph_title(char32_t c) { return c == 0x01C5 || c == 0x01C8 || c == 0x01CB || c == 0x01F2; }

char32_t lower1(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
  for (const auto& r : kShifts)
    if (c >= r.first && c <= r.last) return c + r.offset;
  for (const auto& r : kPairs)
    if (c >= r.first && c <= r.last) return ((c % 2 == 0) == r.upper_even) ? c + 1 : c;
  for (const auto& [u, l] : kSingles)
    if (c == u) return l;
  if (is_digraph_title(c)) return c + 1;
  if (c == 0x1E9E) return 0x00DF;
  return c;
}

char32_t upper1(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 0x20 : c;
  if (c == 0x00B5) return 0x039C;
  if (c == 0x0131) return 'I';
  if (c == 0x017F) return 'S';
  if (c == 0x03C2) return 0x03A3;
  for (const auto& r : kShifts)
    if (c >= r.first + r.offset && c <= r.last + r.offset) return c - r.offset;
  for (const auto& r : kPairs)
    if (c >= r.first && c <= r.last) return ((c % 2 == 0) == r.upper_even) ? c : c - 1;
  for (const auto& [u, l] : kSingles)
    if (c == l) return u;
  if (is_digraph_title(c)) return c - 1;
  return c;
}

char32_t title1(char32_t c) {
  for (char32_t t : {0x01C5u, 0x01C8u, 0x01CBu, 0x01F2u})
    if (c == t - 1 || c == t || c == t + 1) return t;
  return upper1(c);
}

void append_upper(std::u32string& out, char32_t c) {
  if (c == 0x00DF) out += U"SS";
  else if (c == 0x0149) out += U"\u02BCN";
  else out += upper1(c);
}

void append_title(std::u32string& out, char32_t c) {
  if (c == 0x00DF) out += U"Ss";
  else if (c == 0x0149) out += U"\u02BCN";
  else out += title1(c);
}

void append_lower(std::u32string& out, const std::u32string& s, size_t i) {
  const char32_t c = s[i];
  if (c == 0x0130) {
    out += U"i\u0307";
  } else if (c == 0x03A3) {
    // Final sigma: after a cased letter and not before one.
    const bool after = i > 0 && is_cased(s[i - 1]);
    const bool before = i + 1 < s.size() && is_cased(s[i + 1]);
    out += (after && !before) ? char32_t(0x03C2) : char32_t(0x03C3);
  } else {
    out += lower1(c);
  }
}

}  // namespace

bool is_cased(char32_t c) {
  return lower1(c) != c || upper1(c) != c || is_digraph_title(c) || c == 0x00DF || c == 0x0138 || c == 0x0149;
}
bool is_upper_char(char32_t c) { return lower1(c) != c && !is_digraph_title(c); }
bool is_lower_char(char32_t c) { return upper1(c) != c || c == 0x00DF || c == 0x0138 || c == 0x0149; }

std::u32string to_upper(const std::u32string& s) {
  std::u32string out;
  for (char32_t c : s) append_upper(out, c);
  return out;
}

std::u32string to_lower(const std::u32string& s) {
  std::u32string out;
  for (size_t i = 0; i < s.size(); ++i) append_lower(out, s, i);
  return out;
}

std::string py_title(const std::string& s) {
  const std::u32string u = decode_utf8(s);
  std::u32string out;
  bool previous_cased = false;
  for (size_t i = 0; i < u.size(); ++i) {
    if (previous_cased) append_lower(out, u, i);
    else append_title(out, u[i]);
    previous_cased = is_cased(u[i]);
  }
  return encode_utf8(out);
}

std::string py_capitalize(const std::string& s) {
  const std::u32string u = decode_utf8(s);
  std::u32string out;
  for (size_t i = 0; i < u.size(); ++i) {
    if (i == 0) append_title(out, u[i]);
    else append_lower(out, u, i);
  }
  return encode_utf8(out);
}

std::string py_strip(const std::string& s, const Value* chars, bool left, bool right) {
  const std::u32string u = decode_utf8(s);
  std::u32string set;
  const bool whitespace = chars == nullptr || chars->is(Kind::None) || chars->is(Kind::Undefined);
  if (!whitespace) {
    if (!chars->is(Kind::Str)) fail("strip arg must be None or str");
    set = decode_utf8(chars->text());
  }
  auto strip_it = [&](char32_t c) { return whitespace ? is_py_space(c) : set.find(c) != std::u32string::npos; };
  size_t b = 0, e = u.size();
  if (left)
    while (b < e && strip_it(u[b])) ++b;
  if (right)
    while (e > b && strip_it(u[e - 1])) --e;
  return encode_utf8(u.substr(b, e - b));
}

namespace {

std::vector<std::string> split_whitespace(const std::u32string& u, int64_t maxsplit, bool from_right) {
  std::vector<std::u32string> parts;
  if (!from_right) {
    size_t i = 0;
    while (true) {
      while (i < u.size() && is_py_space(u[i])) ++i;
      if (i == u.size()) break;
      if (maxsplit >= 0 && int64_t(parts.size()) == maxsplit) {
        parts.push_back(u.substr(i));
        break;
      }
      size_t j = i;
      while (j < u.size() && !is_py_space(u[j])) ++j;
      parts.push_back(u.substr(i, j - i));
      i = j;
    }
  } else {
    size_t e = u.size();
    while (true) {
      while (e > 0 && is_py_space(u[e - 1])) --e;
      if (e == 0) break;
      if (maxsplit >= 0 && int64_t(parts.size()) == maxsplit) {
        parts.push_back(u.substr(0, e));
        break;
      }
      size_t b = e;
      while (b > 0 && !is_py_space(u[b - 1])) --b;
      parts.push_back(u.substr(b, e - b));
      e = b;
    }
    std::reverse(parts.begin(), parts.end());
  }
  std::vector<std::string> out;
  for (const auto& p : parts) out.push_back(encode_utf8(p));
  return out;
}

}  // namespace

std::vector<std::string> py_split(const std::string& s, const Value* sep, int64_t maxsplit, bool from_right) {
  if (sep == nullptr || sep->is(Kind::None)) return split_whitespace(decode_utf8(s), maxsplit, from_right);
  if (!sep->is(Kind::Str)) fail("must be str or None, not " + type_name(*sep));
  const std::string& d = sep->text();
  if (d.empty()) fail("empty separator");
  std::vector<std::string> out;
  if (!from_right) {
    size_t start = 0;
    while (maxsplit < 0 || int64_t(out.size()) < maxsplit) {
      const size_t at = s.find(d, start);
      if (at == std::string::npos) break;
      out.push_back(s.substr(start, at - start));
      start = at + d.size();
    }
    out.push_back(s.substr(start));
    return out;
  }
  size_t end = s.size();
  while (maxsplit < 0 || int64_t(out.size()) < maxsplit) {
    if (end < d.size()) break;
    const size_t at = s.rfind(d, end - d.size());
    if (at == std::string::npos) break;
    out.push_back(s.substr(at + d.size(), end - at - d.size()));
    end = at;
  }
  out.push_back(s.substr(0, end));
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> py_splitlines(const std::string& s) {
  const std::u32string u = decode_utf8(s);
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < u.size(); ++i) {
    if (!is_linebreak(u[i])) continue;
    out.push_back(encode_utf8(u.substr(start, i - start)));
    if (u[i] == '\r' && i + 1 < u.size() && u[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < u.size()) out.push_back(encode_utf8(u.substr(start)));
  return out;
}

std::string py_replace(const std::string& s, const std::string& old, const std::string& repl, int64_t count) {
  std::string out;
  if (old.empty()) {
    // Python inserts the replacement before every character and at the end.
    const std::u32string u = decode_utf8(s);
    int64_t done = 0;
    for (char32_t c : u) {
      if (count < 0 || done < count) out += repl, ++done;
      append_utf8(out, c);
    }
    if (count < 0 || done < count) out += repl;
    return out;
  }
  size_t start = 0;
  for (int64_t done = 0; count < 0 || done < count; ++done) {
    const size_t at = s.find(old, start);
    if (at == std::string::npos) break;
    out.append(s, start, at - start);
    out += repl;
    start = at + old.size();
  }
  out.append(s, start, std::string::npos);
  return out;
}

// str.isprintable(): false for control, format, separator (except space), surrogate and private-use
// characters. Format characters are listed by their common ranges, not from the full Unicode database.
bool is_printable(char32_t c) {
  if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD) return false;
  if (c < 0x300) return true;
  if ((c >= 0x600 && c <= 0x605) || c == 0x61C || c == 0x6DD || c == 0x70F || c == 0x180E || c == 0x1680)
    return false;
  if ((c >= 0x2000 && c <= 0x200F) || (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F))
    return false;
  if (c == 0x3000 || (c >= 0xD800 && c <= 0xF8FF) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB)) return false;
  if (c == 0xFFFE || c == 0xFFFF || c == 0x110BD || (c >= 0x1BCA0 && c <= 0x1BCA3)) return false;
  if ((c >= 0x1D173 && c <= 0x1D17A) || c == 0xE0001 || (c >= 0xE0020 && c <= 0xE007F) || c >= 0xF0000)
    return false;
  return true;
}

std::string repr_string(const std::string& s) {
  const bool has_single = s.find('\'') != std::string::npos;
  const bool has_double = s.find('"') != std::string::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  static const char* hex = "0123456789abcdef";
  for (char32_t c : decode_utf8(s)) {
    if (c == char32_t(quote) || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (is_printable(c)) {
      append_utf8(out, c);
    } else {
      const int digits = c < 0x100 ? 2 : c < 0x10000 ? 4 : 8;
      out += digits == 2 ? "\\x" : digits == 4 ? "\\u" : "\\U";
      for (int k = digits - 1; k >= 0; --k) out += hex[(c >> (4 * k)) & 0xF];
    }
  }
  out += quote;
  return out;
}

}  // namespace apiq::chat_template_detail
