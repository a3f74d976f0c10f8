// SPDX-License-Identifier: GPL-3.0-or-later
// apiq bench-quantize: the whole calibration pipeline at the Llama-2-7B shape (bench/quantize_bench.h).
#include <torch/types.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>

#include "bench/quantize_bench.h"
#include "commands.h"
#include "terminal_progress.h"

namespace apiq::cli {

namespace {

struct BenchQuantizeArgs {
  QuantizeBenchOptions o;
  std::string model, tokenizer, calib, work = "/tmp/apiq-bench-quantize", device = "cuda", method = "apiq-bw";
  int bits = 2;
  int64_t group_size = 64, rank = 64, nsamples = 16, seq_len = 2048, epochs = 2;
  bool json = false, no_cuda_graph = false;
};

void print_table(const QuantizeBenchResult& r, const QuantizeBenchOptions& o) {
  const auto& c = r.config;
  std::printf("model: hidden %lld, FFN %lld, %lld blocks, vocab %lld; %s\n", static_cast<long long>(c.hidden_size),
              static_cast<long long>(c.intermediate_size), static_cast<long long>(c.num_hidden_layers),
              static_cast<long long>(c.vocab_size), r.device.c_str());
  std::printf("settings: %s %d-bit g%lld r%lld, %lld windows x %lld tokens, %lld epochs\n",
              o.calibration.method.c_str(), o.calibration.quant.bits, static_cast<long long>(o.calibration.quant.group_size),
              static_cast<long long>(o.calibration.lora.rank), static_cast<long long>(o.calibration.nsamples),
              static_cast<long long>(o.calibration.seq_len), static_cast<long long>(o.calibration.epochs));
  std::printf("%6s %10s %8s %12s\n", "block", "seconds", "steps", "outside (s)");
  for (size_t b = 0; b < r.block_seconds.size(); ++b)
    std::printf("%6zu %10.3f %8lld %12.3f\n", b, r.block_seconds[b], static_cast<long long>(r.block_steps[b]),
                r.overhead_seconds[b]);
  std::printf("random checkpoint written in %.1f s; calibration %.1f s\n", r.write_seconds, r.total_seconds);
  if (torch::Device(o.calibration.device).is_cuda())
    std::printf("steps replayed from a CUDA graph: %lld of %lld\n", static_cast<long long>(r.graph_steps),
                static_cast<long long>(std::accumulate(r.block_steps.begin(), r.block_steps.end(), int64_t{0})));
  std::printf("steady-state step %.3f ms (%.0f per window and epoch); outside the steps %.2f ms per window per block "
              "(median)\n", r.step_ms, r.steps_per_window_epoch, r.overhead_ms_per_window);
  std::printf("calibration by stage:");
  for (const auto& [name, s] : r.run_phases) std::printf(" %s %.2f s", name.c_str(), s);
  std::printf("\n");
  std::printf("median per block:");
  for (const auto& [name, s] : r.phase_seconds) std::printf(" %s %.1f ms", name.c_str(), 1e3 * s);
  std::printf("\n");
  std::printf("host RSS peak %.2f GiB; GPU peak %.2f GiB; quantized checkpoint %.2f GB\n",
              r.host_rss_peak_bytes / 1073741824.0, r.gpu_peak_bytes / 1073741824.0, r.checkpoint_bytes / 1e9);
  std::printf("extrapolated to %lld windows x %lld epochs x %lld blocks (same sequence length): %.1f s (%.1f min)\n",
              static_cast<long long>(o.target_nsamples), static_cast<long long>(o.target_epochs),
              static_cast<long long>(o.target_blocks), r.extrapolated_seconds, r.extrapolated_seconds / 60);
}

void print_json(const QuantizeBenchResult& r) {
  const nlohmann::json j = {{"device", r.device},
                            {"blocks", r.block_seconds.size()},
                            {"block_seconds", r.block_seconds},
                            {"block_steps", r.block_steps},
                            {"graph_steps", r.graph_steps},
                            {"overhead_seconds", r.overhead_seconds},
                            {"write_seconds", r.write_seconds},
                            {"total_seconds", r.total_seconds},
                            {"step_ms", r.step_ms},
                            {"steps_per_window_epoch", r.steps_per_window_epoch},
                            {"overhead_ms_per_window", r.overhead_ms_per_window},
                            {"host_rss_peak_bytes", r.host_rss_peak_bytes},
                            {"gpu_peak_bytes", r.gpu_peak_bytes},
                            {"checkpoint_bytes", r.checkpoint_bytes},
                            {"extrapolated_seconds", r.extrapolated_seconds}};
  std::printf("%s\n", j.dump(2).c_str());
}

}  // namespace

void add_bench_quantize(CLI::App& app) {
  auto a = std::make_shared<BenchQuantizeArgs>();
  auto* cmd = app.add_subcommand("bench-quantize",
                                 "time the whole quantize pipeline on a random Llama-2-7B-shaped bf16 checkpoint");
  cmd->add_option("--shape", a->o.shape, "7b or tiny")->capture_default_str()->check(CLI::IsMember({"7b", "tiny"}));
  cmd->add_option("--blocks", a->o.blocks, "blocks of the random checkpoint (0: the shape's 32)")
      ->capture_default_str()->check(non_negative_number());
  cmd->add_option("--model", a->model, "a full-precision model folder to use instead of a random checkpoint");
  cmd->add_option("--tokenizer", a->tokenizer, "folder whose tokenizer files the random checkpoint gets");
  cmd->add_option("--calib", a->calib, "calibration text")->required();
  cmd->add_option("--work", a->work, "folder for the random checkpoint and the quantized output")->capture_default_str();
  cmd->add_option("--method", a->method, "calibration method")->capture_default_str();
  cmd->add_option("--bits", a->bits, "bits")->capture_default_str();
  cmd->add_option("--group-size", a->group_size, "group size")->capture_default_str()->check(positive_number());
  cmd->add_option("--rank", a->rank, "LoRA rank")->capture_default_str()->check(positive_number());
  cmd->add_option("--nsamples", a->nsamples, "calibration windows")->capture_default_str()->check(positive_number());
  cmd->add_option("--seq-len", a->seq_len, "tokens per window")->capture_default_str()->check(CLI::Range(2, 1 << 20));
  cmd->add_option("--epochs", a->epochs, "epochs")->capture_default_str()->check(non_negative_number());
  cmd->add_option("--device", a->device, "cuda[:N] or cpu")->capture_default_str();
  cmd->add_option("--target-nsamples", a->o.target_nsamples, "windows to extrapolate to")->capture_default_str();
  cmd->add_option("--target-epochs", a->o.target_epochs, "epochs to extrapolate to")->capture_default_str();
  cmd->add_option("--target-blocks", a->o.target_blocks, "blocks to extrapolate to")->capture_default_str();
  cmd->add_flag("--no-cuda-graph", a->no_cuda_graph, "CUDA: no graph replay of the calibration steps");
  cmd->add_flag("--json", a->json, "print JSON");
  cmd->callback([a] {
    QuantizeBenchOptions o = a->o;
    o.model = a->model;
    o.tokenizer = a->tokenizer;
    o.calib = a->calib;
    o.work = a->work;
    if (o.model.empty() && o.tokenizer.empty())
      throw std::invalid_argument("--tokenizer DIR is needed for a random checkpoint (or give --model)");
    auto& c = o.calibration;
    c.method = a->method;
    c.quant.bits = a->bits;
    c.quant.group_size = a->group_size;
    c.lora.rank = a->rank;
    c.nsamples = a->nsamples;
    c.seq_len = a->seq_len;
    c.epochs = a->epochs;
    c.device = parse_device(a->device).str();
    c.cuda_graph = !a->no_cuda_graph;
    c.validate();
    const auto r = [&] {
      TerminalProgress progress;
      return quantize_benchmark(o, &progress);
    }();
    if (a->json) print_json(r);
    else print_table(r, o);
  });
}

}  // namespace apiq::cli
