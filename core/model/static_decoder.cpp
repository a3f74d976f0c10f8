// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/static_decoder.h"

#include <optional>
#include <stdexcept>
#include <string>

#include "ops/cuda_ops.h"

#ifdef APIQ_WITH_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace apiq {

struct StaticDecoder::Graph {
#ifdef APIQ_WITH_CUDA
  std::optional<at::cuda::CUDAGraph> graph;  // constructed at capture: its constructor needs a device
#endif
  bool captured = false;
};

StaticDecoder::StaticDecoder(const LlamaModel& model, int64_t capacity, bool use_graph, bool fuse,
                             const FusedDecodeOptions& fused_options)
    : model_(model), capacity_(capacity), graph_(std::make_unique<Graph>()) {
  if (capacity < 1) throw std::invalid_argument("StaticDecoder: the capacity must be at least one position");
  const auto& cfg = model.config();
  const auto dev = model.options().device;
  const auto dtype = model.weights().embed.scalar_type();  // the activations' type
  const auto kv_opts = torch::TensorOptions().device(dev).dtype(dtype);
  kv_.resize(static_cast<size_t>(model.num_blocks()));
  for (auto& e : kv_) {
    e.k = torch::zeros({1, cfg.num_key_value_heads, capacity, cfg.head_dim}, kv_opts);
    e.v = torch::zeros_like(e.k);
  }
  const auto i64 = torch::TensorOptions().device(dev).dtype(torch::kInt64);
  ids_ = torch::zeros({1, 1}, i64);
  pos_ = torch::zeros({1}, i64);
  positions_ = torch::arange(capacity, i64);
  std::tie(cos_, sin_) = model.rotary().cos_sin(0, capacity, dev, dtype);
  logits_ = torch::zeros({cfg.vocab_size}, torch::TensorOptions().device(dev).dtype(torch::kFloat));
  if (fuse) {
    fused_reason_.clear();
    fused_ = FusedDecodeBlocks::build(model, capacity, &fused_reason_, fused_options);
  }
#ifdef APIQ_WITH_CUDA
  // Streamed blocks copy weights from the host inside the step, which a graph cannot hold.
  want_graph_ = use_graph && dev.is_cuda() && !model.options().stream_blocks;
#else
  (void)use_graph;
#endif
}

StaticDecoder::~StaticDecoder() = default;

bool StaticDecoder::uses_graph() const { return want_graph_; }

torch::Tensor StaticDecoder::last_logits() const { return logits_; }

int64_t StaticDecoder::prefill(const std::vector<int64_t>& prompt_ids) {
  const auto n = static_cast<int64_t>(prompt_ids.size());
  if (n < 1) throw std::invalid_argument("generation needs at least one prompt token");
  if (n >= capacity_)
    throw std::invalid_argument("StaticDecoder: a prompt of " + std::to_string(n) + " tokens leaves no room in " +
                                std::to_string(capacity_) + " positions");
  torch::NoGradGuard no_grad;
  KVCache cache;
  auto logits = model_.forward(torch::tensor(prompt_ids, torch::kInt64).unsqueeze(0), &cache);
  for (size_t b = 0; b < kv_.size(); ++b) {
    kv_[b].k.narrow(2, 0, n).copy_(cache[b].k);
    kv_[b].v.narrow(2, 0, n).copy_(cache[b].v);
  }
  logits_.copy_(logits[0][n - 1]);
  const int64_t id = logits_.argmax().item<int64_t>();
  ids_.fill_(id);
  pos_.fill_(n);
  pos_host_ = n;
  return id;
}

void StaticDecoder::run_step() {
  torch::NoGradGuard no_grad;
  ScopedGemvOverlap overlap;  // weights are constant while decoding
  auto x = model_.embed(ids_);
  if (fused_) {
    for (int64_t b = 0; b < model_.num_blocks(); ++b) x = fused_->step(b, x, cos_, sin_, pos_, kv_[static_cast<size_t>(b)]);
  } else {
    auto cos = cos_.index_select(0, pos_), sin = sin_.index_select(0, pos_);
    auto key_mask = positions_.le(pos_);
    for (int64_t b = 0; b < model_.num_blocks(); ++b)
      x = model_.block_step(b, x, cos, sin, kv_[static_cast<size_t>(b)], pos_, key_mask);
  }
  auto logits = model_.head(x).view({-1});
  logits_.copy_(logits);
  ids_.copy_(logits.argmax().view({1, 1}));
  pos_.add_(1);
}

void StaticDecoder::capture() {
#ifdef APIQ_WITH_CUDA
  const auto dev = model_.options().device;
  c10::cuda::CUDAGuard guard(dev);
  auto ids0 = ids_.clone(), pos0 = pos_.clone();
  c10::cuda::device_synchronize();
  auto side = c10::cuda::getStreamFromPool(false, dev.index());
  {
    c10::cuda::CUDAStreamGuard on_side(side);
    // One eager run first: workspaces (cuBLAS, attention) are set up outside the capture. It writes
    // the same key and value at the same position as the first replay will; ids and position are
    // restored.
    run_step();
    ids_.copy_(ids0);
    pos_.copy_(pos0);
    side.synchronize();
    graph_->graph.emplace();
    graph_->graph->capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
    run_step();
    graph_->graph->capture_end();
  }
  c10::cuda::device_synchronize();
  graph_->captured = true;
#endif
}

int64_t StaticDecoder::step() {
  if (pos_host_ < 1) throw std::logic_error("StaticDecoder: prefill before step");
  if (pos_host_ >= capacity_)
    throw std::out_of_range("StaticDecoder: all " + std::to_string(capacity_) + " positions are used");
#ifdef APIQ_WITH_CUDA
  if (want_graph_) {
    if (!graph_->captured) capture();
    graph_->graph->replay();
  } else {
    run_step();
  }
#else
  run_step();
#endif
  ++pos_host_;
  return ids_.item<int64_t>();
}

}  // namespace apiq
