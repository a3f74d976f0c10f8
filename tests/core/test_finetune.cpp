// SPDX-License-Identifier: GPL-3.0-or-later
// Finetuning on a quantized stories260K: the packed-only model matches the dense one, gradients
// reach the LoRA factors only, activation checkpointing changes nothing, training lowers the
// held-out loss, resume after cancel is bit-identical; and the benchmark runs on a tiny shape.
#include <fstream>
#include <nlohmann/json.hpp>

#include "calibration/calibration.h"
#include "base/errors.h"
#include "finetune/finetune.h"
#include "bench/finetune_bench.h"
#include "finetune/finetune_model.h"
#include "model/llama_model.h"
#include "quant/quant_linear.h"
#include "io/safetensors.h"
#include "io/tokenizer.h"
#include "quant/load_model.h"
#include "base/output_folder.h"
#include "test_util.h"
#include "tiny_calibration.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

const fs::path kModel = apiq::test::shared("models/stories260K");
const fs::path kCalib = apiq::test::shared("data/tinystories-sample.txt");
const fs::path kValid = apiq::test::shared("data/tinystories-valid-head.txt");

// A 2-bit apiq-bw stories260K (rank 4, one short epoch per block) and small train/held-out texts,
// made once for the suite.
class FinetuneTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kModel / "model.safetensors") || !fs::exists(kCalib) || !fs::exists(kValid)) return;
    // A 260K-parameter model: OpenMP threads only spin on ops this small (6x slower on 2 busy cores).
    torch::set_num_threads(1);
    dir_ = new apiq::test::TempDir();
    CalibrationOptions o = apiq::test::tiny_apiq_bw(4, 64, 1);
    o.quant.group_size = 64;
    calibrate_model(kModel, kCalib, qdir(), o);
    cut(kCalib, train_text(), 24000);
    cut(kValid, eval_text(), 6000);
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!dir_) GTEST_SKIP() << "../shared/models/stories260K or its texts are not available";
  }
  static fs::path qdir() { return dir_->path / "q"; }
  static fs::path train_text() { return dir_->path / "train.txt"; }
  static fs::path eval_text() { return dir_->path / "eval.txt"; }
  static void cut(const fs::path& from, const fs::path& to, size_t bytes) { apiq::test::copy_head(from, to, bytes); }
  static FinetuneOptions small_options() {
    FinetuneOptions o;
    o.data.seq_len = 64;
    o.data.eval_file = eval_text();
    o.epochs = 1;
    o.batch = 4;
    o.lr = 2e-3;
    o.warmup = 0.1;
    return o;
  }
  static LlamaModel load(bool packed_only, torch::ScalarType dtype = torch::kFloat) {
    return load_model(qdir(), ModelOptions().set_dtype(dtype).set_packed_only(packed_only));
  }
  static inline apiq::test::TempDir* dir_ = nullptr;
};

torch::Tensor sample_ids() {
  const Tokenizer tok = Tokenizer::load_from_dir(kModel);
  auto ids = tok.encode("Once upon a time, there was a little girl named Lily. She loved to play outside in the park.");
  ids.insert(ids.begin(), tok.bos_id());
  return torch::tensor(ids, torch::kInt64).unsqueeze(0).repeat({2, 1});
}

class CancelAtStep : public FinetuneObserver {
 public:
  CancelAtStep(CancelToken& t, int64_t at) : token_(t), at_(at) {}
  void on_step(const FinetuneStep& s) override {
    if (s.step == at_) token_.cancel();
  }

 private:
  CancelToken& token_;
  int64_t at_;
};

}  // namespace

TEST_F(FinetuneTest, PackedOnlyModelHoldsNoDenseWeightAndMatchesTheDenseOne) {
  const LlamaModel packed = load(true), dense = load(false);
  for (int64_t b = 0; b < packed.num_blocks(); ++b) {
    const auto* qb = dynamic_cast<const QuantBlockLinears*>(packed.block_linears(b));
    ASSERT_NE(qb, nullptr);
    for (const auto& l : qb->linears) {
      EXPECT_FALSE(l.w_hat.defined());
      EXPECT_TRUE(l.packed_only());
    }
  }
  const auto ids = sample_ids();
  EXPECT_TRUE(torch::allclose(packed.forward(ids), dense.forward(ids), 1e-4, 1e-5));
}

TEST_F(FinetuneTest, GradientsReachOnlyTheLoraFactors) {
  const LlamaModel m = load(true);
  auto params = model_adapter_parameters(m);
  ASSERT_EQ(params.size(), 5u * 7u * 2u);
  for (auto& p : params) p.set_requires_grad(true);
  const auto ids = sample_ids();
  masked_nll_sum(train_forward(m, ids, {}), ids).backward();
  for (size_t i = 0; i < params.size(); ++i) {
    ASSERT_TRUE(params[i].grad().defined()) << "parameter " << i;
    EXPECT_GT(params[i].grad().abs().max().item<double>(), 0.0) << "parameter " << i;
  }
  const auto& w = m.weights();
  for (const auto& t : {w.embed, w.final_norm, w.lm_head}) {
    EXPECT_FALSE(t.requires_grad());
    EXPECT_FALSE(t.grad().defined());
  }
  for (int64_t b = 0; b < m.num_blocks(); ++b)
    for (const auto& l : dynamic_cast<const QuantBlockLinears*>(m.block_linears(b))->linears)
      for (const auto& t : {l.packed->packed, l.packed->scales, l.packed->zeros}) EXPECT_FALSE(t.requires_grad());
}

TEST_F(FinetuneTest, CheckpointingGivesTheSameLossAndGradients) {
  const LlamaModel m = load(true, torch::kDouble);  // a float64 residual stream
  auto params = model_adapter_parameters(m);
  for (auto& p : params) p.set_requires_grad(true);
  const auto ids = sample_ids();
  auto run = [&](bool ckpt) {
    for (auto& p : params) p.mutable_grad() = torch::Tensor();
    auto loss = masked_nll_sum(train_forward(m, ids, {ckpt, false}), ids);
    loss.backward();
    std::vector<torch::Tensor> g;
    for (auto& p : params) g.push_back(p.grad().clone());
    return std::make_pair(loss.item<double>(), g);
  };
  const auto plain = run(false), ckpt = run(true);
  EXPECT_NEAR(plain.first, ckpt.first, 1e-12 * std::abs(plain.first));
  for (size_t i = 0; i < params.size(); ++i) {
    const double scale = plain.second[i].abs().max().item<double>();
    EXPECT_LE((plain.second[i] - ckpt.second[i]).abs().max().item<double>(), 1e-10 * scale + 1e-15) << "parameter " << i;
  }
}

TEST_F(FinetuneTest, LowersHeldOutLossKeepsTheBaseAndReloads) {
  apiq::test::TempDir d;
  auto o = small_options();
  o.activation_checkpointing = true;
  const auto r = finetune(qdir(), train_text(), d.path / "ft", o);
  ASSERT_EQ(r.evals.size(), 2u);
  EXPECT_LT(r.evals[1].nll, r.evals[0].nll - 0.01) << "before " << r.evals[0].nll << ", after " << r.evals[1].nll;
  EXPECT_EQ(static_cast<int64_t>(r.steps.size()), r.total_steps);
  EXPECT_FALSE(fs::exists(partial_dir(d.path / "ft")));

  // Every base tensor is byte for byte the source's; the factors changed.
  const auto src = TensorStore::open_dir(qdir()), out = TensorStore::open_dir(d.path / "ft");
  ASSERT_EQ(src.names(), out.names());
  int changed = 0;
  for (const auto& n : src.names()) {
    const bool lora = n.find(".lora_") != std::string::npos;
    if (lora) changed += !torch::equal(src.load(n), out.load(n));
    else EXPECT_TRUE(torch::equal(src.load(n), out.load(n))) << n;
  }
  EXPECT_EQ(changed, 5 * 7 * 2);

  // The written checkpoint reproduces the last held-out loss, and the report has every step.
  const LlamaModel m = load_model(d.path / "ft");
  const Tokenizer tok = Tokenizer::load_from_dir(d.path / "ft");
  SftDataOptions so = o.data;
  const auto h = held_out_loss(m, load_sft_data(tok, train_text(), so).eval, 8, tok.eos_id(), false);
  EXPECT_NEAR(h.nll, r.evals[1].nll, 1e-5);
  std::ifstream in(d.path / "ft" / "report.json");
  const auto rep = nlohmann::json::parse(in);
  EXPECT_EQ(rep["finetune"]["steps"].size(), r.steps.size());
  EXPECT_EQ(rep["finetune"]["evals"].size(), 2u);
  EXPECT_TRUE(rep.contains("layers"));  // the calibration report is kept
}

TEST_F(FinetuneTest, ResumeAfterCancelIsBitIdentical) {
  apiq::test::TempDir d;
  auto o = small_options();
  o.epochs = 2;
  o.batch = 2;
  o.grad_accum = 2;
  o.save_every = 4;
  const auto full = finetune(qdir(), train_text(), d.path / "full", o);

  CancelToken token;
  CancelAtStep stop(token, 6);  // cancelled after step 6, between two saves
  EXPECT_THROW(finetune(qdir(), train_text(), d.path / "resumed", o, false, &stop, &token), CancelledError);
  EXPECT_FALSE(fs::exists(d.path / "resumed"));
  EXPECT_TRUE(fs::exists(partial_dir(d.path / "resumed") / "state.safetensors"));
  const auto resumed = finetune(qdir(), train_text(), d.path / "resumed", o, /*resume=*/true);

  ASSERT_EQ(full.steps.size(), resumed.steps.size());
  for (size_t i = 0; i < full.steps.size(); ++i) EXPECT_EQ(full.steps[i].loss, resumed.steps[i].loss) << "step " << i;
  ASSERT_EQ(full.evals.size(), resumed.evals.size());
  for (size_t i = 0; i < full.evals.size(); ++i) EXPECT_EQ(full.evals[i].nll, resumed.evals[i].nll);
  const auto a = TensorStore::open_dir(d.path / "full"), b = TensorStore::open_dir(d.path / "resumed");
  for (const auto& n : a.names()) EXPECT_TRUE(torch::equal(a.load(n), b.load(n))) << n;

  // A different flag is refused rather than silently mixed.
  EXPECT_THROW(finetune(qdir(), train_text(), d.path / "resumed", o, true), InputError);  // OUT exists
  o.lr = 1e-3;
  CancelToken t2;
  CancelAtStep stop2(t2, 1);
  EXPECT_THROW(finetune(qdir(), train_text(), d.path / "other", o, false, &stop2, &t2), CancelledError);
  o.lr = 2e-3;
  EXPECT_THROW(finetune(qdir(), train_text(), d.path / "other", o, true), InputError);
}

TEST_F(FinetuneTest, BadInputs) {
  apiq::test::TempDir d;
  auto o = small_options();
  EXPECT_THROW(finetune(kModel, train_text(), d.path / "a", o), InputError);           // not quantized
  EXPECT_THROW(finetune(qdir(), d.path / "none.txt", d.path / "b", o), InputError);    // missing data
  fs::create_directories(d.path / "exists");
  EXPECT_THROW(finetune(qdir(), train_text(), d.path / "exists", o), InputError);
}

TEST(FinetuneBench, TinyShapeRunsOnCpu) {
  FinetuneBenchOptions o;
  o.device = "cpu";
  o.shape = "tiny";
  o.layers = 1;
  o.seq_len = 32;
  o.rank = 4;
  o.steps = 2;
  o.dtype = "f32";
  const auto r = finetune_benchmark(o);
  EXPECT_EQ(r.config.num_hidden_layers, 1);
  EXPECT_EQ(r.lora_parameters, 4 * (4 * (128 + 128) + 2 * (128 + 256) + (256 + 128)));
  // Codes: 128- and 256-wide rows hold 8 and 16 words; scales (fp16) and zeros (int32) per group of 64.
  const int64_t packed = 4 * 128 * (8 * 4 + 2 * 6) + 2 * 256 * (8 * 4 + 2 * 6) + 128 * (16 * 4 + 4 * 6);
  EXPECT_EQ(r.packed_bytes, packed);
  ASSERT_EQ(r.losses.size(), 2u);
  for (double l : r.losses) EXPECT_TRUE(std::isfinite(l));
  EXPECT_NEAR(r.losses[0], std::log(512.0), 0.5);  // near-uniform predictions of a random model
  EXPECT_GT(r.tokens_per_second, 0);
}
