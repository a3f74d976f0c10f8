// SPDX-License-Identifier: GPL-3.0-or-later
// Chat finetuning data on the real Phi-3-mini tokenizer.json and chat_template: the labels keep
// exactly the assistant turns as the template writes them, hand-checked strings.
#include <gtest/gtest.h>

#include <fstream>

#include "base/errors.h"
#include "finetune/chat_data.h"
#include "io/hf_tokenizer.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {
const char* kPhi3 = "tokenizers/hf-phi-3-mini/tokenizer.json";

fs::path write_jsonl(const apiq::test::TempDir& d, const std::string& body) {
  const auto p = d.path / "chat.jsonl";
  std::ofstream(p) << body;
  return p;
}
}  // namespace

TEST(ChatData, Phi3LabelsAreTheAssistantTurns) {
  APIQ_REQUIRE_SHARED(kPhi3);
  const auto tok = Tokenizer::load(apiq::test::shared(kPhi3));
  if (!tok.hf()) GTEST_SKIP() << "built without tokenizer.json support";
  apiq::test::TempDir d;
  const auto file = write_jsonl(d, R"({"messages": [{"role": "system", "content": "Be brief."}, )"
                                   R"({"role": "user", "content": "What is 2+3?"}, {"role": "assistant", "content": "5."}, )"
                                   R"({"role": "user", "content": "And 2+4?"}, )"
                                   R"({"role": "assistant", "content": "6, of course."}]})"
                                   "\n\n");
  const auto rows = read_chat_jsonl(file);
  ASSERT_EQ(rows.size(), 1u);
  const auto e = encode_chat(tok, ChatFormat::for_tokenizer(tok), rows[0], -1, file);
  ASSERT_EQ(e.ids.size(), e.labels.size());
  // Reference: tokenizers 0.23 on the rendering of transformers' apply_chat_template (Phi-3's
  // <|end|> strips the newline after it; the template ends with EOS, no generation prompt).
  const std::vector<std::string> want = {
      "<|system|>", "▁Be", "▁brief", ".", "<|end|>", "<|user|>", "▁What", "▁is", "▁", "2", "+", "3", "?", "<|end|>",
      "<|assistant|>", "▁", "5", ".", "<|end|>", "<|user|>", "▁And", "▁", "2", "+", "4", "?", "<|end|>",
      "<|assistant|>", "▁", "6", ",", "▁of", "▁course", ".", "<|end|>", "<|endoftext|>"};
  std::vector<std::string> pieces, learned;
  for (size_t t = 0; t < e.ids.size(); ++t) {
    pieces.push_back(tok.piece(e.ids[t]));
    if (e.labels[t] != kIgnoreIndex) learned.push_back(tok.piece(e.ids[t]));
  }
  EXPECT_EQ(pieces, want);
  // The learned tokens: each assistant turn with its end-of-turn marker, nothing else (not the EOS
  // the template writes after the conversation).
  EXPECT_EQ(learned, (std::vector<std::string>{"▁", "5", ".", "<|end|>", "▁", "6", ",", "▁of", "▁course", ".", "<|end|>"}));
  const auto cut = encode_chat(tok, ChatFormat::for_tokenizer(tok), rows[0], 7, file);
  EXPECT_EQ(cut.ids.size(), 7u);
}

TEST(ChatData, BadRowsNameTheFileAndLine) {
  apiq::test::TempDir d;
  auto expect_error = [&](const std::string& body, const std::string& what) {
    const auto f = write_jsonl(d, body);
    try {
      read_chat_jsonl(f);
      ADD_FAILURE() << "no error for " << body;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(f.string()), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    }
  };
  expect_error("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}\n", "line 1: the conversation has no assistant turn");
  expect_error("\n{\"messages\": []}\n", "line 2: \"messages\" must be a non-empty array");
  expect_error("{\"messages\": [{\"role\": \"user\"}]}\n", "line 1: each message needs string fields");
  expect_error("{not json\n", "line 1: not valid JSON");
  expect_error("{\"text\": \"x\"}\n", "line 1: expected an object with \"messages\"");
}

TEST(ChatData, TokenizerWithoutTemplateIsRefused) {
  APIQ_REQUIRE_SHARED("tokenizers/hf-smollm-135m/tokenizer.json");
  const auto tok = Tokenizer::load(apiq::test::shared("tokenizers/hf-smollm-135m/tokenizer.json"));
  if (!tok.hf()) GTEST_SKIP() << "built without tokenizer.json support";
  EXPECT_THROW(ChatFormat::for_tokenizer(tok), InputError);
}
