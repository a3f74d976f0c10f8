// SPDX-License-Identifier: GPL-3.0-or-later
// Held-out activation error (heldout_error.h): on the calibration windows it reproduces the
// report.json values of the run; on held-out windows it matches a float64 recomputation from the
// checkpoint's raw packed words, scales, zeros and LoRA factors; a wrong model is refused.
#include <fstream>
#include <nlohmann/json.hpp>
#include <torch/nn/functional.h>

#include "calibration/calibration.h"
#include "base/errors.h"
#include "model/evaluation.h"
#include "calibration/heldout_error.h"
#include "model/llama_model.h"
#include "io/safetensors.h"
#include "io/tokenizer.h"
#include "quant/load_model.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

const fs::path kModel = apiq::test::shared("models/stories260K");
const fs::path kCalib = apiq::test::shared("data/tinystories-sample.txt");
const fs::path kHeldout = apiq::test::shared("data/tinystories-valid-head.txt");

#define REQUIRE_DATA()                                           \
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");   \
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt");            \
  APIQ_REQUIRE_SHARED("data/tinystories-valid-head.txt")

CalibrationOptions options(const char* m) {
  CalibrationOptions o;
  o.method = m;
  o.quant.bits = 2;
  o.quant.group_size = 64;  // stories260K's FFN is 172 wide: groups of 64, 64 and 44
  o.lora.rank = 8;
  o.nsamples = 6;
  o.seq_len = 64;
  o.epochs = 1;
  o.seed = 2;
  return o;
}

torch::Tensor windows_of(const fs::path& text, int64_t n, int64_t len, uint64_t seed) {
  const auto tok = Tokenizer::load_from_dir(kModel);
  return sample_windows(tokenize_stream(tok, read_nonempty_file(text, "text")), n, len, seed, text);
}

nlohmann::json read_report(const fs::path& dir) {
  std::ifstream in(dir / "report.json");
  return nlohmann::json::parse(in);
}

// Runs the seven linears densely (or through `inner`) and keeps each one's input.
class Capture final : public BlockLinears {
 public:
  Capture(const BlockWeights* dense, const BlockLinears* inner) : dense_(dense), inner_(inner) {}
  torch::Tensor apply(LinearKind k, const torch::Tensor& x) const override {
    in[static_cast<int>(k)] = x.detach().clone();
    if (inner_) return inner_->apply(k, x);
    return torch::nn::functional::linear(x, dense_->linear(k).weight);
  }
  mutable std::array<torch::Tensor, kNumLinears> in;

 private:
  const BlockWeights* dense_;
  const BlockLinears* inner_;
};

// Ŵ + s·BA of one stored linear in float64, decoded from the raw words: code c of a row sits in
// bits [b·(c mod k), b·(c mod k) + b) of word ⌊c / k⌋, k = ⌊32 / b⌋; Ŵ = (code − zero)·scale per
// group of `g` columns.
torch::Tensor effective_weight(const TensorStore& st, const std::string& m, int bits, int64_t g, int64_t in,
                               double alpha) {
  const auto words = st.load(m + ".qweight").to(torch::kInt);
  const auto scales = st.load(m + ".scales").to(torch::kDouble);
  const auto zeros = st.load(m + ".zeros").to(torch::kLong);
  const int64_t out = words.size(0), per = 32 / bits;
  auto w = torch::empty({out, in}, torch::kDouble);
  auto wa = w.accessor<double, 2>();
  auto qa = words.accessor<int32_t, 2>();
  auto sa = scales.accessor<double, 2>();
  auto za = zeros.accessor<int64_t, 2>();
  for (int64_t o = 0; o < out; ++o)
    for (int64_t c = 0; c < in; ++c) {
      const uint32_t word = static_cast<uint32_t>(qa[o][c / per]);
      const int64_t code = (word >> (bits * (c % per))) & ((1u << bits) - 1);
      wa[o][c] = static_cast<double>(code - za[o][c / g]) * sa[o][c / g];
    }
  const auto A = st.load(m + ".lora_A").to(torch::kDouble), B = st.load(m + ".lora_B").to(torch::kDouble);
  return w + (alpha / static_cast<double>(A.size(0))) * B.matmul(A);
}

class HeldoutError : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kModel / "model.safetensors") || !fs::exists(kCalib)) return;
    dir_ = new apiq::test::TempDir;
    calibrate_model(kModel, kCalib, dir_->path / "loftq", options("loftq"));
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path qdir() { return dir_->path / "loftq"; }
  static apiq::test::TempDir* dir_;
};
apiq::test::TempDir* HeldoutError::dir_ = nullptr;

}  // namespace

TEST_F(HeldoutError, OnTheCalibrationWindowsEqualsTheReport) {
  REQUIRE_DATA();
  const auto o = options("loftq");
  const auto r = heldout_activation_error(kModel, qdir(), windows_of(kCalib, o.nsamples, o.seq_len, o.seed));
  const auto rep = read_report(qdir());
  ASSERT_EQ(r.layers.size(), rep["layers"].size());
  ASSERT_EQ(r.layers.size(), 35u);
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const auto& want = rep["layers"][i];
    const std::string where = "block " + std::to_string(r.layers[i].block) + " " + linear_short_name(r.layers[i].kind);
    EXPECT_EQ(r.layers[i].block, want["block"].get<int64_t>()) << where;
    EXPECT_EQ(linear_short_name(r.layers[i].kind), want["linear"].get<std::string>()) << where;
    const double a = want["act_err"].get<double>(), w = want["weight_err"].get<double>();
    EXPECT_NEAR(r.layers[i].act_err, a, 1e-6 * a) << where;
    EXPECT_NEAR(r.layers[i].weight_err, w, 1e-6 * w) << where;
  }
  ASSERT_EQ(r.block_out_mse.size(), rep["blocks"].size());
  for (size_t b = 0; b < r.block_out_mse.size(); ++b) {
    const double m = rep["blocks"][b]["out_mse"].get<double>();
    EXPECT_NEAR(r.block_out_mse[b], m, 1e-6 * m) << "block " << b;
  }
  EXPECT_NEAR(r.mean_act_err(), rep["mean_act_err"].get<double>(), 1e-6 * r.mean_act_err());
}

TEST_F(HeldoutError, HeldOutMatchesFloat64Recomputation) {
  REQUIRE_DATA();
  const auto ids = windows_of(kHeldout, 4, 64, 11);
  const auto r = heldout_activation_error(kModel, qdir(), ids);
  ASSERT_EQ(r.layers.size(), 35u);
  const auto fp = load_model(kModel);
  const auto qm = load_model(qdir());
  const auto st = TensorStore::open_dir(qdir());
  const auto& cfg = fp.config();
  const auto& names = tensor_names_for(cfg.model_type);
  auto [cos, sin] = fp.rotary().cos_sin(0, ids.size(1), torch::kCPU, torch::kFloat);
  torch::NoGradGuard ng;
  torch::Tensor h = fp.embed(ids), hq = qm.embed(ids);  // the full-precision and the quantized stream
  double diverged = 0;
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
    const auto& bw = fp.weights().blocks[b];
    Capture cf(&bw, nullptr), cq(nullptr, qm.block_linears(b));
    h = decoder_block_forward(cfg, bw.norms, cf, h, cos, sin);
    hq = decoder_block_forward(cfg, bw.norms, cq, hq, cos, sin);
    for (LinearKind k : kAllLinears) {
      const int i = static_cast<int>(k);
      const auto W = bw.linear(k).weight.to(torch::kDouble);
      const auto eff = effective_weight(st, linear_module(names, b, k), 2, 64, W.size(1), 16.0);
      const auto x = cf.in[i].to(torch::kDouble), xq = cq.in[i].to(torch::kDouble);
      const double want = (x.matmul(W.t()) - xq.matmul(eff.t())).norm(2, {-1}).mean().item<double>();
      const auto& got = r.layers[static_cast<size_t>(b * kNumLinears + i)];
      ASSERT_EQ(got.block, b);
      ASSERT_EQ(got.kind, k);
      EXPECT_NEAR(got.act_err, want, 1e-4 * want) << "block " << b << " " << linear_short_name(k);
      EXPECT_NEAR(got.weight_err, (W - eff).norm().item<double>(), 1e-4 * got.weight_err);
      diverged = std::max(diverged, (x - xq).abs().max().item<double>());
    }
  }
  EXPECT_GT(diverged, 1e-2) << "the two streams never differed: the check would not see a mixed-up stream";
}

TEST_F(HeldoutError, BatchingDoesNotChangeTheResult) {
  REQUIRE_DATA();
  const auto ids = windows_of(kHeldout, 5, 32, 3);
  HeldoutOptions one, three;
  one.metric_batch = 1;
  three.metric_batch = 3;
  const auto a = heldout_activation_error(kModel, qdir(), ids, one), b = heldout_activation_error(kModel, qdir(), ids, three);
  ASSERT_EQ(a.layers.size(), b.layers.size());
  for (size_t i = 0; i < a.layers.size(); ++i) EXPECT_NEAR(a.layers[i].act_err, b.layers[i].act_err, 1e-5 * a.layers[i].act_err);
  const auto by_kind = a.mean_act_err_by_kind();
  double s = 0;
  for (double v : by_kind) s += v;
  EXPECT_NEAR(s / kNumLinears, a.mean_act_err(), 1e-9 * s);  // 5 blocks × 7 linears: equal weights
}

TEST_F(HeldoutError, RefusesAWrongModelOrBadWindows) {
  REQUIRE_DATA();
  const auto ids = windows_of(kHeldout, 2, 16, 1);
  EXPECT_THROW(heldout_activation_error(qdir(), qdir(), ids), InputError);  // quantized "full-precision" model
  EXPECT_THROW(heldout_activation_error(kModel, kModel, ids), InputError);  // not a quantized checkpoint
  if (fs::exists(apiq::test::shared("models/babyllama-tok105/model.safetensors"))) {
    EXPECT_THROW(heldout_activation_error(apiq::test::shared("models/babyllama-tok105"), qdir(), ids), InputError);
  }
  EXPECT_THROW(heldout_activation_error(kModel, qdir(), ids.to(torch::kInt)), std::invalid_argument);
  EXPECT_THROW(heldout_activation_error(kModel, qdir(), ids.flatten()), std::invalid_argument);
  EXPECT_THROW(heldout_activation_error(kModel, qdir(), ids + 100000), std::invalid_argument);
}
