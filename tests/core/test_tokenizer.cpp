// SPDX-License-Identifier: GPL-3.0-or-later
// Expected ids were produced by the Python `sentencepiece` package on the same model files.
#include <fstream>

#include "base/errors.h"
#include "io/tokenizer.h"
#include "test_util.h"

using namespace apiq;
using Ids = std::vector<int64_t>;

TEST(Tokenizer, Llama2FullScale) {
  APIQ_REQUIRE_SHARED("tokenizers/llama2-32k.model");
  auto tok = Tokenizer::load(apiq::test::shared("tokenizers/llama2-32k.model"));
  EXPECT_EQ(tok.vocab_size(), 32000);
  EXPECT_EQ(tok.bos_id(), 1);
  EXPECT_EQ(tok.eos_id(), 2);
  EXPECT_EQ(tok.unk_id(), 0);
  EXPECT_EQ(tok.encode("Hello world"), (Ids{15043, 3186}));
  EXPECT_EQ(tok.encode("Once upon a time"), (Ids{9038, 2501, 263, 931}));
  EXPECT_EQ(tok.encode("café\nZ"), (Ids{274, 28059, 13, 29999}));  // "\n" by byte fallback
  EXPECT_EQ(tok.decode(tok.encode("café\nZ")), "café\nZ");
}

TEST(Tokenizer, Stories260KByteFallback) {
  APIQ_REQUIRE_SHARED("models/stories260K/tokenizer.model");
  auto tok = Tokenizer::load_from_dir(apiq::test::shared("models/stories260K"));
  EXPECT_EQ(tok.vocab_size(), 512);
  EXPECT_EQ(tok.encode("Once upon a time"), (Ids{403, 407, 261, 378}));
  const Ids han = tok.encode("a 漢");
  EXPECT_EQ(han, (Ids{261, 410, 233, 191, 165}));
  EXPECT_EQ(tok.piece(233), "<0xE6>");
  EXPECT_EQ(tok.decode(han), "a 漢");
}

TEST(Tokenizer, BabyLlamaUnknownCharacters) {
  APIQ_REQUIRE_SHARED("models/babyllama-tok105/tokenizer.model");
  auto tok = Tokenizer::load_from_dir(apiq::test::shared("models/babyllama-tok105"));
  EXPECT_EQ(tok.vocab_size(), 105);
  EXPECT_EQ(tok.encode("café\nZ"), (Ids{3, 22, 5, 24, 78, 0, 62}));  // "\n" has no piece: <unk>
  EXPECT_EQ(tok.encode("a 漢"), (Ids{3, 5, 3, tok.unk_id()}));
  EXPECT_EQ(tok.decode(tok.encode("Hello world")), "Hello world");
}

TEST(Tokenizer, MissingAndCorruptFiles) {
  apiq::test::TempDir d;
  try {
    Tokenizer::load_from_dir(d.path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer.model"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos);
  }
  std::ofstream(d.path / "tokenizer.model") << "not a protobuf at all";
  EXPECT_THROW(Tokenizer::load_from_dir(d.path), InputError);
}
