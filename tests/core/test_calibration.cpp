// SPDX-License-Identifier: GPL-3.0-or-later
// Methods and the calibration pipeline: LoftQ convergence, ApiQ-lw lowering activation error,
// resume equivalence, cancel without partial output, and a non-finite loss stopping cleanly.
#include <fstream>
#include <nlohmann/json.hpp>

#include "methods/block_context.h"
#include "methods/loftq.h"
#include "methods/method.h"
#include "calibration/calibration.h"
#include "base/errors.h"
#include "model/evaluation.h"
#include "model/llama_model.h"
#include "io/safetensors.h"
#include "quant/load_model.h"
#include "base/output_folder.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

CalibrationOptions small_options(const char* m) {
  CalibrationOptions o;
  o.method = m;
  o.quant.bits = 2;
  o.quant.group_size = 64;
  o.lora.rank = 8;
  o.nsamples = 6;
  o.seq_len = 64;
  o.epochs = 2;
  o.clip_lr = 1e-2;
  o.lora_lr = 1e-3;
  return o;
}

// Stops the run once block `at` is complete.
class CancelAfterBlock : public CalibrationObserver {
 public:
  CancelAfterBlock(CancelToken& t, int64_t at) : token_(t), at_(at) {}
  void on_block(const BlockMetrics& m) override {
    if (m.block == at_) token_.cancel();
  }

 private:
  CancelToken& token_;
  int64_t at_;
};

#define REQUIRE_STORIES()                                  \
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors"); \
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt")

const fs::path kModel = apiq::test::shared("models/stories260K");
const fs::path kCalib = apiq::test::shared("data/tinystories-sample.txt");

}  // namespace

TEST(LoftQ, WeightErrorFallsWithIterationsAndBeatsQlora) {
  torch::manual_seed(3);
  auto W = torch::randn({96, 172}) * 0.05;  // ragged last group (172 = 64 + 64 + 44)
  QuantizerOptions qo;
  qo.set_bits(2).set_group_size(64).set_learnable_clipping(false);
  auto weight_err = [&](int iters) {
    QuantLinear l;
    l.W = W;
    l.quantizer = GroupQuantizer(qo, 96, 172);
    l.lora = LoraAdapter::init_default(96, 172, LoraOptions().set_rank(8));
    l.state = QuantLinear::State::Training;
    if (iters > 0) loftq_init(l, iters);
    else l.lora.B.zero_();  // qlora: B = 0
    l.finalize();
    return (W - (l.w_hat + l.lora.delta())).norm().item<double>();
  };
  const double qlora = weight_err(0), t1 = weight_err(1), t5 = weight_err(5);
  EXPECT_LT(t1, qlora);
  EXPECT_LT(t5, t1);
  EXPECT_LE(weight_err(3), t1 + 1e-9);
}

TEST(Calibration, ApiqLwLowersEveryLinearsActivationError) {
  REQUIRE_STORIES();
  apiq::test::TempDir d;
  auto o = small_options("apiq-lw");
  o.epochs = 4;
  auto r = calibrate_model(kModel, kCalib, d.path / "lw", o);
  ASSERT_EQ(r.layers.size(), 35u);
  for (const auto& l : r.layers)
    EXPECT_LT(l.act_err, l.act_err_init) << "block " << l.block << " " << linear_short_name(l.kind);
  // The written checkpoint loads and evaluates.
  auto m = load_model(d.path / "lw");
  EXPECT_TRUE(m.is_quantized());
  auto logits = m.forward(torch::tensor({1, 403, 407}).unsqueeze(0));
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

TEST(Calibration, ResumeAfterCancelIsBitIdentical) {
  REQUIRE_STORIES();
  apiq::test::TempDir d;
  const auto o = small_options("apiq-bw");
  calibrate_model(kModel, kCalib, d.path / "full", o);

  CancelToken token;
  CancelAfterBlock stop(token, 2);
  EXPECT_THROW(calibrate_model(kModel, kCalib, d.path / "resumed", o, false, &stop, &token), CancelledError);
  EXPECT_FALSE(fs::exists(d.path / "resumed")) << "cancel left partial output";
  std::ifstream sin(partial_dir(d.path / "resumed") / "state.json");
  EXPECT_EQ(nlohmann::json::parse(sin)["blocks_done"].get<int>(), 3);

  calibrate_model(kModel, kCalib, d.path / "resumed", o, /*resume=*/true);
  EXPECT_FALSE(fs::exists(partial_dir(d.path / "resumed")));
  auto a = TensorStore::open_dir(d.path / "full"), b = TensorStore::open_dir(d.path / "resumed");
  ASSERT_EQ(a.names(), b.names());
  for (const auto& n : a.names()) EXPECT_TRUE(torch::equal(a.load(n), b.load(n))) << n;
}

TEST(Calibration, NonFiniteLossStopsWithBlockAndStep) {
  REQUIRE_STORIES();
  apiq::test::TempDir d;
  auto o = small_options("apiq-bw");
  o.inject_nan_block = 1;
  try {
    calibrate_model(kModel, kCalib, d.path / "nan", o);
    FAIL() << "no error";
  } catch (const NonFiniteLossError& e) {
    EXPECT_NE(std::string(e.what()).find("block 1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("step 1"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(d.path / "nan"));
  const auto work = partial_dir(d.path / "nan");
  std::ifstream sin(work / "state.json");
  EXPECT_EQ(nlohmann::json::parse(sin)["blocks_done"].get<int>(), 1);
  EXPECT_TRUE(fs::exists(work / "block_0.safetensors"));
  EXPECT_FALSE(fs::exists(work / "block_1.safetensors"));
}

TEST(Calibration, BadInputs) {
  REQUIRE_STORIES();
  apiq::test::TempDir d;
  auto o = small_options("rtn");
  std::ofstream(d.path / "short.txt") << "Once";
  EXPECT_THROW(calibrate_model(kModel, d.path / "short.txt", d.path / "o1", o), InputError);
  EXPECT_THROW(calibrate_model(kModel, d.path / "missing.txt", d.path / "o2", o), InputError);
  fs::create_directories(d.path / "exists");
  EXPECT_THROW(calibrate_model(kModel, kCalib, d.path / "exists", o), InputError);
}
