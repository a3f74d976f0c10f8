// SPDX-License-Identifier: GPL-3.0-or-later
// A model folder's tokenizer: Hugging Face tokenizer.json (hf_tokenizer.h) when present, else
// SentencePiece tokenizer.model. Neither library's headers reach our interface.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace apiq {

class HfTokenizer;

class Tokenizer {
 public:
  // A tokenizer.json (by its extension) or a SentencePiece model file.
  static Tokenizer load(const std::filesystem::path& file);
  // A model folder's tokenizer.json, else its tokenizer.model.
  static Tokenizer load_from_dir(const std::filesystem::path& dir);
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  std::vector<int64_t> encode(const std::string& text) const;  // no BOS/EOS added, special tokens matched
  std::string decode(const std::vector<int64_t>& ids) const;
  std::string piece(int64_t id) const;
  int64_t bos_id() const;  // -1 when the tokenizer has none
  int64_t eos_id() const;  // -1 when none
  int64_t unk_id() const;  // -1 when none
  int64_t vocab_size() const;
  const std::filesystem::path& path() const { return path_; }
  // The tokenizer.json backend, or null for SentencePiece.
  const HfTokenizer* hf() const;

 private:
  Tokenizer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_;
};

// Copies the tokenizer files (tokenizer.model, tokenizer.json, tokenizer_config.json,
// special_tokens_map.json, generation_config.json) that exist in `from` into `to`; InputError when
// `from` has no tokenizer at all.
void copy_tokenizer_files(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace apiq
