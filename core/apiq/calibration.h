// SPDX-License-Identifier: GPL-3.0-or-later
// The calibration pipeline shared by every method (rtn, qlora, loftq, apiq-lw, apiq-bw): weights
// stay on the host, one block at a time goes to the device, the full-precision stream X and the
// quantized stream X^q are carried from block to block, metrics flow to an observer, and state is
// saved after every block so a run can resume.
#pragma once
#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include "apiq/group_quantizer.h"
#include "apiq/lora.h"
#include "apiq/progress.h"
#include "apiq/tensor_names.h"

namespace apiq {

enum class Method { Rtn, Qlora, Loftq, ApiqLw, ApiqBw };
Method parse_method(const std::string& s);  // throws std::invalid_argument
const char* method_name(Method m);

// Which of a block's seven linears are quantized (indexed by LinearKind); the others stay dense:
// no quantizer, no LoRA, their full-precision W.
using LinearTargets = std::array<bool, kNumLinears>;
constexpr LinearTargets kAllTargets = {true, true, true, true, true, true, true};
// "q,k,v,o,gate,up,down" (the _proj suffix is optional); throws std::invalid_argument for an
// unknown or repeated name or an empty list.
LinearTargets parse_targets(const std::string& csv);
std::string targets_to_string(const LinearTargets& t);  // "q,v,down"
int count_targets(const LinearTargets& t);

struct CalibrationOptions {
  Method method = Method::ApiqBw;
  LinearTargets targets = kAllTargets;  // at least one
  bool is_target(LinearKind k) const { return targets[static_cast<int>(k)]; }
  QuantizerOptions quant;   // learnable clipping is used by the apiq methods only
  LoraOptions lora;
  int64_t nsamples = 128;
  int64_t seq_len = 2048;
  int64_t epochs = 20;
  uint64_t seed = 2;
  int loftq_iters = 5;
  double clip_lr = 5e-3;
  double lora_lr = 5e-4;
  double weight_decay = 0.1;
  bool aug_loss = false;  // apiq-bw: add MSE(block_q(X^q), block_fp(X^q))
  std::string device = "cpu";
  bool offload_activations = false;  // keep the X / X^q caches in host memory
  bool mixed_precision = true;       // CUDA: bf16 autocast and bf16 activation caches (fp32 master params)
  int64_t metric_batch = 8;          // samples per forward when measuring
  // Fault injection for tests: the training loss of this block turns NaN at its second step.
  int64_t inject_nan_block = -1;
};

struct LayerMetrics {
  int64_t block = 0;
  LinearKind kind = LinearKind::Q;
  double act_err_init = 0;  // ‖XW − X^q(Ŵ + sBA)‖ per token, after initialisation
  double act_err = 0;       // the same after calibration
  double weight_err = 0;    // ‖W − (Ŵ + sBA)‖_F
};

struct BlockMetrics {
  int64_t block = 0;
  double out_mse_init = 0;  // MSE(block_q(X^q), block_fp(X)) after initialisation
  double out_mse = 0;       // the same after calibration
  double seconds = 0;
  std::vector<double> losses;  // training loss per optimizer step (apiq methods)
};

class CalibrationObserver : public ProgressObserver {
 public:
  virtual void on_layer(const LayerMetrics& m) { (void)m; }
  virtual void on_block(const BlockMetrics& m) { (void)m; }
  // One optimizer step; `linear` is -1 for block-wise training.
  virtual void on_step(int64_t block, int linear, int64_t step, double loss) {
    (void)block; (void)linear; (void)step; (void)loss;
  }
};

struct CalibrationResult {
  std::vector<LayerMetrics> layers;
  std::vector<BlockMetrics> blocks;
  double peak_memory_bytes = 0;
  double seconds = 0;
  double mean_act_err() const;
};

// Thrown when a loss turns NaN or infinite; names the block and step.
class NonFiniteLossError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Quantizes the model in `model_dir` with calibration text `calib_file` and writes a quantized
// checkpoint to `out_dir`. Work in progress lives in `out_dir`.partial (resumable with
// `resume`); `out_dir` appears only when the run is complete.
CalibrationResult calibrate_model(const std::filesystem::path& model_dir, const std::filesystem::path& calib_file,
                                  const std::filesystem::path& out_dir, const CalibrationOptions& opts,
                                  bool resume = false, CalibrationObserver* obs = nullptr,
                                  const CancelToken* cancel = nullptr);

std::filesystem::path partial_dir(const std::filesystem::path& out_dir);

// N windows of L tokens of a token stream at uniform random start positions (std::mt19937_64
// seeded with `seed`): how calibration draws its samples. `origin` names the text in errors.
torch::Tensor sample_windows(const std::vector<int64_t>& stream, int64_t n, int64_t len, uint64_t seed,
                             const std::filesystem::path& origin);

}  // namespace apiq
