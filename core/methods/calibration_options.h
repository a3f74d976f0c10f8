// SPDX-License-Identifier: GPL-3.0-or-later
// What a calibration run is told (the quantization it makes plus how to get there) and what it
// tells its observer. Every rule about these options lives in validate(), so the CLI and the
// wizard refuse the same things with the same words.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "base/errors.h"
#include "base/progress.h"
#include "io/config.h"
#include "quant/quant_spec.h"

namespace apiq {

struct CalibrationOptions : QuantSpec {
  int64_t nsamples = 128;
  int64_t seq_len = 2048;
  int64_t epochs = 20;
  uint64_t seed = 2;
  int loftq_iters = 5;
  // lq-lora: most iterations of its decomposition (it stops earlier once the error stops falling).
  // Its own option, not loftq_iters: the defaults differ (LQ-LoRA runs until the error rises,
  // up to 100 in its code), and a run of one method should not change with the other's setting.
  int lq_iters = 20;
  // lq-lora: calibration windows for the diagonal empirical Fisher that weights its decomposition
  // (0: unweighted). They are the first `fisher` of the run's `nsamples` windows, so it may not
  // exceed nsamples; only methods whose uses_fisher() is true accept it.
  int64_t fisher = 0;
  // --budget B: bits per quantized parameter for a mixed-precision allocation (0: uniform `quant`);
  // the allocation fills QuantSpec::overrides before the first block (calibration/budget_allocation.h).
  double budget = 0;
  bool budget_counts_lora = true;  // the LoRA factors count against the budget
  std::vector<int> budget_bits = {2, 3, 4, 8};  // the bit widths the allocation may choose
  double clip_lr = 5e-3;
  double lora_lr = 5e-4;
  double weight_decay = 0.1;
  bool aug_loss = false;  // apiq-bw: add MSE(block_q(X^q), block_fp(X^q))
  // apiq-bw: windows per optimizer step (the loss is their mean; the last batch of an epoch may be
  // short). 1 is the paper's setting; N ranks of data-parallel training take N windows per step,
  // which this reproduces on one device.
  int64_t batch = 1;
  std::string device = "cpu";
  bool offload_activations = false;  // keep the X / X^q caches in host memory
  bool mixed_precision = true;       // CUDA: bf16 autocast and bf16 activation caches (fp32 master params)
  int64_t metric_batch = 8;          // samples per forward when measuring (at most 4096 tokens)
  // Windows the activation and output errors are measured on (the first ones; 0: all). Beyond them
  // a block is run once per window instead of twice for each of its two measurements.
  int64_t metric_windows = 32;
  // CUDA: replay apiq-bw's optimizer steps from a CUDA graph (step_graph.h); off: every kernel
  // dispatched by the host. Equal results to float tolerance, so not part of a run's fingerprint.
  bool cuda_graph = true;
  // Fault injection for tests: the training loss of this block turns NaN at its second step.
  int64_t inject_nan_block = -1;

  // The description of the checkpoint this run writes: the method's adapter (none for rtn) and
  // clipping applied to the options given.
  QuantSpec spec() const;
  // Every problem with these options, one sentence each (empty: fine).
  std::vector<std::string> problems() const;
  // Throws std::invalid_argument with the first problem.
  void validate() const;
  // Choices that run but waste effort on this model (a group wider than its narrowest linear, a
  // rank above min(in, out) of its smallest linear): the CLI prints them, the wizard asks for
  // another value.
  std::vector<std::string> warnings(const LlamaConfig& model) const;
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
  int64_t graph_steps = 0;     // of them, replayed from a CUDA graph
  // Wall seconds of the block's parts in order (init, measure_before, train, finalize, measure_after,
  // to_host); the measurements' one read of their sums and the last loss read wait for the device.
  std::vector<std::pair<std::string, double>> phases;
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

}  // namespace apiq
