// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/finetune_bench.h"

#include <torch/cuda.h>
#include <torch/nn/utils.h>
#include <torch/optim/adamw.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <chrono>

#include "base/device_info.h"
#include "ops/cuda_ops.h"
#include "finetune/finetune_model.h"
#include "model/llama_model.h"
#include "bench/random_packed_model.h"

namespace apiq {

LlamaConfig finetune_bench_config(const FinetuneBenchOptions& o) {
  nlohmann::json j;
  if (o.shape == "7b") {
    j = {{"hidden_size", 4096}, {"intermediate_size", 11008}, {"num_hidden_layers", 32},
         {"num_attention_heads", 32}, {"vocab_size", 32000}};
  } else if (o.shape == "tiny") {
    j = {{"hidden_size", 128}, {"intermediate_size", 256}, {"num_hidden_layers", 2}, {"num_attention_heads", 4},
         {"vocab_size", 512}};
  } else {
    throw std::invalid_argument("unknown benchmark shape '" + o.shape + "' (use 7b or tiny)");
  }
  if (o.layers > 0) j["num_hidden_layers"] = o.layers;
  if (o.hidden > 0) j["hidden_size"] = o.hidden;
  if (o.intermediate > 0) j["intermediate_size"] = o.intermediate;
  if (o.heads > 0) j["num_attention_heads"] = o.heads;
  if (o.vocab > 0) j["vocab_size"] = o.vocab;
  if (j["hidden_size"].get<int64_t>() % j["num_attention_heads"].get<int64_t>() != 0)
    throw std::invalid_argument("the hidden size must be a multiple of the number of heads");
  j["model_type"] = "llama";
  j["num_key_value_heads"] = j["num_attention_heads"];
  j["max_position_embeddings"] = std::max<int64_t>(4096, o.seq_len);
  j["rms_norm_eps"] = 1e-5;
  j["rope_theta"] = 10000.0;
  j["tie_word_embeddings"] = false;
  return LlamaConfig::from_json(j, "<benchmark shape>");
}

FinetuneBenchResult finetune_benchmark(const FinetuneBenchOptions& o, ProgressObserver* obs) {
  if (o.steps < 1 || o.seq_len < 2 || o.batch < 1 || o.rank < 1)
    throw std::invalid_argument("steps, batch and rank must be at least 1 and seq-len at least 2");
  const torch::Device device(o.device);
  if (device.is_cuda() && !torch::cuda::is_available()) throw std::invalid_argument("--device cuda: no CUDA GPU is available");
  reset_peak_memory(device);
  torch::manual_seed(o.seed);
  FinetuneBenchResult r;
  r.config = finetune_bench_config(o);
  r.device = device.str();
  const LlamaConfig& cfg = r.config;
  const auto dtype = parse_dtype(o.dtype);

  RandomPackedModelOptions mo;
  mo.bits = o.bits;
  mo.group_size = o.group_size;
  mo.rank = o.rank;
  mo.dtype = dtype;
  mo.device = device;
  auto built = make_random_packed_model(cfg, mo, obs);
  r.packed_bytes = built.packed_bytes;
  r.dense_bytes = built.dense_bytes;
  LlamaModel& model = built.model;

  auto params = model_adapter_parameters(model);
  for (auto& p : params) {
    p.set_requires_grad(true);
    r.lora_parameters += p.numel();
  }
  torch::optim::AdamW opt(params, torch::optim::AdamWOptions(3e-4).weight_decay(0.1));
  const TrainForwardOptions tfo{o.checkpointing, device.is_cuda() && o.mixed_precision};
  for (int64_t s = 0; s < o.steps; ++s) {
    auto ids = torch::randint(cfg.vocab_size, {o.batch, o.seq_len}, torch::TensorOptions().dtype(torch::kInt64));
    if (device.is_cuda()) torch::cuda::synchronize();
    const auto t0 = std::chrono::steady_clock::now();
    opt.zero_grad();
    auto nll = masked_nll_sum(train_forward(model, ids.to(device), tfo), ids);
    auto loss = nll / static_cast<double>(o.batch * (o.seq_len - 1));
    loss.backward();
    torch::nn::utils::clip_grad_norm_(params, 1.0);
    opt.step();
    r.losses.push_back(loss.item<double>());
    if (device.is_cuda()) torch::cuda::synchronize();
    r.step_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    report(obs, "bench steps", s + 1, o.steps);
  }
  const size_t first = r.step_seconds.size() > 1 ? 1 : 0;
  double sum = 0;
  for (size_t i = first; i < r.step_seconds.size(); ++i) sum += r.step_seconds[i];
  const double mean = sum / static_cast<double>(r.step_seconds.size() - first);
  r.tokens_per_second = static_cast<double>(o.batch * o.seq_len) / mean;
  r.peak_memory_bytes = peak_memory_bytes(device);
  return r;
}

}  // namespace apiq
