// SPDX-License-Identifier: GPL-3.0-or-later
// NF with LQ-LoRA's double quantization as a checkpoint format, and --budget over LQ-LoRA's NF
// grid: the stored scales decode to what nf_double_quantize gives, storage is counted as written,
// per-linear NF configurations survive config.json, and the allocation stays within its budget.
#include <set>

#include "calibration/budget_allocation.h"
#include "calibration/calibration.h"
#include "io/safetensors.h"
#include "model/linear_shapes.h"
#include "quant/load_model.h"
#include "quant/nf_double_quant.h"
#include "quant/quantized_checkpoint.h"
#include "stored_bits.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

const fs::path kModel = apiq::test::shared("models/stories260K");
const fs::path kCalib = apiq::test::shared("data/tinystories-sample.txt");

CalibrationOptions nf_options(const std::string& method) {
  CalibrationOptions o;
  o.method = method;
  o.quant.format = QuantizerOptions::Format::NF;
  o.quant.bits = 2;
  o.quant.nf_block_size = 32;
  o.quant.nf_scale_bits = 3;
  o.quant.nf_scale_block = 16;  // several scale groups per linear, the last one short
  o.quant.nf_scale_float = QuantizerOptions::NFScaleFloat::FP16;
  o.quant.learnable_clipping = false;
  o.lora.rank = 4;
  o.nsamples = 2;
  o.seq_len = 64;
  o.lq_iters = 2;
  return o;
}

}  // namespace

TEST(NFDoubleQuantCheckpoint, StoredScalesDecodeExactlyAndCountAsWritten) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt");
  torch::set_num_threads(1);
  apiq::test::TempDir d;
  const CalibrationOptions o = nf_options("qlora");  // quantizes W itself
  calibrate_model(kModel, kCalib, d.path / "q", o);
  const LlamaModel source = LlamaModel::load(kModel);
  const auto ck = QuantizedCheckpoint::open(d.path / "q");
  EXPECT_EQ(ck.spec.quant.nf_scale_bits, 3);
  EXPECT_EQ(ck.spec.quant.nf_scale_float, QuantizerOptions::NFScaleFloat::FP16);
  const auto& names = tensor_names_for(source.config().model_type);
  const auto shapes = linear_shapes(source.config());
  for (int64_t b = 0; b < source.config().num_hidden_layers; ++b) {
    const auto qb = load_quantized_block(ck.store, ck.cfg, ck.spec, b, torch::kCPU, false);
    for (LinearKind k : kAllLinears) {
      const std::string m = linear_module(names, b, k);
      const auto [out, in] = shapes[static_cast<int>(k)];
      ASSERT_FALSE(ck.store.contains(m + ".nf_absmax")) << m;
      EXPECT_EQ(ck.store.info(m + ".nf_scale_maxima").dtype, StDtype::F16) << m;
      EXPECT_EQ(apiq::test::stored_linear_bits(ck.store, m), nf_linear_storage_bits(out, in, o.quant)) << m;
      const auto W = source.weights().blocks[b].linear(k).weight.to(torch::kFloat);
      const auto expect = nf_double_dequantize(nf_double_quantize(W, nf_double_quant_config(o.quant)));
      EXPECT_TRUE(torch::equal(qb->at(k).w_hat, expect)) << m;
    }
  }
  // Below LQ-LoRA's count b + b0/B0 + b1/(B0·B1) only by what the per-row code words pad.
  const int64_t params = 64 * 64;
  EXPECT_LE(nf_linear_storage_bits(64, 64, o.quant), static_cast<int64_t>(params * nf_double_quant_config(o.quant).bits_per_param()) + 32 + 32 * 8);
}

TEST(NFBudget, LqLoraChoosesFromTheNFGridWithinTheBudget) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt");
  torch::set_num_threads(1);
  EXPECT_EQ(budget_candidates({2, 3, 4, 8}, QuantizerOptions::Format::NF).size(), 3u * 4 * 3 * 3 * 3);
  apiq::test::TempDir d;
  CalibrationOptions o = nf_options("lq-lora");
  o.budget = 3.0;
  o.budget_counts_lora = false;
  calibrate_model(kModel, kCalib, d.path / "q", o);
  const auto ck = QuantizedCheckpoint::open(d.path / "q");
  ASSERT_TRUE(ck.spec.mixed());
  const auto& names = tensor_names_for(ck.cfg.model_type);
  const auto shapes = linear_shapes(ck.cfg);
  int64_t total = 0, params = 0;
  std::set<std::tuple<int, int64_t, int>> configs;
  for (int64_t b = 0; b < ck.cfg.num_hidden_layers; ++b)
    for (LinearKind k : kAllLinears) {
      const auto q = ck.spec.quant_for(b, k);
      ASSERT_TRUE(q.nf_double_quant());
      const auto [out, in] = shapes[static_cast<int>(k)];
      const int64_t bits = apiq::test::stored_linear_bits(ck.store, linear_module(names, b, k));
      EXPECT_EQ(bits, nf_linear_storage_bits(out, in, q)) << QuantSpec::module_key(b, k);
      total += bits, params += out * in;
      configs.insert({q.bits, q.nf_block_size, q.nf_scale_bits});
    }
  EXPECT_LE(total, static_cast<int64_t>(3.0 * static_cast<double>(params)));
  EXPECT_GT(total, static_cast<int64_t>(2.5 * static_cast<double>(params))) << "the budget buys more than 2 bits";
  EXPECT_GT(configs.size(), 1u);
  const auto x = torch::randint(0, ck.cfg.vocab_size, {1, 16}, torch::kInt64);
  torch::NoGradGuard ng;
  EXPECT_TRUE(torch::isfinite(load_model(d.path / "q").forward(x)).all().item<bool>());
}

TEST(NFBudget, OverridesRoundTripThroughTheConfig) {
  QuantSpec s;
  s.quant.format = QuantizerOptions::Format::NF;
  s.quant.nf_scale_bits = 8;
  s.overrides[QuantSpec::module_key(1, LinearKind::Up)] = {3, 16, 2, 64, QuantizerOptions::NFScaleFloat::BF16};
  s.overrides[QuantSpec::module_key(0, LinearKind::Q)] = {4, 32};  // float32 absmax
  const QuantSpec back = QuantSpec::from_json(s.to_json(), "config.json");
  EXPECT_EQ(back.overrides, s.overrides);
  EXPECT_EQ(back.quant.nf_scale_bits, 8);
  const auto up = back.quant_for(1, LinearKind::Up);
  EXPECT_EQ(up.nf_block_size, 16);
  EXPECT_EQ(up.nf_scale_block, 64);
  EXPECT_FALSE(back.quant_for(0, LinearKind::Q).nf_double_quant());
  s.overrides[QuantSpec::module_key(0, LinearKind::K)] = {8, 32};  // NF has no 8-bit levels
  EXPECT_THROW(s.validate(), std::invalid_argument);
}
