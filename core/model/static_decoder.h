// SPDX-License-Identifier: GPL-3.0-or-later
// Greedy decoding with fixed shapes: a key/value cache of fixed capacity and the position kept on
// the device, so one token's work is the same sequence of kernels every time. On CUDA that
// sequence is captured once in a CUDA graph and replayed per token: the ~1 600 small kernels of a
// 7B-shaped token then cost one graph launch instead of one host dispatch each, which is what
// bounds batch-1 decode. Without a graph (CPU, or graph capture off) the same step runs eagerly.
// Where the model allows (packed linears on CUDA, FusedDecodeBlocks::build) each block runs as about
// nine fused kernels instead of ~50 composed ones.
#pragma once
#include <torch/types.h>

#include <memory>

#include "model/fused_decode.h"
#include "model/llama_model.h"

namespace apiq {

class StaticDecoder {
 public:
  // Batch 1; `capacity` positions (prompt + new tokens). `use_graph` is honoured on CUDA only;
  // `fuse`: the fused block step where the model allows it (fused_reason() says why not).
  StaticDecoder(const LlamaModel& model, int64_t capacity, bool use_graph, bool fuse = true,
                const FusedDecodeOptions& fused_options = {});
  ~StaticDecoder();
  StaticDecoder(const StaticDecoder&) = delete;
  StaticDecoder& operator=(const StaticDecoder&) = delete;

  // Runs the prompt through the usual forward, keeps its keys and values, returns the first new id.
  int64_t prefill(const std::vector<int64_t>& prompt_ids);
  // Feeds the last id back and returns the next one (one graph replay on CUDA).
  int64_t step();
  // Logits of the last step or prefill, [vocab] float32 (tests compare them with the usual path).
  torch::Tensor last_logits() const;
  bool uses_graph() const;
  bool fused() const { return fused_ != nullptr; }
  const FusedDecodeBlocks* fused_blocks() const { return fused_.get(); }
  const std::string& fused_reason() const { return fused_reason_; }
  int64_t position() const { return pos_host_; }

 private:
  void run_step();  // the captured work: embed, blocks, head, argmax; advances pos_ on the device
  void capture();

  const LlamaModel& model_;
  int64_t capacity_ = 0;
  int64_t pos_host_ = 0;
  bool want_graph_ = false;
  std::vector<StaticKV> kv_;
  torch::Tensor ids_;        // [1, 1] int64: the token fed to the next step
  torch::Tensor pos_;        // [1] int64: its position
  torch::Tensor positions_;  // [capacity] int64: 0, 1, …
  torch::Tensor cos_, sin_;  // [capacity, head_dim]
  torch::Tensor logits_;     // [vocab] float32, written by each step
  struct Graph;
  std::unique_ptr<Graph> graph_;
  std::unique_ptr<FusedDecodeBlocks> fused_;
  std::string fused_reason_ = "not asked for";
};

}  // namespace apiq
