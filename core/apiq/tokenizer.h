// SPDX-License-Identifier: GPL-3.0-or-later
// SentencePiece tokenizer.model; the SentencePiece headers stay out of our interface.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace apiq {

class Tokenizer {
 public:
  static Tokenizer load(const std::filesystem::path& model_file);
  // A model folder's tokenizer.model.
  static Tokenizer load_from_dir(const std::filesystem::path& dir);
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  std::vector<int64_t> encode(const std::string& text) const;  // no BOS/EOS added
  std::string decode(const std::vector<int64_t>& ids) const;
  std::string piece(int64_t id) const;
  int64_t bos_id() const;
  int64_t eos_id() const;
  int64_t unk_id() const;
  int64_t vocab_size() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  Tokenizer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_;
};

}  // namespace apiq
