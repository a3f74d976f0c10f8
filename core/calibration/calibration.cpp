// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/calibration.h"

#include <chrono>
#include <future>
#include <fstream>

#include "base/device_info.h"
#include "base/errors.h"
#include "base/fs_util.h"
#include "base/output_folder.h"
#include "calibration/block_measure.h"
#include "calibration/calibration_report.h"
#include "calibration/budget_allocation.h"
#include "calibration/fisher.h"
#include "calibration/run_summary.h"
#include "io/safetensors.h"
#include "io/safetensors_merge.h"
#include "io/token_stream.h"
#include "methods/method.h"
#include "model/llama_model.h"
#include "quant/quantized_checkpoint.h"

namespace apiq {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

json options_fingerprint(const CalibrationOptions& o, const fs::path& model_dir, const fs::path& calib) {
  json j = {{"method", o.method}, {"quantization", o.spec().to_json()},
          {"nsamples", o.nsamples}, {"seq_len", o.seq_len}, {"epochs", o.epochs}, {"seed", o.seed},
          {"loftq_iters", o.loftq_iters}, {"lq_iters", o.lq_iters}, {"fisher", o.fisher}, {"budget", o.budget},
          {"budget_counts_lora", o.budget_counts_lora}, {"budget_bits", o.budget_bits}, {"clip_lr", o.clip_lr}, {"lora_lr", o.lora_lr},
          {"weight_decay", o.weight_decay}, {"targets", targets_to_string(o.targets)}, {"aug_loss", o.aug_loss},
          {"learnable_clipping", o.quant.learnable_clipping},
          {"model", fs::absolute(model_dir).string()}, {"calib", fs::absolute(calib).string()}};
  if (o.batch != 1) j["batch"] = o.batch;  // absent at 1, so earlier runs still resume
  // Absent: every window measured, as earlier builds did (a partial run of theirs resumes with 0).
  if (o.metric_windows != 0) j["metric_windows"] = o.metric_windows;
  return j;
}

void write_json_atomic(const fs::path& p, const json& j) { write_file_atomic(p, j.dump(2) + "\n"); }

// The saved state of a run in OUT.partial: resumed when it matches, else started afresh.
json open_state(const fs::path& work, const json& fingerprint, bool resume) {
  json state = {{"options", fingerprint}, {"blocks_done", 0}, {"layers", json::array()}, {"blocks", json::array()}};
  if (resume && fs::exists(work / "state.json")) {
    std::ifstream in(work / "state.json");
    json saved = json::parse(in, nullptr, false);
    if (saved.is_discarded()) throw InputError(work / "state.json", "invalid JSON; remove the folder to start over");
    if (saved["options"] != fingerprint)
      throw InputError(work / "state.json", "was written with different options; rerun with the same flags or remove the folder");
    return saved;
  }
  remove_tree(work);
  fs::create_directories(work);
  write_json_atomic(work / "state.json", state);
  return state;
}

// Everything a run needs before its first block.
struct Run {
  const CalibrationOptions& opts;
  const Method& method;
  torch::Device device;
  LlamaModel model;
  Tokenizer tok;
  torch::Tensor X{}, Xq{};  // the two streams, [N, L, hidden] on the cache device
  torch::Tensor cos{}, sin{};  // rotary tables for [0, seq_len)
  torch::Device cache_device = torch::kCPU;
  torch::ScalarType cache_type = torch::kFloat;
  std::unique_ptr<OutputFolder> out{};  // claimed (locked) for the whole run
  fs::path work{};
  json fingerprint{}, state{};
  std::vector<BlockFisher> fisher{};  // --fisher: per block; empty otherwise
  json budget{};                    // --budget: what the allocation chose, for the report
  std::future<void> saving{};       // the last block's state files, written while the next block runs
  double load_seconds = 0;          // reading the model (part of the run's "prepare" phase)

  // Writes a block's state file, then state.json pointing at it (so a crash or a kill leaves the
  // last complete block), on a thread of its own. One save at a time: waits for the previous one
  // first, and rethrows its error (a full disk) here.
  void save_in_background(const fs::path& file, NamedTensors tensors) {
    finish_saving();
    saving = std::async(std::launch::async, [file, tensors = std::move(tensors), text = state.dump(2) + "\n", dir = work] {
      write_safetensors(file, tensors);
      write_file_atomic(dir / "state.json", text);
    });
  }
  void finish_saving() {
    if (saving.valid()) saving.get();
  }
};

// `opts` gains the budget allocation's per-linear overrides, when there is a budget.
Run prepare_run(const fs::path& model_dir, const fs::path& calib_file, const fs::path& out_dir,
                CalibrationOptions& opts, bool resume, CalibrationObserver* obs) {
  opts.validate();
  auto out = std::make_unique<OutputFolder>(out_dir);
  const torch::Device device(opts.device);
  if (device.is_cuda() && !torch::cuda::is_available()) throw std::invalid_argument("--device cuda: no CUDA GPU is available");
  reset_peak_memory(device);
  if (!fs::is_directory(model_dir)) throw InputError(model_dir, "model folder does not exist");
  if (is_quantized_config(LlamaConfig::from_file(model_dir / "config.json")))
    throw InputError(model_dir, "the model is already quantized");
  // Weights stay on the host; each block goes to the device when it is calibrated.
  const auto t_load = Clock::now();
  // Without a Fisher or a budget (which read every block first), each block's linears are read while
  // the previous block calibrates (BlockPrefetch).
  const bool defer = opts.fisher == 0 && opts.budget <= 0;
  LlamaModel model = LlamaModel::load(
      model_dir, ModelOptions().set_device(device).set_stream_blocks(true).set_defer_block_linears(defer), obs);
  const double load_seconds = seconds_since(t_load);
  Tokenizer tok = Tokenizer::load_from_dir(model_dir);
  const LlamaConfig& cfg = model.config();
  if (const auto why = cfg.sequence_problem(opts.seq_len); !why.empty())
    throw std::invalid_argument("--seq-len " + std::to_string(opts.seq_len) + " is " + why + " in " +
                                (model_dir / "config.json").string());
  const auto samples = sample_windows(tokenize_for_model(tok, read_nonempty_file(calib_file, "calibration text"), cfg.vocab_size),
                                      opts.nsamples, opts.seq_len, opts.seed, calib_file);
  Run r{.opts = opts, .method = find_method(opts.method), .device = device, .model = std::move(model), .tok = std::move(tok)};
  r.out = std::move(out);
  r.load_seconds = load_seconds;
  r.work = partial_dir(out_dir);
  r.fingerprint = options_fingerprint(opts, model_dir, calib_file);
  r.state = open_state(r.work, r.fingerprint, resume);
  r.cache_device = opts.offload_activations ? torch::Device(torch::kCPU) : device;
  r.cache_type = cache_dtype(opts, device);
  // The Fisher needs the full-precision model, so it is taken before any block is replaced.
  if (opts.fisher > 0) r.fisher = empirical_fisher(r.model, samples.narrow(0, 0, opts.fisher), opts.targets, device, obs);
  if (opts.budget > 0) {
    const BudgetAllocation a = allocate_budget(r.model, opts, r.fisher, obs);
    opts.overrides = a.overrides;
    r.budget = {{"bits_per_param", opts.budget},   {"counts_lora", opts.budget_counts_lora},
                {"params", a.params},              {"budget_bits", a.budget_bits},
                {"storage_bits", a.storage_bits},  {"storage_bits_per_param", a.bits_per_param()},
                {"cost", a.cost},                  {"cost_weighted_by_fisher", !r.fisher.empty()}};
  }
  {
    torch::NoGradGuard ng;
    r.X = r.model.embed(samples).to(r.cache_device, r.cache_type);
    r.Xq = r.X.clone();
  }
  std::tie(r.cos, r.sin) = r.model.rotary().cos_sin(0, opts.seq_len, device, torch::kFloat);
  return r;
}

// Reads block b + 1's linears on a thread while block b calibrates, when the model was loaded with
// deferred linears (else every block is in memory already and this does nothing). A read error
// (a damaged tensor) surfaces when its block is reached.
class BlockPrefetch {
 public:
  explicit BlockPrefetch(LlamaModel& m) : model_(m) {}
  ~BlockPrefetch() {
    if (next_.valid()) next_.wait();  // an error stays unreported: the run is ending with another
  }
  // Block b's linears attached to the model; block b + 1's read started.
  void attach(int64_t b) {
    if (!model_.options().defer_block_linears) return;
    auto linears = next_block_ == b && next_.valid() ? next_.get() : model_.read_block_linears(b);
    model_.attach_block_linears(b, std::move(linears));
    next_block_ = b + 1;
    if (next_block_ < model_.num_blocks())
      next_ = std::async(std::launch::async, [this, n = next_block_] { return model_.read_block_linears(n); });
  }

 private:
  LlamaModel& model_;
  int64_t next_block_ = -1;
  std::future<std::array<LinearWeights, kNumLinears>> next_;
};

// A block calibrated in an earlier (resumed) run: reload it and only carry the streams forward.
// Returns block_fp(X).
torch::Tensor replay_block(Run& r, const BlockContext& ctx) {
  const auto store = TensorStore::open_file(r.work / block_state_file(ctx.block));
  auto qb = load_quantized_block(store, ctx.cfg, r.opts.spec(), ctx.block, r.device);
  const BlockWeights& host = r.model.weights().blocks[ctx.block];
  for (int i = 0; i < kNumLinears; ++i) qb->linears[i].W = to_device_as(host.linears[i].weight, r.device, torch::kFloat);
  auto m = measure_block(ctx, *qb, r.X, r.Xq, torch::Tensor(), KeepOutputs{true, true}, r.opts.metric_windows);
  r.Xq = m.out_q;
  return m.out_fp;
}

// Initialise, train, finalize and measure one block; persist it, then the state pointing at it,
// so a crash leaves the last complete block. Returns block_fp(X), which the first measurement's
// dense pass computes anyway.
torch::Tensor calibrate_block(Run& r, const BlockContext& ctx) {
  const auto t_block = Clock::now();
  const int64_t b = ctx.block;
  checkpoint(ctx.cancel);
  BlockMetrics bm;
  auto t_phase = t_block;
  auto phase_done = [&](const char* name) {
    bm.phases.emplace_back(name, seconds_since(t_phase));
    t_phase = Clock::now();
  };
  QuantBlockLinears qb = r.method.init_block(ctx, r.model.weights().blocks[b]);
  phase_done("init");
  const auto init = measure_block(ctx, qb, r.X, r.Xq, torch::Tensor(), KeepOutputs{false, true}, r.opts.metric_windows);
  phase_done("measure_before");
  const torch::Tensor& Y = init.out_fp;
  bm.block = b;
  bm.out_mse_init = init.out_mse;
  BlockContext train_ctx = ctx;
  train_ctx.graph_steps = &bm.graph_steps;
  r.method.train_block(train_ctx, qb, BlockStreams{r.X, r.Xq, Y}, bm.losses);
  phase_done("train");
  for (auto& l : qb.linears)
    if (l.state == QuantLinear::State::Training) l.finalize();
  phase_done("finalize");
  auto fin = measure_block(ctx, qb, r.X, r.Xq, Y, KeepOutputs{true, false}, r.opts.metric_windows);
  phase_done("measure_after");
  bm.out_mse = fin.out_mse;
  const auto dense_dtype = r.model.weights().embed.scalar_type();  // dense linears are stored as the model stores them
  NamedTensors tensors = quantized_block_tensors(ctx.cfg, b, qb, dense_dtype);
  for (auto& [name, t] : tensors) t = t.to(torch::kCPU).contiguous();  // here, so the device memory is free
  phase_done("to_host");
  bm.seconds = seconds_since(t_block);
  for (LinearKind k : kAllLinears) {
    if (!r.opts.is_target(k)) continue;  // dense linears have nothing to report
    const int i = static_cast<int>(k);
    const LayerMetrics lm{b, k, init.act_err[i], fin.act_err[i], fin.weight_err[i]};
    r.state["layers"].push_back(layer_to_json(lm));
    if (ctx.obs) ctx.obs->on_layer(lm);
  }
  r.state["blocks"].push_back(block_to_json(bm));
  if (ctx.obs) ctx.obs->on_block(bm);
  r.state["blocks_done"] = b + 1;
  r.save_in_background(r.work / block_state_file(b), std::move(tensors));
  r.Xq = fin.out_q;
  return Y;
}

// The allocation's record with the storage the written files take ("written_bits", "met"). The
// allocation predicts each linear's zero-point width from W; a method that quantizes W − L (loftq,
// lq-lora) may widen a linear's zeros to int16 where the low-rank part changes a group's sign, and
// then the files may exceed the budget: said in the report and as a message, not hidden.
json checked_budget(const Run& r, const fs::path& folder, ProgressObserver* obs) {
  json b = r.budget;
  double lora_bits = 0;
  const auto written = TensorStore::open_dir(folder);
  for (const auto& name : written.names())
    if (name.ends_with(".lora_A") || name.ends_with(".lora_B"))
      lora_bits += 8.0 * static_cast<double>(written.info(name).nbytes());
  const double bits = 8.0 * count_stored_bytes(folder).linear_bytes - (r.opts.budget_counts_lora ? 0.0 : lora_bits);
  const auto allowed = b["budget_bits"].get<int64_t>();
  b["written_bits"] = static_cast<int64_t>(bits);
  b["met"] = bits <= static_cast<double>(allowed);
  if (!b["met"].get<bool>() && obs)
    obs->on_message("warning: the written checkpoint takes " + std::to_string(static_cast<int64_t>(bits)) +
                    " bits against a budget of " + std::to_string(allowed) +
                    " (zero points of one-sign groups stored as int16 that the allocation did not predict)");
  return b;
}

// The finished checkpoint, assembled from the saved blocks in a staging folder and renamed.
void write_checkpoint(Run& r, const CalibrationResult& result, ProgressObserver* obs) {
  const fs::path& tmp = r.out->staging();
  const LlamaConfig& cfg = r.model.config();
  const auto& names = tensor_names_for(cfg.model_type);
  const auto& w = r.model.weights();
  NamedTensors all = {{names.embed, w.embed.cpu()}, {names.final_norm, w.final_norm.cpu()}};
  if (!cfg.tie_word_embeddings) all.emplace_back(names.lm_head, w.lm_head.cpu());
  // The blocks' tensors go file to file from their saved states (not loaded and written again).
  std::vector<fs::path> blocks;
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) blocks.push_back(r.work / block_state_file(b));
  write_safetensors_merged(tmp / "model.safetensors", all, blocks, {{"format", "pt"}, {"producer", "apiq-studio"}});
  json cj = cfg.raw;
  cj["quantization_config"] = r.opts.spec().to_json();
  write_json_atomic(tmp / "config.json", cj);
  copy_tokenizer_files(r.tok.path().parent_path(), tmp);
  json report = report_to_json(result, r.fingerprint);
  report["metric_windows"] = measured_windows(r.opts.nsamples, r.opts.seq_len, r.opts.metric_batch, r.opts.metric_windows);
  if (!r.budget.is_null()) report["budget"] = checked_budget(r, tmp, obs);
  write_json_atomic(tmp / "report.json", report);
  r.out->commit();
}

}  // namespace

std::string block_state_file(int64_t block) { return "block_" + std::to_string(block) + ".safetensors"; }

CalibrationResult calibrate_model(const fs::path& model_dir, const fs::path& calib_file, const fs::path& out_dir,
                                  const CalibrationOptions& opts, bool resume, CalibrationObserver* obs,
                                  const CancelToken* cancel) {
  const auto t_start = Clock::now();
  CalibrationOptions run_opts = opts;  // with the budget's overrides once allocated
  Run r = prepare_run(model_dir, calib_file, out_dir, run_opts, resume, obs);
  const double prepared = seconds_since(t_start);
  const LlamaConfig& cfg = r.model.config();
  const int64_t done = r.state["blocks_done"].get<int64_t>();
  BlockPrefetch prefetch(r.model);
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
    prefetch.attach(b);
    torch::manual_seed(opts.seed * 1000003ULL + static_cast<uint64_t>(b));  // per block, so resume is exact
    BlockContext ctx{cfg, run_opts, r.device, r.cos, r.sin, b, obs, cancel};
    if (!r.fisher.empty()) ctx.fisher = r.fisher[b];
    r.X = b < done ? replay_block(r, ctx) : calibrate_block(r, ctx);
    r.model.release_block_linears(b);  // saved in the block's state file; the host copy is done with
    report(obs, "calibrate", b + 1, cfg.num_hidden_layers);
  }
  r.finish_saving();
  // Metrics of blocks done before a resume come from the saved state.
  CalibrationResult result;
  for (const auto& j : r.state["layers"]) result.layers.push_back(layer_from_json(j));
  for (const auto& j : r.state["blocks"]) result.blocks.push_back(block_from_json(j));
  result.peak_memory_bytes = peak_memory_bytes(r.device);
  result.seconds = seconds_since(t_start);
  result.device = describe_device(r.device);
  const auto t_write = Clock::now();
  write_checkpoint(r, result, obs);
  remove_tree(r.work);
  result.phases = {{"load", r.load_seconds},
                   {"prepare", prepared - r.load_seconds},
                   {"blocks", result.seconds - prepared},
                   {"write", seconds_since(t_write)}};
  return result;
}

}  // namespace apiq
