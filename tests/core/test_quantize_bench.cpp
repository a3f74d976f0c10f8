// SPDX-License-Identifier: GPL-3.0-or-later
// apiq bench-quantize at the tiny shape: the random checkpoint is a loadable bf16 model of that
// shape, the real pipeline writes a quantized checkpoint, and the reported numbers follow from the
// counted steps and times (the extrapolation recomputed here).
#include "bench/quantize_bench.h"
#include "io/safetensors.h"
#include "model/llama_model.h"
#include "quant/quantized_checkpoint.h"
#include "test_util.h"

using namespace apiq;

TEST(QuantizeBench, TinyShapeThroughTheRealPipeline) {
  APIQ_REQUIRE_SHARED("models/stories260K/tokenizer.model");
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt");
  torch::set_num_threads(1);
  apiq::test::TempDir d;
  QuantizeBenchOptions o;
  o.shape = "tiny";
  o.blocks = 3;
  o.tokenizer = apiq::test::shared("models/stories260K");
  o.calib = apiq::test::shared("data/tinystories-sample.txt");
  o.work = d.path;
  o.calibration.method = "apiq-bw";
  o.calibration.lora.rank = 4;
  o.calibration.nsamples = 3;
  o.calibration.seq_len = 32;
  o.calibration.epochs = 3;
  const QuantizeBenchResult r = quantize_benchmark(o);

  const LlamaModel model = LlamaModel::load(d.path / "random");
  EXPECT_EQ(model.config().num_hidden_layers, 3);
  EXPECT_EQ(model.config().hidden_size, 128);
  const auto store = TensorStore::open_dir(d.path / "random");
  EXPECT_EQ(store.info("model.layers.2.mlp.down_proj.weight").dtype, StDtype::BF16);
  const double sd = store.load("model.layers.1.self_attn.q_proj.weight").to(torch::kFloat).std().item<double>();
  EXPECT_NEAR(sd, 0.02, 0.002);
  EXPECT_NO_THROW(QuantizedCheckpoint::open(d.path / "quantized"));

  ASSERT_EQ(r.block_seconds.size(), 3u);
  for (size_t b = 0; b < 3; ++b) {
    EXPECT_EQ(r.block_steps[b], 9) << b;  // windows × epochs, batch 1
    EXPECT_GE(r.overhead_seconds[b], 0.0);
    EXPECT_LE(r.overhead_seconds[b], r.total_seconds);
  }
  EXPECT_GT(r.step_ms, 0.0);
  // The run's stages in order add up to its wall time; the blocks' own times fall inside theirs.
  ASSERT_EQ(r.run_phases.size(), 4u);
  const char* stages[] = {"load", "prepare", "blocks", "write"};
  double sum = 0;
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(r.run_phases[i].first, stages[i]);
    EXPECT_GE(r.run_phases[i].second, 0.0) << stages[i];
    sum += r.run_phases[i].second;
  }
  EXPECT_NEAR(sum, r.total_seconds, 0.05 * r.total_seconds + 1e-3);
  EXPECT_GE(r.run_phases[2].second, r.block_seconds[0] + r.block_seconds[1] + r.block_seconds[2] - 1e-6);
  EXPECT_GT(r.checkpoint_bytes, 0.0);
  EXPECT_GT(r.host_rss_peak_bytes, 0.0);
  EXPECT_EQ(r.gpu_peak_bytes, 0.0);
  EXPECT_EQ(r.steps_per_window_epoch, 1.0);  // apiq-bw: one step per window and epoch
  const double per_block = r.overhead_ms_per_window / 1e3 * 128 + 128 * 20 * r.step_ms / 1e3;
  EXPECT_NEAR(r.extrapolated_seconds, 32 * per_block, 1e-9 * r.extrapolated_seconds);

  // A second run reuses the checkpoint of the same shape instead of writing it again.
  const auto written = std::filesystem::last_write_time(d.path / "random" / "config.json");
  quantize_benchmark(o);
  EXPECT_EQ(std::filesystem::last_write_time(d.path / "random" / "config.json"), written);

  // apiq-lw steps every linear on every window: seven steps per window and epoch at the target too.
  o.calibration.method = "apiq-lw";
  const QuantizeBenchResult lw = quantize_benchmark(o);
  EXPECT_EQ(lw.steps_per_window_epoch, 7.0);
  const double lw_block = lw.overhead_ms_per_window / 1e3 * 128 + 7 * 128 * 20 * lw.step_ms / 1e3;
  EXPECT_NEAR(lw.extrapolated_seconds, 32 * lw_block, 1e-9 * lw.extrapolated_seconds);
}
