// SPDX-License-Identifier: GPL-3.0-or-later
// apiq quantize: calibrate and write a quantized checkpoint.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "calibration/calibration.h"
#include "io/config.h"
#include "methods/method.h"
#include "base/errors.h"
#include "commands.h"
#include "terminal_progress.h"

namespace apiq::cli {

namespace {

struct QuantizeArgs {
  std::string model, calib, out, method = "apiq-bw", format = "int", device = "cpu", targets = "q,k,v,o,gate,up,down";
  int bits = 2;
  int64_t group_size = 64, rank = 64, nsamples = 128, seq_len = 2048, epochs = 20;
  double alpha = 16, clip_lr = 5e-3, lora_lr = 5e-4, weight_decay = 0.1;
  uint64_t seed = 2;
  int loftq_iters = 5, lq_iters = 20;
  int64_t fisher = 0, nf_block_size = 64, nf_scale_block = 256, batch = 1, metric_windows = 32;
  int nf_scale_bits = 0;
  std::string nf_scale_float = "fp32";
  double budget = 0;
  bool budget_exclude_lora = false;
  std::vector<int> budget_bits = {2, 3, 4, 8};
  bool sym = false, resume = false, offload = false, aug_loss = false, no_cuda_graph = false;
};

class CliObserver : public CalibrationObserver {
 public:
  void on_progress(const std::string& stage, int64_t done, int64_t total) override { bar_.on_progress(stage, done, total); }
  void on_layer(const LayerMetrics& m) override {
    bar_.on_message("block " + std::to_string(m.block) + " " + linear_short_name(m.kind) + ": act err " +
                    std::to_string(m.act_err_init) + " -> " + std::to_string(m.act_err) + ", weight err " +
                    std::to_string(m.weight_err));
  }
  void on_block(const BlockMetrics& m) override {
    bar_.on_message("block " + std::to_string(m.block) + " done: output MSE " + std::to_string(m.out_mse_init) + " -> " +
                    std::to_string(m.out_mse) + " (" + std::to_string(m.seconds) + " s)");
  }

 private:
  TerminalProgress bar_;
};

void run_quantize(const QuantizeArgs& a) {
  CalibrationOptions o;
  o.method = a.method;
  o.targets = parse_targets(a.targets);
  o.quant.bits = a.bits;
  o.quant.group_size = a.group_size;
  o.quant.format = a.format == "nf" ? QuantizerOptions::Format::NF : QuantizerOptions::Format::Int;
  o.quant.mode = a.sym ? QuantizerOptions::Mode::Sym : QuantizerOptions::Mode::Asym;
  o.quant.nf_block_size = a.nf_block_size;
  o.quant.nf_scale_bits = a.nf_scale_bits;
  o.quant.nf_scale_block = a.nf_scale_block;
  o.quant.nf_scale_float = parse_nf_scale_float(a.nf_scale_float);
  o.lora.rank = a.rank;
  o.lora.alpha = a.alpha;
  o.nsamples = a.nsamples;
  o.seq_len = a.seq_len;
  o.epochs = a.epochs;
  o.seed = a.seed;
  o.loftq_iters = a.loftq_iters;
  o.lq_iters = a.lq_iters;
  o.fisher = a.fisher;
  o.budget = a.budget;
  o.budget_counts_lora = !a.budget_exclude_lora;
  o.budget_bits = a.budget_bits;
  o.clip_lr = a.clip_lr;
  o.lora_lr = a.lora_lr;
  o.weight_decay = a.weight_decay;
  o.aug_loss = a.aug_loss;
  o.batch = a.batch;
  o.metric_windows = a.metric_windows;
  o.device = parse_device(a.device).str();
  o.offload_activations = a.offload;
  o.cuda_graph = !a.no_cuda_graph;
  o.validate();
  if (std::filesystem::exists(std::filesystem::path(a.model) / "config.json"))
    for (const auto& w : o.warnings(LlamaConfig::from_file(std::filesystem::path(a.model) / "config.json")))
      std::fprintf(stderr, "apiq: warning: %s\n", w.c_str());
  CliObserver obs;
  auto r = calibrate_model(a.model, a.calib, a.out, o, a.resume, &obs);
  std::printf("%s: %s %d-bit g%lld r%lld — mean activation error %.6g, peak memory %.1f MiB, %.1f s -> %s\n",
              a.model.c_str(), a.method.c_str(), a.bits, static_cast<long long>(a.group_size),
              static_cast<long long>(a.rank), r.mean_act_err(), r.peak_memory_bytes / 1048576.0, r.seconds, a.out.c_str());
}

}  // namespace

void add_quantize(CLI::App& app) {
  auto a = std::make_shared<QuantizeArgs>();
  auto* c = app.add_subcommand("quantize", "Quantize a model with " + method_names_text(", "));
  c->add_option("MODEL", a->model, "model folder")->required();
  c->add_option("--method", a->method, method_names_text("|"))->capture_default_str()->check(CLI::IsMember(method_names()));
  c->add_option("--bits", a->bits, "2, 3 or 4")->capture_default_str()->check(CLI::IsMember({2, 3, 4}));
  c->add_option("--group-size", a->group_size, "columns per quantization group")->capture_default_str()->check(positive_number());
  c->add_option("--rank", a->rank, "LoRA rank")->capture_default_str()->check(positive_number());
  c->add_option("--alpha", a->alpha, "LoRA alpha")->capture_default_str();
  c->add_option("--targets", a->targets, "linears to quantize, comma-separated (the others stay full precision)")
      ->capture_default_str();
  c->add_option("--format", a->format, "int or nf")->capture_default_str()->check(CLI::IsMember({"int", "nf"}));
  c->add_flag("--sym", a->sym, "GPTQ-symmetric zero point 2^(b-1)");
  c->add_option("--nf-block-size", a->nf_block_size, "nf: elements per absmax scale (B0)")->capture_default_str()
      ->check(positive_number());
  c->add_option("--nf-scale-bits", a->nf_scale_bits,
                "nf: LQ-LoRA's double quantization of the scales as b0-bit codes (1..8; 0: float32 scales)")
      ->capture_default_str()->check(CLI::Range(0, 8));
  c->add_option("--nf-scale-block", a->nf_scale_block, "nf double quantization: scales per float maximum (B1)")
      ->capture_default_str()->check(positive_number());
  c->add_option("--nf-scale-float", a->nf_scale_float, "nf double quantization: the maxima's float (b1)")
      ->capture_default_str()->check(CLI::IsMember({"bf16", "fp16", "fp32"}));
  c->add_option("--calib", a->calib, "calibration text file")->required();
  c->add_option("--nsamples", a->nsamples, "calibration windows")->capture_default_str()->check(positive_number());
  c->add_option("--seq-len", a->seq_len, "tokens per window")->capture_default_str()->check(CLI::Range(2, 1 << 20));
  c->add_option("--epochs", a->epochs, "training epochs (apiq methods)")->capture_default_str()->check(non_negative_number());
  c->add_option("--seed", a->seed, "sampling and initialisation seed")->capture_default_str();
  c->add_option("--loftq-iters", a->loftq_iters, "LoftQ alternations")->capture_default_str()->check(positive_number());
  c->add_option("--lq-iters", a->lq_iters, "lq-lora: most decomposition iterations (stops once the error rises)")
      ->capture_default_str()->check(positive_number());
  c->add_option("--fisher", a->fisher,
                "weight lq-lora's decomposition (and a --budget allocation's errors) by the diagonal Fisher of the "
                "first N calibration windows (0: off)")
      ->capture_default_str()->check(non_negative_number());
  c->add_option("--budget", a->budget,
                "mixed precision: choose bits 2/3/4/8 and group 32/64/128 per linear (nf: LQ-LoRA's grid of bits, "
                "blocks and scale double quantization) for the least error within B stored bits per quantized "
                "parameter (LoRA factors included), exactly (multiple-choice knapsack)")
      ->check(non_negative_number());
  c->add_flag("--budget-exclude-lora", a->budget_exclude_lora, "--budget counts codes, scales and zeros only");
  c->add_option("--budget-bits", a->budget_bits, "bit widths --budget chooses from (2,4 keeps a mixed checkpoint "
                "exportable as compressed-tensors)")->delimiter(',')->capture_default_str();
  c->add_option("--clip-lr", a->clip_lr, "learning rate of the clipping parameters")->capture_default_str();
  c->add_option("--lora-lr", a->lora_lr, "learning rate of the LoRA factors")->capture_default_str();
  c->add_option("--weight-decay", a->weight_decay, "AdamW weight decay")->capture_default_str();
  c->add_flag("--aug-loss", a->aug_loss, "apiq-bw: add MSE against the fp block on X^q");
  c->add_option("--batch", a->batch, "apiq-bw: calibration windows per optimizer step (1: the paper's)")
      ->capture_default_str()->check(positive_number());
  c->add_option("--metric-windows", a->metric_windows,
                 "windows the activation and output errors are measured on (the first ones; 0: all)")
      ->capture_default_str()->check(non_negative_number());
  c->add_option("--device", a->device, "cpu or cuda[:N]")->capture_default_str();
  c->add_flag("--offload-activations", a->offload, "keep activation caches in host memory");
  c->add_flag("--no-cuda-graph", a->no_cuda_graph, "CUDA: dispatch every apiq-bw step from the host instead of "
              "replaying it from a CUDA graph");
  c->add_option("--out", a->out, "output folder (must not exist)")->required();
  c->add_flag("--resume", a->resume, "continue from OUT.partial");
  c->callback([a] { run_quantize(*a); });
}

}  // namespace apiq::cli
