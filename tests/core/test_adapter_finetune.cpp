// SPDX-License-Identifier: GPL-3.0-or-later
// Finetuning with every adapter kind on a quantized stories260K, and apiq merge: a QA-HiRA
// adapter folded into float zero points gives the unmerged model's logits (stories260K and
// babyllama-tok105), through the dense and the packed path alike.
#include <fstream>
#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "base/output_folder.h"
#include "calibration/calibration.h"
#include "finetune/finetune.h"
#include "finetune/finetune_model.h"
#include "export/export.h"
#include "finetune/merge_adapter.h"
#include "io/safetensors.h"
#include "io/tokenizer.h"
#include "model/adapter.h"
#include "quant/load_model.h"
#include "test_util.h"
#include "tiny_calibration.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

const fs::path kStories = apiq::test::shared("models/stories260K");
const fs::path kBaby = apiq::test::shared("models/babyllama-tok105");
const fs::path kCalib = apiq::test::shared("data/tinystories-sample.txt");

using apiq::test::copy_head;

// A 2-bit stories260K at group 32 (apiq-bw, rank 4, short) and small texts, made once.
class AdapterFinetuneTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kStories / "model.safetensors") || !fs::exists(kCalib)) return;
    torch::set_num_threads(1);
    dir_ = new apiq::test::TempDir();
    CalibrationOptions o = apiq::test::tiny_apiq_bw(4, 64, 1);
    calibrate_model(kStories, kCalib, qdir(), o);
    copy_head(kCalib, text(), 24000);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!dir_) GTEST_SKIP() << "../shared/models/stories260K or its texts are not available";
  }
  static fs::path qdir() { return dir_->path / "q"; }
  static fs::path text() { return dir_->path / "train.txt"; }
  static FinetuneOptions options(const std::string& kind) {
    FinetuneOptions o;
    o.data.seq_len = 64;
    o.data.eval_fraction = 0.2;
    o.batch = 4;
    o.lr = 2e-3;
    o.adapter.kind = kind;
    o.adapter.out_pool = 4;  // stories260K's FFN is 172 wide
    return o;
  }
  static inline apiq::test::TempDir* dir_ = nullptr;
};

torch::Tensor sample_ids(const fs::path& model) {
  const Tokenizer tok = Tokenizer::load_from_dir(model);
  auto ids = tok.encode("Once upon a time, there was a little girl named Lily. She loved to play outside.");
  ids.insert(ids.begin(), tok.bos_id());
  return torch::tensor(ids, torch::kInt64).unsqueeze(0);
}

double max_rel_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs().max() / b.abs().max()).item<double>();
}

}  // namespace

TEST_F(AdapterFinetuneTest, EveryKindTrainsAndItsCheckpointReproducesTheHeldOutLoss) {
  for (const std::string& kind : adapter_kind_names()) {
    apiq::test::TempDir d;
    const auto o = options(kind);
    const auto r = finetune(qdir(), text(), d.path / "ft", o);
    ASSERT_EQ(r.evals.size(), 2u);
    EXPECT_LT(r.evals[1].nll, r.evals[0].nll - 0.01) << kind;
    // What the report counts is what the checkpoint's adapter tensors hold.
    const auto out = TensorStore::open_dir(d.path / "ft");
    int64_t stored = 0;
    for (const auto& n : out.names())
      if (n.find("." + kind + "_") != std::string::npos) stored += out.load(n).numel() * out.load(n).element_size() * 8;
    EXPECT_EQ(stored, r.adapter["stored_bits"].get<int64_t>()) << kind;
    EXPECT_EQ(r.adapter["linears"].size(), 35u) << kind;
    // The written checkpoint loads its adapter and reproduces the last held-out loss.
    const LlamaModel m = load_model(d.path / "ft");
    const Tokenizer tok = Tokenizer::load_from_dir(d.path / "ft");
    const auto h = held_out_loss(m, load_sft_data(tok, text(), o.data).eval, 8, tok.eos_id(), false);
    EXPECT_NEAR(h.nll, r.evals[1].nll, 1e-5) << kind;
  }
}

TEST_F(AdapterFinetuneTest, ResumeAfterCancelIsBitIdenticalForQbara) {
  apiq::test::TempDir d;
  auto o = options("qbara");
  o.adapter.fit_base = false;  // the random start must be the same again on resume
  o.save_every = 3;
  const auto full = finetune(qdir(), text(), d.path / "full", o);
  CancelToken token;
  struct Stop : FinetuneObserver {
    CancelToken* t;
    void on_step(const FinetuneStep& s) override {
      if (s.step == 4) t->cancel();
    }
  } stop;
  stop.t = &token;
  EXPECT_THROW(finetune(qdir(), text(), d.path / "resumed", o, false, &stop, &token), CancelledError);
  const auto resumed = finetune(qdir(), text(), d.path / "resumed", o, /*resume=*/true);
  ASSERT_EQ(full.steps.size(), resumed.steps.size());
  for (size_t i = 0; i < full.steps.size(); ++i) EXPECT_EQ(full.steps[i].loss, resumed.steps[i].loss) << "step " << i;
  const auto a = TensorStore::open_dir(d.path / "full"), b = TensorStore::open_dir(d.path / "resumed");
  for (const auto& n : a.names()) EXPECT_TRUE(torch::equal(a.load(n), b.load(n))) << n;
}

// Finetunes QA-HiRA on `qdir`, merges it, and compares the merged model with the unmerged one.
void expect_merge_exact(const fs::path& qdir, const fs::path& model, const fs::path& text, FinetuneOptions o,
                        const fs::path& work) {
  o.epochs = 1;
  finetune(qdir, text, work / "ft", o);
  const MergeResult r = merge_adapter(work / "ft", work / "merged");
  EXPECT_LT(r.max_abs_error, 1e-5);
  const auto merged = TensorStore::open_dir(work / "merged");
  for (const auto& n : merged.names()) EXPECT_EQ(n.find(".qahira_"), std::string::npos) << n << " was kept";
  const auto ids = sample_ids(model);
  torch::NoGradGuard ng;
  const auto want = load_model(work / "ft").forward(ids);
  for (bool packed : {false, true}) {
    const auto got = load_model(work / "merged", ModelOptions().set_packed_only(packed)).forward(ids);
    EXPECT_LT(max_rel_diff(got, want), 1e-5) << (packed ? "packed" : "dense");
  }
  // The adapter mattered: the base without it is further away.
  const auto base = load_model(qdir).forward(ids);
  EXPECT_GT(max_rel_diff(base, want), 1e-3);
}

TEST_F(AdapterFinetuneTest, MergedQahiraGivesTheUnmergedLogitsOnStories) {
  apiq::test::TempDir d;
  expect_merge_exact(qdir(), kStories, text(), options("qahira"), d.path);
  // What cannot merge is refused with the reason.
  EXPECT_THROW(merge_adapter(qdir(), d.path / "base"), InputError);  // no finetuned adapter
  finetune(qdir(), text(), d.path / "lora", options("lora"));
  try {
    merge_adapter(d.path / "lora", d.path / "m2");
    ADD_FAILURE() << "a LoRA adapter was merged";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("only qahira merges"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(d.path / "m2"));
}

TEST(AdapterMerge, MergedQahiraGivesTheUnmergedLogitsOnBabyllama) {
  APIQ_REQUIRE_SHARED("models/babyllama-tok105/model.safetensors");
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt");
  torch::set_num_threads(1);
  apiq::test::TempDir d;
  CalibrationOptions c;
  c.method = "qlora";
  c.quant.format = QuantizerOptions::Format::Int;
  c.quant.learnable_clipping = false;
  c.quant.bits = 2;
  c.quant.group_size = 64;
  c.lora.rank = 4;
  c.nsamples = 2;
  c.seq_len = 64;
  calibrate_model(kBaby, kCalib, d.path / "q", c);
  copy_head(kCalib, d.path / "train.txt", 8000);
  FinetuneOptions o;
  o.data.seq_len = 64;
  o.batch = 4;
  o.lr = 2e-3;
  o.adapter.kind = "qahira";
  o.adapter.fit_base = false;
  o.adapter.out_pool = 8;
  expect_merge_exact(d.path / "q", kBaby, d.path / "train.txt", o, d.path);
}

TEST_F(AdapterFinetuneTest, ExportsFoldOrRefuseAdaptersPeftCannotHold) {
  apiq::test::TempDir d;
  auto o = options("qahira");
  finetune(qdir(), text(), d.path / "ft", o);
  merge_adapter(d.path / "ft", d.path / "merged");
  const auto ids = sample_ids(kStories);
  torch::NoGradGuard ng;
  for (const char* src : {"ft", "merged"}) {
    // hf-dequantized in f32 holds Ŵ + ΔW: our own model's logits from a plain dense folder.
    ExportOptions e;
    e.format = "hf-dequantized";
    e.dtype = torch::kFloat;
    const fs::path out = d.path / (std::string(src) + "-hf");
    export_checkpoint(d.path / src, out, e);
    EXPECT_FALSE(fs::exists(out / "adapter_config.json")) << src;
    EXPECT_LT(max_rel_diff(load_model(out).forward(ids), load_model(d.path / src).forward(ids)), 1e-5) << src;
    for (const char* format : {"gptq-v2", "compressed-tensors", "peft"}) {
      e.format = format;
      EXPECT_THROW(export_checkpoint(d.path / src, d.path / (std::string(src) + "-" + format), e), InputError)
          << src << " as " << format;
    }
  }
}
