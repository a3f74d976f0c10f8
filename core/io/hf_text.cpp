// SPDX-License-Identifier: GPL-3.0-or-later
// JSON access with keyed errors, UTF-8 helpers, Unicode properties (ICU), ByteLevel's byte map.
#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "io/hf_tokenizer_parts.h"

namespace apiq::hf {

// ---- JsonReader ---------------------------------------------------------------------------

void JsonReader::fail(const std::string& key, const std::string& problem) const {
  throw InputError(file, problem + " (key " + key + ")");
}

void JsonReader::unsupported(const std::string& kind, const std::string& type, const std::string& key) const {
  throw InputError(file, "unsupported " + kind + " '" + type + "' (key " + key + ")");
}

const Json& JsonReader::need(const Json& obj, const char* name, const std::string& key) const {
  if (!obj.is_object()) fail(key, "expected an object");
  auto it = obj.find(name);
  if (it == obj.end()) fail(sub_key(key, name), "missing");
  return *it;
}

std::string JsonReader::string_of(const Json& obj, const char* name, const std::string& key) const {
  const Json& v = need(obj, name, key);
  if (!v.is_string()) fail(sub_key(key, name), "expected a string");
  return v.get<std::string>();
}

bool JsonReader::bool_of(const Json& obj, const char* name, const std::string& key, int default_value) const {
  if (!obj.is_object()) fail(key, "expected an object");
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) {
    if (default_value < 0) fail(sub_key(key, name), "missing");
    return default_value != 0;
  }
  if (!it->is_boolean()) fail(sub_key(key, name), "expected true or false");
  return it->get<bool>();
}

int64_t JsonReader::int_of(const Json& obj, const char* name, const std::string& key) const {
  const Json& v = need(obj, name, key);
  if (!v.is_number_integer()) fail(sub_key(key, name), "expected an integer");
  return v.get<int64_t>();
}

std::string JsonReader::type_of(const Json& obj, const std::string& key) const {
  if (!obj.is_object()) fail(key, "expected an object");
  auto it = obj.find("type");
  if (it == obj.end()) return "(no type)";
  if (!it->is_string()) fail(sub_key(key, "type"), "expected a string");
  return it->get<std::string>();
}

std::string JsonReader::char_of(const Json& obj, const char* name, const std::string& key) const {
  std::string s = string_of(obj, name, key);
  if (s.empty() || utf8_len(static_cast<unsigned char>(s[0])) != s.size())
    fail(sub_key(key, name), "expected exactly one character");
  return s;
}

std::string sub_key(const std::string& key, const char* name) { return key.empty() ? name : key + "." + name; }
std::string sub_key(const std::string& key, size_t index) { return key + "[" + std::to_string(index) + "]"; }

// ---- UTF-8 --------------------------------------------------------------------------------

char32_t utf8_at(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char lead = b(0);
  if (lead < 0x80) return lead;
  if (lead < 0xE0) return (char32_t(lead & 0x1F) << 6) | (b(1) & 0x3F);
  if (lead < 0xF0) return (char32_t(lead & 0x0F) << 12) | (char32_t(b(1) & 0x3F) << 6) | (b(2) & 0x3F);
  return (char32_t(lead & 0x07) << 18) | (char32_t(b(1) & 0x3F) << 12) | (char32_t(b(2) & 0x3F) << 6) |
         (b(3) & 0x3F);
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or the length of its maximal invalid prefix
// (at least 1) negated: the "substitution of maximal subparts" that Rust's lossy decoding uses.
long utf8_sequence(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  long len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return -1;
  }
  for (long k = 1; k < len; ++k) {
    if (i + k >= s.size()) return -k;
    const unsigned char c = byte(i + k);
    if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return -k;
  }
  return len;
}

}  // namespace

size_t first_invalid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const long n = utf8_sequence(s, i);
    if (n < 0) return i;
    i += static_cast<size_t>(n);
  }
  return std::string_view::npos;
}

void append_utf8_lossy(std::string& out, std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    const long n = utf8_sequence(bytes, i);
    if (n > 0) {
      out.append(bytes.data() + i, static_cast<size_t>(n));
      i += static_cast<size_t>(n);
    } else {
      out += "\xEF\xBF\xBD";
      i += static_cast<size_t>(-n);
    }
  }
}

// ---- Unicode properties (the character classes Rust's char and regex crate use) -------------

bool is_white_space(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)); }

bool is_numeric(char32_t c) { return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_N_MASK) != 0; }

bool is_word_char(char32_t c) {
  const auto u = static_cast<UChar32>(c);
  if (c < 0x80) return std::isalnum(static_cast<int>(c)) || c == '_';
  return u_hasBinaryProperty(u, UCHAR_ALPHABETIC) ||
         (U_GET_GC_MASK(u) & (U_GC_M_MASK | U_GC_ND_MASK | U_GC_PC_MASK)) != 0 ||
         u_hasBinaryProperty(u, UCHAR_JOIN_CONTROL);
}

// ---- ByteLevel: printable bytes map to themselves, the 68 others to U+0100.. in byte order ----

namespace {
bool byte_is_printable(unsigned b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE; }
}  // namespace

char32_t byte_to_char(unsigned char b) {
  if (byte_is_printable(b)) return b;
  if (b <= 0x20) return 0x100 + b;
  if (b <= 0xA0) return 0x100 + 0x21 + (b - 0x7F);
  return 0x100 + 0x21 + 0x22;  // 0xAD
}

int char_to_byte(char32_t c) {
  if (c < 0x100) return byte_is_printable(c) ? static_cast<int>(c) : -1;
  const char32_t n = c - 0x100;
  if (n <= 0x20) return static_cast<int>(n);
  if (n <= 0x20 + 0x22) return static_cast<int>(0x7F + (n - 0x21));
  if (n == 0x21 + 0x22) return 0xAD;
  return -1;
}

void append_byte_level(std::string& out, std::string_view bytes) {
  static const auto table = [] {
    std::array<std::pair<char, char>, 256> t{};  // every mapped char is 1 or 2 UTF-8 bytes
    for (int b = 0; b < 256; ++b) {
      std::string u;
      append_utf8(u, byte_to_char(static_cast<unsigned char>(b)));
      t[b] = {u[0], u.size() > 1 ? u[1] : '\0'};
    }
    return t;
  }();
  for (char ch : bytes) {
    const auto& [first, second] = table[static_cast<unsigned char>(ch)];
    out += first;
    if (second != '\0') out += second;
  }
}

// ---- Arena --------------------------------------------------------------------------------

char* Arena::reserve(size_t n) {
  if (blocks_.empty() || used_ + n > capacity_) {
    capacity_ = std::max<size_t>(n, 64 * 1024);
    blocks_.push_back(std::make_unique<char[]>(capacity_));
    used_ = 0;
  }
  char* p = blocks_.back().get() + used_;
  used_ += n;
  return p;
}

std::string_view Arena::store(std::string_view a, std::string_view b) {
  char* p = reserve(a.size() + b.size());
  if (!a.empty()) std::memcpy(p, a.data(), a.size());
  if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
  return {p, a.size() + b.size()};
}

std::string_view Arena::store_byte_level(std::string_view bytes) {
  thread_local std::string mapped;
  mapped.clear();
  append_byte_level(mapped, bytes);
  return store(mapped);
}

void Arena::clear() {
  if (blocks_.size() > 1) {  // keep one block: the common case allocates nothing afterwards
    std::swap(blocks_.front(), blocks_.back());
    blocks_.resize(1);
  }
  used_ = 0;
  capacity_ = blocks_.empty() ? 0 : capacity_;
}

}  // namespace apiq::hf
