// SPDX-License-Identifier: GPL-3.0-or-later
// The whole calibration pipeline at a shape we have no weights for (apiq bench-quantize): a random
// bf16 Llama checkpoint of that shape written to disk (or a folder given), quantized by the real
// calibrate_model — activation caches, per-block state saves, report — while the wall time of every
// block and of every optimizer step is recorded. From them: the steady-state step time, the
// per-block work outside the steps, and the paper's defaults extrapolated from the measured blocks.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "io/config.h"
#include "methods/calibration_options.h"

namespace apiq {

struct QuantizeBenchOptions {
  std::string shape = "7b";  // 7b (Llama-2-7B) | tiny (finetune_bench_config's shapes)
  int64_t blocks = 0;        // blocks of the random checkpoint; 0: the shape's own
  std::filesystem::path model;      // an existing full-precision folder instead of a random checkpoint
  std::filesystem::path tokenizer;  // random checkpoint: a folder whose tokenizer files are copied in
  std::filesystem::path calib;      // calibration text
  std::filesystem::path work;       // holds random/ (the checkpoint) and quantized/ (the output)
  CalibrationOptions calibration;   // method, bits, rank, windows, epochs, device, …
  // The setting to extrapolate to (the paper's defaults).
  int64_t target_nsamples = 128, target_epochs = 20, target_blocks = 32;
  uint64_t seed = 0;
};

struct QuantizeBenchResult {
  LlamaConfig config;
  std::string device;
  double write_seconds = 0;              // writing the random checkpoint (0 for a folder given)
  double total_seconds = 0;              // calibrate_model, from its start to the checkpoint's rename
  std::vector<double> block_seconds;     // per block, as the calibration measured it
  std::vector<int64_t> block_steps;      // optimizer steps per block
  int64_t graph_steps = 0;               // of all steps, those replayed from a CUDA graph
  double step_ms = 0;                    // median interval between step reports after each block's first 3
  double steps_per_window_epoch = 0;     // median over blocks of steps / (windows · epochs): 1 apiq-bw, 7 apiq-lw
  std::vector<double> overhead_seconds;  // per block: its time minus its steps · step_ms
  double overhead_ms_per_window = 0;     // median over blocks of overhead / calibration windows
  std::vector<std::pair<std::string, double>> phase_seconds;  // median over blocks of each BlockMetrics phase
  std::vector<std::pair<std::string, double>> run_phases;     // CalibrationResult::phases
  double host_rss_peak_bytes = 0, gpu_peak_bytes = 0, checkpoint_bytes = 0;
  // Per block at the target setting: overhead scaled by target/measured windows plus target steps
  // (windows · epochs · steps_per_window_epoch) at step_ms; times target_blocks. The sequence length
  // is the measured one.
  double extrapolated_seconds = 0;
};

// Writes a random bf16 checkpoint of `cfg` (weights N(0, 0.02²), norms 1) to `dir`, one safetensors
// shard per block plus one for the embeddings and head, with an index, the tokenizer files of
// `tokenizer_dir`, and config.json last (so a folder with one is complete; its "apiq_bench" entry
// records the seed and tokenizer, which a reuse must match). Returns the bytes written.
int64_t write_random_checkpoint(const LlamaConfig& cfg, const std::filesystem::path& dir,
                                const std::filesystem::path& tokenizer_dir, uint64_t seed);

QuantizeBenchResult quantize_benchmark(const QuantizeBenchOptions& o, ProgressObserver* obs = nullptr);

}  // namespace apiq
