// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/quantize_bench.h"

#include <sys/resource.h>
#include <torch/types.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "base/device_info.h"
#include "base/errors.h"
#include "base/fs_util.h"
#include "bench/finetune_bench.h"
#include "calibration/calibration.h"
#include "io/safetensors.h"
#include "io/tensor_names.h"
#include "io/tokenizer.h"
#include "model/linear_shapes.h"

namespace apiq {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

torch::Tensor random_weight(int64_t out, int64_t in, torch::Generator& gen) {
  return (torch::randn({out, in}, gen) * 0.02).to(torch::kBFloat16);
}

// Records when each block ends and when each optimizer step is reported; forwards progress.
class TimingObserver final : public CalibrationObserver {
 public:
  explicit TimingObserver(ProgressObserver* next) : next_(next) {}
  void on_progress(const std::string& stage, int64_t done, int64_t total) override {
    if (next_) next_->on_progress(stage, done, total);
  }
  void on_message(const std::string& text) override {
    if (next_) next_->on_message(text);
  }
  void on_step(int64_t block, int, int64_t step, double) override {
    const auto now = Clock::now();
    if (block == last_block_) {
      const double dt = std::chrono::duration<double>(now - last_step_).count();
      (step >= 3 ? step_intervals : early_intervals).push_back(dt);
    }
    last_block_ = block, last_step_ = now;
    if (static_cast<int64_t>(steps.size()) <= block) steps.resize(static_cast<size_t>(block) + 1, 0);
    ++steps[static_cast<size_t>(block)];
  }
  void on_block(const BlockMetrics& m) override {
    block_seconds.push_back(m.seconds);
    phases.push_back(m.phases);
    block_ends.push_back(Clock::now());
  }

  std::vector<double> step_intervals, early_intervals, block_seconds;  // early: steps 1 and 2 of a block
  std::vector<int64_t> steps;
  std::vector<Clock::time_point> block_ends;
  std::vector<std::vector<std::pair<std::string, double>>> phases;  // per block

 private:
  ProgressObserver* next_;
  int64_t last_block_ = -1;
  Clock::time_point last_step_;
};

}  // namespace

int64_t write_random_checkpoint(const LlamaConfig& cfg, const fs::path& dir, const fs::path& tokenizer_dir,
                                uint64_t seed) {
  fs::create_directories(dir);
  const auto& names = tensor_names_for(cfg.model_type);
  const auto shapes = linear_shapes(cfg);
  nlohmann::json map = nlohmann::json::object();
  int64_t bytes = 0;
  auto shard = [&](const std::string& file, const NamedTensors& tensors) {
    write_safetensors(dir / file, tensors);
    for (const auto& [name, t] : tensors) map[name] = file, bytes += static_cast<int64_t>(t.nbytes());
  };
  auto gen = torch::make_generator<torch::CPUGeneratorImpl>(seed);
  const int64_t d = cfg.hidden_size;
  shard("model-head.safetensors", {{names.embed, random_weight(cfg.vocab_size, d, gen)},
                                   {names.lm_head, random_weight(cfg.vocab_size, d, gen)},
                                   {names.final_norm, torch::ones({d}, torch::kBFloat16)}});
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
    NamedTensors t;
    for (int n = 0; n < kNumNorms; ++n)
      if (names.norms[n]) t.emplace_back(block_prefix(names, b) + names.norms[n], torch::ones({d}, torch::kBFloat16));
    for (LinearKind k : kAllLinears) {
      const auto [out, in] = shapes[static_cast<int>(k)];
      t.emplace_back(linear_module(names, b, k) + ".weight", random_weight(out, in, gen));
    }
    shard("model-block-" + std::to_string(b) + ".safetensors", t);
  }
  write_file_atomic(dir / "model.safetensors.index.json",
                    nlohmann::json{{"metadata", {{"total_size", bytes}}}, {"weight_map", map}}.dump(1));
  copy_tokenizer_files(tokenizer_dir, dir);
  nlohmann::json c = cfg.raw;
  c["architectures"] = {"LlamaForCausalLM"};
  c["torch_dtype"] = "bfloat16";
  c["apiq_bench"] = {{"seed", seed}, {"tokenizer", fs::absolute(tokenizer_dir).string()}};
  write_file_atomic(dir / "config.json", c.dump(2));  // last: a folder with config.json is complete
  return bytes;
}

QuantizeBenchResult quantize_benchmark(const QuantizeBenchOptions& o, ProgressObserver* obs) {
  QuantizeBenchResult r;
  fs::path model = o.model;
  if (model.empty()) {
    FinetuneBenchOptions shape;
    shape.shape = o.shape;
    shape.layers = o.blocks;
    shape.seq_len = o.calibration.seq_len;
    r.config = finetune_bench_config(shape);
    model = o.work / "random";
    const auto t = Clock::now();
    // A checkpoint of the same shape from an earlier run is reused (writing 7B takes a while).
    const bool same = fs::exists(model / "config.json") && [&] {
      const LlamaConfig old = LlamaConfig::from_file(model / "config.json");
      const nlohmann::json mark = {{"seed", o.seed}, {"tokenizer", fs::absolute(o.tokenizer).string()}};
      return old.num_hidden_layers == r.config.num_hidden_layers && old.hidden_size == r.config.hidden_size &&
             old.intermediate_size == r.config.intermediate_size && old.vocab_size == r.config.vocab_size &&
             old.max_position_embeddings == r.config.max_position_embeddings && old.raw.value("apiq_bench", nlohmann::json()) == mark;
    }();
    if (!same) {
      remove_tree(model);
      write_random_checkpoint(r.config, model, o.tokenizer, o.seed);
    }
    r.write_seconds = seconds_since(t);
  } else {
    r.config = LlamaConfig::from_file(model / "config.json");
  }
  const fs::path out = o.work / "quantized";
  remove_tree(out);
  TimingObserver timing(obs);
  const auto start = Clock::now();
  const CalibrationResult cal = calibrate_model(model, o.calib, out, o.calibration, false, &timing);
  r.total_seconds = seconds_since(start);
  r.device = cal.device;
  r.run_phases = cal.phases;
  r.gpu_peak_bytes = torch::Device(o.calibration.device).is_cuda() ? cal.peak_memory_bytes : 0;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  r.host_rss_peak_bytes = static_cast<double>(ru.ru_maxrss) * 1024.0;
  for (const auto& e : fs::directory_iterator(out))
    if (e.is_regular_file()) r.checkpoint_bytes += static_cast<double>(e.file_size());

  for (const auto& b : cal.blocks) r.graph_steps += b.graph_steps;
  r.block_seconds = timing.block_seconds;
  r.block_steps = timing.steps;
  r.block_steps.resize(r.block_seconds.size(), 0);
  // Steady state after each block's first three steps; blocks of fewer steps only have the early ones.
  r.step_ms = 1e3 * median(timing.step_intervals.empty() ? timing.early_intervals : timing.step_intervals);
  // A block's wall time from the previous block's end (the first one's from the block's own
  // measurement: what precedes it is loading and the caches' setup).
  std::vector<double> per_window;
  for (size_t b = 0; b < r.block_seconds.size(); ++b) {
    const double wall = b == 0 ? r.block_seconds[0]
                               : std::chrono::duration<double>(timing.block_ends[b] - timing.block_ends[b - 1]).count();
    const double overhead = std::max(0.0, wall - static_cast<double>(r.block_steps[b]) * r.step_ms / 1e3);
    r.overhead_seconds.push_back(overhead);
    per_window.push_back(overhead / static_cast<double>(o.calibration.nsamples));
  }
  r.overhead_ms_per_window = 1e3 * median(per_window);
  if (!timing.phases.empty())
    for (size_t i = 0; i < timing.phases.front().size(); ++i) {
      std::vector<double> s;
      for (const auto& p : timing.phases)
        if (i < p.size()) s.push_back(p[i].second);
      r.phase_seconds.emplace_back(timing.phases.front()[i].first, median(s));
    }
  // Steps scale with windows × epochs (one per window for apiq-bw, one per window and linear for
  // apiq-lw): the measured steps per window-epoch carry over to the target.
  std::vector<double> per_window_epoch;
  const double window_epochs = static_cast<double>(o.calibration.nsamples * o.calibration.epochs);
  for (int64_t s : r.block_steps) per_window_epoch.push_back(window_epochs > 0 ? static_cast<double>(s) / window_epochs : 0.0);
  r.steps_per_window_epoch = median(per_window_epoch);
  const double target_steps = r.steps_per_window_epoch * static_cast<double>(o.target_nsamples * o.target_epochs);
  const double per_block = r.overhead_ms_per_window / 1e3 * static_cast<double>(o.target_nsamples) +
                           target_steps * r.step_ms / 1e3;
  r.extrapolated_seconds = per_block * static_cast<double>(o.target_blocks);
  return r;
}

}  // namespace apiq
