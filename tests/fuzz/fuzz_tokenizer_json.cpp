// SPDX-License-Identifier: GPL-3.0-or-later
// A tokenizer.json of arbitrary bytes through Tokenizer::load, then one encode/decode round on a
// text with ASCII, digits, accents, CJK and an emoji.
#include <cstdint>
#include <stdexcept>

#include "base/errors.h"
#include "fuzz_common.h"
#include "io/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = apiq::fuzz::write_scratch(data, size, ".json");
  try {
    const auto tok = apiq::Tokenizer::load(path);
    const auto ids = tok.encode("Hello  world 2024!\n\tcaf\xc3\xa9 \xe4\xbd\xa0\xe5\xa5\xbd \xf0\x9f\x99\x82 <s>");
    for (auto id : ids)
      if (id < 0 || id >= tok.vocab_size()) __builtin_trap();
    (void)tok.decode(ids);
  } catch (const apiq::InputError&) {
  }
  return 0;
}
