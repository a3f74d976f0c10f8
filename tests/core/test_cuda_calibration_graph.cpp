// SPDX-License-Identifier: GPL-3.0-or-later
// apiq-bw's (and apiq-lw's) optimizer steps replayed from a CUDA graph follow the eager steps' trajectory: the same
// losses, block errors and activation errors to float tolerance, and the graph is really replayed
// (every full-width step after the two warm-up steps). --batch 4 over 10 windows adds a short last
// batch per epoch, which runs eagerly between replays on the same parameters and optimizer state.
#include "ops/cuda_ops.h"
#include "tiny_calibration.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

CalibrationResult run(const fs::path& out, int64_t batch, bool graph) {
  CalibrationOptions o = apiq::test::tiny_apiq_bw(10, 64, 3);
  o.batch = batch;
  o.device = "cuda";
  o.cuda_graph = graph;
  return apiq::test::calibrate_stories260k(out, o);
}

void expect_close(double got, double want, const std::string& what) {
  EXPECT_NEAR(got, want, 2e-3 * std::abs(want) + 1e-9) << what;
}

}  // namespace

TEST(CudaCalibrationGraph, ReplayedStepsFollowTheEagerTrajectory) {
  APIQ_REQUIRE_CUDA();
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt");
  apiq::test::TempDir d;
  for (const int64_t batch : {1, 4}) {
    const auto tag = std::to_string(batch);
    const auto eager = run(d.path / ("eager" + tag), batch, false);
    const auto graph = run(d.path / ("graph" + tag), batch, true);
    const int64_t full_per_epoch = 10 / batch, steps_per_epoch = (10 + batch - 1) / batch;
    ASSERT_EQ(eager.blocks.size(), graph.blocks.size());
    for (size_t b = 0; b < eager.blocks.size(); ++b) {
      const auto& e = eager.blocks[b];
      const auto& g = graph.blocks[b];
      const auto where = "batch " + tag + " block " + std::to_string(b);
      ASSERT_EQ(e.losses.size(), static_cast<size_t>(3 * steps_per_epoch)) << where;
      ASSERT_EQ(g.losses.size(), e.losses.size()) << where;
      EXPECT_EQ(e.graph_steps, 0) << where;
      EXPECT_EQ(g.graph_steps, 3 * full_per_epoch - 2) << where;  // all full-width steps but the warm-up two
      for (size_t s = 0; s < e.losses.size(); ++s) expect_close(g.losses[s], e.losses[s], where + " step " + std::to_string(s));
      expect_close(g.out_mse, e.out_mse, where + " out_mse");
    }
    ASSERT_EQ(eager.layers.size(), graph.layers.size());
    for (size_t i = 0; i < eager.layers.size(); ++i) {
      expect_close(graph.layers[i].act_err, eager.layers[i].act_err, "batch " + tag + " act_err " + std::to_string(i));
      expect_close(graph.layers[i].weight_err, eager.layers[i].weight_err, "batch " + tag + " weight_err " + std::to_string(i));
    }
  }
}

// apiq-lw: one graph per linear, captured after two eager steps and replayed for the rest of that
// linear's steps (windows copied into fixed buffers in a shuffled order).
TEST(CudaCalibrationGraph, LayerwiseStepsFollowTheEagerTrajectory) {
  APIQ_REQUIRE_CUDA();
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt");
  apiq::test::TempDir d;
  auto run_lw = [&](const char* name, bool graph) {
    CalibrationOptions o = apiq::test::tiny_apiq_bw(10, 64, 3);
    o.method = "apiq-lw";
    o.device = "cuda";
    o.cuda_graph = graph;
    return apiq::test::calibrate_stories260k(d.path / name, o);
  };
  const auto eager = run_lw("eager", false);
  const auto graph = run_lw("graph", true);
  ASSERT_EQ(eager.blocks.size(), graph.blocks.size());
  for (size_t b = 0; b < eager.blocks.size(); ++b) {
    const auto& e = eager.blocks[b];
    const auto& g = graph.blocks[b];
    const auto where = "block " + std::to_string(b);
    ASSERT_EQ(e.losses.size(), static_cast<size_t>(kNumLinears * 30)) << where;
    ASSERT_EQ(g.losses.size(), e.losses.size()) << where;
    EXPECT_EQ(e.graph_steps, 0) << where;
    EXPECT_EQ(g.graph_steps, kNumLinears * (30 - 2)) << where;
    for (size_t s = 0; s < e.losses.size(); ++s) expect_close(g.losses[s], e.losses[s], where + " step " + std::to_string(s));
    expect_close(g.out_mse, e.out_mse, where + " out_mse");
  }
}
