// SPDX-License-Identifier: GPL-3.0-or-later
// The trainable side of a quantized model loaded for finetuning (packed base, LoRA factors as the
// only parameters): a forward with autograd to the factors, optional activation checkpointing
// (each block's activations are recomputed in backward; only block inputs are kept), and the
// held-out loss. Shared by finetune() and the finetuning benchmark.
#pragma once
#include <torch/types.h>

#include <string>
#include <vector>

#include "model/adapter.h"
#include "model/llama_model.h"
#include "base/progress.h"
#include "finetune/sft_data.h"
#include "quant/quant_spec.h"

namespace apiq {

// The trained parameters of every target linear, block by block in LinearKind order: its
// adapter's parameters(), or LoRA A and B where it has no adapter. Throws std::invalid_argument
// when a block is not quantized or a linear has neither.
std::vector<torch::Tensor> block_adapter_parameters(const LlamaModel& model, int64_t block);
std::vector<torch::Tensor> model_adapter_parameters(const LlamaModel& model);
// Checkpoint names of model_adapter_parameters(), in the same order ("….q_proj.lora_A", …).
std::vector<std::string> lora_parameter_names(const LlamaConfig& cfg);

// Gives every target linear of every block an adapter of kind o.kind (model/adapter.h), made
// from its LoRA factors, which it replaces; a stored adapter of the same kind is kept (training
// goes on), one of another kind is an error. o.rank 0 takes the checkpoint's rank; QA-HiRA's input
// pool 0 the group size. Returns the options resolved so. std::invalid_argument naming the linear
// and the problem.
AdapterOptions attach_adapters(LlamaModel& model, const QuantSpec& spec, AdapterOptions o);
// The same resolution and checks from the config alone (before any weight is read).
AdapterOptions resolve_adapter(const LlamaConfig& cfg, const QuantSpec& spec, AdapterOptions o);
// Every adapter of the model, block by block in LinearKind order (after attach_adapters).
std::vector<std::shared_ptr<Adapter>> model_adapters(const LlamaModel& model);

// report.json's "adapter": {"kind", "options", "trainable", "stored_bits", "linears": [{"block",
// "linear", and the adapter's describe()}]}.
nlohmann::json adapter_report(const LlamaModel& model, const AdapterOptions& o);

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
