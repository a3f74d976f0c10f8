// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end rows of `apiq bench`: one ApiQ-bw optimizer step on a Llama-2-7B-shaped block
// (our kernels vs composed LibTorch ops, same run), and 2-bit decode of a random 7B-shaped model.
#include <torch/types.h>
#include <torch/utils.h>

#include <chrono>

#ifdef APIQ_WITH_CUDA
#include <cuda_profiler_api.h>
#include <torch/cuda.h>
#endif

#include "bench/bench_timer.h"
#include "base/device_info.h"
#include "methods/block_context.h"
#include "methods/method.h"
#include "model/linear_shapes.h"
#include "ops/cuda_ops.h"
#include "model/evaluation.h"
#include "bench/finetune_bench.h"
#include "bench/random_packed_model.h"
#include "bench/kernel_bench.h"

namespace apiq {

namespace {

LlamaConfig llama2_7b_config(int64_t layers, int64_t seq_len) {
  FinetuneBenchOptions fo;
  fo.shape = "7b";
  fo.layers = layers;
  fo.seq_len = seq_len;
  return finetune_bench_config(fo);
}

BlockWeights random_block(const LlamaConfig& cfg, torch::Device dev) {
  const auto on = torch::TensorOptions().device(dev);
  const int64_t d = cfg.hidden_size;
  const auto shapes = linear_shapes(cfg);
  BlockWeights w;
  w.norms[NormKind::Attn] = torch::ones({d}, on);
  w.norms[NormKind::Mlp] = torch::ones({d}, on);
  // bf16, as 7B checkpoints store them (init_block keeps them bf16 where the fused kernels read them).
  for (int i = 0; i < kNumLinears; ++i)
    w.linears[i].weight = (torch::randn({shapes[i].out, shapes[i].in}, on) * 0.02).to(torch::kBFloat16);
  return w;
}

}  // namespace

namespace {
// A timer for end-to-end rows: wall time of the whole operation, host dispatch included (no
// spin kernel, no cache flush: these rows run long enough that neither matters).
BenchTimer wall_timer(torch::Device dev, int warmup, int runs) {
  TimingOptions to;
  to.warmup = warmup;
  to.runs = runs;
  to.flush_l2 = false;
  to.queue_behind_spin = false;
  return BenchTimer(dev, to);
}
}  // namespace

void bench_apiq_bw_step(const BenchOptions& o, std::vector<BenchRow>& rows) {
  const auto dev = o.device;
  BenchTimer timer = wall_timer(dev, o.warmup, o.runs);
  const int64_t L = o.e2e_seq_len;
  const auto cfg = llama2_7b_config(1, L);
  CalibrationOptions co;
  co.method = "apiq-bw";
  co.quant.set_bits(2).set_group_size(64);
  co.lora.set_rank(o.e2e_rank);
  co.epochs = 1;
  co.device = dev.str();
  // Eager steps: each timed call is a fresh train_block of n steps, in which a CUDA graph would be
  // mostly warm-up and capture. The replayed step's steady state is bench-quantize's to measure.
  co.cuda_graph = false;
  const auto [cos, sin] = RotaryEmbedding::make(cfg).cos_sin(0, L, dev, torch::kFloat);
  BlockContext ctx{cfg, co, dev, cos, sin, 0, nullptr, nullptr};
  const auto weights = random_block(cfg, dev);
  // Inputs and targets as calibration caches them: bf16 on CUDA with mixed precision.
  const int64_t n = 4;  // samples per timed call; the per-step time is the call's time / n
  const auto cache = torch::TensorOptions().device(dev).dtype(cache_dtype(co, dev));
  auto X = torch::randn({n, L, cfg.hidden_size}, cache);
  auto Y = torch::randn({n, L, cfg.hidden_size}, cache) * 0.5 + X;

  for (bool kernels : {true, false}) {
    ScopedCudaKernels switch_kernels(kernels);
    reset_peak_memory(dev);
    const Method& method = find_method(co.method);
    auto qb = method.init_block(ctx, weights);
    std::vector<double> losses;
    // One timed call is n optimizer steps (forward, backward, AdamW on γ, β, A, B).
    const double ms = timer.median_ms([&] { method.train_block(ctx, qb, BlockStreams{X, X, Y}, losses); }) / n;
#ifdef APIQ_WITH_CUDA
    // One more call inside a profiler range: `ncu --profile-from-start off apiq bench …` then
    // times exactly these steps' kernels (no effect without a profiler attached).
    if (kernels && dev.is_cuda()) {
      cudaProfilerStart();
      method.train_block(ctx, qb, BlockStreams{X, X, Y}, losses);
      torch::cuda::synchronize(dev.index());
      cudaProfilerStop();
    }
#endif
    BenchRow r{std::string("ApiQ-bw step 7B block") + (kernels ? "" : " (composed ops)"),
               "L=" + std::to_string(L) + " r=" + std::to_string(o.e2e_rank) + " W2 g64"};
    r.ms = ms;
    const double d = cfg.hidden_size, f = cfg.intermediate_size;
    const double params = 4 * d * d + 3 * d * f;
    r.tflops = 6.0 * L * params / (ms * 1e-3) / 1e12;  // forward + input and weight gradients
    r.note = "peak " + std::to_string(static_cast<int64_t>(dev.is_cuda() ? peak_memory_bytes(dev) / (1 << 20) : 0)) +
             " MiB; loss " + std::to_string(losses.empty() ? 0.0 : losses.back());
    rows.push_back(r);
  }
  if (rows.size() >= 2) {
    auto& ours = rows[rows.size() - 2];
    ours.ref_ms = rows.back().ms;
  }
}

void bench_decode(const BenchOptions& o, std::vector<BenchRow>& rows) {
  const auto dev = o.device;
  const auto cfg = llama2_7b_config(o.decode_layers, 4096);
  BenchTimer timer = wall_timer(dev, 1, 3);  // tokens per second as a user sees them
  const int64_t new_tokens = 64;
  struct Variant {
    int64_t rank = 0;
    bool graph = true;    // one CUDA graph per token; false: host dispatch per kernel
    bool merged = false;  // float32 zero points: a QA-HiRA adapter merged in (apiq merge)
    bool fused = true;    // FusedDecodeBlocks (with the graph); false: the composed ops per block
    bool folded = true;   // norms and SiLU·mul inside the products, uint8 zero points (FusedDecodeOptions)
    bool other_rope = false;  // the rotation the other way round (FusedDecodeOptions::rope_in_attention)
    bool lora_in = true;  // the LoRA as lora_down + the product's epilogue (the default); false: dense products
    bool rows_form = false;  // the products' multi-row form (FusedDecodeOptions::groups_in_columns = false)
    bool silu_in_down = false;  // SiLU·mul in down's prologue (FusedDecodeOptions::silu_after_gate_up = false)
    bool bulk = false;          // the one-row form's weights by bulk copies (FusedDecodeOptions::bulk_weights)
  };
  const int64_t rank = o.e2e_rank;
  const bool rope_in = FusedDecodeOptions{}.rope_in_attention;
  const std::vector<Variant> variants{
      {.rank = 0},
      {.rank = 0, .rows_form = true},
      {.rank = 0, .bulk = true},
      {.rank = 0, .silu_in_down = true},
      {.rank = 0, .other_rope = true},
      {.rank = 0, .folded = false},
      {.rank = 0, .fused = false},
      {.rank = 0, .graph = false},
      {.rank = rank},
      {.rank = rank, .rows_form = true},
      {.rank = rank, .bulk = true},
      {.rank = rank, .silu_in_down = true},
      {.rank = rank, .other_rope = true},
      {.rank = rank, .lora_in = false},
      {.rank = rank, .fused = false},
      {.rank = 0, .merged = true},
  };
  for (const Variant& v : variants) {
    // On the CPU these variants are one path.
    if (!dev.is_cuda() && (!v.graph || !v.fused || !v.folded || v.other_rope || !v.lora_in || v.rows_form || v.silu_in_down ||
                             v.bulk))
      continue;
    RandomPackedModelOptions mo;
    mo.rank = v.rank;
    mo.float_zeros = v.merged;
    mo.device = dev;
    mo.dtype = torch::kBFloat16;
    auto built = make_random_packed_model(cfg, mo);
    torch::NoGradGuard ng;
    std::vector<int64_t> prompt = {1, 450, 4996, 17354, 1701, 29916, 432, 17204};
    GenerateOptions go;
    go.max_new_tokens = new_tokens;
    go.stop_at_eos = false;
    go.cuda_graph = v.graph;
    go.fused_decode = v.fused;
    go.fused_options.inputs_in_products = go.fused_options.byte_zeros = v.folded;
    go.fused_options.lora_in_products = v.lora_in;
    go.fused_options.rope_in_attention = rope_in != v.other_rope;
    go.fused_options.groups_in_columns = !v.rows_form;
    go.fused_options.bulk_weights = v.bulk;
    go.fused_options.silu_after_gate_up = !v.silu_in_down;
    const double ms = timer.median_ms([&] { generate_greedy(built.model, prompt, go); }) / new_tokens;
    BenchRow r{"decode 2-bit 7B-shaped" + std::string(v.rank ? ", LoRA r" + std::to_string(v.rank) : "") +
                   (v.merged ? ", QA-HiRA merged (float zeros)" : "") +
                   (dev.is_cuda() && !v.graph ? ", no graph" : "") +
                   (dev.is_cuda() && v.graph && !v.fused ? ", composed ops" : "") +
                   (dev.is_cuda() && v.fused && !v.folded ? ", norms/SiLU as kernels, int32 zeros" : "") +
                   (v.rank && v.fused && !v.lora_in ? ", LoRA as dense products" : "") +
                   (v.rows_form ? ", products' multi-row form" : "") +
                   (v.bulk ? ", weights by bulk copies" : "") +
                   (v.silu_in_down ? ", SiLU·mul in down's prologue" : "") +
                   (v.other_rope ? (rope_in ? ", rotation as a kernel" : ", rotation inside the attention") : ""),
               "batch 1, " + std::to_string(cfg.num_hidden_layers) + " layers, W2 g64, bf16"};
    r.ms = ms;
    // Packed weights and the head read once per token (embeddings: one row).
    const double bytes = static_cast<double>(built.packed_bytes) + 2.0 * cfg.vocab_size * cfg.hidden_size;
    r.gbps = bytes / (ms * 1e-3) / 1e9;
    r.note = std::to_string(static_cast<int64_t>(1000.0 / ms)) + " tokens/s (8-token prompt + 64 new, per new token" +
             (dev.is_cuda() ? (v.graph ? "; one CUDA graph per token)" : "; host dispatch per kernel)") : ")");
    rows.push_back(r);
  }
}

}  // namespace apiq
