// SPDX-License-Identifier: GPL-3.0-or-later
// Hugging Face tokenizer.json (BPE models), giving the ids of the Python `tokenizers` library.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace apiq {

class HfTokenizer {
 public:
  // tokenizer.json, plus tokenizer_config.json beside it when present (bos_token, eos_token,
  // unk_token). Anything in the file we do not implement exactly throws InputError naming the key.
  static HfTokenizer load(const std::filesystem::path& tokenizer_json);
  HfTokenizer(HfTokenizer&&) noexcept;
  HfTokenizer& operator=(HfTokenizer&&) noexcept;
  ~HfTokenizer();

  // Tokenizer.encode(text, add_special_tokens).ids, without the "truncation" and "padding" stored
  // in tokenizer.json (transformers drops them too unless asked). Safe to call from several
  // threads at once. Throws std::invalid_argument when text is not valid UTF-8, or when the
  // pipeline uses Unicode properties and text holds a code point our Unicode tables (PCRE2's,
  // older than the library's) call unassigned: its ids could differ, so we refuse.
  std::vector<int64_t> encode(const std::string& text, bool add_special_tokens = false) const;
  // Tokenizer.encode(...).ids exactly as Tokenizer.from_file gives them: stored truncation and
  // padding applied.
  std::vector<int64_t> encode_with_stored_limits(const std::string& text, bool add_special_tokens) const;
  // Tokenizer.decode(ids, skip_special_tokens); ids outside the vocabulary are dropped, as there;
  // a negative id (or one above 2^32 - 1) throws std::out_of_range.
  std::string decode(const std::vector<int64_t>& ids, bool skip_special_tokens = false) const;

  // Tokenizer.id_to_token: the vocabulary string of an id, added tokens included (an added token
  // with normalized=true gives its normalized form). Throws std::out_of_range for an unknown id.
  std::string piece(int64_t id) const;
  int64_t token_to_id(const std::string& token) const;  // -1 when absent
  bool is_special(int64_t id) const;                    // an added token marked special
  // From tokenizer_config.json's bos_token / eos_token / unk_token, else the post-processor's
  // first / last special token (BOS / EOS) and the BPE model's unk_token; -1 when none.
  int64_t bos_id() const;
  int64_t eos_id() const;
  int64_t unk_id() const;
  int64_t vocab_size() const;  // largest id + 1, added tokens included
  // Whether encode(..., true) puts BOS first / EOS last. transformers >= 5 ignores
  // tokenizer_config.json's add_bos_token / add_eos_token when tokenizer.json exists (it keeps the
  // post-processor), and so do we.
  bool adds_bos() const;
  bool adds_eos() const;
  const std::filesystem::path& path() const;

 private:
  HfTokenizer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace apiq
