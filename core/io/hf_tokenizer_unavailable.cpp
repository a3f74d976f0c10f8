// SPDX-License-Identifier: GPL-3.0-or-later
// Builds without PCRE2 and ICU (APIQ_WITH_HF_TOKENIZER=OFF) refuse tokenizer.json files.
#include "base/errors.h"
#include "io/hf_tokenizer.h"

namespace apiq {

struct HfTokenizer::Impl {};
HfTokenizer::HfTokenizer() = default;
HfTokenizer::HfTokenizer(HfTokenizer&&) noexcept = default;
HfTokenizer& HfTokenizer::operator=(HfTokenizer&&) noexcept = default;
HfTokenizer::~HfTokenizer() = default;

HfTokenizer HfTokenizer::load(const std::filesystem::path& tokenizer_json) {
  throw InputError(tokenizer_json, "this build reads no tokenizer.json (it was built without PCRE2 and ICU)");
}

std::vector<int64_t> HfTokenizer::encode(const std::string&, bool) const { return {}; }
std::vector<int64_t> HfTokenizer::encode_with_stored_limits(const std::string&, bool) const { return {}; }
std::string HfTokenizer::decode(const std::vector<int64_t>&, bool) const { return {}; }
std::string HfTokenizer::piece(int64_t) const { return {}; }
int64_t HfTokenizer::token_to_id(const std::string&) const { return -1; }
bool HfTokenizer::is_special(int64_t) const { return false; }
int64_t HfTokenizer::bos_id() const { return -1; }
int64_t HfTokenizer::eos_id() const { return -1; }
int64_t HfTokenizer::unk_id() const { return -1; }
int64_t HfTokenizer::vocab_size() const { return 0; }
bool HfTokenizer::adds_bos() const { return false; }
bool HfTokenizer::adds_eos() const { return false; }
const std::filesystem::path& HfTokenizer::path() const {
  static const std::filesystem::path none;
  return none;
}

}  // namespace apiq
