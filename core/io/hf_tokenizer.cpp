// SPDX-License-Identifier: GPL-3.0-or-later
// HfTokenizer: loads tokenizer.json and runs the library's pipeline: added tokens split out of the
// raw text, the normalizer on each remaining piece, added tokens again in the normalized pieces,
// the pre-tokenizer, the BPE model, the post-processor.
#include "io/hf_tokenizer.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "base/errors.h"
#include "io/hf_tokenizer_parts.h"

namespace apiq {

using hf::Json;

struct HfTokenizer::Impl {
  std::filesystem::path path;
  std::unique_ptr<hf::Normalizer> normalizer;
  hf::PreTokenizerChain pre;
  std::unique_ptr<hf::BpeModel> model;
  hf::AddedVocabulary added;
  std::unique_ptr<hf::Decoder> decoder;
  std::unique_ptr<hf::PostProcessor> post;
  hf::StoredLimits limits;
  int64_t bos = -1, eos = -1, unk = -1;
  bool adds_bos = false, adds_eos = false;
  bool uses_unicode_tables = false;

  int64_t token_to_id(std::string_view token) const {
    const int64_t id = added.token_to_id(token);
    return id >= 0 ? id : model->token_to_id(token);
  }
  const std::string* id_to_token(int64_t id) const {
    const std::string* t = added.id_to_token(id);
    return t != nullptr ? t : model->id_to_token(id);
  }
  void encode_text(std::string_view text, std::vector<int64_t>& ids) const;
  void encode_piece(std::string_view normalized, bool at_start, std::vector<int64_t>& ids) const;
  void check_text(const std::string& text) const;  // throws std::invalid_argument
  void read_config(const std::filesystem::path& config);
  void find_special_ids();
};

namespace {

Json read_json(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, std::filesystem::exists(file) ? "cannot be read" : "missing");
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    return Json::parse(buffer.str());
  } catch (const Json::exception& e) {
    throw InputError(file, std::string("not valid JSON: ") + e.what());
  }
}

std::vector<hf::AddedToken> parse_added_tokens(const Json& root, const hf::JsonReader& reader) {
  std::vector<hf::AddedToken> tokens;
  auto it = root.find("added_tokens");
  if (it == root.end() || it->is_null()) return tokens;
  if (!it->is_array()) reader.fail("added_tokens", "expected a list");
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& t = (*it)[i];
    const std::string key = hf::sub_key("added_tokens", i);
    hf::AddedToken a;
    a.content = reader.string_of(t, "content", key);
    a.single_word = reader.bool_of(t, "single_word", key, 0);
    a.lstrip = reader.bool_of(t, "lstrip", key, 0);
    a.rstrip = reader.bool_of(t, "rstrip", key, 0);
    a.normalized = reader.bool_of(t, "normalized", key, 1);
    a.special = reader.bool_of(t, "special", key, 0);
    tokens.push_back(std::move(a));
  }
  return tokens;
}

// A tokenizer_config.json token: "text", {"content": "text", ...} or null.
std::string config_token(const Json& config, const char* name) {
  auto it = config.find(name);
  if (it == config.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string()) return (*it)["content"].get<std::string>();
  return {};
}

}  // namespace

void HfTokenizer::Impl::read_config(const std::filesystem::path& config_path) {
  const Json config = read_json(config_path);
  if (!config.is_object()) throw InputError(config_path, "expected a JSON object");
  const auto id_of = [&](const char* name) {
    const std::string token = config_token(config, name);
    return token.empty() ? int64_t{-1} : token_to_id(token);
  };
  bos = id_of("bos_token");
  eos = id_of("eos_token");
  unk = id_of("unk_token");
}

// BOS / EOS the post-processor adds (seen around a marker id), when the config names none.
void HfTokenizer::Impl::find_special_ids() {
  constexpr int64_t kMarker = -7;
  std::vector<int64_t> probe{kMarker};
  hf::post_process(post.get(), nullptr, true, probe);
  if (bos < 0 && probe.front() != kMarker) bos = probe.front();
  if (eos < 0 && probe.back() != kMarker) eos = probe.back();
  if (unk < 0 && !model->unk_token().empty()) unk = model->token_to_id(model->unk_token());
  adds_bos = bos >= 0 && probe.front() == bos;
  adds_eos = eos >= 0 && probe.back() == eos;
}

HfTokenizer HfTokenizer::load(const std::filesystem::path& tokenizer_json) {
  const Json root = read_json(tokenizer_json);
  const hf::JsonReader reader{tokenizer_json};
  if (!root.is_object()) throw InputError(tokenizer_json, "expected a JSON object");
  if (auto v = root.find("version"); v != root.end() && (!v->is_string() || v->get<std::string>() != "1.0"))
    reader.unsupported("tokenizer.json version", v->dump(), "version");
  HfTokenizer tok;
  Impl& m = *tok.impl_;
  m.path = tokenizer_json;
  m.model = hf::BpeModel::parse(reader.need(root, "model", ""), reader, "model");
  const auto present = [&](const char* name) {
    auto it = root.find(name);
    return it != root.end() && !it->is_null() ? &*it : nullptr;
  };
  if (const Json* n = present("normalizer")) m.normalizer = hf::parse_normalizer(*n, reader, "normalizer");
  m.pre = hf::PreTokenizerChain::parse(present("pre_tokenizer") ? *present("pre_tokenizer") : Json(), reader,
                                       m.normalizer.get());
  if (const Json* p = present("post_processor")) m.post = hf::parse_post_processor(*p, reader, "post_processor");
  if (const Json* d = present("decoder")) m.decoder = hf::parse_decoder(*d, reader, "decoder");
  m.added.add(parse_added_tokens(root, reader), *m.model, m.normalizer.get());
  if (m.pre.keeps_text_whole() && !m.pre.model_maps_bytes()) m.model->enable_long_word_cuts();
  m.limits = hf::parse_stored_limits(root, reader);
  const auto config = tokenizer_json.parent_path() / "tokenizer_config.json";
  if (std::filesystem::exists(config)) m.read_config(config);
  m.find_special_ids();
  m.uses_unicode_tables = (m.normalizer && m.normalizer->uses_unicode_tables()) || m.pre.uses_unicode_tables() ||
                          m.added.uses_unicode_tables();
  return tok;
}

void HfTokenizer::Impl::encode_piece(std::string_view normalized, bool at_start, std::vector<int64_t>& ids) const {
  thread_local std::vector<hf::TokenSpan> spans;
  thread_local std::vector<hf::Piece> pieces;
  thread_local hf::PreTokenizeScratch scratch;
  added.split(normalized, true, spans);
  for (const hf::TokenSpan& s : spans) {
    if (s.id >= 0) {
      ids.push_back(s.id);
      continue;
    }
    if (s.end == s.begin) continue;
    pieces.assign(1, hf::Piece{normalized.substr(s.begin, s.end - s.begin), at_start && s.begin == 0});
    pre.run(pieces, scratch);
    for (const hf::Piece& p : pieces) model->tokenize(p.text, pre.model_maps_bytes(), ids);
    scratch.arena.clear();
  }
}

void HfTokenizer::Impl::encode_text(std::string_view text, std::vector<int64_t>& ids) const {
  std::vector<hf::TokenSpan> raw;
  added.split(text, false, raw);
  std::string normalized;
  for (const hf::TokenSpan& r : raw) {
    if (r.id >= 0) {
      ids.push_back(r.id);
      continue;
    }
    if (r.end == r.begin) continue;
    const std::string_view piece = text.substr(r.begin, r.end - r.begin);
    if (normalizer == nullptr) {
      encode_piece(piece, r.begin == 0, ids);
      continue;
    }
    normalized.assign(piece);
    normalizer->apply(normalized);
    if (!normalized.empty()) encode_piece(normalized, r.begin == 0, ids);
  }
}

void HfTokenizer::Impl::check_text(const std::string& text) const {
  if (const size_t bad = hf::first_invalid_utf8(text); bad != std::string::npos)
    throw std::invalid_argument("text is not valid UTF-8 at byte " + std::to_string(bad));
  if (!uses_unicode_tables) return;
  if (const size_t at = hf::first_unassigned(text); at != std::string::npos) {
    char cp[16];
    std::snprintf(cp, sizeof cp, "U+%04X", static_cast<unsigned>(hf::utf8_at(text, at)));
    throw std::invalid_argument("text holds " + std::string(cp) + " (byte " + std::to_string(at) +
                                "), unassigned in our Unicode " + hf::unicode_version() +
                                " tables but perhaps a letter or digit to tokenizers (Unicode 16); refused rather"
                                " than risk other ids");
  }
}

std::vector<int64_t> HfTokenizer::encode(const std::string& text, bool add_special_tokens) const {
  impl_->check_text(text);
  std::vector<int64_t> ids;
  impl_->encode_text(text, ids);
  hf::post_process(impl_->post.get(), nullptr, add_special_tokens, ids);
  return ids;
}

std::vector<int64_t> HfTokenizer::encode_with_stored_limits(const std::string& text, bool add_special_tokens) const {
  impl_->check_text(text);
  std::vector<int64_t> ids;
  impl_->encode_text(text, ids);
  hf::post_process(impl_->post.get(), &impl_->limits, add_special_tokens, ids);
  return ids;
}

std::string HfTokenizer::decode(const std::vector<int64_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (int64_t id : ids) {
    if (id < 0 || id > UINT32_MAX) throw std::out_of_range("token id " + std::to_string(id) + " is not a token id");
    const std::string* t = impl_->id_to_token(id);
    if (t == nullptr) continue;
    // The library tests the string, so an added token shown in normalized form is never skipped.
    if (skip_special_tokens && impl_->added.is_special_string(*t)) continue;
    tokens.push_back(*t);
  }
  std::string out;
  if (impl_->decoder == nullptr) {
    for (size_t i = 0; i < tokens.size(); ++i) out += (i > 0 ? " " : "") + tokens[i];
    return out;
  }
  impl_->decoder->decode_chain(tokens);
  for (const std::string& t : tokens) out += t;
  return out;
}

std::string HfTokenizer::piece(int64_t id) const {
  const std::string* t = impl_->id_to_token(id);
  if (t == nullptr) throw std::out_of_range("token id " + std::to_string(id) + " is not in the vocabulary");
  return *t;
}

int64_t HfTokenizer::token_to_id(const std::string& token) const { return impl_->token_to_id(token); }
bool HfTokenizer::is_special(int64_t id) const { return impl_->added.is_special_id(id); }
int64_t HfTokenizer::bos_id() const { return impl_->bos; }
int64_t HfTokenizer::eos_id() const { return impl_->eos; }
int64_t HfTokenizer::unk_id() const { return impl_->unk; }
int64_t HfTokenizer::vocab_size() const { return std::max(impl_->model->max_id(), impl_->added.max_id()) + 1; }
bool HfTokenizer::adds_bos() const { return impl_->adds_bos; }
bool HfTokenizer::adds_eos() const { return impl_->adds_eos; }
const std::filesystem::path& HfTokenizer::path() const { return impl_->path; }

HfTokenizer::HfTokenizer() : impl_(std::make_unique<Impl>()) {}
HfTokenizer::HfTokenizer(HfTokenizer&&) noexcept = default;
HfTokenizer& HfTokenizer::operator=(HfTokenizer&&) noexcept = default;
HfTokenizer::~HfTokenizer() = default;

}  // namespace apiq
