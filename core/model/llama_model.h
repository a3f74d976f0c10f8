// SPDX-License-Identifier: GPL-3.0-or-later
// A Hugging Face Llama-family causal LM in LibTorch. Weights can stay in host memory and move
// to the device one block at a time (`stream_blocks`), which is how calibration runs big models.
#pragma once
#include <torch/types.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "io/config.h"
#include "io/safetensors.h"
#include "model/llama_block.h"
#include "base/progress.h"

namespace apiq {

struct ModelOptions {
  torch::Device device = torch::kCPU;
  torch::ScalarType dtype = torch::kFloat;
  // Keep blocks on the host (linears in the checkpoint's dtype), move each to the device in `dtype`
  // when used.
  bool stream_blocks = false;
  // Quantized checkpoints: keep only the packed codes on the device (no dense Ŵ); products go
  // through packed_matmul. Finetuning loads models this way.
  bool packed_only = false;
  // With stream_blocks: block linears are not read at load (their presence and shapes are checked
  // from the file headers); read_block_linears(i) reads them when wanted, so a caller can read block
  // i + 1 on a thread while block i works (calibration).
  bool defer_block_linears = false;

  ModelOptions& set_device(torch::Device d) { device = d; return *this; }
  ModelOptions& set_dtype(torch::ScalarType t) { dtype = t; return *this; }
  ModelOptions& set_stream_blocks(bool s) { stream_blocks = s; return *this; }
  ModelOptions& set_packed_only(bool p) { packed_only = p; return *this; }
  ModelOptions& set_defer_block_linears(bool d) { defer_block_linears = d; return *this; }
};

struct ModelWeights {
  torch::Tensor embed;       // [vocab, hidden]
  torch::Tensor final_norm;  // [hidden]
  torch::Tensor lm_head;     // [vocab, hidden]; the same tensor as embed when tied
  std::vector<BlockWeights> blocks;
};

using KVCache = std::vector<KVEntry>;

class LlamaModel {
 public:
  // Reads config.json and the safetensors of a dense model folder; every tensor's presence and
  // shape is checked against the config. Quantized folders are refused: quant/load_model.h
  // loads both kinds.
  static LlamaModel load(const std::filesystem::path& dir, const ModelOptions& opts = {},
                         ProgressObserver* obs = nullptr);
  // The embedding, norms and head of `store` (and, with `with_linears`, every dense linear),
  // checked against `cfg`. Loaders of other checkpoint kinds attach their linears afterwards.
  static LlamaModel load_parts(LlamaConfig cfg, const TensorStore& store, const ModelOptions& opts,
                               bool with_linears, ProgressObserver* obs = nullptr);
  LlamaModel(LlamaConfig cfg, ModelWeights w, const ModelOptions& opts);

  const LlamaConfig& config() const { return cfg_; }
  const ModelOptions& options() const { return opts_; }
  const ModelWeights& weights() const { return w_; }
  const RotaryEmbedding& rotary() const { return rope_; }
  int64_t num_blocks() const { return static_cast<int64_t>(w_.blocks.size()); }

  // Block i's weights on the model's device and dtype (a copy when streaming).
  BlockWeights block_on_device(int64_t i) const;
  torch::Tensor embed(const torch::Tensor& ids) const;  // [B, T] int64 -> [B, T, hidden]
  torch::Tensor block_forward(int64_t i, const torch::Tensor& x, int64_t pos0 = 0, KVEntry* cache = nullptr) const;
  // One decode step of block i with a fixed-capacity cache (decoder_block_step); cos/sin [1, head_dim].
  torch::Tensor block_step(int64_t i, const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                           StaticKV& kv, const torch::Tensor& pos, const torch::Tensor& key_mask) const;
  torch::Tensor head(const torch::Tensor& hidden) const;  // final norm + lm_head -> [B, T, vocab]
  // Full forward; with a cache, `ids` continue the cached sequence.
  torch::Tensor forward(const torch::Tensor& ids, KVCache* cache = nullptr) const;

  // Replaces block i's dense linears (quantized checkpoints, calibration previews); `quantized`
  // marks the model as quantized (is_quantized()).
  // Frees block i's linear weights on the host (calibration, once the block is done: a 7B model
  // then does not stay resident next to the checkpoint being written). The block cannot run after.
  void release_block_linears(int64_t i);
  // defer_block_linears: block i's linears read from the checkpoint (checked as at load; safe to
  // call on another thread while other blocks are used), and attached on the caller's thread.
  std::array<LinearWeights, kNumLinears> read_block_linears(int64_t i) const;
  void attach_block_linears(int64_t i, std::array<LinearWeights, kNumLinears> linears);
  void set_block_linears(int64_t i, std::shared_ptr<const BlockLinears> linears, bool quantized = false);
  const BlockLinears* block_linears(int64_t i) const;
  bool is_quantized() const { return quantized_; }

 private:
  // Calls f(norms, linears) with block i's norms and linears on x's device.
  template <class F>
  torch::Tensor with_block(int64_t i, const torch::Tensor& x, F&& f) const;

  LlamaConfig cfg_;
  ModelWeights w_;
  std::shared_ptr<const TensorStore> store_;  // defer_block_linears: where the linears are read from
  ModelOptions opts_;
  RotaryEmbedding rope_;
  std::vector<std::shared_ptr<const BlockLinears>> linears_override_;
  bool quantized_ = false;
};

torch::ScalarType parse_dtype(const std::string& s);  // f32|bf16|f16 and the torch names
std::string dtype_label(torch::ScalarType t);

}  // namespace apiq
