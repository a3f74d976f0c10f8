// SPDX-License-Identifier: GPL-3.0-or-later
// The calibration pipeline shared by every method of the table (methods/method.h): weights stay
// on the host, one block at a time goes to the device, the full-precision stream X and the
// quantized stream X^q are carried from block to block, metrics flow to an observer, and state is
// saved after every block so a run can resume.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "methods/calibration_options.h"

namespace apiq {

struct CalibrationResult {
  std::vector<LayerMetrics> layers;
  std::vector<BlockMetrics> blocks;
  double peak_memory_bytes = 0;
  double seconds = 0;
  std::string device;  // where it ran, e.g. "cpu (2 threads)", "cuda:0 (NVIDIA H200)"; "" in older reports
  // This run's wall time by stage, in seconds: load (the model), prepare (tokenizing, the streams'
  // embedding, the Fisher or budget if asked), blocks, write (the checkpoint). Not in report.json,
  // which is written during the last stage.
  std::vector<std::pair<std::string, double>> phases;
  double mean_act_err() const;
};

// Quantizes the model in `model_dir` with calibration text `calib_file` and writes a quantized
// checkpoint to `out_dir`. Work in progress lives in `out_dir`.partial (resumable with
// `resume`); `out_dir` appears only when the run is complete.
CalibrationResult calibrate_model(const std::filesystem::path& model_dir, const std::filesystem::path& calib_file,
                                  const std::filesystem::path& out_dir, const CalibrationOptions& opts,
                                  bool resume = false, CalibrationObserver* obs = nullptr,
                                  const CancelToken* cancel = nullptr);

// "block_<b>.safetensors": the name of block b's saved state in the .partial folder.
std::string block_state_file(int64_t block);

}  // namespace apiq
