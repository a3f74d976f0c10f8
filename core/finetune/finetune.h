// SPDX-License-Identifier: GPL-3.0-or-later
// LoRA finetuning of a native quantized checkpoint. The base stays packed on the device (Ŵ is
// rebuilt per product by packed_matmul and never kept); only the LoRA factors train, with AdamW,
// a warmup + cosine (or constant) learning-rate schedule and gradient accumulation. The held-out
// perplexity is measured before training and after every epoch. Work in progress lives in
// OUT.partial (LoRA factors, optimizer state, step; saved atomically every `save_every` steps, at
// every epoch end and on cancel), so `resume` continues exactly; OUT appears only when complete.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/progress.h"
#include "finetune/sft_data.h"
#include "model/adapter_options.h"

namespace apiq {

enum class LrSchedule { Cosine, Constant };
LrSchedule parse_lr_schedule(const std::string& s);  // cosine | constant; throws std::invalid_argument
const char* lr_schedule_name(LrSchedule s);

struct FinetuneOptions {
  SftDataOptions data;             // format, seq_len, held-out split
  int64_t epochs = 1;
  double lr = 3e-4;
  int64_t batch = 1;               // examples per forward
  int64_t grad_accum = 1;          // forwards per optimizer step
  double warmup = 0.03;            // fraction of all steps with a linear warmup from 0
  LrSchedule schedule = LrSchedule::Cosine;
  double weight_decay = 0.1;
  double max_grad_norm = 1.0;      // clip the LoRA gradients' global norm (0: off)
  std::string device = "cpu";
  std::string dtype = "f32";       // the frozen dense parts (embeddings, norms, head): f32 | bf16 | f16
  bool mixed_precision = true;     // CUDA: bf16 autocast, fp32 LoRA factors and optimizer state
  bool activation_checkpointing = false;
  uint64_t seed = 42;              // data order
  int64_t save_every = 0;          // also save resumable state every N steps (0: at epoch ends only)
  int64_t eval_batch = 8;
  AdapterOptions adapter;          // what trains beside the frozen base: lora (default), qbara, qahira, blora
};

// Hugging Face's schedules: warmup_steps = ⌈warmup · total⌉; the optimizer step `step` (0-based)
// uses lr · step / warmup_steps during warmup, then lr · ½(1 + cos(π · progress)) (cosine) or lr
// (constant), progress = (step − warmup_steps) / max(1, total − warmup_steps).
int64_t warmup_steps(int64_t total_steps, double warmup);
double lr_at(int64_t step, int64_t total_steps, const FinetuneOptions& o);

struct FinetuneStep {
  int64_t step = 0;   // 0-based optimizer step
  int64_t epoch = 0;  // 0-based
  double loss = 0;    // mean next-token NLL over the step's predicted tokens
  double lr = 0;
  int64_t tokens = 0;
};

struct FinetuneEval {
  int64_t epoch = 0;  // 0: before training; e: after epoch e
  double nll = 0, ppl = 0;
  int64_t tokens = 0;
};

class FinetuneObserver : public ProgressObserver {
 public:
  virtual void on_step(const FinetuneStep& s) { (void)s; }
  virtual void on_eval(const FinetuneEval& e) { (void)e; }
};

struct FinetuneResult {
  std::vector<FinetuneStep> steps;
  std::vector<FinetuneEval> evals;
  int64_t train_examples = 0, eval_examples = 0, total_steps = 0;
  double seconds = 0;  // this call's wall time (a resumed run counts from the resume)
  double peak_memory_bytes = 0;
  nlohmann::json adapter;  // adapter_report(): kind, trainable parameters, stored bits, per linear
};

// Finetunes an adapter (opts.adapter; LoRA by default, started from the checkpoint's factors) of
// the quantized checkpoint `qdir` on `data` and writes a native quantized checkpoint with the
// trained adapter to `out_dir` (report.json gains a "finetune" section: options, per-step loss and
// learning rate, per-epoch held-out perplexity, and "adapter": kind, trainable parameters, stored
// bits and each linear's description).
FinetuneResult finetune(const std::filesystem::path& qdir, const std::filesystem::path& data,
                        const std::filesystem::path& out_dir, const FinetuneOptions& opts, bool resume = false,
                        FinetuneObserver* obs = nullptr, const CancelToken* cancel = nullptr);

nlohmann::json finetune_report_json(const FinetuneResult& r, const nlohmann::json& options);

// DIR/report.json as a JSON object (an empty object when it is missing or not an object): what
// finetune and merge extend with their own section.
nlohmann::json read_report_object(const std::filesystem::path& dir);

}  // namespace apiq
