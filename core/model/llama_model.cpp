// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/llama_model.h"

#include <sstream>
#include <torch/nn/functional.h>

#include "ops/cuda_ops.h"
#include "base/errors.h"
#include "model/linear_shapes.h"
#include "io/finite_check.h"
#include "io/safetensors.h"
#include "io/tensor_names.h"

namespace apiq {
namespace fs = std::filesystem;

namespace {

std::string shape_str(c10::IntArrayRef s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  o << "]";
  return o.str();
}

class WeightLoader {
 public:
  WeightLoader(const TensorStore& store, const ModelOptions& opts, bool check_only = false)
      : store_(store), opts_(opts), check_only_(check_only) {}

  // `stored`: keep the checkpoint's own dtype (a streamed block's linears wait on the host in it,
  // half the memory of float32 for a bf16 model; they are converted when a block moves).
  torch::Tensor get(const std::string& name, std::vector<int64_t> shape, bool to_device, bool stored = false) const {
    if (!store_.contains(name)) throw InputError(store_.files().front()->path().parent_path(), "missing tensor '" + name + "'");
    const auto& info = store_.info(name);
    if (info.shape != shape)
      throw InputError(store_.file_of(name), "tensor '" + name + "' has shape " + shape_str(info.shape) +
                                                 " but the config implies " + shape_str(shape));
    if (check_only_) return {};
    auto t = store_.load(name);
    if (!stored) t = t.to(opts_.dtype);
    if (!all_finite(t))
      throw InputError(store_.file_of(name), "tensor '" + name + "' contains NaN or infinite values");
    return to_device ? t.to(opts_.device) : t;
  }
  torch::Tensor maybe(const std::string& name, std::vector<int64_t> shape, bool present, bool to_device) const {
    return present ? get(name, std::move(shape), to_device) : torch::Tensor();
  }

 private:
  const TensorStore& store_;
  const ModelOptions& opts_;
  bool check_only_;  // presence and shape only: no data read, undefined tensors returned
};

// A linear's weight and bias (bias only where the config gives it one).
// On the host (not `to_device`), in the stored dtype.
LinearWeights load_linear(const WeightLoader& L, const std::string& module, LinearShape shape, bool bias, bool to_device) {
  return {L.get(module + ".weight", {shape.out, shape.in}, to_device, !to_device),
          L.maybe(module + ".bias", {shape.out}, bias, to_device)};
}

// Splits a fused linear (phi3's qkv_proj, gate_up_proj) by rows into `kinds`, in order.
void split_fused(const LinearWeights& fused, std::initializer_list<LinearKind> kinds,
                 const std::array<LinearShape, kNumLinears>& shapes, BlockWeights& bw) {
  if (!fused.weight.defined()) return;  // checked only
  int64_t row = 0;
  for (LinearKind k : kinds) {
    const int64_t n = shapes[static_cast<int>(k)].out;
    bw.linear(k).weight = fused.weight.narrow(0, row, n);
    if (fused.bias.defined()) bw.linear(k).bias = fused.bias.narrow(0, row, n);
    row += n;
  }
}

void load_block_linears(const WeightLoader& L, const LlamaConfig& cfg, const ArchTensorNames& names, int64_t b,
                        bool to_device, BlockWeights& bw) {
  const auto shapes = linear_shapes(cfg);
  const std::string p = block_prefix(names, b);
  auto shape_of = [&](LinearKind k) { return shapes[static_cast<int>(k)]; };
  if (names.fused_qkv) {
    const LinearShape qkv{shape_of(LinearKind::Q).out + 2 * shape_of(LinearKind::K).out, cfg.hidden_size};
    split_fused(load_linear(L, p + names.fused_qkv, qkv, cfg.linear_has_bias(LinearKind::Q), to_device),
                {LinearKind::Q, LinearKind::K, LinearKind::V}, shapes, bw);
  }
  if (names.fused_gate_up) {
    const LinearShape gu{2 * cfg.intermediate_size, cfg.hidden_size};
    split_fused(load_linear(L, p + names.fused_gate_up, gu, cfg.linear_has_bias(LinearKind::Gate), to_device),
                {LinearKind::Gate, LinearKind::Up}, shapes, bw);
  }
  for (LinearKind k : kAllLinears) {
    const bool fused = (names.fused_qkv && (k == LinearKind::Q || k == LinearKind::K || k == LinearKind::V)) ||
                       (names.fused_gate_up && (k == LinearKind::Gate || k == LinearKind::Up));
    if (!fused) bw.linear(k) = load_linear(L, linear_module(names, b, k), shape_of(k), cfg.linear_has_bias(k), to_device);
  }
}

}  // namespace

torch::ScalarType parse_dtype(const std::string& s) {
  if (s == "f32" || s == "float32" || s == "fp32") return torch::kFloat;
  if (s == "bf16" || s == "bfloat16") return torch::kBFloat16;
  if (s == "f16" || s == "float16" || s == "fp16") return torch::kHalf;
  throw std::invalid_argument("unknown dtype '" + s + "' (use f32, bf16 or f16)");
}

std::string dtype_label(torch::ScalarType t) {
  switch (t) {
    case torch::kFloat: return "f32";
    case torch::kBFloat16: return "bf16";
    case torch::kHalf: return "f16";
    default: return c10::toString(t);
  }
}

LlamaModel LlamaModel::load(const fs::path& dir, const ModelOptions& opts, ProgressObserver* obs) {
  if (!fs::is_directory(dir)) throw InputError(dir, "model folder does not exist");
  LlamaConfig cfg = LlamaConfig::from_file(dir / "config.json");
  if (cfg.raw.contains("quantization_config"))
    throw InputError(dir / "config.json", "is a quantized checkpoint, not a full-precision model");
  const TensorStore store = TensorStore::open_dir(dir);
  return load_parts(std::move(cfg), store, opts, /*with_linears=*/true, obs);
}

LlamaModel LlamaModel::load_parts(LlamaConfig cfg, const TensorStore& store, const ModelOptions& opts,
                                  bool with_linears, ProgressObserver* obs) {
  const auto& names = tensor_names_for(cfg.model_type);
  const fs::path dir = store.files().front()->path().parent_path();
  WeightLoader L(store, opts);
  const int64_t d = cfg.hidden_size;
  const bool resident = !opts.stream_blocks;
  const bool deferred = with_linears && opts.stream_blocks && opts.defer_block_linears;

  ModelWeights w;
  w.embed = L.get(names.embed, {cfg.vocab_size, d}, true);
  w.final_norm = L.get(names.final_norm, {d}, true);
  if (cfg.tie_word_embeddings || !store.contains(names.lm_head)) {
    if (!cfg.tie_word_embeddings)
      throw InputError(dir, std::string("missing tensor '") + names.lm_head + "' and tie_word_embeddings is false");
    w.lm_head = w.embed;
  } else {
    w.lm_head = L.get(names.lm_head, {cfg.vocab_size, d}, true);
  }
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
    const std::string p = block_prefix(names, b);
    BlockWeights bw;
    for (int n = 0; n < kNumNorms; ++n)
      if (names.norms[n]) bw.norms.w[n] = L.get(p + names.norms[n], {block_norm_size(cfg, NormKind(n))}, resident);
    if (deferred) {  // checked from the headers now, read by read_block_linears
      BlockWeights unread;
      load_block_linears(WeightLoader(store, opts, /*check_only=*/true), cfg, names, b, false, unread);
    } else if (with_linears) {
      load_block_linears(L, cfg, names, b, resident, bw);
    }
    w.blocks.push_back(std::move(bw));
    report(obs, "load", b + 1, cfg.num_hidden_layers);
  }
  LlamaModel model(std::move(cfg), std::move(w), opts);
  if (deferred) model.store_ = std::make_shared<TensorStore>(store);
  return model;
}

std::array<LinearWeights, kNumLinears> LlamaModel::read_block_linears(int64_t i) const {
  if (!store_) throw std::logic_error("read_block_linears: the model was not loaded with defer_block_linears");
  BlockWeights bw;
  load_block_linears(WeightLoader(*store_, opts_), cfg_, tensor_names_for(cfg_.model_type), i, false, bw);
  return bw.linears;
}

void LlamaModel::attach_block_linears(int64_t i, std::array<LinearWeights, kNumLinears> linears) {
  w_.blocks.at(static_cast<size_t>(i)).linears = std::move(linears);
}

void LlamaModel::release_block_linears(int64_t i) {
  for (auto& l : w_.blocks.at(static_cast<size_t>(i)).linears) l = LinearWeights{};
}

void LlamaModel::set_block_linears(int64_t i, std::shared_ptr<const BlockLinears> linears, bool quantized) {
  if (linears_override_.size() != w_.blocks.size()) linears_override_.resize(w_.blocks.size());
  linears_override_.at(static_cast<size_t>(i)) = std::move(linears);
  quantized_ = quantized_ || quantized;
}

const BlockLinears* LlamaModel::block_linears(int64_t i) const {
  if (linears_override_.empty()) return nullptr;
  return linears_override_.at(static_cast<size_t>(i)).get();
}

LlamaModel::LlamaModel(LlamaConfig cfg, ModelWeights w, const ModelOptions& opts)
    : cfg_(std::move(cfg)), w_(std::move(w)), opts_(opts), rope_(RotaryEmbedding::make(cfg_)) {}

BlockWeights LlamaModel::block_on_device(int64_t i) const {
  return w_.blocks.at(static_cast<size_t>(i)).to(opts_.device, opts_.dtype);
}

torch::Tensor LlamaModel::embed(const torch::Tensor& ids) const {
  if (ids.device().is_cpu() && ids.numel() && (ids.min().item<int64_t>() < 0 || ids.max().item<int64_t>() >= cfg_.vocab_size))
    throw std::invalid_argument("token id " + std::to_string(ids.max().item<int64_t>()) +
                                " is outside the model's embedding (vocab_size " + std::to_string(cfg_.vocab_size) + ")");
  return torch::embedding(w_.embed, ids.to(opts_.device));
}

template <class F>
torch::Tensor LlamaModel::with_block(int64_t i, const torch::Tensor& x, F&& f) const {
  const BlockWeights& bw = w_.blocks.at(static_cast<size_t>(i));
  if (const BlockLinears* custom = block_linears(i))
    return f(bw.norms.to(x.device(), x.scalar_type()), *custom);
  if (opts_.stream_blocks) {
    BlockWeights moved = block_on_device(i);
    return f(moved.norms, DenseLinears(moved));
  }
  return f(bw.norms, DenseLinears(bw));
}

torch::Tensor LlamaModel::block_forward(int64_t i, const torch::Tensor& x, int64_t pos0, KVEntry* cache) const {
  auto [cos, sin] = rope_.cos_sin(pos0, x.size(1), x.device(), x.scalar_type());
  return with_block(i, x, [&](const BlockNorms& n, const BlockLinears& l) {
    return decoder_block_forward(cfg_, n, l, x, cos, sin, cache);
  });
}

torch::Tensor LlamaModel::block_step(int64_t i, const torch::Tensor& x, const torch::Tensor& cos,
                                     const torch::Tensor& sin, StaticKV& kv, const torch::Tensor& pos,
                                     const torch::Tensor& key_mask) const {
  return with_block(i, x, [&](const BlockNorms& n, const BlockLinears& l) {
    return decoder_block_step(cfg_, n, l, x, cos, sin, kv, pos, key_mask);
  });
}

torch::Tensor LlamaModel::head(const torch::Tensor& hidden) const {
  auto h = rms_norm_dispatch(hidden, w_.final_norm, cfg_.rms_norm_eps);
  return torch::nn::functional::linear(h, w_.lm_head);
}

torch::Tensor LlamaModel::forward(const torch::Tensor& ids, KVCache* cache) const {
  torch::NoGradGuard no_grad;
  if (cache && cache->size() != w_.blocks.size()) cache->resize(w_.blocks.size());
  const int64_t pos0 = (cache && !cache->empty()) ? (*cache)[0].length() : 0;
  if (const auto why = cfg_.sequence_problem(pos0 + ids.size(-1)); !why.empty())
    throw std::invalid_argument("a sequence of " + std::to_string(pos0 + ids.size(-1)) + " positions is " + why);
  auto h = embed(ids);
  for (int64_t b = 0; b < num_blocks(); ++b) h = block_forward(b, h, pos0, cache ? &(*cache)[b] : nullptr);
  return head(h);
}

}  // namespace apiq
