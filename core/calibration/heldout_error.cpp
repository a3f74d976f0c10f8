// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/heldout_error.h"

#include <limits>

#include "calibration/block_measure.h"
#include "base/errors.h"
#include "model/llama_model.h"
#include "quant/quantized_checkpoint.h"
#include "io/safetensors.h"

namespace apiq {
namespace fs = std::filesystem;

namespace {

// The checkpoint must have been made from this model: same architecture, and the tensors that
// quantization copies unchanged (embedding, norms) equal.
void check_same_model(const LlamaConfig& fp, const LlamaConfig& q, const fs::path& fp_dir, const fs::path& qdir) {
  const bool same = fp.model_type == q.model_type && fp.hidden_size == q.hidden_size &&
                    fp.intermediate_size == q.intermediate_size && fp.num_attention_heads == q.num_attention_heads &&
                    fp.num_key_value_heads == q.num_key_value_heads && fp.head_dim == q.head_dim &&
                    fp.num_hidden_layers == q.num_hidden_layers && fp.vocab_size == q.vocab_size;
  if (!same) throw InputError(qdir, "was not made from " + fp_dir.string() + ": the architectures differ");
}

void check_equal(const torch::Tensor& fp, const torch::Tensor& q, const std::string& what, const fs::path& fp_dir,
                 const fs::path& qdir) {
  if (!torch::equal(fp.to(torch::kCPU, torch::kFloat), q.to(torch::kCPU, torch::kFloat)))
    throw InputError(qdir, "was not made from " + fp_dir.string() + ": " + what + " differs");
}

}  // namespace

double HeldoutResult::mean_act_err() const {
  if (layers.empty()) return 0;
  double s = 0;
  for (const auto& l : layers) s += l.act_err;
  return s / static_cast<double>(layers.size());
}

double HeldoutResult::mean_block_mse() const {
  if (block_out_mse.empty()) return 0;
  double s = 0;
  for (double v : block_out_mse) s += v;
  return s / static_cast<double>(block_out_mse.size());
}

std::array<double, kNumLinears> HeldoutResult::mean_act_err_by_kind() const {
  std::array<double, kNumLinears> sum{}, count{};
  for (const auto& l : layers) {
    sum[static_cast<int>(l.kind)] += l.act_err;
    count[static_cast<int>(l.kind)] += 1;
  }
  std::array<double, kNumLinears> out{};
  for (int i = 0; i < kNumLinears; ++i)
    out[i] = count[i] > 0 ? sum[i] / count[i] : std::numeric_limits<double>::quiet_NaN();
  return out;
}

HeldoutResult heldout_activation_error(const fs::path& fp_model_dir, const fs::path& qdir, const torch::Tensor& windows,
                                       const HeldoutOptions& opts, ProgressObserver* obs, const CancelToken* cancel) {
  torch::NoGradGuard ng;
  if (!windows.defined() || windows.dim() != 2 || windows.size(0) < 1 || windows.size(1) < 1 ||
      windows.scalar_type() != torch::kInt64)
    throw std::invalid_argument("held-out activation error: windows must be a non-empty [N, L] int64 tensor");
  const torch::Device device(opts.device);
  if (device.is_cuda() && !torch::cuda::is_available()) throw std::invalid_argument("--device cuda: no CUDA GPU is available");

  if (fs::is_directory(fp_model_dir) && is_quantized_config(LlamaConfig::from_file(fp_model_dir / "config.json")))
    throw InputError(fp_model_dir, "is a quantized checkpoint; give the full-precision model it was made from");
  const LlamaModel fp = LlamaModel::load(fp_model_dir, ModelOptions().set_device(device).set_stream_blocks(true));
  const LlamaConfig& cfg = fp.config();
  const QuantizedCheckpoint ck = QuantizedCheckpoint::open(qdir);
  const LlamaConfig& qcfg = ck.cfg;
  check_same_model(cfg, qcfg, fp_model_dir, qdir);
  const QuantSpec& info = ck.spec;
  const TensorStore& store = ck.store;
  const auto& names = tensor_names_for(qcfg.model_type);
  check_equal(fp.weights().embed, store.load(names.embed), "the embedding", fp_model_dir, qdir);
  const int64_t L = windows.size(1);
  if (const auto why = cfg.sequence_problem(L); !why.empty())
    throw std::invalid_argument("held-out activation error: windows of " + std::to_string(L) + " tokens are " + why);
  if (windows.min().item<int64_t>() < 0 || windows.max().item<int64_t>() >= cfg.vocab_size)
    throw std::invalid_argument("held-out activation error: token ids outside the vocabulary");

  // Everything measure_block reads from the calibration options.
  CalibrationOptions co;
  co.device = device.str();
  co.mixed_precision = opts.mixed_precision;
  co.metric_batch = std::max<int64_t>(1, opts.metric_batch);
  auto [cos, sin] = fp.rotary().cos_sin(0, L, device, torch::kFloat);
  // Both streams start at the embedding, as in calibration.
  torch::Tensor X = fp.embed(windows).to(device, cache_dtype(co, device));
  torch::Tensor Xq = X.clone();

  HeldoutResult r;
  r.windows = windows.size(0);
  r.seq_len = L;
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
    checkpoint(cancel);
    const BlockContext ctx{cfg, co, device, cos, sin, b, nullptr, cancel};
    const BlockWeights& host = fp.weights().blocks[b];
    auto qb = load_quantized_block(store, qcfg, info, b, device);
    static constexpr const char* kNormNames[kNumNorms] = {"attention norm", "MLP norm", "q norm", "k norm"};
    for (int n = 0; n < kNumNorms; ++n)
      if (host.norms.w[n].defined())
        check_equal(host.norms.w[n], qb->norms.w[n], "block " + std::to_string(b) + "'s " + kNormNames[n], fp_model_dir,
                    qdir);
    // The full-precision W of every linear, as calibration has it (and as its resume path sets it).
    for (int i = 0; i < kNumLinears; ++i) qb->linears[i].W = to_device_as(host.linears[i].weight, device, torch::kFloat);
    auto m = measure_block(ctx, *qb, X, Xq, torch::Tensor(), KeepOutputs{true, true});
    for (LinearKind k : kAllLinears)
      if (info.is_target(k))
        r.layers.push_back({b, k, m.act_err[static_cast<int>(k)], m.weight_err[static_cast<int>(k)]});
    r.block_out_mse.push_back(m.out_mse);
    X = m.out_fp;
    Xq = m.out_q;
    report(obs, "held-out activation error", b + 1, cfg.num_hidden_layers);
  }
  return r;
}

}  // namespace apiq
