// SPDX-License-Identifier: GPL-3.0-or-later
// apiq-bw --batch N: N windows per optimizer step, their mean loss. With learning rates 0 nothing
// moves, so each batched step's loss must be the mean of the one-window losses of its windows —
// consecutive pairs, the last batch short — and batch 1 must reproduce the default run exactly.
#include "tiny_calibration.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

CalibrationResult run(const fs::path& out, int64_t batch, double lr) {
  CalibrationOptions o = apiq::test::tiny_apiq_bw(5, 32, 2);
  o.clip_lr = lr;
  o.lora_lr = lr;
  o.weight_decay = 0;
  o.batch = batch;
  return apiq::test::calibrate_stories260k(out, o);
}

}  // namespace

TEST(CalibrationBatch, StepsTakeTheMeanLossOfTheirWindows) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt");
  torch::set_num_threads(1);
  apiq::test::TempDir d;
  const auto one = run(d.path / "one", 1, 0.0);
  const auto two = run(d.path / "two", 2, 0.0);
  ASSERT_EQ(one.blocks.size(), two.blocks.size());
  for (size_t b = 0; b < one.blocks.size(); ++b) {
    const auto& l1 = one.blocks[b].losses;
    const auto& l2 = two.blocks[b].losses;
    ASSERT_EQ(l1.size(), 10u);  // 5 windows × 2 epochs
    ASSERT_EQ(l2.size(), 6u);   // batches {0, 1}, {2, 3}, {4} × 2 epochs
    for (int e = 0; e < 2; ++e) {
      const double* w = &l1[5 * e];
      EXPECT_NEAR(l2[3 * e + 0], (w[0] + w[1]) / 2, 1e-6 * w[0]) << b;
      EXPECT_NEAR(l2[3 * e + 1], (w[2] + w[3]) / 2, 1e-6 * w[2]) << b;
      EXPECT_NEAR(l2[3 * e + 2], w[4], 1e-6 * w[4]) << b;
    }
  }
  // Batch 1 is the default: the same losses bit for bit when the parameters do move.
  CalibrationOptions defaults;
  EXPECT_EQ(defaults.batch, 1);
  const auto a = run(d.path / "a", 1, 1e-3), b = run(d.path / "b", 1, 1e-3);
  EXPECT_EQ(a.blocks.back().losses, b.blocks.back().losses);
  EXPECT_NE(a.blocks.back().losses, one.blocks.back().losses);  // and the learning rate did matter
  // Only apiq-bw batches.
  CalibrationOptions lw;
  lw.method = "apiq-lw";
  lw.batch = 2;
  EXPECT_THROW(lw.validate(), std::invalid_argument);
}
