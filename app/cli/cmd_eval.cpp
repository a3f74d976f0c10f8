// SPDX-License-Identifier: GPL-3.0-or-later
// apiq eval (perplexity) and apiq generate (greedy decoding).
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "model/evaluation.h"
#include "model/llama_model.h"
#include "quant/load_model.h"
#include "io/tokenizer.h"
#include "commands.h"
#include "terminal_progress.h"

namespace apiq::cli {

namespace {

struct ModelArgs {
  std::string model;
  std::string device = "cpu";
  std::string dtype = "auto";
};

void add_model_options(CLI::App* cmd, ModelArgs& m) {
  cmd->add_option("MODEL", m.model, "model folder")->required();
  cmd->add_option("--device", m.device, "cpu or cuda[:N]")->capture_default_str();
  cmd->add_option("--dtype", m.dtype,
                  "f32, bf16, f16, or auto: on CUDA the checkpoint's bf16/f16 (what calibration computed in "
                  "there), else f32")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "f32", "bf16", "f16"}));
}

// Resolves "auto" against the model folder's config (read once more by the loader; it is small).
ModelOptions model_options(ModelArgs& m) {
  const auto device = parse_device(m.device);
  if (m.dtype == "auto") {
    const std::string stored = LlamaConfig::from_file(std::filesystem::path(m.model) / "config.json").dtype;
    const bool half = stored == "bfloat16" || stored == "float16";
    m.dtype = device.is_cuda() && half ? (stored == "bfloat16" ? "bf16" : "f16") : "f32";
  }
  return ModelOptions().set_device(device).set_dtype(parse_dtype(m.dtype));
}

constexpr int64_t kDefaultEvalWindow = 2048;

struct EvalArgs : ModelArgs {
  std::string data;
  int64_t seq_len = 0;  // 0: the model's context, at most kDefaultEvalWindow
  int64_t max_windows = -1;
  bool json = false;
};

void run_eval(EvalArgs a) {
  const auto opts = model_options(a);
  const std::string text = read_text_file(a.data);
  const Tokenizer tok = Tokenizer::load_from_dir(a.model);
  const LlamaConfig cfg = LlamaConfig::from_file(std::filesystem::path(a.model) / "config.json");
  if (a.seq_len == 0) a.seq_len = std::min(kDefaultEvalWindow, cfg.max_sequence());
  check_seq_len(a.seq_len, cfg, a.model);
  const auto stream = tokenize_for_model(tok, text, cfg.vocab_size);
  if (static_cast<int64_t>(stream.size()) < a.seq_len)
    throw InputError(a.data, "the text has " + std::to_string(stream.size()) + " tokens, fewer than one window of " +
                                 std::to_string(a.seq_len));
  TerminalProgress progress;
  const LlamaModel model = load_model(a.model, opts, &progress);
  PerplexityOptions po;
  po.seq_len = a.seq_len;
  po.max_windows = a.max_windows;
  const auto r = evaluate_perplexity(model, stream, po, &progress);
  if (a.json) {
    nlohmann::ordered_json j = {{"nll", r.nll}, {"ppl", r.ppl}, {"tokens", r.tokens}, {"windows", r.windows}};
    std::printf("%s\n", j.dump().c_str());
  } else {
    std::printf("nll %.6f  ppl %.4f  (%lld windows of %lld tokens, %lld tokens in the stream, %s on %s)\n", r.nll,
                r.ppl, static_cast<long long>(r.windows), static_cast<long long>(a.seq_len),
                static_cast<long long>(r.tokens), a.dtype.c_str(), a.device.c_str());
  }
}

struct GenerateArgs : ModelArgs {
  std::string prompt;
  int64_t max_new_tokens = 64;
  bool no_cuda_graph = false;
};

void run_generate(GenerateArgs a) {
  const auto opts = model_options(a);
  const Tokenizer tok = Tokenizer::load_from_dir(a.model);
  const LlamaModel model = load_model(a.model, opts);
  std::vector<int64_t> ids = tokenize_for_model(tok, a.prompt, model.config().vocab_size);
  const size_t prompt_len = ids.size();
  const int64_t total = static_cast<int64_t>(prompt_len) + a.max_new_tokens;
  if (const auto why = model.config().sequence_problem(total); !why.empty())
    throw std::invalid_argument("the prompt (" + std::to_string(prompt_len) + " tokens) plus --max-new-tokens " +
                                std::to_string(a.max_new_tokens) + " is " + why + " in " + a.model + "/config.json");
  // Stream text: decode everything so far and print what is new (pieces can merge across tokens).
  // The BOS that tokenize_for_model put first (tokenizers without one, e.g. Qwen's, get none) is not shown.
  const std::ptrdiff_t skip = tok.bos_id() >= 0 && !ids.empty() && ids[0] == tok.bos_id() ? 1 : 0;
  std::string shown = tok.decode({ids.begin() + skip, ids.end()});
  std::fputs(shown.c_str(), stdout);
  std::fflush(stdout);
  GenerateOptions go;
  go.max_new_tokens = a.max_new_tokens;
  go.cuda_graph = !a.no_cuda_graph;
  generate_greedy(model, ids, go, [&](int64_t id) {
    ids.push_back(id);
    const std::string now = tok.decode({ids.begin() + skip, ids.end()});
    if (now.size() > shown.size() && now.compare(0, shown.size(), shown) == 0) std::fputs(now.c_str() + shown.size(), stdout);
    shown = now;
    std::fflush(stdout);
  });
  std::fputc('\n', stdout);
}

}  // namespace

void add_eval(CLI::App& app) {
  auto a = std::make_shared<EvalArgs>();
  auto* cmd = app.add_subcommand("eval", "Perplexity on a text file (GPTQ/ApiQ protocol)");
  add_model_options(cmd, *a);
  cmd->add_option("--data", a->data, "text file")->required();
  cmd->add_option("--seq-len", a->seq_len, "window length in tokens (default: the model's context, at most 2048)")->check(CLI::Range(2, 1 << 20));
  cmd->add_option("--max-windows", a->max_windows, "score at most this many windows")->check(positive_number());
  cmd->add_flag("--json", a->json, "print {\"nll\", \"ppl\", \"tokens\", \"windows\"}");
  cmd->callback([a] { run_eval(*a); });
}

void add_generate(CLI::App& app) {
  auto a = std::make_shared<GenerateArgs>();
  auto* cmd = app.add_subcommand("generate", "Greedy text generation");
  add_model_options(cmd, *a);
  cmd->add_option("--prompt", a->prompt, "prompt text")->required();
  cmd->add_option("--max-new-tokens", a->max_new_tokens, "tokens to generate")->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->add_flag("--no-cuda-graph", a->no_cuda_graph, "on CUDA, dispatch every kernel from the host instead of replaying "
                "one captured graph per token");
  cmd->callback([a] { run_generate(*a); });
}

}  // namespace apiq::cli
