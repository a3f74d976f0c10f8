// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end rows of `apiq bench`: one ApiQ-bw optimizer step on a Llama-2-7B-shaped block
// (our kernels vs composed LibTorch ops, same run), and 2-bit decode of a random 7B-shaped model.
#include <torch/torch.h>

#include <chrono>

#include "apiq/bench_timer.h"
#include "apiq/block_calibrator.h"
#include "apiq/cuda_ops.h"
#include "apiq/kernel_bench.h"

namespace apiq {

namespace {

LlamaConfig llama2_7b_config(int64_t layers, int64_t max_pos) {
  nlohmann::json j = {{"model_type", "llama"},          {"hidden_size", 4096},         {"intermediate_size", 11008},
                      {"num_hidden_layers", layers},    {"num_attention_heads", 32},   {"num_key_value_heads", 32},
                      {"vocab_size", 32000},            {"rms_norm_eps", 1e-5},        {"rope_theta", 10000.0},
                      {"max_position_embeddings", max_pos}};
  return LlamaConfig::from_json(j, "<llama-2-7b shape>");
}

BlockWeights random_block(const LlamaConfig& cfg, torch::Device dev) {
  const auto on = torch::TensorOptions().device(dev);
  const int64_t d = cfg.hidden_size, f = cfg.intermediate_size;
  const std::array<std::pair<int64_t, int64_t>, kNumLinears> dims = {
      {{cfg.q_dim(), d}, {cfg.kv_dim(), d}, {cfg.kv_dim(), d}, {d, cfg.q_dim()}, {f, d}, {f, d}, {d, f}}};
  BlockWeights w;
  w.attn_norm = torch::ones({d}, on);
  w.mlp_norm = torch::ones({d}, on);
  for (int i = 0; i < kNumLinears; ++i) w.linears[i].weight = torch::randn({dims[i].first, dims[i].second}, on) * 0.02;
  return w;
}

}  // namespace

void bench_apiq_bw_step(const BenchOptions& o, BenchTimer& timer, std::vector<BenchRow>& rows) {
  const auto dev = timer.device();
  const int64_t L = o.e2e_seq_len;
  const auto cfg = llama2_7b_config(1, std::max<int64_t>(L, 4096));
  CalibrationOptions co;
  co.method = Method::ApiqBw;
  co.quant.set_bits(2).set_group_size(64);
  co.lora.set_rank(o.e2e_rank);
  co.epochs = 1;
  co.device = dev.str();
  const auto [cos, sin] = RotaryEmbedding::make(cfg).cos_sin(0, L, dev, torch::kFloat);
  BlockContext ctx{cfg, co, dev, cos, sin, 0, nullptr, nullptr};
  const auto weights = random_block(cfg, dev);
  // Inputs and targets as calibration caches them: bf16 on CUDA with mixed precision.
  const int64_t n = 4;  // samples per timed call; the per-step time is the call's time / n
  const auto cache = torch::TensorOptions().device(dev).dtype(cache_dtype(co, dev));
  auto X = torch::randn({n, L, cfg.hidden_size}, cache);
  auto Y = torch::randn({n, L, cfg.hidden_size}, cache) * 0.5 + X;

  for (bool kernels : {true, false}) {
    set_cuda_kernels_enabled(kernels);
    if (dev.is_cuda()) cuda_reset_peak_memory(dev);
    auto qb = init_block(ctx, weights);
    std::vector<double> losses;
    // One timed call is n optimizer steps (forward, backward, AdamW on γ, β, A, B).
    const double ms = timer.median_ms([&] { train_block_bw(ctx, qb, X, Y, torch::Tensor(), losses); }) / n;
    BenchRow r{std::string("ApiQ-bw step 7B block") + (kernels ? "" : " (composed ops)"),
               "L=" + std::to_string(L) + " r=" + std::to_string(o.e2e_rank) + " W2 g64"};
    r.ms = ms;
    const double d = cfg.hidden_size, f = cfg.intermediate_size;
    const double params = 4 * d * d + 3 * d * f;
    r.tflops = 6.0 * L * params / (ms * 1e-3) / 1e12;  // forward + input and weight gradients
    r.note = "peak " + std::to_string(static_cast<int64_t>(dev.is_cuda() ? cuda_peak_memory_bytes(dev) / (1 << 20) : 0)) +
             " MiB; loss " + std::to_string(losses.empty() ? 0.0 : losses.back());
    rows.push_back(r);
  }
  set_cuda_kernels_enabled(true);
  if (rows.size() >= 2) {
    auto& ours = rows[rows.size() - 2];
    ours.ref_ms = rows.back().ms;
  }
}

}  // namespace apiq
