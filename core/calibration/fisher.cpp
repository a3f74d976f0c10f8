// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/fisher.h"

#include <stdexcept>
#include <torch/nn/functional.h>

namespace apiq {

namespace {

// The blocks on `device` in float32; each target linear's weight is a fresh autograd leaf (a
// detached alias: the model's own tensors are never marked as requiring a gradient).
std::vector<BlockWeights> blocks_with_leaves(const LlamaModel& model, const LinearTargets& targets,
                                             torch::Device device, std::vector<torch::Tensor>& leaves) {
  std::vector<BlockWeights> blocks;
  for (int64_t b = 0; b < model.num_blocks(); ++b) {
    BlockWeights bw = model.weights().blocks[b].to(device, torch::kFloat);
    for (int i = 0; i < kNumLinears; ++i) {
      if (!targets[i]) continue;
      auto& w = bw.linears[i].weight;
      w = w.detach().requires_grad_(true);
      leaves.push_back(w);
    }
    blocks.push_back(std::move(bw));
  }
  return blocks;
}

// Mean next-token cross-entropy of one window [1, L] through the given blocks.
torch::Tensor window_loss(const LlamaModel& model, const std::vector<BlockWeights>& blocks, const torch::Tensor& ids,
                          const torch::Tensor& cos, const torch::Tensor& sin) {
  torch::Tensor h;
  {
    torch::NoGradGuard ng;  // the embedding is not differentiated
    h = model.embed(ids).to(cos.device(), torch::kFloat);
  }
  for (const auto& bw : blocks) h = decoder_block_forward(model.config(), bw.norms, DenseLinears(bw), h, cos, sin);
  const auto logits = model.head(h.to(model.options().device, model.weights().lm_head.scalar_type()));
  const int64_t L = ids.size(1);
  return torch::nn::functional::cross_entropy(logits[0].narrow(0, 0, L - 1).to(torch::kFloat),
                                              ids[0].narrow(0, 1, L - 1).to(logits.device()));
}

}  // namespace

std::vector<BlockFisher> empirical_fisher(const LlamaModel& model, const torch::Tensor& windows,
                                          const LinearTargets& targets, torch::Device device, ProgressObserver* obs,
                                          const CancelToken* cancel) {
  if (windows.dim() != 2 || windows.size(1) < 2) throw std::invalid_argument("fisher: windows must be [N, L] with L >= 2");
  torch::AutoGradMode grad_on(true);
  std::vector<torch::Tensor> leaves;
  const auto blocks = blocks_with_leaves(model, targets, device, leaves);
  std::vector<torch::Tensor> sums;
  for (const auto& w : leaves) sums.push_back(torch::zeros_like(w.detach()));
  const auto [cos, sin] = model.rotary().cos_sin(0, windows.size(1), device, torch::kFloat);
  const int64_t n = windows.size(0);
  for (int64_t s = 0; s < n; ++s) {
    checkpoint(cancel);
    const auto loss = window_loss(model, blocks, windows.narrow(0, s, 1), cos, sin);
    const auto grads = torch::autograd::grad({loss}, leaves);
    torch::NoGradGuard ng;
    for (size_t j = 0; j < grads.size(); ++j) sums[j].addcmul_(grads[j], grads[j]);
    report(obs, "fisher", s + 1, n);
  }
  std::vector<BlockFisher> out(blocks.size());
  size_t j = 0;
  for (size_t b = 0; b < blocks.size(); ++b)
    for (int i = 0; i < kNumLinears; ++i)
      if (targets[i]) out[b][i] = sums[j++].cpu();
  return out;
}

}  // namespace apiq
