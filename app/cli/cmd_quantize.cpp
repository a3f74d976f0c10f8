// SPDX-License-Identifier: GPL-3.0-or-later
// apiq quantize (calibrate and write a quantized checkpoint) and apiq compare (runs side by side).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "calibration/calibration.h"
#include "methods/method.h"
#include "calibration/calibration_report.h"
#include "base/errors.h"
#include "model/evaluation.h"
#include "calibration/heldout_error.h"
#include "model/llama_model.h"
#include "quant/load_model.h"
#include "io/tokenizer.h"
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
  bool sym = false, resume = false, offload = false, aug_loss = false;
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
  o.lora.rank = a.rank;
  o.lora.alpha = a.alpha;
  o.nsamples = a.nsamples;
  o.seq_len = a.seq_len;
  o.epochs = a.epochs;
  o.seed = a.seed;
  o.loftq_iters = a.loftq_iters;
  o.lq_iters = a.lq_iters;
  o.clip_lr = a.clip_lr;
  o.lora_lr = a.lora_lr;
  o.weight_decay = a.weight_decay;
  o.aug_loss = a.aug_loss;
  o.device = parse_device(a.device).str();
  o.offload_activations = a.offload;
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

struct CompareArgs {
  std::vector<std::string> dirs;
  std::string data, device = "cpu";
  int64_t seq_len = 256, max_windows = -1;
  std::string act_data, fp_model;  // held-out activation error; fp model: --fp-model or report options.model
  int64_t act_windows = 64, act_seq_len = 256;
  uint64_t act_seed = 2;
};

// Mean held-out activation error (report-schema.md's definition, on windows of --act-data) of
// each run, overall and per linear kind next to the calibration-window means of report.json.
void print_heldout(const CompareArgs& a, const std::vector<StoredReport>& reports) {
  const std::string text = read_text_file(a.act_data);
  std::map<std::string, torch::Tensor> windows_of;  // per full-precision model (its tokenizer)
  std::vector<HeldoutResult> results;
  std::string fp_shown;
  for (size_t i = 0; i < a.dirs.size(); ++i) {
    std::string fp = a.fp_model;
    if (fp.empty()) {
      const auto& o = reports[i].options;
      if (!o.contains("model") || !o["model"].is_string())
        throw InputError(reports[i].file, "names no full-precision model; give --fp-model");
      fp = o["model"].get<std::string>();
    }
    if (!windows_of.count(fp)) {
      windows_of[fp] = sample_windows(tokenize_stream(Tokenizer::load_from_dir(fp), text), a.act_windows,
                                      a.act_seq_len, a.act_seed, a.act_data);
      fp_shown += (fp_shown.empty() ? "" : ", ") + fp;
    }
    HeldoutOptions ho;
    ho.device = parse_device(a.device).str();
    results.push_back(heldout_activation_error(fp, a.dirs[i], windows_of[fp], ho));
  }
  std::printf("held-out: %lld windows of %lld tokens of %s (seed %llu); full precision: %s\n",
              static_cast<long long>(a.act_windows), static_cast<long long>(a.act_seq_len), a.act_data.c_str(),
              static_cast<unsigned long long>(a.act_seed), fp_shown.c_str());
  std::printf("%-17s", "held-out act err");
  for (const auto& r : results) std::printf(" %14.6g", r.mean_act_err());
  std::printf("\n%-17s", "held-out blk MSE");
  for (const auto& r : results) std::printf(" %14.6g", r.mean_block_mse());
  std::printf("\n");
  for (LinearKind k : kAllLinears) {
    const std::string name = linear_short_name(k), shortn = name.substr(0, name.find("_proj"));
    std::printf("%-17s", (shortn + " calib").c_str());
    for (const auto& rep : reports) {
      double s = 0;
      int n = 0;
      for (const auto& l : rep.result.layers)
        if (l.kind == k) s += l.act_err, ++n;
      std::printf(" %14.6g", n ? s / n : std::nan(""));
    }
    std::printf("\n%-17s", (shortn + " held-out").c_str());
    for (const auto& r : results) std::printf(" %14.6g", r.mean_act_err_by_kind()[static_cast<int>(k)]);
    std::printf("\n");
  }
}

void print_perplexities(const CompareArgs& a);

void run_compare(const CompareArgs& a) {
  std::vector<StoredReport> reports;
  for (const auto& d : a.dirs) reports.push_back(read_report(d));
  const size_t n = reports[0].result.layers.size();
  for (const auto& r : reports)
    if (r.result.layers.size() != n)
      throw InputError(r.file, "covers " + std::to_string(r.result.layers.size()) + " layers, " +
                                   reports[0].file.string() + " covers " + std::to_string(n));
  std::printf("%-6s %-10s", "block", "linear");
  for (const auto& r : reports) std::printf(" %14s", r.method.c_str());
  std::printf("\n");
  for (size_t i = 0; i < n; ++i) {
    const auto& l0 = reports[0].result.layers[i];
    std::printf("%-6lld %-10s", static_cast<long long>(l0.block), linear_short_name(l0.kind));
    for (const auto& r : reports) std::printf(" %14.6g", r.result.layers[i].act_err);
    std::printf("\n");
  }
  std::printf("%-17s", "mean act err");
  for (const auto& r : reports) std::printf(" %14.6g", r.result.mean_act_err());
  std::printf("\n%-17s", "mean block MSE");
  for (const auto& r : reports) {
    double s = 0;
    for (const auto& b : r.result.blocks) s += b.out_mse;
    std::printf(" %14.6g", s / static_cast<double>(std::max<size_t>(1, r.result.blocks.size())));
  }
  std::printf("\n");
  if (!a.data.empty()) print_perplexities(a);
  if (!a.act_data.empty()) print_heldout(a, reports);
}

void print_perplexities(const CompareArgs& a) {
  const auto& dirs = a.dirs;
  const std::string text = read_text_file(a.data);
  std::printf("%-17s", "perplexity");
  for (const auto& d : dirs) {
    const Tokenizer tok = Tokenizer::load_from_dir(d);
    const LlamaModel model = load_model(d, ModelOptions().set_device(parse_device(a.device)));
    PerplexityOptions po;
    po.seq_len = a.seq_len;
    po.max_windows = a.max_windows;
    std::printf(" %14.4f", evaluate_perplexity(model, tokenize_for_model(tok, text, model.config().vocab_size), po).ppl);
    std::fflush(stdout);
  }
  std::printf("\n");
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
  c->add_option("--calib", a->calib, "calibration text file")->required();
  c->add_option("--nsamples", a->nsamples, "calibration windows")->capture_default_str()->check(positive_number());
  c->add_option("--seq-len", a->seq_len, "tokens per window")->capture_default_str()->check(CLI::Range(2, 1 << 20));
  c->add_option("--epochs", a->epochs, "training epochs (apiq methods)")->capture_default_str()->check(non_negative_number());
  c->add_option("--seed", a->seed, "sampling and initialisation seed")->capture_default_str();
  c->add_option("--loftq-iters", a->loftq_iters, "LoftQ alternations")->capture_default_str()->check(positive_number());
  c->add_option("--lq-iters", a->lq_iters, "lq-lora: most decomposition iterations (stops once the error rises)")
      ->capture_default_str()->check(positive_number());
  c->add_option("--clip-lr", a->clip_lr, "learning rate of the clipping parameters")->capture_default_str();
  c->add_option("--lora-lr", a->lora_lr, "learning rate of the LoRA factors")->capture_default_str();
  c->add_option("--weight-decay", a->weight_decay, "AdamW weight decay")->capture_default_str();
  c->add_flag("--aug-loss", a->aug_loss, "apiq-bw: add MSE against the fp block on X^q");
  c->add_option("--device", a->device, "cpu or cuda[:N]")->capture_default_str();
  c->add_flag("--offload-activations", a->offload, "keep activation caches in host memory");
  c->add_option("--out", a->out, "output folder (must not exist)")->required();
  c->add_flag("--resume", a->resume, "continue from OUT.partial");
  c->callback([a] { run_quantize(*a); });
}

void add_compare(CLI::App& app) {
  auto a = std::make_shared<CompareArgs>();
  auto* c = app.add_subcommand("compare", "Per-layer activation errors and perplexities of several runs side by side");
  c->add_option("DIR", a->dirs, "quantized folders")->required()->expected(1, -1);
  c->add_option("--data", a->data, "text file: also print each run's perplexity");
  c->add_option("--seq-len", a->seq_len, "perplexity window")->capture_default_str()->check(CLI::Range(2, 1 << 20));
  c->add_option("--max-windows", a->max_windows, "score at most this many windows")->check(positive_number());
  c->add_option("--act-data", a->act_data, "text file: also print each run's activation error on windows of it (held out)");
  c->add_option("--act-windows", a->act_windows, "held-out windows, drawn as calibration draws its samples")
      ->capture_default_str()->check(positive_number());
  c->add_option("--act-seq-len", a->act_seq_len, "tokens per held-out window")->capture_default_str()->check(CLI::Range(2, 1 << 20));
  c->add_option("--act-seed", a->act_seed, "seed of the held-out window positions")->capture_default_str();
  c->add_option("--fp-model", a->fp_model, "full-precision model of the runs (default: the model in each report.json)");
  c->add_option("--device", a->device, "cpu or cuda[:N]")->capture_default_str();
  c->callback([a] { run_compare(*a); });
}

}  // namespace apiq::cli
