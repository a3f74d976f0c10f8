// SPDX-License-Identifier: GPL-3.0-or-later
// A tokenizer.model of arbitrary bytes through Tokenizer::load, then one encode/decode round.
#include <cstdint>

#include "base/errors.h"
#include "fuzz_common.h"
#include "io/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto path = apiq::fuzz::write_scratch(data, size, ".model");
  try {
    const auto tok = apiq::Tokenizer::load(path);
    const auto ids = tok.encode("Once upon a time, 42 cats sat.");
    for (auto id : ids)
      if (id < 0 || id >= tok.vocab_size()) __builtin_trap();
    (void)tok.decode(ids);
  } catch (const apiq::InputError&) {  // the one way a damaged file may fail
  }
  return 0;
}
