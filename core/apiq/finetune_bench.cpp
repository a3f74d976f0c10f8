// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiq/finetune_bench.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <chrono>

#include "apiq/cuda_ops.h"
#include "apiq/finetune_model.h"
#include "apiq/llama_model.h"
#include "apiq/quant_linear.h"

namespace apiq {

namespace {

// Random codes packed into words (bits above the last whole code cleared), scales around 0.01 and
// the mid-range zero point, so Ŵ has the scale of a trained weight.
PackedLinear random_packed(int64_t out, int64_t in, int bits, int64_t group, torch::Device device) {
  PackedLinear p;
  p.bits = bits;
  p.out = out;
  p.in = in;
  p.group_size = group;
  const auto i32 = torch::TensorOptions().dtype(torch::kInt32).device(device);
  p.packed = torch::randint(INT32_MIN, INT32_MAX, {out, packed_words(in, bits)}, i32);
  const int used = static_cast<int>(codes_per_word(bits)) * bits;
  if (used < 32) p.packed.bitwise_and_((1 << used) - 1);
  p.scales = (torch::rand({out, p.n_groups()}, torch::TensorOptions().device(device)) * 0.01 + 0.005).to(torch::kHalf);
  p.zeros = torch::full({out, p.n_groups()}, 1 << (bits - 1), i32);
  return p;
}

int64_t bytes_of(const torch::Tensor& t) { return t.defined() ? static_cast<int64_t>(t.nbytes()) : 0; }

}  // namespace

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
  if (device.is_cuda()) cuda_reset_peak_memory(device);
  torch::manual_seed(o.seed);
  FinetuneBenchResult r;
  r.config = finetune_bench_config(o);
  r.device = device.str();
  const LlamaConfig& cfg = r.config;
  const auto dtype = parse_dtype(o.dtype);
  const auto dense = torch::TensorOptions().dtype(dtype).device(device);
  const int64_t d = cfg.hidden_size, f = cfg.intermediate_size;

  ModelWeights w;
  w.embed = torch::randn({cfg.vocab_size, d}, dense) * 0.02;
  w.lm_head = torch::randn({cfg.vocab_size, d}, dense) * 0.02;
  w.final_norm = torch::ones({d}, dense);
  const std::array<std::pair<int64_t, int64_t>, kNumLinears> dims = {
      {{cfg.q_dim(), d}, {cfg.kv_dim(), d}, {cfg.kv_dim(), d}, {d, cfg.q_dim()}, {f, d}, {f, d}, {d, f}}};
  std::vector<std::shared_ptr<QuantBlockLinears>> blocks;
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
    BlockWeights bw;
    bw.attn_norm = torch::ones({d}, dense);
    bw.mlp_norm = torch::ones({d}, dense);
    r.dense_bytes += bytes_of(bw.attn_norm) + bytes_of(bw.mlp_norm);
    w.blocks.push_back(bw);
    auto qb = std::make_shared<QuantBlockLinears>();
    for (int i = 0; i < kNumLinears; ++i) {
      auto& l = qb->linears[i];
      l.packed = random_packed(dims[i].first, dims[i].second, o.bits, o.group_size, device);
      l.lora = LoraAdapter::init_default(dims[i].first, dims[i].second, LoraOptions().set_rank(o.rank), device);
      l.state = QuantLinear::State::Final;
      r.packed_bytes += l.packed->storage_bytes();
    }
    blocks.push_back(qb);
    report(obs, "build", b + 1, cfg.num_hidden_layers);
  }
  r.dense_bytes += bytes_of(w.embed) + bytes_of(w.lm_head) + bytes_of(w.final_norm);
  LlamaModel model(cfg, std::move(w), ModelOptions().set_device(device).set_dtype(dtype));
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) model.set_block_linears(b, blocks[static_cast<size_t>(b)]);

  auto params = model_lora_parameters(model);
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
