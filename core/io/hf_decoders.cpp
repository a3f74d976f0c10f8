// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json decoders: ByteLevel, Metaspace, Replace, ByteFallback, Fuse, Strip, BPEDecoder,
// Sequence. Each rewrites the list of token strings; decode() joins what is left.
#include <nlohmann/json.hpp>

#include "io/hf_tokenizer_parts.h"

namespace apiq::hf {

namespace {

// Tokens whose every character is one of ByteLevel's 256 give those bytes, other tokens their
// own UTF-8; the whole is decoded lossily into one string.
class ByteLevelDecoder : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const std::string& t : tokens) {
      const size_t mark = bytes.size();
      bool all = true;
      for (size_t i = 0; i < t.size() && all;) {
        const int b = char_to_byte(utf8_at(t, i));
        if (b < 0) all = false;
        else bytes += static_cast<char>(b);
        i += utf8_len(static_cast<unsigned char>(t[i]));
      }
      if (!all) bytes.replace(mark, std::string::npos, t);
    }
    std::string out;
    append_utf8_lossy(out, bytes);
    tokens.assign(1, std::move(out));
  }
};

// Every replacement character becomes a space, except in the first token, where all of them go
// (not only a leading one) unless prepend_scheme is "never".
class MetaspaceDecoder : public Decoder {
 public:
  MetaspaceDecoder(std::string replacement, PrependScheme scheme) : rep_(std::move(replacement)), scheme_(scheme) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string out;
      const std::string& t = tokens[i];
      for (size_t k = 0; k < t.size();) {
        if (t.compare(k, rep_.size(), rep_) == 0) {
          if (!(i == 0 && scheme_ != PrependScheme::Never)) out += ' ';
          k += rep_.size();
        } else {
          out += t[k++];
        }
      }
      tokens[i].swap(out);
    }
  }

 private:
  std::string rep_;
  PrependScheme scheme_;
};

class ReplaceDecoder : public Decoder {
 public:
  ReplaceDecoder(Regex pattern, std::string content) : pattern_(std::move(pattern)), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<MatchSpan> m;
    for (std::string& t : tokens) {
      find_matches(pattern_, t, m);
      std::string out;
      for (const MatchSpan& x : m) {
        if (x.is_match) out += content_;
        else out.append(t, x.begin, x.end - x.begin);
      }
      t.swap(out);
    }
  }

 private:
  Regex pattern_;
  std::string content_;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "<0xAB>" (Rust u8::from_str_radix on "AB": a leading '+' is allowed, any case of hex).
int byte_token_value(const std::string& t) {
  if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return -1;
  if (t[3] == '+') return hex_value(t[4]);
  const int hi = hex_value(t[3]), lo = hex_value(t[4]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

// Runs of byte tokens become their UTF-8 text, or one U+FFFD per byte when not valid UTF-8.
class ByteFallbackDecoder : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    std::string pending;
    const auto flush = [&] {
      if (pending.empty()) return;
      if (first_invalid_utf8(pending) == std::string::npos) out.push_back(pending);
      else out.insert(out.end(), pending.size(), "\xEF\xBF\xBD");
      pending.clear();
    };
    for (std::string& t : tokens) {
      const int b = byte_token_value(t);
      if (b >= 0) {
        pending += static_cast<char>(b);
        continue;
      }
      flush();
      out.push_back(std::move(t));
    }
    flush();
    tokens.swap(out);
  }
};

class FuseDecoder : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string all;
    for (const std::string& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

// Up to `start` leading and `stop` trailing copies of one character removed from each token.
class StripDecoder : public Decoder {
 public:
  StripDecoder(char32_t content, size_t start, size_t stop) : content_(content), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::string& t : tokens) {
      std::vector<size_t> at;  // character starts, then the end
      for (size_t i = 0; i < t.size(); i += utf8_len(static_cast<unsigned char>(t[i]))) at.push_back(i);
      const size_t n = at.size();
      at.push_back(t.size());
      size_t first = 0, last = n;
      while (first < std::min(start_, n) && utf8_at(t, at[first]) == content_) ++first;
      for (size_t k = 0; k < stop_ && last > first && utf8_at(t, at[last - 1]) == content_; ++k) --last;
      t = t.substr(at[first], at[last] - at[first]);
    }
  }

 private:
  char32_t content_;
  size_t start_, stop_;
};

class BpeDecoder : public Decoder {
 public:
  explicit BpeDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    if (suffix_.empty()) return;
    for (size_t i = 0; i < tokens.size(); ++i) {
      const std::string with = i + 1 == tokens.size() ? "" : " ";
      std::string& t = tokens[i];
      for (size_t at = t.find(suffix_); at != std::string::npos; at = t.find(suffix_, at + with.size()))
        t.replace(at, suffix_.size(), with);
    }
  }

 private:
  std::string suffix_;
};

class SequenceDecoder : public Decoder {
 public:
  explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> parts) : parts_(std::move(parts)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& p : parts_) p->decode_chain(tokens);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> parts_;
};

size_t count_of(const Json& j, const char* name, const JsonReader& reader, const std::string& key) {
  const int64_t v = reader.int_of(j, name, key);
  if (v < 0) reader.fail(sub_key(key, name), "expected a count");
  return static_cast<size_t>(v);
}

}  // namespace

std::unique_ptr<Decoder> parse_decoder(const Json& j, const JsonReader& reader, const std::string& key) {
  const std::string type = reader.type_of(j, key);
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "Metaspace")
    return std::make_unique<MetaspaceDecoder>(reader.char_of(j, "replacement", key), parse_prepend_scheme(j, reader, key));
  if (type == "Replace") return std::make_unique<ReplaceDecoder>(parse_pattern(j, reader, key), reader.string_of(j, "content", key));
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") {
    const std::string c = reader.char_of(j, "content", key);
    return std::make_unique<StripDecoder>(utf8_at(c, 0), count_of(j, "start", reader, key), count_of(j, "stop", reader, key));
  }
  if (type == "BPEDecoder")
    return std::make_unique<BpeDecoder>(j.contains("suffix") ? reader.string_of(j, "suffix", key) : "</w>");
  if (type == "Sequence") {
    const Json& list = reader.need(j, "decoders", key);
    const std::string lkey = sub_key(key, "decoders");
    if (!list.is_array()) reader.fail(lkey, "expected a list");
    std::vector<std::unique_ptr<Decoder>> parts;
    for (size_t i = 0; i < list.size(); ++i) parts.push_back(parse_decoder(list[i], reader, sub_key(lkey, i)));
    return std::make_unique<SequenceDecoder>(std::move(parts));
  }
  reader.unsupported("decoder", type, sub_key(key, "type"));
}

}  // namespace apiq::hf
