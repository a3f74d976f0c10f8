// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiq/calibration.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>

#include "apiq/block_calibrator.h"
#include "apiq/calibration_report.h"
#include "apiq/cuda_ops.h"
#include "apiq/errors.h"
#include "apiq/evaluation.h"
#include "apiq/fs_util.h"
#include "apiq/llama_model.h"
#include "apiq/quantized_checkpoint.h"
#include "apiq/tokenizer.h"

namespace apiq {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr struct {
  Method m;
  const char* name;
} kMethods[] = {{Method::Rtn, "rtn"}, {Method::Qlora, "qlora"}, {Method::Loftq, "loftq"},
                {Method::ApiqLw, "apiq-lw"}, {Method::ApiqBw, "apiq-bw"}};

std::string read_text(const fs::path& p) { return read_nonempty_file(p, "calibration text"); }

json options_fingerprint(const CalibrationOptions& o, const fs::path& model_dir, const fs::path& calib) {
  return {{"method", method_name(o.method)}, {"quantization", QuantizationInfo::from_options(o).to_json()},
          {"nsamples", o.nsamples}, {"seq_len", o.seq_len}, {"epochs", o.epochs}, {"seed", o.seed},
          {"loftq_iters", o.loftq_iters}, {"clip_lr", o.clip_lr}, {"lora_lr", o.lora_lr},
          {"weight_decay", o.weight_decay}, {"targets", targets_to_string(o.targets)}, {"aug_loss", o.aug_loss}, {"learnable_clipping", o.quant.learnable_clipping},
          {"model", fs::absolute(model_dir).string()}, {"calib", fs::absolute(calib).string()}};
}

double peak_memory(torch::Device device) {
  if (device.is_cuda()) return static_cast<double>(cuda_peak_memory_bytes(device));
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) * 1024.0;
}

void write_json_atomic(const fs::path& p, const json& j) { write_file_atomic(p, j.dump(2) + "\n"); }

}  // namespace

Method parse_method(const std::string& s) {
  for (const auto& r : kMethods)
    if (s == r.name) return r.m;
  throw std::invalid_argument("unknown method '" + s + "' (use rtn, qlora, loftq, apiq-lw or apiq-bw)");
}

const char* method_name(Method m) {
  for (const auto& r : kMethods)
    if (m == r.m) return r.name;
  return "?";
}

LinearTargets parse_targets(const std::string& csv) {
  LinearTargets t{};
  std::stringstream ss(csv);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::string full = item.size() > 5 && item.compare(item.size() - 5, 5, "_proj") == 0 ? item : item + "_proj";
    int found = -1;
    for (LinearKind k : kAllLinears)
      if (full == linear_short_name(k)) found = static_cast<int>(k);
    if (found < 0) throw std::invalid_argument("unknown target linear '" + item + "' (use q, k, v, o, gate, up, down)");
    if (t[found]) throw std::invalid_argument("target linear '" + item + "' is listed twice");
    t[found] = true;
  }
  if (count_targets(t) == 0) throw std::invalid_argument("no target linears: name at least one of q, k, v, o, gate, up, down");
  return t;
}

std::string targets_to_string(const LinearTargets& t) {
  std::string out;
  for (LinearKind k : kAllLinears) {
    if (!t[static_cast<int>(k)]) continue;
    const std::string n = linear_short_name(k);  // "q_proj" → "q"
    if (!out.empty()) out += ',';
    out.append(n, 0, n.find("_proj"));
  }
  return out;
}

int count_targets(const LinearTargets& t) {
  int n = 0;
  for (bool b : t) n += b ? 1 : 0;
  return n;
}

double CalibrationResult::mean_act_err() const {
  if (layers.empty()) return 0;
  double s = 0;
  for (const auto& l : layers) s += l.act_err;
  return s / static_cast<double>(layers.size());
}

torch::Tensor sample_windows(const std::vector<int64_t>& stream, int64_t n, int64_t len, uint64_t seed,
                             const fs::path& origin) {
  const int64_t total = static_cast<int64_t>(stream.size());
  if (total <= len)
    throw InputError(origin, "the text has " + std::to_string(total) + " tokens, not more than one window of " +
                                 std::to_string(len));
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> start(0, total - len - 1);
  auto out = torch::empty({n, len}, torch::kInt64);
  auto acc = out.accessor<int64_t, 2>();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t s = start(rng);
    for (int64_t t = 0; t < len; ++t) acc[i][t] = stream[s + t];
  }
  return out;
}

fs::path partial_dir(const fs::path& out_dir) {
  fs::path p = out_dir;
  p += ".partial";
  return p;
}

CalibrationResult calibrate_model(const fs::path& model_dir, const fs::path& calib_file, const fs::path& out_dir,
                                  const CalibrationOptions& opts, bool resume, CalibrationObserver* obs,
                                  const CancelToken* cancel) {
  const auto t_start = std::chrono::steady_clock::now();
  opts.quant.validate();
  if (opts.nsamples <= 0 || opts.seq_len < 2 || opts.epochs < 0)
    throw std::invalid_argument("nsamples must be positive, seq-len at least 2, epochs not negative");
  if (count_targets(opts.targets) == 0) throw std::invalid_argument("no target linears: quantize at least one linear");
  if (fs::exists(out_dir)) throw InputError(out_dir, "output folder already exists; choose another --out or remove it");
  const torch::Device device(opts.device);
  if (device.is_cuda() && !torch::cuda::is_available()) throw std::invalid_argument("--device cuda: no CUDA GPU is available");
  if (device.is_cuda()) cuda_reset_peak_memory(device);

  // Weights stay on the host; each block goes to the device when it is calibrated.
  LlamaModel model = LlamaModel::load(model_dir, ModelOptions().set_device(device).set_stream_blocks(true), obs);
  if (model.is_quantized()) throw InputError(model_dir, "the model is already quantized");
  const LlamaConfig& cfg = model.config();
  const Tokenizer tok = Tokenizer::load_from_dir(model_dir);
  const auto samples = sample_windows(tokenize_stream(tok, read_text(calib_file)), opts.nsamples, opts.seq_len,
                                      opts.seed, calib_file);

  const fs::path work = partial_dir(out_dir);
  const json fingerprint = options_fingerprint(opts, model_dir, calib_file);
  json state = {{"options", fingerprint}, {"blocks_done", 0}, {"layers", json::array()}, {"blocks", json::array()}};
  if (resume && fs::exists(work / "state.json")) {
    std::ifstream in(work / "state.json");
    json saved = json::parse(in, nullptr, false);
    if (saved.is_discarded()) throw InputError(work / "state.json", "invalid JSON; remove the folder to start over");
    if (saved["options"] != fingerprint)
      throw InputError(work / "state.json", "was written with different options; rerun with the same flags or remove the folder");
    state = saved;
  } else {
    remove_tree(work);
    fs::create_directories(work);
    write_json_atomic(work / "state.json", state);
  }
  const int64_t done = state["blocks_done"].get<int64_t>();

  const auto cache_device = opts.offload_activations ? torch::Device(torch::kCPU) : device;
  torch::Tensor X, Xq;
  {
    torch::NoGradGuard ng;
    X = model.embed(samples).to(cache_device, cache_dtype(opts, device));
    Xq = X.clone();
  }
  auto [cos, sin] = model.rotary().cos_sin(0, opts.seq_len, device, torch::kFloat);

  CalibrationResult result;
  const auto dense_dtype = model.weights().embed.scalar_type();  // dense linears are stored as the model stores them
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
    const auto t_block = std::chrono::steady_clock::now();
    torch::manual_seed(opts.seed * 1000003ULL + static_cast<uint64_t>(b));  // per block, so resume is exact
    BlockContext ctx{cfg, opts, device, cos, sin, b, obs, cancel};
    const BlockWeights& host = model.weights().blocks[b];
    std::shared_ptr<QuantBlockLinears> qb;
    BlockMetrics bm;
    bm.block = b;
    torch::Tensor Y;
    {
      torch::NoGradGuard ng;
      QuantBlockLinears dense;
      dense.attn_norm = host.attn_norm.to(device, torch::kFloat);
      dense.mlp_norm = host.mlp_norm.to(device, torch::kFloat);
      for (int i = 0; i < kNumLinears; ++i) {
        dense.linears[i].W = host.linears[i].weight.to(device, torch::kFloat);
        if (host.linears[i].bias.defined()) dense.linears[i].bias = host.linears[i].bias.to(device, torch::kFloat);
      }
      std::vector<torch::Tensor> ys;
      for (int64_t j = 0; j < X.size(0); j += opts.metric_batch)
        ys.push_back(run_block(ctx, dense, dense, X.narrow(0, j, std::min(opts.metric_batch, X.size(0) - j)))
                         .to(cache_device, cache_dtype(opts, device)));
      Y = torch::cat(ys, 0);
    }
    if (b < done) {
      // Already calibrated: reload the block and only carry the streams forward.
      const auto store = TensorStore::open_file(work / ("block_" + std::to_string(b) + ".safetensors"));
      qb = load_quantized_block(store, cfg, QuantizationInfo::from_options(opts), b, device);
      for (int i = 0; i < kNumLinears; ++i) qb->linears[i].W = host.linears[i].weight.to(device, torch::kFloat);
      auto m = measure_block(ctx, *qb, X, Xq, Y, /*keep_output=*/true);
      Xq = m.out_q;
      X = Y;
      report(obs, "calibrate", b + 1, cfg.num_hidden_layers);
      continue;
    }
    checkpoint(cancel);
    qb = std::make_shared<QuantBlockLinears>(init_block(ctx, host));
    const auto init = measure_block(ctx, *qb, X, Xq, Y, false);
    bm.out_mse_init = init.out_mse;
    if (opts.method == Method::ApiqBw) {
      torch::Tensor Yq;
      if (opts.aug_loss) {
        torch::NoGradGuard ng;
        QuantBlockLinears dense = *qb;
        for (auto& l : dense.linears) l.state = QuantLinear::State::Dense;
        std::vector<torch::Tensor> ys;
        for (int64_t j = 0; j < Xq.size(0); ++j)
          ys.push_back(run_block(ctx, dense, dense, Xq.narrow(0, j, 1)).to(cache_device, cache_dtype(opts, device)));
        Yq = torch::cat(ys, 0);
      }
      train_block_bw(ctx, *qb, Xq, Y, Yq, bm.losses);
    } else if (opts.method == Method::ApiqLw) {
      train_block_lw(ctx, *qb, X, Xq, bm.losses);
    }
    for (auto& l : qb->linears)
      if (l.state == QuantLinear::State::Training) l.finalize();
    auto fin = measure_block(ctx, *qb, X, Xq, Y, /*keep_output=*/true);
    bm.out_mse = fin.out_mse;
    bm.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_block).count();
    for (LinearKind k : kAllLinears) {
      if (!opts.is_target(k)) continue;  // dense linears have nothing to report
      const int i = static_cast<int>(k);
      LayerMetrics lm{b, k, init.act_err[i], fin.act_err[i], fin.weight_err[i]};
      result.layers.push_back(lm);
      state["layers"].push_back(layer_to_json(lm));
      if (obs) obs->on_layer(lm);
    }
    result.blocks.push_back(bm);
    state["blocks"].push_back(block_to_json(bm));
    if (obs) obs->on_block(bm);
    // Persist the block, then the state that points at it: a crash leaves the last complete block.
    write_safetensors(work / ("block_" + std::to_string(b) + ".safetensors"), quantized_block_tensors(cfg, b, *qb, dense_dtype));
    state["blocks_done"] = b + 1;
    write_json_atomic(work / "state.json", state);
    Xq = fin.out_q;
    X = Y;
    report(obs, "calibrate", b + 1, cfg.num_hidden_layers);
  }
  // Metrics of blocks done before a resume come from the saved state.
  result.layers.clear();
  result.blocks.clear();
  for (const auto& j : state["layers"]) result.layers.push_back(layer_from_json(j));
  for (const auto& j : state["blocks"]) result.blocks.push_back(block_from_json(j));
  result.peak_memory_bytes = peak_memory(device);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();

  // Assemble the checkpoint in a temporary folder and rename it into place when complete.
  fs::path tmp = out_dir;
  tmp += ".tmp-" + std::to_string(::getpid());
  remove_tree(tmp);
  fs::create_directories(tmp);
  const auto& names = tensor_names_for(cfg.model_type);
  NamedTensors all = {{names.embed, model.weights().embed.cpu()}, {names.final_norm, model.weights().final_norm.cpu()}};
  if (!cfg.tie_word_embeddings) all.emplace_back(names.lm_head, model.weights().lm_head.cpu());
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
    const auto store = TensorStore::open_file(work / ("block_" + std::to_string(b) + ".safetensors"));
    for (const auto& n : store.names()) all.emplace_back(n, store.load(n));
  }
  write_safetensors(tmp / "model.safetensors", all, {{"format", "pt"}, {"producer", "apiq-studio"}});
  json cj = cfg.raw;
  cj["quantization_config"] = QuantizationInfo::from_options(opts).to_json();
  write_json_atomic(tmp / "config.json", cj);
  fs::copy_file(tok.path(), tmp / "tokenizer.model");
  write_json_atomic(tmp / "report.json", report_to_json(result, fingerprint));
  fs::rename(tmp, out_dir);
  remove_tree(work);
  return result;
}

}  // namespace apiq
