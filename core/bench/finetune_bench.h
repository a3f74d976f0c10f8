// SPDX-License-Identifier: GPL-3.0-or-later
// Finetuning throughput and memory on a random-weight packed model of a given shape (by default
// Llama-2-7B: hidden 4096, FFN 11008, 32 layers, 32 heads, vocab 32000, untied head), built
// directly on the device: random b-bit codes, fp16 scales, int32 zeros, LoRA factors of rank r,
// frozen embeddings and head in `dtype`. Runs `steps` AdamW steps on random tokens through the
// same training forward as finetune() and reports tokens per second and the peak memory.
#pragma once
#include <string>
#include <vector>

#include "io/config.h"
#include "base/progress.h"

namespace apiq {

struct FinetuneBenchOptions {
  std::string device = "cuda";
  std::string shape = "7b";  // 7b | tiny (hidden 128, FFN 256, 2 layers, 4 heads, vocab 512)
  // Overrides of the shape (ignored when not positive).
  int64_t layers = 0, hidden = 0, intermediate = 0, heads = 0, vocab = 0;
  int64_t seq_len = 2048;
  int64_t batch = 1;
  int64_t rank = 64;
  int64_t steps = 3;
  int bits = 2;
  int64_t group_size = 64;
  bool checkpointing = true;
  bool mixed_precision = true;  // CUDA: bf16 autocast
  std::string dtype = "bf16";   // frozen embeddings, norms and head (f32 on CPU is faster)
  uint64_t seed = 0;
};

struct FinetuneBenchResult {
  LlamaConfig config;
  std::string device;
  int64_t packed_bytes = 0;  // codes + scales + zeros of all linears
  int64_t dense_bytes = 0;   // embeddings, head, norms
  int64_t lora_parameters = 0;
  std::vector<double> step_seconds;
  std::vector<double> losses;
  double tokens_per_second = 0;  // batch · seq_len over the mean step time (first step excluded when > 1)
  double peak_memory_bytes = 0;  // CUDA: allocator peak over model build and steps; CPU: peak RSS
};

LlamaConfig finetune_bench_config(const FinetuneBenchOptions& o);
FinetuneBenchResult finetune_benchmark(const FinetuneBenchOptions& o, ProgressObserver* obs = nullptr);

}  // namespace apiq
