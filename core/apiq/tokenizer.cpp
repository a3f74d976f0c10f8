// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiq/tokenizer.h"

#include <sentencepiece_processor.h>

#include "apiq/errors.h"

namespace apiq {

struct Tokenizer::Impl {
  sentencepiece::SentencePieceProcessor sp;
};

Tokenizer::Tokenizer() : impl_(std::make_unique<Impl>()) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::load(const std::filesystem::path& model_file) {
  if (!std::filesystem::exists(model_file)) throw InputError(model_file, "tokenizer file is missing");
  Tokenizer t;
  t.path_ = model_file;
  const auto status = t.impl_->sp.Load(model_file.string());
  if (!status.ok()) throw InputError(model_file, "not a valid SentencePiece model: " + status.ToString());
  return t;
}

Tokenizer Tokenizer::load_from_dir(const std::filesystem::path& dir) {
  const auto f = dir / "tokenizer.model";
  if (!std::filesystem::exists(f))
    throw InputError(f, "tokenizer is missing (only SentencePiece tokenizer.model is supported)");
  return load(f);
}

std::vector<int64_t> Tokenizer::encode(const std::string& text) const {
  std::vector<int> ids;
  const auto status = impl_->sp.Encode(text, &ids);
  if (!status.ok()) throw std::runtime_error("tokenizer encode failed: " + status.ToString());
  return {ids.begin(), ids.end()};
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids) const {
  std::vector<int> v;
  v.reserve(ids.size());
  for (auto id : ids) {
    if (id < 0 || id >= vocab_size()) throw std::out_of_range("token id " + std::to_string(id) + " outside the vocabulary");
    v.push_back(static_cast<int>(id));
  }
  std::string out;
  const auto status = impl_->sp.Decode(v, &out);
  if (!status.ok()) throw std::runtime_error("tokenizer decode failed: " + status.ToString());
  return out;
}

std::string Tokenizer::piece(int64_t id) const { return impl_->sp.IdToPiece(static_cast<int>(id)); }
int64_t Tokenizer::bos_id() const { return impl_->sp.bos_id(); }
int64_t Tokenizer::eos_id() const { return impl_->sp.eos_id(); }
int64_t Tokenizer::unk_id() const { return impl_->sp.unk_id(); }
int64_t Tokenizer::vocab_size() const { return impl_->sp.GetPieceSize(); }

}  // namespace apiq
