// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/tokenizer.h"

#include <sentencepiece_processor.h>

#include <optional>

#include "base/errors.h"
#include "io/hf_tokenizer.h"

namespace apiq {
namespace fs = std::filesystem;

struct Tokenizer::Impl {
  sentencepiece::SentencePieceProcessor sp;
  std::optional<HfTokenizer> hf;
};

Tokenizer::Tokenizer() : impl_(std::make_unique<Impl>()) {}
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::load(const fs::path& file) {
  if (!fs::exists(file)) throw InputError(file, "tokenizer file is missing");
  if (!fs::is_regular_file(file)) throw InputError(file, "is not a regular file (a folder?)");
  Tokenizer t;
  t.path_ = file;
  if (file.extension() == ".json") {
    t.impl_->hf.emplace(HfTokenizer::load(file));
    return t;
  }
  sentencepiece::util::Status status;
  try {  // the library throws on some damaged models (a zero-length piece) instead of failing
    status = t.impl_->sp.Load(file.string());
  } catch (const std::exception& e) {
    throw InputError(file, std::string("not a valid SentencePiece model: ") + e.what());
  }
  if (!status.ok()) throw InputError(file, "not a valid SentencePiece model: " + status.ToString());
  return t;
}

Tokenizer Tokenizer::load_from_dir(const fs::path& dir) {
  if (fs::exists(dir / "tokenizer.json")) return load(dir / "tokenizer.json");
  const auto f = dir / "tokenizer.model";
  if (!fs::exists(f)) throw InputError(f, "tokenizer is missing (and there is no tokenizer.json)");
  return load(f);
}

const HfTokenizer* Tokenizer::hf() const { return impl_->hf ? &*impl_->hf : nullptr; }

std::vector<int64_t> Tokenizer::encode(const std::string& text) const {
  if (impl_->hf) {
    try {
      return impl_->hf->encode(text, /*add_special_tokens=*/false);
    } catch (const std::exception& e) {  // invalid UTF-8, an unk_token missing from the vocabulary, a regex limit
      throw InputError(path_, std::string("cannot encode the text: ") + e.what());
    }
  }
  std::vector<int> ids;
  const auto status = impl_->sp.Encode(text, &ids);
  if (!status.ok()) throw InputError(path_, "cannot encode the text: " + status.ToString());
  return {ids.begin(), ids.end()};
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids) const {
  for (auto id : ids)
    if (id < 0 || id >= vocab_size()) throw std::out_of_range("token id " + std::to_string(id) + " outside the vocabulary");
  if (impl_->hf) return impl_->hf->decode(ids);
  const std::vector<int> v(ids.begin(), ids.end());
  std::string out;
  const auto status = impl_->sp.Decode(v, &out);
  if (!status.ok()) throw std::runtime_error("tokenizer decode failed: " + status.ToString());
  return out;
}

std::string Tokenizer::piece(int64_t id) const {
  return impl_->hf ? impl_->hf->piece(id) : impl_->sp.IdToPiece(static_cast<int>(id));
}
int64_t Tokenizer::bos_id() const { return impl_->hf ? impl_->hf->bos_id() : impl_->sp.bos_id(); }
int64_t Tokenizer::eos_id() const { return impl_->hf ? impl_->hf->eos_id() : impl_->sp.eos_id(); }
int64_t Tokenizer::unk_id() const { return impl_->hf ? impl_->hf->unk_id() : impl_->sp.unk_id(); }
int64_t Tokenizer::vocab_size() const { return impl_->hf ? impl_->hf->vocab_size() : impl_->sp.GetPieceSize(); }

void copy_tokenizer_files(const fs::path& from, const fs::path& to) {
  static const char* const kFiles[] = {"tokenizer.model", "tokenizer.json", "tokenizer_config.json",
                                       "special_tokens_map.json", "generation_config.json", "chat_template.jinja"};
  bool any = false;
  for (const char* f : kFiles) {
    if (!fs::exists(from / f)) continue;
    fs::copy_file(from / f, to / f);
    any = any || std::string(f).rfind("tokenizer.", 0) == 0;
  }
  if (!any) throw InputError(from, "no tokenizer file (tokenizer.model or tokenizer.json) to copy");
}

}  // namespace apiq
