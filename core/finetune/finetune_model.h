// SPDX-License-Identifier: GPL-3.0-or-later
// The trainable side of a quantized model loaded for finetuning (packed base, LoRA factors as the
// only parameters): a forward with autograd to the factors, optional activation checkpointing
// (each block's activations are recomputed in backward; only block inputs are kept), and the
// held-out loss. Shared by finetune() and the finetuning benchmark.
#pragma once
#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/llama_model.h"
#include "base/progress.h"
#include "finetune/sft_data.h"

namespace apiq {

// LoRA A and B of every linear, block by block in LinearKind order (A before B). Throws
// std::invalid_argument when a block is not quantized or a linear has no adapter.
std::vector<torch::Tensor> block_lora_parameters(const LlamaModel& model, int64_t block);
std::vector<torch::Tensor> model_lora_parameters(const LlamaModel& model);
// Checkpoint names of model_lora_parameters(), in the same order ("….q_proj.lora_A", …).
std::vector<std::string> lora_parameter_names(const LlamaConfig& cfg);

struct TrainForwardOptions {
  bool checkpointing = false;  // recompute each block in backward instead of keeping its activations
  bool autocast = false;       // bf16 autocast (CUDA)
};

// Logits [B, L, V] for ids [B, L], recording autograd to the LoRA factors that require grad.
torch::Tensor train_forward(const LlamaModel& model, const torch::Tensor& ids, const TrainForwardOptions& opts);

struct HeldOutLoss {
  double nll = 0;  // mean next-token NLL over all predicted tokens
  double ppl = 0;  // exp(nll)
  int64_t tokens = 0;
};

// No gradient; `batch` examples per forward.
HeldOutLoss held_out_loss(const LlamaModel& model, const std::vector<SftExample>& examples, int64_t batch,
                          int64_t pad_id, bool autocast, ProgressObserver* obs = nullptr,
                          const CancelToken* cancel = nullptr);

}  // namespace apiq
