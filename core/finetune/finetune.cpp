// SPDX-License-Identifier: GPL-3.0-or-later
#include "finetune/finetune.h"

#include <unistd.h>
#include <torch/optim/adamw.h>
#include <torch/nn/utils.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "base/device_info.h"
#include "base/errors.h"
#include "base/fs_util.h"
#include "base/output_folder.h"
#include "finetune/finetune_model.h"
#include "io/safetensors.h"
#include "io/token_stream.h"
#include "io/tokenizer.h"
#include "model/llama_model.h"
#include "quant/load_model.h"
#include "quant/quantized_checkpoint.h"

namespace apiq {
namespace fs = std::filesystem;
using json = nlohmann::json;

LrSchedule parse_lr_schedule(const std::string& s) {
  if (s == "cosine") return LrSchedule::Cosine;
  if (s == "constant") return LrSchedule::Constant;
  throw std::invalid_argument("unknown learning-rate schedule '" + s + "' (use cosine or constant)");
}

const char* lr_schedule_name(LrSchedule s) { return s == LrSchedule::Cosine ? "cosine" : "constant"; }

int64_t warmup_steps(int64_t total_steps, double warmup) {
  return static_cast<int64_t>(std::ceil(static_cast<double>(total_steps) * warmup));
}

double lr_at(int64_t step, int64_t total_steps, const FinetuneOptions& o) {
  const int64_t w = warmup_steps(total_steps, o.warmup);
  if (step < w) return o.lr * static_cast<double>(step) / static_cast<double>(std::max<int64_t>(1, w));
  if (o.schedule == LrSchedule::Constant) return o.lr;
  const double progress = static_cast<double>(step - w) / static_cast<double>(std::max<int64_t>(1, total_steps - w));
  return o.lr * std::max(0.0, 0.5 * (1.0 + std::cos(M_PI * progress)));
}

json finetune_report_json(const FinetuneResult& r, const json& options) {
  json steps = json::array(), evals = json::array();
  for (const auto& s : r.steps)
    steps.push_back({{"step", s.step}, {"epoch", s.epoch}, {"loss", s.loss}, {"lr", s.lr}, {"tokens", s.tokens}});
  for (const auto& e : r.evals) evals.push_back({{"epoch", e.epoch}, {"nll", e.nll}, {"ppl", e.ppl}, {"tokens", e.tokens}});
  return {{"options", options},          {"train_examples", r.train_examples}, {"eval_examples", r.eval_examples},
          {"total_steps", r.total_steps}, {"steps", steps},                     {"evals", evals},
          {"seconds", r.seconds},         {"peak_memory_bytes", r.peak_memory_bytes}};
}

json read_report_object(const fs::path& dir) {
  json rep = json::object();
  if (std::ifstream in(dir / "report.json"); in) {
    rep = json::parse(in, nullptr, false);
    if (!rep.is_object()) rep = json::object();
  }
  return rep;
}

namespace {

void validate(const FinetuneOptions& o) {
  if (o.epochs < 1 || o.batch < 1 || o.grad_accum < 1 || o.eval_batch < 1 || o.save_every < 0)
    throw std::invalid_argument("epochs, batch, grad-accum and eval batch must be at least 1");
  if (!(o.lr > 0)) throw std::invalid_argument("the learning rate must be positive");
  if (!(o.warmup >= 0 && o.warmup < 1)) throw std::invalid_argument("warmup is a fraction of the steps in [0, 1)");
  if (o.weight_decay < 0 || o.max_grad_norm < 0) throw std::invalid_argument("weight decay and max grad norm must not be negative");
  o.adapter.validate();
  find_adapter_kind(o.adapter.kind);
}

json options_json(const FinetuneOptions& o, const fs::path& qdir, const fs::path& data) {
  return {{"qdir", fs::absolute(qdir).string()},
          {"data", fs::absolute(data).string()},
          {"format", sft_format_name(o.data.format)},
          {"eval_data", o.data.eval_file.empty() ? "" : fs::absolute(o.data.eval_file).string()},
          {"eval_fraction", o.data.eval_fraction},
          {"max_eval_examples", o.data.max_eval_examples},
          {"seq_len", o.data.seq_len},
          {"epochs", o.epochs},
          {"lr", o.lr},
          {"batch", o.batch},
          {"grad_accum", o.grad_accum},
          {"warmup", o.warmup},
          {"schedule", lr_schedule_name(o.schedule)},
          {"weight_decay", o.weight_decay},
          {"max_grad_norm", o.max_grad_norm},
          {"device", o.device},
          {"dtype", o.dtype},
          {"mixed_precision", o.mixed_precision},
          {"activation_checkpointing", o.activation_checkpointing},
          {"seed", o.seed},
          {"adapter", o.adapter.to_json()}};
}

// The progress a run has made: the next step to run and what was recorded so far.
struct TrainState {
  int64_t step = 0;
  std::vector<FinetuneStep> steps;
  std::vector<FinetuneEval> evals;
};

json state_json(const TrainState& s, const json& fingerprint, const std::vector<int64_t>& adam_steps) {
  FinetuneResult r;
  r.steps = s.steps;
  r.evals = s.evals;
  const json rep = finetune_report_json(r, fingerprint);
  return {{"options", fingerprint}, {"step", s.step}, {"adam_steps", adam_steps}, {"steps", rep["steps"]}, {"evals", rep["evals"]}};
}

// One file holds everything (factors, AdamW moments, the JSON state in its metadata), written to a
// temporary name and renamed, so a crash leaves either the previous state or the new one.
void save_state(const fs::path& file, const std::vector<torch::Tensor>& params, torch::optim::AdamW& opt,
                const TrainState& st, const json& fingerprint) {
  NamedTensors t;
  std::vector<int64_t> adam_steps;
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string n = std::to_string(i);
    t.emplace_back("param." + n, params[i].detach().cpu());
    const auto it = opt.state().find(params[i].unsafeGetTensorImpl());
    if (it == opt.state().end()) {
      adam_steps.push_back(0);
      continue;
    }
    const auto& s = static_cast<const torch::optim::AdamWParamState&>(*it->second);
    adam_steps.push_back(s.step());
    t.emplace_back("exp_avg." + n, s.exp_avg().cpu());
    t.emplace_back("exp_avg_sq." + n, s.exp_avg_sq().cpu());
  }
  write_safetensors(file, t, {{"apiq_finetune_state", state_json(st, fingerprint, adam_steps).dump()}});
}

TrainState load_state(const fs::path& file, const std::vector<torch::Tensor>& params, torch::optim::AdamW& opt,
                      const json& fingerprint) {
  const auto f = SafetensorsFile::open(file);
  const auto meta = f->metadata().find("apiq_finetune_state");
  const json j = meta == f->metadata().end() ? json() : json::parse(meta->second, nullptr, false);
  if (!j.is_object() || !j.contains("adam_steps")) throw InputError(file, "not a finetuning state; remove the folder to start over");
  if (j["options"] != fingerprint)
    throw InputError(file, "was written with different options; rerun with the same flags or remove the folder");
  const auto adam_steps = j["adam_steps"].get<std::vector<int64_t>>();
  if (adam_steps.size() != params.size()) throw InputError(file, "holds a different number of LoRA factors");
  torch::NoGradGuard ng;
  for (size_t i = 0; i < params.size(); ++i) {
    const std::string n = std::to_string(i);
    params[i].copy_(f->load("param." + n));
    if (adam_steps[i] == 0) continue;
    auto s = std::make_unique<torch::optim::AdamWParamState>();
    s->step(adam_steps[i]);
    s->exp_avg(f->load("exp_avg." + n).to(params[i].device()));
    s->exp_avg_sq(f->load("exp_avg_sq." + n).to(params[i].device()));
    opt.state()[params[i].unsafeGetTensorImpl()] = std::move(s);
  }
  TrainState st;
  st.step = j["step"].get<int64_t>();
  for (const auto& s : j["steps"])
    st.steps.push_back({s["step"].get<int64_t>(), s["epoch"].get<int64_t>(), s["loss"].get<double>(),
                        s["lr"].get<double>(), s["tokens"].get<int64_t>()});
  for (const auto& e : j["evals"])
    st.evals.push_back({e["epoch"].get<int64_t>(), e["nll"].get<double>(), e["ppl"].get<double>(), e["tokens"].get<int64_t>()});
  return st;
}

std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch) {
  auto gen = torch::make_generator<torch::CPUGeneratorImpl>(seed + 1000003ULL * static_cast<uint64_t>(epoch));
  const auto perm = torch::randperm(n, gen, torch::kInt64);
  return {perm.data_ptr<int64_t>(), perm.data_ptr<int64_t>() + n};
}

// The adapters' tensors by checkpoint name, and the LoRA/adapter names they replace.
std::map<std::string, torch::Tensor> adapter_tensors(const LlamaModel& model) {
  const auto& names = tensor_names_for(model.config().model_type);
  std::map<std::string, torch::Tensor> out;
  for (int64_t b = 0; b < model.num_blocks(); ++b) {
    const auto* qb = dynamic_cast<const QuantBlockLinears*>(model.block_linears(b));
    for (LinearKind k : kAllLinears)
      if (const auto& a = qb->at(k).adapter)
        for (auto& [suffix, t] : a->tensors()) out[linear_module(names, b, k) + "." + suffix] = t.detach().cpu().contiguous();
  }
  return out;
}

bool is_adapter_tensor(const std::string& name) {
  for (const std::string& kind : adapter_kind_names())
    if (name.find("." + kind + "_") != std::string::npos) return true;
  return false;
}

// The finished checkpoint: the source's tensors with the trained adapters in place of the old
// LoRA factors (or adapter), and the adapter recorded in quantization_config.
void write_output(const fs::path& qdir, OutputFolder& out, const LlamaModel& model, const QuantSpec& spec,
                  const AdapterOptions& adapter, const json& report) {
  const fs::path& tmp = out.staging();
  const auto trained = adapter_tensors(model);
  const TensorStore store = TensorStore::open_dir(qdir);
  NamedTensors all;
  for (const auto& n : store.names())
    if (!trained.count(n) && !is_adapter_tensor(n)) all.emplace_back(n, store.load(n));
  for (const auto& [n, t] : trained) all.emplace_back(n, t);
  write_safetensors(tmp / "model.safetensors", all, {{"format", "pt"}, {"producer", "apiq-studio"}});
  QuantSpec written = spec;
  if (adapter.kind == "lora") {
    written.adapter.reset();
    written.lora.rank = adapter.rank;
    written.lora.alpha = adapter.alpha;
  } else {
    written.adapter = adapter;
  }
  json config = model.config().raw;
  config["quantization_config"] = written.to_json();
  write_file_atomic(tmp / "config.json", config.dump(2) + "\n");
  copy_tokenizer_files(qdir, tmp);
  json rep = read_report_object(qdir);
  rep["finetune"] = report;
  write_file_atomic(tmp / "report.json", rep.dump(2) + "\n");
  out.commit();
}

// AdamW over the adapter weights, and over the gates (no weight decay) as a second group.
torch::optim::AdamW make_optimizer(const std::vector<torch::Tensor>& params,
                                   const std::vector<std::shared_ptr<Adapter>>& adapters, const FinetuneOptions& o) {
  std::set<const void*> gate_set;
  for (const auto& a : adapters)
    for (const auto& g : a->gate_parameters()) gate_set.insert(g.unsafeGetTensorImpl());
  std::vector<torch::Tensor> weights, gates;
  for (const auto& p : params) (gate_set.count(p.unsafeGetTensorImpl()) ? gates : weights).push_back(p);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(weights, std::make_unique<torch::optim::AdamWOptions>(
                                   torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay)));
  if (!gates.empty())
    groups.emplace_back(gates, std::make_unique<torch::optim::AdamWOptions>(
                                   torch::optim::AdamWOptions(o.adapter.gate_lr).weight_decay(0.0)));
  return torch::optim::AdamW(groups, torch::optim::AdamWOptions(o.lr).weight_decay(o.weight_decay));
}

// Inputs are checked before the weights load: config, tokenizer, data.
struct FinetuneInputs {
  Tokenizer tok;
  SftData sft;
  int64_t pad_id = 0;
};

FinetuneInputs open_inputs(const fs::path& qdir, const fs::path& data, const FinetuneOptions& opts) {
  if (!fs::is_directory(qdir)) throw InputError(qdir, "model folder does not exist");
  const LlamaConfig cfg = LlamaConfig::from_file(qdir / "config.json");
  if (!is_quantized_config(cfg))
    throw InputError(qdir, "not a quantized checkpoint: quantize the model first (apiq quantize)");
  if (!quant_spec_of(cfg, qdir / "config.json").has_adapter() && opts.adapter.rank == 0)
    throw InputError(qdir, "has no LoRA factors to finetune: give --rank for a new adapter, or quantize with qlora, "
                           "loftq, lq-lora, apiq-lw or apiq-bw");
  try {
    resolve_adapter(cfg, quant_spec_of(cfg, qdir / "config.json"), opts.adapter);
  } catch (const std::invalid_argument& e) {
    throw InputError(qdir, std::string("cannot be finetuned: ") + e.what());
  }
  if (const auto why = cfg.sequence_problem(opts.data.seq_len); !why.empty())
    throw InputError(qdir / "config.json", "--seq-len " + std::to_string(opts.data.seq_len) + " is " + why);
  Tokenizer tok = Tokenizer::load_from_dir(qdir);
  SftData sft = load_sft_data(tok, data, opts.data);
  for (const auto* set : {&sft.train, &sft.eval})
    for (const auto& e : *set) check_token_ids(e.ids, cfg.vocab_size, tok);
  const int64_t pad_id = std::max<int64_t>(0, tok.eos_id());
  return {std::move(tok), std::move(sft), pad_id};
}

// The optimizer steps of one run (a resumed run starts at st.step), with the held-out evaluation
// after every epoch and resumable state saved as configured; on cancel the state is saved first.
class Trainer {
 public:
  Trainer(const LlamaModel& model, const FinetuneInputs& in, const FinetuneOptions& o, std::vector<torch::Tensor>& params,
          torch::optim::AdamW& opt, TrainState& st, const fs::path& state_file, const json& fingerprint,
          FinetuneObserver* obs, const CancelToken* cancel)
      : model_(model), in_(in), o_(o), params_(params), opt_(opt), st_(st), state_file_(state_file),
        fingerprint_(fingerprint), obs_(obs), cancel_(cancel), autocast_(model.options().device.is_cuda() && o.mixed_precision),
        n_(static_cast<int64_t>(in.sft.train.size())), micro_per_epoch_((n_ + o.batch - 1) / o.batch),
        steps_per_epoch_((micro_per_epoch_ + o.grad_accum - 1) / o.grad_accum), total_steps_(steps_per_epoch_ * o.epochs),
        saved_step_(st.step) {}

  int64_t total_steps() const { return total_steps_; }

  void run() {
    try {
      if (st_.evals.empty()) evaluate(0);
      for (int64_t e = 0; e < o_.epochs; ++e) {
        const auto order = epoch_order(n_, o_.seed, e);
        for (int64_t s = std::max<int64_t>(0, st_.step - e * steps_per_epoch_); s < steps_per_epoch_; ++s) step(order, e, s);
        if (static_cast<int64_t>(st_.evals.size()) < e + 2) evaluate(e + 1);
        save();
      }
    } catch (const CancelledError&) {
      // Steps are whole at every cancellation point: keep what was done for --resume.
      if (st_.step != saved_step_ || !fs::exists(state_file_)) save();
      throw;
    }
  }

 private:
  void evaluate(int64_t epoch) {
    const HeldOutLoss h = held_out_loss(model_, in_.sft.eval, o_.eval_batch, in_.pad_id, autocast_, obs_, cancel_);
    const FinetuneEval e{epoch, h.nll, h.ppl, h.tokens};
    st_.evals.push_back(e);
    if (obs_) obs_->on_eval(e);
  }

  // The adapters' penalties (Bayesian-LoRA: λ·expected open gates), once per optimizer step.
  void add_penalty() {
    torch::Tensor total;
    for (const auto& a : adapters_)
      if (auto p = a->penalty(); p.defined()) total = total.defined() ? total + p : p;
    if (total.defined()) total.backward();
  }

  void save() {
    save_state(state_file_, params_, opt_, st_, fingerprint_);
    saved_step_ = st_.step;
  }

  // Optimizer step `s` of epoch `e`: its micro-batches' gradients accumulated, clipped, applied.
  void step(const std::vector<int64_t>& order, int64_t e, int64_t s) {
    checkpoint(cancel_);
    std::vector<SftBatch> batches;
    int64_t tokens = 0;
    for (int64_t m = s * o_.grad_accum; m < std::min(micro_per_epoch_, (s + 1) * o_.grad_accum); ++m) {
      const std::vector<int64_t> idx(order.begin() + m * o_.batch, order.begin() + std::min(n_, (m + 1) * o_.batch));
      batches.push_back(make_batch(in_.sft.train, idx, in_.pad_id));
      tokens += batches.back().predicted_tokens;
    }
    opt_.zero_grad();
    double sum = 0;
    const TrainForwardOptions tfo{o_.activation_checkpointing, autocast_};
    for (const auto& b : batches) {
      if (tokens == 0) break;
      auto nll = masked_nll_sum(train_forward(model_, b.ids.to(model_.options().device), tfo), b.labels);
      sum += nll.item<double>();
      (nll / static_cast<double>(tokens)).backward();
    }
    if (tokens) add_penalty();
    const double loss = tokens ? sum / static_cast<double>(tokens) : 0.0;
    if (!std::isfinite(loss))
      throw NonFiniteLossError("non-finite finetuning loss (" + std::to_string(loss) + ") at step " + std::to_string(st_.step));
    const double lr = lr_at(st_.step, total_steps_, o_);
    if (tokens) {
      if (o_.max_grad_norm > 0) torch::nn::utils::clip_grad_norm_(params_, o_.max_grad_norm);
      // Group 0: the adapter weights; group 1 (where there is one): gates, at gate_lr on the same schedule.
      auto& groups = opt_.param_groups();
      for (size_t i = 0; i < groups.size(); ++i)
        static_cast<torch::optim::AdamWOptions&>(groups[i].options()).lr(i == 0 ? lr : lr * o_.adapter.gate_lr / o_.lr);
      opt_.step();
    }
    const FinetuneStep rec{st_.step, e, loss, lr, tokens};
    st_.steps.push_back(rec);
    ++st_.step;
    if (obs_) obs_->on_step(rec);
    report(obs_, "finetune", st_.step, total_steps_);
    if (o_.save_every > 0 && st_.step % o_.save_every == 0) save();
  }

  const LlamaModel& model_;
  const FinetuneInputs& in_;
  const FinetuneOptions& o_;
  std::vector<torch::Tensor>& params_;
  torch::optim::AdamW& opt_;
  TrainState& st_;
  const fs::path& state_file_;
  const json& fingerprint_;
  FinetuneObserver* obs_;
  const CancelToken* cancel_;
  const bool autocast_;
  const std::vector<std::shared_ptr<Adapter>> adapters_ = model_adapters(model_);
  const int64_t n_, micro_per_epoch_, steps_per_epoch_, total_steps_;
  int64_t saved_step_;
};

}  // namespace

FinetuneResult finetune(const fs::path& qdir, const fs::path& data, const fs::path& out_dir, const FinetuneOptions& opts,
                        bool resume, FinetuneObserver* obs, const CancelToken* cancel) {
  const auto t_start = std::chrono::steady_clock::now();
  validate(opts);
  OutputFolder out(out_dir);  // claimed (locked) for the whole run
  const torch::Device device(opts.device);
  if (device.is_cuda() && !torch::cuda::is_available()) throw std::invalid_argument("--device cuda: no CUDA GPU is available");
  reset_peak_memory(device);
  const FinetuneInputs in = open_inputs(qdir, data, opts);

  LlamaModel model =
      load_model(qdir, ModelOptions().set_device(device).set_dtype(parse_dtype(opts.dtype)).set_packed_only(true), obs);
  const QuantSpec spec = quant_spec_of(model.config(), qdir / "config.json");
  std::vector<torch::Tensor> params;
  AdapterOptions adapter;
  try {
    torch::manual_seed(opts.seed);  // fresh adapter parts start the same on a resume
    adapter = attach_adapters(model, spec, opts.adapter);
    params = model_adapter_parameters(model);
  } catch (const std::invalid_argument& e) {
    throw InputError(qdir, std::string("cannot be finetuned: ") + e.what());
  }
  for (auto& p : params) p.set_requires_grad(true);
  const auto adapters = model_adapters(model);

  torch::optim::AdamW opt = make_optimizer(params, adapters, opts);
  const fs::path work = partial_dir(out_dir);
  const fs::path state_file = work / "state.safetensors";
  const json fingerprint = options_json(opts, qdir, data);
  TrainState st;
  if (resume && fs::exists(state_file)) {
    st = load_state(state_file, params, opt, fingerprint);
  } else {
    remove_tree(work);
    fs::create_directories(work);
  }
  Trainer trainer(model, in, opts, params, opt, st, state_file, fingerprint, obs, cancel);
  trainer.run();
  for (const auto& a : adapters) a->finish();

  FinetuneResult r;
  r.steps = st.steps;
  r.evals = st.evals;
  r.train_examples = static_cast<int64_t>(in.sft.train.size());
  r.eval_examples = static_cast<int64_t>(in.sft.eval.size());
  r.total_steps = trainer.total_steps();
  r.peak_memory_bytes = peak_memory_bytes(device);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  json report = finetune_report_json(r, fingerprint);
  r.adapter = adapter_report(model, adapter);
  report["adapter"] = r.adapter;
  write_output(qdir, out, model, spec, adapter, report);
  remove_tree(work);
  return r;
}

}  // namespace apiq
