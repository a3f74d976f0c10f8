// SPDX-License-Identifier: GPL-3.0-or-later
// measure_block with a cap on the measured windows: the errors are exactly those of the first
// windows measured alone, and every window's kept outputs are exactly those of an uncapped run.
#include "calibration/block_measure.h"
#include "methods/method.h"
#include "quant/load_model.h"
#include "test_util.h"

using namespace apiq;

TEST(BlockMeasure, MetricWindowsMeasureTheFirstWindowsAndKeepEveryOutput) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  const LlamaModel mem = load_model(apiq::test::shared("models/stories260K"));
  CalibrationOptions o;
  o.method = "apiq-bw";
  o.quant.bits = 2;
  o.quant.group_size = 64;
  o.lora.rank = 8;
  o.metric_batch = 2;  // the same chunks of two windows in every call below
  const int64_t L = 16;
  auto [cos, sin] = mem.rotary().cos_sin(0, L, torch::kCPU, torch::kFloat);
  const BlockContext ctx{mem.config(), o, torch::kCPU, cos, sin, 1};
  const QuantBlockLinears qb = find_method(o.method).init_block(ctx, mem.weights().blocks[1]);
  torch::manual_seed(4);
  const auto X = torch::randn({6, L, mem.config().hidden_size});
  const auto Xq = X + 0.05 * torch::randn_like(X);

  const auto all = measure_block(ctx, qb, X, Xq, torch::Tensor(), KeepOutputs{true, true}, 0);
  const auto first = measure_block(ctx, qb, X.narrow(0, 0, 2), Xq.narrow(0, 0, 2), torch::Tensor(), KeepOutputs{}, 0);
  const auto capped = measure_block(ctx, qb, X, Xq, torch::Tensor(), KeepOutputs{true, true}, 2);
  bool differs = false;
  for (int i = 0; i < kNumLinears; ++i) {
    EXPECT_EQ(capped.act_err[i], first.act_err[i]) << i;
    EXPECT_EQ(capped.weight_err[i], all.weight_err[i]) << i;
    differs = differs || capped.act_err[i] != all.act_err[i];
  }
  EXPECT_TRUE(differs) << "the other windows' errors should have changed the uncapped means";
  EXPECT_EQ(capped.out_mse, first.out_mse);
  EXPECT_TRUE(torch::equal(capped.out_q, all.out_q));
  EXPECT_TRUE(torch::equal(capped.out_fp, all.out_fp));

  // After training the targets are given and only the quantized outputs are kept.
  const auto after = measure_block(ctx, qb, X, Xq, all.out_fp, KeepOutputs{true, false}, 2);
  EXPECT_TRUE(torch::equal(after.out_q, all.out_q));
  EXPECT_FALSE(after.out_fp.defined());
  EXPECT_EQ(after.out_mse, first.out_mse);
  // A cap inside a forward is rounded up to whole forwards (3 -> 4 windows at two per forward).
  EXPECT_EQ(measured_windows(6, L, 2, 3), 4);
  EXPECT_EQ(measured_windows(6, L, 2, 0), 6);
  EXPECT_EQ(measured_windows(6, 2048, 8, 3), 4);  // 4096 tokens a forward: two windows of 2048
  const auto first4 = measure_block(ctx, qb, X.narrow(0, 0, 4), Xq.narrow(0, 0, 4), torch::Tensor(), KeepOutputs{}, 0);
  const auto ragged = measure_block(ctx, qb, X, Xq, torch::Tensor(), KeepOutputs{true, true}, 3);
  for (int i = 0; i < kNumLinears; ++i) EXPECT_EQ(ragged.act_err[i], first4.act_err[i]) << i;
  EXPECT_TRUE(torch::equal(ragged.out_q, all.out_q));
  // A cap above the window count measures them all.
  const auto wide = measure_block(ctx, qb, X, Xq, torch::Tensor(), KeepOutputs{}, 50);
  for (int i = 0; i < kNumLinears; ++i) EXPECT_EQ(wide.act_err[i], all.act_err[i]) << i;
}
