// SPDX-License-Identifier: GPL-3.0-or-later
// Architectures whose checkpoints fuse linears (phi3: qkv_proj = q, k, v and gate_up_proj = gate,
// up, stacked by output rows): our checkpoints keep the seven linears apart, so the exports that
// write the architecture's own names join them again here.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "io/safetensors.h"
#include "io/tensor_names.h"

namespace apiq {

struct FusedLinear {
  std::string module;              // relative to the block prefix, e.g. "self_attn.qkv_proj"
  std::vector<LinearKind> parts;   // in row order
};
// The fused modules of an architecture (none for most).
std::vector<FusedLinear> fused_linears(const ArchTensorNames& names);
// The fused module that holds `k`, or null.
const FusedLinear* fused_module_of(const std::vector<FusedLinear>& fused, LinearKind k);

// Why a checkpoint quantized with `targets` cannot be written under the fused names: a fused
// module with some parts quantized and others not. Empty when it can.
std::string fused_target_problem(const ArchTensorNames& names, const LinearTargets& targets);

// In `tensors`, replaces the parts' "<module><suffix>" entries of every block by one entry of the
// fused module, join(the parts' tensors in row order); a part that is missing leaves them as they are.
using JoinParts = std::function<torch::Tensor(const std::vector<torch::Tensor>&)>;
void fuse_suffix(const ArchTensorNames& names, int64_t blocks, const std::string& suffix, const JoinParts& join,
                 NamedTensors& tensors);

// fuse_suffix with the parts stacked by rows (dim 0): dense weights, biases, row-packed tensors.
void fuse_rows(const ArchTensorNames& names, int64_t blocks, const std::string& suffix, NamedTensors& tensors);

// The same for LoRA factors under "base_model.model.<module>.lora_{A,B}.weight": the fused adapter
// of parts with rank r each has rank n·r, A stacked by rows and B block-diagonal, so that
// B·A of the fused module is the parts' B·A stacked by rows.
void fuse_lora(const ArchTensorNames& names, int64_t blocks, NamedTensors& tensors);

}  // namespace apiq
