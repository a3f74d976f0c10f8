// SPDX-License-Identifier: GPL-3.0-or-later
// The diagonal empirical Fisher of the target linears' weights (LQ-LoRA, Guo et al., 2023): the
// sum over calibration windows (batch 1) of the squared gradient of the causal-LM loss with respect
// to each weight, taken on the full-precision model. lq-lora weights its decomposition with it.
#pragma once
#include <torch/types.h>

#include <array>
#include <vector>

#include "base/progress.h"
#include "model/llama_model.h"
#include "io/tensor_names.h"

namespace apiq {

// One block's Fisher per linear, [out, in] float32 on the host; undefined for non-target linears.
using BlockFisher = std::array<torch::Tensor, kNumLinears>;

// `windows` [N, L] token ids. Every block is moved to `device` in float32 (the whole model at once,
// because the backward pass needs all of it); the loss of a window is the mean cross-entropy of its
// L − 1 next-token predictions. Progress "fisher" per window.
std::vector<BlockFisher> empirical_fisher(const LlamaModel& model, const torch::Tensor& windows,
                                          const LinearTargets& targets, torch::Device device,
                                          ProgressObserver* obs = nullptr, const CancelToken* cancel = nullptr);

}  // namespace apiq
