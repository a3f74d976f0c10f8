// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json normalizers: NFC/NFD/NFKC/NFKD (ICU), Lowercase, StripAccents, Prepend, Replace,
// Strip, Sequence.
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "io/hf_tokenizer_parts.h"

namespace apiq::hf {

namespace {

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

class UnicodeNormalizer : public Normalizer {
 public:
  explicit UnicodeNormalizer(const std::string& form) {
    UErrorCode status = U_ZERO_ERROR;
    if (form == "NFC") n_ = icu::Normalizer2::getNFCInstance(status);
    else if (form == "NFD") n_ = icu::Normalizer2::getNFDInstance(status);
    else if (form == "NFKC") n_ = icu::Normalizer2::getNFKCInstance(status);
    else n_ = icu::Normalizer2::getNFKDInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU ") + form + ": " + u_errorName(status));
  }
  void apply(std::string& text) const override {
    if (is_ascii(text)) return;  // ASCII is in every normal form
    UErrorCode status = U_ZERO_ERROR;
    if (n_->isNormalizedUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), status) &&
        U_SUCCESS(status))
      return;
    status = U_ZERO_ERROR;
    std::string out;
    icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(text.size()));
    n_->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink, nullptr, status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU normalization: ") + u_errorName(status));
    text.swap(out);
  }
  bool keeps_first_char() const override { return true; }
  bool uses_unicode_tables() const override { return true; }

 private:
  const icu::Normalizer2* n_ = nullptr;
};

// Rust's char::to_lowercase, one character at a time (so no final-sigma context, as there).
class Lowercase : public Normalizer {
 public:
  void apply(std::string& text) const override {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
      const unsigned char lead = static_cast<unsigned char>(text[i]);
      const size_t n = utf8_len(lead);
      if (lead < 0x80) {
        out += static_cast<char>(lead >= 'A' && lead <= 'Z' ? lead + 32 : lead);
      } else {
        append_lower(out, utf8_at(text, i));
      }
      i += n;
    }
    text.swap(out);
  }
  bool keeps_first_char() const override { return true; }
  bool uses_unicode_tables() const override { return true; }

 private:
  static void append_lower(std::string& out, char32_t c) {
    UChar src[2];
    int32_t src_len = 0;
    U16_APPEND_UNSAFE(src, src_len, static_cast<UChar32>(c));
    UChar dst[8];
    UErrorCode status = U_ZERO_ERROR;
    const int32_t n = u_strToLower(dst, 8, src, src_len, "", &status);
    if (U_FAILURE(status)) {
      append_utf8(out, c);
      return;
    }
    for (int32_t k = 0; k < n;) {
      UChar32 cp;
      U16_NEXT_UNSAFE(dst, k, cp);
      append_utf8(out, static_cast<char32_t>(cp));
    }
  }
};

// unicode-normalization's is_combining_mark: general category M.
class StripAccents : public Normalizer {
 public:
  void apply(std::string& text) const override {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
      const size_t n = utf8_len(static_cast<unsigned char>(text[i]));
      if ((U_GET_GC_MASK(static_cast<UChar32>(utf8_at(text, i))) & U_GC_M_MASK) == 0) out.append(text, i, n);
      i += n;
    }
    text.swap(out);
  }
  bool keeps_first_char() const override { return false; }
  bool uses_unicode_tables() const override { return true; }
};

class Prepend : public Normalizer {
 public:
  explicit Prepend(std::string prefix) : prefix_(std::move(prefix)) {}
  void apply(std::string& text) const override {
    if (!text.empty()) text.insert(0, prefix_);
  }
  bool keeps_first_char() const override { return true; }
  bool uses_unicode_tables() const override { return false; }

 private:
  std::string prefix_;
};

class Replace : public Normalizer {
 public:
  Replace(Regex pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void apply(std::string& text) const override {
    if (text.empty()) return;  // find_matches sees no match in an empty string
    thread_local std::vector<Span> found;
    found.clear();
    pattern_.find_iter(text, found);
    if (found.empty()) return;
    std::string out;
    out.reserve(text.size() + found.size() * content_.size());
    size_t last = 0;
    for (const Span& m : found) {
      out.append(text, last, m.begin - last);
      out += content_;
      last = m.end;
    }
    out.append(text, last, std::string::npos);
    text.swap(out);
  }
  bool keeps_first_char() const override { return false; }
  bool uses_unicode_tables() const override { return !pattern_.is_literal(); }

 private:
  Regex pattern_;
  std::string content_;
};

// Rust's char::is_whitespace at either end.
class Strip : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void apply(std::string& text) const override {
    size_t begin = 0, end = text.size();
    if (left_) {
      while (begin < end && is_white_space(utf8_at(text, begin))) begin += utf8_len(static_cast<unsigned char>(text[begin]));
    }
    if (right_) {
      while (end > begin) {
        size_t start = end - 1;
        while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
        if (!is_white_space(utf8_at(text, start))) break;
        end = start;
      }
    }
    if (begin != 0 || end != text.size()) text = text.substr(begin, end - begin);
  }
  bool keeps_first_char() const override { return !left_; }
  bool uses_unicode_tables() const override { return true; }

 private:
  bool left_, right_;
};

class Sequence : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> parts) : parts_(std::move(parts)) {}
  void apply(std::string& text) const override {
    for (const auto& p : parts_) p->apply(text);
  }
  bool keeps_first_char() const override {
    for (const auto& p : parts_)
      if (!p->keeps_first_char()) return false;
    return true;
  }
  bool uses_unicode_tables() const override {
    for (const auto& p : parts_)
      if (p->uses_unicode_tables()) return true;
    return false;
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> parts_;
};

}  // namespace

// {"String": s} or {"Regex": r}, as Split and Replace give their patterns.
Regex parse_pattern(const Json& obj, const JsonReader& reader, const std::string& key) {
  const Json& p = reader.need(obj, "pattern", key);
  const std::string pkey = sub_key(key, "pattern");
  if (p.is_object() && p.size() == 1 && p.contains("String") && p["String"].is_string())
    return Regex::literal(p["String"].get<std::string>());
  if (p.is_object() && p.size() == 1 && p.contains("Regex") && p["Regex"].is_string())
    return Regex::onig(p["Regex"].get<std::string>(), reader, sub_key(pkey, "Regex"));
  reader.fail(pkey, "expected {\"String\": ...} or {\"Regex\": ...}");
}

std::unique_ptr<Normalizer> parse_normalizer(const Json& j, const JsonReader& reader, const std::string& key) {
  const std::string type = reader.type_of(j, key);
  if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD") return std::make_unique<UnicodeNormalizer>(type);
  if (type == "Lowercase") return std::make_unique<Lowercase>();
  if (type == "StripAccents") return std::make_unique<StripAccents>();
  if (type == "Prepend") return std::make_unique<Prepend>(reader.string_of(j, "prepend", key));
  if (type == "Replace") return std::make_unique<Replace>(parse_pattern(j, reader, key), reader.string_of(j, "content", key));
  if (type == "Strip") {
    return std::make_unique<Strip>(reader.bool_of(j, "strip_left", key), reader.bool_of(j, "strip_right", key));
  }
  if (type == "Sequence") {
    const Json& list = reader.need(j, "normalizers", key);
    const std::string lkey = sub_key(key, "normalizers");
    if (!list.is_array()) reader.fail(lkey, "expected a list");
    std::vector<std::unique_ptr<Normalizer>> parts;
    for (size_t i = 0; i < list.size(); ++i) parts.push_back(parse_normalizer(list[i], reader, sub_key(lkey, i)));
    return std::make_unique<Sequence>(std::move(parts));
  }
  reader.unsupported("normalizer", type, sub_key(key, "type"));
}

}  // namespace apiq::hf
