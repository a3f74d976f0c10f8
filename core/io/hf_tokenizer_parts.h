// SPDX-License-Identifier: GPL-3.0-or-later
// Internal parts of the tokenizer.json reader (io/hf_tokenizer.h). Each stage follows what the
// Python `tokenizers` library (0.23) does, down to its quirks; see the comments where it surprises.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

struct pcre2_real_code_8;

namespace apiq::hf {

using Json = nlohmann::json;

// ---- reading tokenizer.json (hf_text.cpp) -------------------------------------------------

// Every error names the file and the JSON key, as one line.
struct JsonReader {
  std::filesystem::path file;

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;
  [[noreturn]] void unsupported(const std::string& kind, const std::string& type, const std::string& key) const;
  const Json& need(const Json& obj, const char* name, const std::string& key) const;
  std::string string_of(const Json& obj, const char* name, const std::string& key) const;
  // default_value < 0: the key is required; null counts as absent.
  bool bool_of(const Json& obj, const char* name, const std::string& key, int default_value = -1) const;
  int64_t int_of(const Json& obj, const char* name, const std::string& key) const;
  std::string type_of(const Json& obj, const std::string& key) const;  // obj["type"]
  // The one character of a JSON string (Rust `char` fields such as Metaspace.replacement).
  std::string char_of(const Json& obj, const char* name, const std::string& key) const;
};
std::string sub_key(const std::string& key, const char* name);  // "a" + "b" -> "a.b"
std::string sub_key(const std::string& key, size_t index);      // "a" + 3 -> "a[3]"

// ---- UTF-8 and Unicode properties (hf_text.cpp; properties through ICU) --------------------

inline size_t utf8_len(unsigned char lead) { return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4; }
char32_t utf8_at(std::string_view s, size_t i);  // s is valid UTF-8 and i starts a character
void append_utf8(std::string& out, char32_t cp);
size_t first_invalid_utf8(std::string_view s);  // std::string_view::npos when valid
void append_utf8_lossy(std::string& out, std::string_view bytes);  // Rust String::from_utf8_lossy
bool is_white_space(char32_t c);  // Rust char::is_whitespace, regex \s
bool is_numeric(char32_t c);      // Rust char::is_numeric: general category N
bool is_word_char(char32_t c);    // Rust regex crate \w

// ByteLevel's byte <-> printable character rule (GPT-2).
char32_t byte_to_char(unsigned char b);
int char_to_byte(char32_t c);  // -1 for a character outside the 256
void append_byte_level(std::string& out, std::string_view bytes);

// ---- regular expressions (hf_text.cpp; PCRE2 standing in for Oniguruma) --------------------

struct Span {
  size_t begin = 0;
  size_t end = 0;
};
struct MatchSpan {
  size_t begin = 0;
  size_t end = 0;
  bool is_match = false;
};

class Regex {
 public:
  // An Oniguruma pattern as tokenizers compiles it ("Regex" patterns); constructs whose meaning
  // differs in PCRE2 are rewritten, and those we cannot rewrite throw.
  static Regex onig(const std::string& pattern, const JsonReader& reader, const std::string& key);
  // A literal string ("String" patterns).
  static Regex literal(const std::string& text);
  // Appends the non-overlapping matches in the order Oniguruma's find_iter yields them.
  void find_iter(std::string_view s, std::vector<Span>& out) const;
  bool is_literal() const;  // a non-empty "String" pattern: no Unicode property involved

 private:
  std::shared_ptr<pcre2_real_code_8> code_;
  std::string literal_;
};

// Our Unicode tables (PCRE2's, ICU's) are older than those of the tokenizers build we follow
// (Unicode 16): a code point unassigned here may be a letter there. Where the pipeline looks at
// Unicode properties, encode refuses text holding one rather than give other ids silently.
size_t first_unassigned(std::string_view s);  // byte offset, npos when none
std::string unicode_version();                // PCRE2's, e.g. "14.0.0"

// A "pattern" key: {"String": text} or {"Regex": oniguruma pattern} (Split, Replace).
Regex parse_pattern(const Json& obj, const JsonReader& reader, const std::string& key);
// The library's Pattern::find_matches: spans covering s, each a match or not.
void find_matches(const Regex& re, std::string_view s, std::vector<MatchSpan>& out);
template <class Pred>
void find_char_matches(std::string_view s, Pred pred, std::vector<MatchSpan>& out) {
  out.clear();
  if (s.empty()) {
    out.push_back({0, 0, false});
    return;
  }
  size_t last = 0;
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_len(static_cast<unsigned char>(s[i]));
    if (pred(utf8_at(s, i))) {
      if (last < i) out.push_back({last, i, false});
      out.push_back({i, i + n, true});
      last = i + n;
    }
    i += n;
  }
  if (s.size() > last) out.push_back({last, s.size(), false});
}

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };
SplitBehavior parse_split_behavior(const Json& obj, const JsonReader& reader, const std::string& key);
// NormalizedString::split: the spans kept, empty ones included (callers drop them).
void split_spans(std::vector<MatchSpan>& matches, SplitBehavior behavior, std::vector<Span>& kept);

// Stable storage for text made while pre-tokenizing (string_views into it stay valid until clear).
class Arena {
 public:
  std::string_view store(std::string_view a, std::string_view b = {});
  std::string_view store_byte_level(std::string_view bytes);
  void clear();

 private:
  char* reserve(size_t n);
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0;
  size_t capacity_ = 0;
};

// ---- normalizers (hf_normalizers.cpp) --------------------------------------------------------

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void apply(std::string& text) const = 0;
  virtual bool uses_unicode_tables() const = 0;
  // Whether the first character always stays aligned with the original first character; when not,
  // Metaspace's prepend_scheme "first" could see another offset than ours, so we refuse it.
  virtual bool keeps_first_char() const = 0;
};
std::unique_ptr<Normalizer> parse_normalizer(const Json& j, const JsonReader& reader, const std::string& key);

// ---- pre-tokenizers (hf_pretokenizers.cpp) -------------------------------------------------

struct Piece {
  std::string_view text;
  bool at_start = false;  // begins at offset 0 of the input (Metaspace prepend_scheme "first")
};
struct PreTokenizeScratch {
  Arena arena;
  std::vector<Piece> next;
  std::vector<MatchSpan> matches;
  std::vector<Span> spans;
};

enum class PrependScheme { Always, First, Never };
// Metaspace's prepend_scheme (pre-tokenizer and decoder), with its legacy add_prefix_space.
PrependScheme parse_prepend_scheme(const Json& obj, const JsonReader& reader, const std::string& key);

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  virtual void apply(const std::vector<Piece>& in, std::vector<Piece>& out, PreTokenizeScratch& s) const = 0;
  virtual bool uses_unicode_tables() const = 0;
};

class PreTokenizerChain {
 public:
  // j may be null (no pre-tokenizer).
  static PreTokenizerChain parse(const Json& j, const JsonReader& reader, const Normalizer* normalizer);
  void run(std::vector<Piece>& pieces, PreTokenizeScratch& s) const;
  // The last step is ByteLevel: BpeModel maps bytes to characters itself (its cache sees raw text).
  bool model_maps_bytes() const { return model_maps_bytes_; }
  bool uses_unicode_tables() const;
  bool keeps_text_whole() const;  // no step splits (none, or Metaspace with split false)

 private:
  std::vector<std::unique_ptr<PreTokenizer>> steps_;
  bool model_maps_bytes_ = false;
};

// ---- the BPE model (hf_bpe.cpp) ------------------------------------------------------------

class BpeModel {
 public:
  static std::unique_ptr<BpeModel> parse(const Json& model, const JsonReader& reader, const std::string& key);
  // Appends the ids of one pre-token; map_bytes: apply ByteLevel's byte-to-char mapping first.
  void tokenize(std::string_view word, bool map_bytes, std::vector<int64_t>& out) const;
  int64_t token_to_id(std::string_view token) const;  // -1 when absent
  const std::string* id_to_token(int64_t id) const;   // null when absent
  size_t vocab_count() const { return vocab_.size(); }
  int64_t max_id() const { return static_cast<int64_t>(id_to_token_.size()) - 1; }
  const std::string& unk_token() const { return unk_token_; }  // empty when none
  // For pipelines that hand the model whole texts (no splitting pre-tokenizer): long words are cut
  // where no merge can ever reach across, and the parts go through the cache.
  void enable_long_word_cuts();

 private:
  struct Merge {
    uint32_t rank;
    int32_t new_id;
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using StringMap = std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>>;
  using CacheMap = std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>>;

  static uint64_t pair_key(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
  const Merge* find_merge(int32_t a, int32_t b) const;
  void build_merge_table(std::vector<std::pair<uint64_t, Merge>>& merges);
  void load_merges(const Json& merges, const JsonReader& reader, const std::string& key);
  void initial_symbols(std::string_view word, std::vector<int32_t>& ids, std::vector<uint32_t>& lens) const;
  void merge_word(std::string_view word, std::vector<int32_t>& out) const;
  void merge_long_word(std::string_view word, std::vector<int32_t>& out) const;
  bool cached(std::string_view word, std::vector<int32_t>& out) const;
  void remember(std::string_view word, const std::vector<int32_t>& ids) const;

  StringMap vocab_;
  std::vector<const std::string*> id_to_token_;
  std::vector<std::pair<uint64_t, Merge>> merge_slots_;  // open addressing; key ~0 marks empty
  uint64_t merge_mask_ = 0;
  std::string unk_token_;
  int32_t unk_id_ = -1;
  std::string prefix_;  // continuing_subword_prefix
  std::string suffix_;  // end_of_word_suffix
  bool fuse_unk_ = false;
  bool byte_fallback_ = false;
  bool ignore_merges_ = false;
  int32_t byte_ids_[256];  // "<0xAB>" tokens for byte_fallback, -1 when absent
  bool cut_long_words_ = false;
  std::unordered_map<char32_t, bool> single_chars_;  // characters that are tokens by themselves
  std::unordered_map<uint64_t, bool> inner_pairs_;   // adjacent characters inside some token

  mutable std::shared_mutex cache_mutex_;
  mutable CacheMap cache_;
};

// ---- added tokens (hf_added_tokens.cpp) ----------------------------------------------------

struct AddedToken {
  std::string content;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = true;
  bool special = false;
  bool operator==(const AddedToken&) const = default;
};
struct TokenSpan {
  size_t begin = 0;
  size_t end = 0;
  int64_t id = -1;  // -1: plain text
};

class AddedVocabulary {
 public:
  AddedVocabulary();
  ~AddedVocabulary();
  AddedVocabulary(AddedVocabulary&&) noexcept;
  AddedVocabulary& operator=(AddedVocabulary&&) noexcept;
  // The library's AddedVocabulary::add_tokens (ids come from the vocabularies, not from the file).
  void add(const std::vector<AddedToken>& tokens, const BpeModel& model, const Normalizer* normalizer);
  // find_matches with the tokens that have normalized=false (raw text) or true (normalized text).
  void split(std::string_view text, bool normalized_tokens, std::vector<TokenSpan>& out) const;
  int64_t token_to_id(std::string_view content) const;  // -1 when absent
  const std::string* id_to_token(int64_t id) const;     // normalized form when it differs
  bool is_special_string(std::string_view token) const;
  bool is_special_id(int64_t id) const;
  bool uses_unicode_tables() const;  // some token has single_word, lstrip or rstrip
  int64_t max_id() const;

 private:
  struct Trie;
  std::unordered_map<std::string, int64_t> content_to_id_;
  std::unordered_map<int64_t, AddedToken> tokens_;
  std::unordered_map<int64_t, std::string> normalized_form_;
  std::unordered_map<std::string, bool> special_;
  std::unique_ptr<Trie> raw_trie_;
  std::unique_ptr<Trie> normalized_trie_;
};

// ---- decoders (hf_decoders.cpp) ------------------------------------------------------------

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};
std::unique_ptr<Decoder> parse_decoder(const Json& j, const JsonReader& reader, const std::string& key);

// ---- post-processors, truncation and padding (hf_processors.cpp) ---------------------------

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  virtual void process(std::vector<int64_t>& ids, bool add_special_tokens) const = 0;
  virtual size_t added_tokens() const = 0;  // for a single sequence
};
std::unique_ptr<PostProcessor> parse_post_processor(const Json& j, const JsonReader& reader, const std::string& key);

struct StoredLimits {
  bool truncate = false;
  size_t max_length = 0;
  size_t stride = 0;
  bool truncate_left = false;
  bool pad = false;
  size_t pad_length = 0;  // 0: BatchLongest (a single sequence is its own longest)
  size_t pad_multiple = 0;
  bool pad_left = false;
  int64_t pad_id = 0;
};
StoredLimits parse_stored_limits(const Json& root, const JsonReader& reader);
// The library's post_process: truncation, the post-processor, padding (limits null: none).
void post_process(const PostProcessor* post, const StoredLimits* limits, bool add_special_tokens,
                  std::vector<int64_t>& ids);

}  // namespace apiq::hf
