// SPDX-License-Identifier: GPL-3.0-or-later
// Finetuning data and bookkeeping against hand-worked references: GSM8K formatting and which
// positions carry loss, padding, the masked loss, answer extraction, the learning-rate schedule.
#include <cmath>
#include <fstream>

#include "base/errors.h"
#include "finetune/finetune.h"
#include "finetune/gsm8k_eval.h"
#include "finetune/sft_data.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

const fs::path kTok = apiq::test::shared("models/stories260K/tokenizer.model");

void write(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

template <typename F>
std::string input_error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "<no InputError>";
}

}  // namespace

TEST(Gsm8kFormat, PromptAndTargetStrings) {
  EXPECT_EQ(gsm8k_prompt("What is 2+3?"),
            "What is 2+3?\nAnswer the above question. First think step by step and then answer the final number.\n");
  // "####" becomes the answer phrase; the space that followed it stays.
  EXPECT_EQ(gsm8k_target("2+3=<<2+3=5>>5\n#### 5"), "2+3=<<2+3=5>>5\nThe final answer is:  5");
  EXPECT_EQ(gsm8k_target("no marker"), "no marker");
}

TEST(Gsm8kFormat, LossOnlyOnTargetAndEos) {
  APIQ_REQUIRE_SHARED("models/stories260K/tokenizer.model");
  const Tokenizer tok = Tokenizer::load(kTok);
  const QaPair qa{"Tom has 3 apples and eats one. How many are left?", "3-1=<<3-1=2>>2\n#### 2", 1};
  const auto prompt = tok.encode("Tom has 3 apples and eats one. How many are left?\nAnswer the above question. "
                                 "First think step by step and then answer the final number.\n");
  const auto target = tok.encode("3-1=<<3-1=2>>2\nThe final answer is:  2");
  const SftExample e = encode_gsm8k(tok, qa, 4096);
  const size_t P = 1 + prompt.size(), T = target.size() + 1;  // BOS + prompt; target + EOS
  ASSERT_EQ(e.ids.size(), P + T);
  ASSERT_EQ(e.labels.size(), e.ids.size());
  EXPECT_EQ(e.ids[0], tok.bos_id());
  EXPECT_EQ(e.ids.back(), tok.eos_id());
  for (size_t i = 0; i < e.ids.size(); ++i) {
    if (i < P) {
      EXPECT_EQ(e.labels[i], kIgnoreIndex) << "position " << i << " belongs to the prompt";
      if (i > 0) EXPECT_EQ(e.ids[i], prompt[i - 1]);
    } else {
      EXPECT_EQ(e.labels[i], e.ids[i]) << "position " << i << " belongs to the target";
      EXPECT_EQ(e.ids[i], i + 1 < e.ids.size() ? target[i - P] : tok.eos_id());
    }
  }
  EXPECT_EQ(e.predicted_tokens(), static_cast<int64_t>(T));
  // Cut to 5 tokens past the prompt: only those 5 carry loss.
  const SftExample cut = encode_gsm8k(tok, qa, static_cast<int64_t>(P + 5));
  EXPECT_EQ(cut.ids.size(), P + 5);
  EXPECT_EQ(cut.predicted_tokens(), 5);
}

TEST(SftBatch, PaddingIsMaskedAndLossSumsExactlyThePredictedPositions) {
  // Hand-made examples: a fully supervised one and one with its first three labels masked.
  std::vector<SftExample> ex(2);
  ex[0].ids = {1, 5, 6, 7, 8, 9};
  ex[0].labels = ex[0].ids;
  ex[1].ids = {1, 10, 11, 12};
  ex[1].labels = {kIgnoreIndex, kIgnoreIndex, kIgnoreIndex, 12};
  const SftBatch b = make_batch(ex, {1, 0}, /*pad_id=*/0);
  ASSERT_EQ(b.ids.sizes(), (std::vector<int64_t>{2, 6}));
  EXPECT_TRUE(torch::equal(b.ids[0], torch::tensor({1, 10, 11, 12, 0, 0}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(b.labels[0], torch::tensor({-100, -100, -100, 12, -100, -100}, torch::kInt64)));
  EXPECT_TRUE(torch::equal(b.labels[1], torch::tensor({1, 5, 6, 7, 8, 9}, torch::kInt64)));
  EXPECT_EQ(b.predicted_tokens, 1 + 5);

  torch::manual_seed(0);
  auto logits = torch::randn({2, 6, 16}, torch::kDouble);
  // Positions whose logits count: row 0 predicts token 12 from position 2; row 1 all of 0..4.
  double ref = 0;
  auto lsm = torch::log_softmax(logits, -1);
  ref -= lsm[0][2][12].item<double>();
  const int64_t row1[] = {5, 6, 7, 8, 9};
  for (int t = 0; t < 5; ++t) ref -= lsm[1][t][row1[t]].item<double>();
  EXPECT_NEAR(masked_nll_sum(logits, b.labels).item<double>(), ref, 1e-12);
}

TEST(SftData, TextWindowsAndHeldOutTail) {
  std::vector<int64_t> stream(25);
  for (int i = 0; i < 25; ++i) stream[i] = i;
  const auto w = text_windows(stream, 8);
  ASSERT_EQ(w.size(), 3u);  // 24 tokens used, 1 dropped
  EXPECT_EQ(w[2].ids.front(), 16);
  EXPECT_EQ(w[2].labels, w[2].ids);
  EXPECT_EQ(w[0].predicted_tokens(), 7);
}

TEST(SftData, InputErrors) {
  APIQ_REQUIRE_SHARED("models/stories260K/tokenizer.model");
  const Tokenizer tok = Tokenizer::load(kTok);
  apiq::test::TempDir d;
  SftDataOptions o;
  o.format = SftFormat::Gsm8k;
  EXPECT_NE(input_error_of([&] { load_sft_data(tok, d.path / "missing.jsonl", o); }).find("cannot open"), std::string::npos);
  write(d.path / "empty.jsonl", "");
  EXPECT_NE(input_error_of([&] { load_sft_data(tok, d.path / "empty.jsonl", o); }).find("empty"), std::string::npos);
  write(d.path / "blank.jsonl", "\n\n");
  EXPECT_NE(input_error_of([&] { load_sft_data(tok, d.path / "blank.jsonl", o); }).find("no question/answer rows"),
            std::string::npos);
  write(d.path / "bad.jsonl", "{\"question\": \"a\", \"answer\": \"b #### 1\"}\n\n{\"question\": \"a\", \"answer\": \n");
  EXPECT_NE(input_error_of([&] { load_sft_data(tok, d.path / "bad.jsonl", o); }).find("line 3: not valid JSON"),
            std::string::npos);
  write(d.path / "keys.jsonl", "{\"question\": \"a\", \"answer\": \"b #### 1\"}\n{\"q\": \"a\", \"answer\": \"b\"}\n");
  EXPECT_NE(input_error_of([&] { load_sft_data(tok, d.path / "keys.jsonl", o); }).find("line 2: expected an object"),
            std::string::npos);
  write(d.path / "one.jsonl", "{\"question\": \"a\", \"answer\": \"b #### 1\"}\n");
  EXPECT_NE(input_error_of([&] { load_sft_data(tok, d.path / "one.jsonl", o); }).find("too few"), std::string::npos);
  o.format = SftFormat::Text;
  o.seq_len = 64;
  write(d.path / "short.txt", "Once upon a time.");
  EXPECT_NE(input_error_of([&] { load_sft_data(tok, d.path / "short.txt", o); }).find("shorter than one window"),
            std::string::npos);
}

TEST(Gsm8kAnswer, Extraction) {
  EXPECT_EQ(extract_final_answer("He pays 9 * 2 = 18.\nThe final answer is: 18"), "18");
  EXPECT_EQ(extract_final_answer("The final answer is:  1,234."), "1234");
  EXPECT_EQ(extract_final_answer("The final answer is: $18.00 per day"), "18");
  EXPECT_EQ(extract_final_answer("The final answer is: -3, The final answer is: 7"), "-3");
  EXPECT_EQ(extract_final_answer("The final answer is:\n0.50"), "0.5");
  EXPECT_EQ(extract_final_answer("so 42 eggs"), std::nullopt);                        // no phrase
  EXPECT_EQ(extract_final_answer("The final answer is: none. 12"), "12");             // first number after it
  EXPECT_EQ(extract_final_answer("The final answer is: none. The final answer is: 5"), std::nullopt);
  EXPECT_EQ(reference_answer("3-1=<<3-1=2>>2\n#### 1,000"), "1000");
  EXPECT_EQ(reference_answer("no marker 5"), std::nullopt);
  EXPECT_EQ(normalize_number("007"), "7");
  EXPECT_EQ(normalize_number("-0.50"), "-0.5");
  EXPECT_EQ(normalize_number("+7"), "7");
  EXPECT_EQ(normalize_number("0.0"), "0");
  EXPECT_EQ(normalize_number("-0"), "0");
  EXPECT_EQ(normalize_number("12,345.10"), "12345.1");
}

TEST(LrSchedule, HandComputedValues) {
  FinetuneOptions o;
  o.lr = 3e-4;
  o.warmup = 0.04;
  EXPECT_EQ(warmup_steps(100, 0.04), 4);
  EXPECT_EQ(warmup_steps(10, 0.03), 1);  // ⌈0.3⌉
  EXPECT_EQ(warmup_steps(100, 0.0), 0);
  EXPECT_DOUBLE_EQ(lr_at(0, 100, o), 0.0);
  EXPECT_DOUBLE_EQ(lr_at(1, 100, o), 0.75e-4);
  EXPECT_DOUBLE_EQ(lr_at(3, 100, o), 2.25e-4);
  EXPECT_DOUBLE_EQ(lr_at(4, 100, o), 3e-4);                                 // progress 0
  EXPECT_NEAR(lr_at(28, 100, o), 3e-4 * 0.5 * (1 + std::sqrt(0.5)), 1e-15);  // progress 1/4: cos = √½
  EXPECT_NEAR(lr_at(52, 100, o), 1.5e-4, 1e-15);                            // progress 1/2
  EXPECT_NEAR(lr_at(76, 100, o), 3e-4 * 0.5 * (1 - std::sqrt(0.5)), 1e-15);  // progress 3/4
  EXPECT_NEAR(lr_at(100, 100, o), 0.0, 1e-18);
  o.schedule = LrSchedule::Constant;
  EXPECT_DOUBLE_EQ(lr_at(2, 100, o), 1.5e-4);
  EXPECT_DOUBLE_EQ(lr_at(4, 100, o), 3e-4);
  EXPECT_DOUBLE_EQ(lr_at(99, 100, o), 3e-4);
  o.warmup = 0;
  o.schedule = LrSchedule::Cosine;
  EXPECT_DOUBLE_EQ(lr_at(0, 10, o), 3e-4);
  EXPECT_NEAR(lr_at(5, 10, o), 1.5e-4, 1e-15);
}
