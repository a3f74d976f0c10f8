// SPDX-License-Identifier: GPL-3.0-or-later
// apiq finetune (LoRA on a packed quantized checkpoint), apiq eval-gsm8k (exact match) and
// apiq bench-finetune (throughput and peak memory on a random model of a given shape).
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <torch/types.h>
#include <torch/utils.h>

#include "finetune/finetune.h"
#include "bench/finetune_bench.h"
#include "finetune/gsm8k_eval.h"
#include "model/adapter.h"
#include "model/llama_model.h"
#include "quant/load_model.h"
#include "io/tokenizer.h"
#include "commands.h"
#include "terminal_progress.h"

namespace apiq::cli {

namespace {

struct FinetuneArgs {
  std::string qdir, data, eval_data, out, format = "text", schedule = "cosine", device = "cpu", dtype = "f32";
  int64_t epochs = 1, batch = 1, grad_accum = 1, seq_len = 512, eval_limit = -1, save_every = 0, log_every = 10;
  int threads = 0;
  double lr = 3e-4, warmup = 0.03, weight_decay = 0.1, max_grad_norm = 1.0, eval_fraction = 0.1;
  uint64_t seed = 42;
  bool checkpointing = false, resume = false, no_mixed = false;
  AdapterOptions adapter;
  std::string adapter_init = "fit";
};

class FinetuneCliObserver : public FinetuneObserver {
 public:
  explicit FinetuneCliObserver(int64_t log_every) : log_every_(log_every) {}
  void on_progress(const std::string& stage, int64_t done, int64_t total) override { bar_.on_progress(stage, done, total); }
  void on_step(const FinetuneStep& s) override {
    if (log_every_ > 0 && (s.step + 1) % log_every_ == 0) {
      char line[160];
      std::snprintf(line, sizeof line, "step %lld (epoch %lld): loss %.5f  lr %.3g", static_cast<long long>(s.step + 1),
                    static_cast<long long>(s.epoch + 1), s.loss, s.lr);
      bar_.on_message(line);
    }
  }
  void on_eval(const FinetuneEval& e) override {
    char line[160];
    std::snprintf(line, sizeof line, "%s: held-out nll %.5f  ppl %.4f  (%lld tokens)",
                  e.epoch == 0 ? "before finetuning" : ("epoch " + std::to_string(e.epoch)).c_str(), e.nll, e.ppl,
                  static_cast<long long>(e.tokens));
    bar_.on_message(line);
  }

 private:
  TerminalProgress bar_;
  int64_t log_every_;
};

// Small models run faster on one thread: OpenMP workers spin on ops this size.
void apply_threads(int threads) {
  if (threads > 0) torch::set_num_threads(threads);
}

void run_finetune(const FinetuneArgs& a) {
  apply_threads(a.threads);
  FinetuneOptions o;
  o.data.format = parse_sft_format(a.format);
  o.data.seq_len = a.seq_len;
  o.data.eval_fraction = a.eval_fraction;
  o.data.eval_file = a.eval_data;
  o.data.max_eval_examples = a.eval_limit;
  o.epochs = a.epochs;
  o.lr = a.lr;
  o.batch = a.batch;
  o.grad_accum = a.grad_accum;
  o.warmup = a.warmup;
  o.schedule = parse_lr_schedule(a.schedule);
  o.weight_decay = a.weight_decay;
  o.max_grad_norm = a.max_grad_norm;
  o.device = parse_device(a.device).str();
  o.dtype = a.dtype;
  o.mixed_precision = !a.no_mixed;
  o.activation_checkpointing = a.checkpointing;
  o.seed = a.seed;
  o.save_every = a.save_every;
  o.adapter = a.adapter;
  o.adapter.fit_base = a.adapter_init == "fit";
  FinetuneCliObserver obs(a.log_every);
  const auto r = finetune(a.qdir, a.data, a.out, o, a.resume, &obs);
  const auto& before = r.evals.front();
  const auto& after = r.evals.back();
  std::printf("%s: %lld steps on %lld examples; held-out ppl %.4f -> %.4f (nll %.5f -> %.5f); peak memory %.1f MiB; "
              "%.1f s -> %s\n",
              a.qdir.c_str(), static_cast<long long>(r.total_steps), static_cast<long long>(r.train_examples), before.ppl,
              after.ppl, before.nll, after.nll, r.peak_memory_bytes / 1048576.0, r.seconds, a.out.c_str());
  std::printf("adapter %s: %lld trainable parameters, %.1f KiB stored\n", r.adapter.value("kind", "").c_str(),
              static_cast<long long>(r.adapter.value("trainable", int64_t{0})),
              static_cast<double>(r.adapter.value("stored_bits", int64_t{0})) / 8192.0);
}

struct Gsm8kArgs {
  std::string model, data, device = "cpu", dtype = "f32";
  int64_t max_new_tokens = 256, limit = -1;
  int threads = 0;
  bool json = false;
};

void run_eval_gsm8k(const Gsm8kArgs& a) {
  apply_threads(a.threads);
  const auto rows = read_gsm8k_jsonl(a.data);
  const Tokenizer tok = Tokenizer::load_from_dir(a.model);
  TerminalProgress progress;
  const LlamaModel model =
      load_model(a.model, ModelOptions().set_device(parse_device(a.device)).set_dtype(parse_dtype(a.dtype)), &progress);
  Gsm8kEvalOptions go;
  go.max_new_tokens = a.max_new_tokens;
  go.limit = a.limit;
  const auto r = evaluate_gsm8k(model, tok, rows, go, &progress);
  if (a.json) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const auto& it : r.items)
      items.push_back({{"line", it.line}, {"reference", it.reference}, {"predicted", it.predicted}, {"correct", it.correct}});
    nlohmann::ordered_json j = {{"accuracy", r.accuracy()}, {"correct", r.correct}, {"total", r.total}, {"items", items}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("exact match %.4f (%lld/%lld)\n", r.accuracy(), static_cast<long long>(r.correct),
                static_cast<long long>(r.total));
  }
}

struct BenchArgs {
  FinetuneBenchOptions o;
  bool no_checkpointing = false, json = false;
};

void run_bench(BenchArgs a) {
  a.o.device = parse_device(a.o.device).str();
  a.o.checkpointing = !a.no_checkpointing;
  TerminalProgress progress;
  const auto r = finetune_benchmark(a.o, &progress);
  const auto& c = r.config;
  if (a.json) {
    nlohmann::ordered_json j = {{"device", r.device},
                                {"layers", c.num_hidden_layers},
                                {"hidden", c.hidden_size},
                                {"intermediate", c.intermediate_size},
                                {"heads", c.num_attention_heads},
                                {"vocab", c.vocab_size},
                                {"seq_len", a.o.seq_len},
                                {"batch", a.o.batch},
                                {"rank", a.o.rank},
                                {"bits", a.o.bits},
                                {"checkpointing", a.o.checkpointing},
                                {"packed_bytes", r.packed_bytes},
                                {"dense_bytes", r.dense_bytes},
                                {"lora_parameters", r.lora_parameters},
                                {"step_seconds", r.step_seconds},
                                {"losses", r.losses},
                                {"tokens_per_second", r.tokens_per_second},
                                {"peak_memory_bytes", r.peak_memory_bytes}};
    std::printf("%s\n", j.dump().c_str());
    return;
  }
  std::printf("%-24s %s\n", "device", r.device.c_str());
  std::printf("%-24s %lld layers, hidden %lld, FFN %lld, %lld heads, vocab %lld\n", "shape",
              static_cast<long long>(c.num_hidden_layers), static_cast<long long>(c.hidden_size),
              static_cast<long long>(c.intermediate_size), static_cast<long long>(c.num_attention_heads),
              static_cast<long long>(c.vocab_size));
  std::printf("%-24s %d-bit g%lld, LoRA r%lld, seq %lld x batch %lld, checkpointing %s\n", "setting", a.o.bits,
              static_cast<long long>(a.o.group_size), static_cast<long long>(a.o.rank),
              static_cast<long long>(a.o.seq_len), static_cast<long long>(a.o.batch), a.o.checkpointing ? "on" : "off");
  std::printf("%-24s %.1f MiB\n", "packed linears", static_cast<double>(r.packed_bytes) / 1048576.0);
  std::printf("%-24s %.1f MiB (%s)\n", "embeddings/head/norms", static_cast<double>(r.dense_bytes) / 1048576.0,
              a.o.dtype.c_str());
  std::printf("%-24s %.2f M\n", "LoRA parameters", static_cast<double>(r.lora_parameters) / 1e6);
  for (size_t i = 0; i < r.step_seconds.size(); ++i)
    std::printf("%-24s %.3f s, loss %.4f\n", ("step " + std::to_string(i + 1)).c_str(), r.step_seconds[i], r.losses[i]);
  std::printf("%-24s %.1f\n", "tokens/s", r.tokens_per_second);
  std::printf("%-24s %.1f MiB (%.2f GiB)%s\n", "peak memory", r.peak_memory_bytes / 1048576.0,
              r.peak_memory_bytes / 1073741824.0, r.device.rfind("cuda", 0) == 0 ? "" : " (process RSS)");
}

}  // namespace

void add_finetune(CLI::App& app) {
  auto a = std::make_shared<FinetuneArgs>();
  auto* c = app.add_subcommand("finetune", "Finetune the LoRA factors of a quantized checkpoint (the base stays packed)");
  c->add_option("QDIR", a->qdir, "quantized checkpoint (apiq quantize)")->required();
  c->add_option("--data", a->data, "training data: a text file, GSM8K jsonl or chat jsonl")->required();
  c->add_option("--format", a->format, "text, gsm8k, or chat (jsonl of {\"messages\": [...]}, rendered with the model's chat_template, loss on the assistant turns)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "gsm8k", "chat"}));
  c->add_option("--eval-data", a->eval_data, "held-out data in the same format (default: the last --eval-fraction of --data)");
  c->add_option("--eval-fraction", a->eval_fraction, "held out from the end of --data")->capture_default_str();
  c->add_option("--eval-limit", a->eval_limit, "evaluate at most this many held-out windows/rows")->check(positive_number());
  c->add_option("--epochs", a->epochs, "passes over the training data")->capture_default_str()->check(positive_number());
  c->add_option("--lr", a->lr, "peak learning rate (AdamW)")->capture_default_str()->check(positive_number());
  c->add_option("--batch", a->batch, "examples per forward")->capture_default_str()->check(positive_number());
  c->add_option("--grad-accum", a->grad_accum, "forwards per optimizer step")->capture_default_str()->check(positive_number());
  c->add_option("--seq-len", a->seq_len, "tokens per window (text) or maximum length (gsm8k, chat)")->capture_default_str()
      ->check(CLI::Range(2, 1 << 20));
  c->add_option("--warmup", a->warmup, "fraction of the steps with linear warmup")->capture_default_str()->check(CLI::Range(0.0, 0.999));
  c->add_option("--schedule", a->schedule, "cosine or constant")->capture_default_str()->check(CLI::IsMember({"cosine", "constant"}));
  c->add_option("--weight-decay", a->weight_decay, "AdamW weight decay")->capture_default_str()->check(non_negative_number());
  c->add_option("--max-grad-norm", a->max_grad_norm, "clip the gradient norm (0: off)")->capture_default_str()->check(non_negative_number());
  c->add_option("--device", a->device, "cpu or cuda[:N]")->capture_default_str();
  c->add_option("--dtype", a->dtype, "frozen embeddings/norms/head: f32, bf16 or f16")->capture_default_str()
      ->check(CLI::IsMember({"f32", "bf16", "f16"}));
  c->add_flag("--no-mixed-precision", a->no_mixed, "CUDA: no bf16 autocast");
  c->add_flag("--checkpointing", a->checkpointing, "recompute each block's activations in backward");
  c->add_option("--seed", a->seed, "data order seed")->capture_default_str();
  c->add_option("--save-every", a->save_every, "also save resumable state every N steps")->check(non_negative_number());
  c->add_option("--threads", a->threads, "CPU threads (default: LibTorch's; 1 is fastest for tiny models)")
      ->check(positive_number());
  c->add_option("--log-every", a->log_every, "print the loss every N steps (0: never)")->capture_default_str();
  c->add_option("--out", a->out, "output checkpoint folder")->required();
  c->add_flag("--resume", a->resume, "continue from OUT.partial");
  std::string kinds;
  for (const AdapterKind* k : adapter_table()) kinds += std::string("; ") + k->name() + ": " + k->summary();
  c->add_option("--adapter", a->adapter.kind, "what trains beside the frozen base" + kinds)
      ->capture_default_str()->check(CLI::IsMember(adapter_kind_names()));
  c->add_option("--rank", a->adapter.rank, "adapter rank r (0: the checkpoint's LoRA rank)")->check(non_negative_number());
  c->add_option("--alpha", a->adapter.alpha, "scaling alpha / r (lora, qbara, blora)")->capture_default_str()->check(positive_number());
  c->add_option("--hira-in-pool", a->adapter.in_pool, "QA-HiRA inputs pooled per entry (0: the quantization group size)")
      ->check(non_negative_number());
  c->add_option("--hira-out-pool", a->adapter.out_pool, "QA-HiRA outputs per entry")->capture_default_str()->check(positive_number());
  c->add_option("--adapter-init", a->adapter_init, "fit: start from the best approximation of the checkpoint's LoRA; zero: from zero")
      ->capture_default_str()->check(CLI::IsMember({"fit", "zero"}));
  c->add_option("--gate-lambda", a->adapter.gate_lambda, "blora: weight of the expected number of open gates")
      ->capture_default_str()->check(non_negative_number());
  c->add_option("--gate-lr", a->adapter.gate_lr, "blora: peak learning rate of the gates")
      ->capture_default_str()->check(positive_number());
  c->callback([a] { run_finetune(*a); });
}

void add_eval_gsm8k(CLI::App& app) {
  auto a = std::make_shared<Gsm8kArgs>();
  auto* c = app.add_subcommand("eval-gsm8k", "GSM8K exact match with greedy decoding");
  c->add_option("MODEL", a->model, "model or quantized checkpoint folder")->required();
  c->add_option("--data", a->data, "GSM8K jsonl ({question, answer} per line)")->required();
  c->add_option("--max-new-tokens", a->max_new_tokens, "tokens to generate per question")->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  c->add_option("--limit", a->limit, "score the first N questions")->check(positive_number());
  c->add_option("--device", a->device, "cpu or cuda[:N]")->capture_default_str();
  c->add_option("--dtype", a->dtype, "f32, bf16 or f16")->capture_default_str()->check(CLI::IsMember({"f32", "bf16", "f16"}));
  c->add_option("--threads", a->threads, "CPU threads (default: LibTorch's)")->check(positive_number());
  c->add_flag("--json", a->json, "print {\"accuracy\", \"correct\", \"total\", \"items\"}");
  c->callback([a] { run_eval_gsm8k(*a); });
}

void add_bench_finetune(CLI::App& app) {
  auto a = std::make_shared<BenchArgs>();
  auto* c = app.add_subcommand("bench-finetune", "Finetuning tokens/s and peak memory on a random packed model");
  c->add_option("--device", a->o.device, "cuda[:N] or cpu")->capture_default_str();
  c->add_option("--shape", a->o.shape, "7b (Llama-2-7B) or tiny")->capture_default_str()->check(CLI::IsMember({"7b", "tiny"}));
  c->add_option("--layers", a->o.layers, "override the number of blocks")->check(positive_number());
  c->add_option("--hidden", a->o.hidden, "override the hidden size")->check(positive_number());
  c->add_option("--intermediate", a->o.intermediate, "override the FFN size")->check(positive_number());
  c->add_option("--heads", a->o.heads, "override the number of heads")->check(positive_number());
  c->add_option("--vocab", a->o.vocab, "override the vocabulary size")->check(positive_number());
  c->add_option("--seq-len", a->o.seq_len, "tokens per sequence")->capture_default_str()->check(CLI::Range(2, 1 << 20));
  c->add_option("--batch", a->o.batch, "sequences per step")->capture_default_str()->check(positive_number());
  c->add_option("--rank", a->o.rank, "LoRA rank")->capture_default_str()->check(positive_number());
  c->add_option("--steps", a->o.steps, "optimizer steps (the first is not timed when there are more)")->capture_default_str()
      ->check(positive_number());
  c->add_option("--bits", a->o.bits, "2, 3 or 4")->capture_default_str()->check(CLI::IsMember({2, 3, 4}));
  c->add_option("--group-size", a->o.group_size, "quantization group size")->capture_default_str()->check(positive_number());
  c->add_option("--dtype", a->o.dtype, "frozen embeddings/head: f32, bf16 or f16")->capture_default_str()
      ->check(CLI::IsMember({"f32", "bf16", "f16"}));
  c->add_flag("--no-checkpointing", a->no_checkpointing, "keep every block's activations");
  c->add_flag("--json", a->json, "print one JSON object");
  c->callback([a] { run_bench(*a); });
}

}  // namespace apiq::cli
