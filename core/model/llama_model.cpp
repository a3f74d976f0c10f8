// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/llama_model.h"

#include <sstream>

#include "ops/cuda_ops.h"
#include "base/errors.h"
#include "model/linear_shapes.h"
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
  WeightLoader(const TensorStore& store, const ModelOptions& opts) : store_(store), opts_(opts) {}

  torch::Tensor get(const std::string& name, std::vector<int64_t> shape, bool to_device) const {
    if (!store_.contains(name)) throw InputError(store_.files().front()->path().parent_path(), "missing tensor '" + name + "'");
    const auto& info = store_.info(name);
    if (info.shape != shape)
      throw InputError(store_.file_of(name), "tensor '" + name + "' has shape " + shape_str(info.shape) +
                                                 " but the config implies " + shape_str(shape));
    auto t = store_.load(name).to(opts_.dtype);
    if (!torch::isfinite(t).all().item<bool>())
      throw InputError(store_.file_of(name), "tensor '" + name + "' contains NaN or infinite values");
    return to_device ? t.to(opts_.device) : t;
  }
  torch::Tensor maybe(const std::string& name, std::vector<int64_t> shape, bool present, bool to_device) const {
    return present ? get(name, std::move(shape), to_device) : torch::Tensor();
  }

 private:
  const TensorStore& store_;
  const ModelOptions& opts_;
};

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
  const auto shapes = linear_shapes(cfg);
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
    const std::string p = block_prefix(names, b);
    BlockWeights bw;
    bw.attn_norm = L.get(p + names.attn_norm, {d}, resident);
    bw.mlp_norm = L.get(p + names.mlp_norm, {d}, resident);
    for (LinearKind k : kAllLinears) {
      if (!with_linears) break;
      const int i = static_cast<int>(k);
      const std::string m = linear_module(names, b, k);
      const bool has_bias = i < 4 ? cfg.attention_bias : cfg.mlp_bias;
      bw.linears[i].weight = L.get(m + ".weight", {shapes[i].out, shapes[i].in}, resident);
      bw.linears[i].bias = L.maybe(m + ".bias", {shapes[i].out}, has_bias, resident);
    }
    w.blocks.push_back(std::move(bw));
    report(obs, "load", b + 1, cfg.num_hidden_layers);
  }
  return LlamaModel(std::move(cfg), std::move(w), opts);
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
    return f(bw.attn_norm.to(x.device(), x.scalar_type()), bw.mlp_norm.to(x.device(), x.scalar_type()), *custom);
  if (opts_.stream_blocks) {
    BlockWeights moved = block_on_device(i);
    return f(moved.attn_norm, moved.mlp_norm, DenseLinears(moved));
  }
  return f(bw.attn_norm, bw.mlp_norm, DenseLinears(bw));
}

torch::Tensor LlamaModel::block_forward(int64_t i, const torch::Tensor& x, int64_t pos0, KVEntry* cache) const {
  auto [cos, sin] = rope_.cos_sin(pos0, x.size(1), x.device(), x.scalar_type());
  return with_block(i, x, [&](const torch::Tensor& an, const torch::Tensor& mn, const BlockLinears& l) {
    return decoder_block_forward(cfg_, an, mn, l, x, cos, sin, cache);
  });
}

torch::Tensor LlamaModel::block_step(int64_t i, const torch::Tensor& x, const torch::Tensor& cos,
                                     const torch::Tensor& sin, StaticKV& kv, const torch::Tensor& pos,
                                     const torch::Tensor& key_mask) const {
  return with_block(i, x, [&](const torch::Tensor& an, const torch::Tensor& mn, const BlockLinears& l) {
    return decoder_block_step(cfg_, an, mn, l, x, cos, sin, kv, pos, key_mask);
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
  auto h = embed(ids);
  for (int64_t b = 0; b < num_blocks(); ++b) h = block_forward(b, h, pos0, cache ? &(*cache)[b] : nullptr);
  return head(h);
}

}  // namespace apiq
