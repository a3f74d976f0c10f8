// SPDX-License-Identifier: GPL-3.0-or-later
// What the packed exports (GPTQ v1/v2, compressed-tensors pack-quantized) share: the checks
// that a checkpoint fits their layouts, the dense tensors kept beside the packed linears, and
// the packing of zero points along the output dimension.
#pragma once
#include <torch/types.h>

#include <functional>
#include <set>
#include <utility>
#include <string>

#include "export/export_source.h"
#include "quant/packing.h"
#include "io/tensor_names.h"

namespace apiq {

// Why the checkpoint does not fit the packed formats (empty: it does): they need every linear
// quantized, integer codes of 2 or 4 bits (32/b codes fill a word exactly, so our words are these
// formats' words), and a group size that divides every linear's input width. `format` names the
// target in the messages.
std::vector<std::string> packed_export_problems(const QuantizedCheckpoint& src, const std::string& format);

// Embeddings, norms, head (and linear biases) in `dtype`, under their Hugging Face names.
NamedTensors packed_export_dense_tensors(const QuantizedSource& src, torch::ScalarType dtype);

// Calls fn(module name, stored packed linear) for every linear of every block, in order.
// The (bits, group size) pairs of the quantized linears: one, or several under --budget.
std::set<std::pair<int, int64_t>> packed_configs(const QuantSpec& spec, const LlamaConfig& cfg);

void for_each_packed_linear(const QuantizedSource& src,
                            const std::function<void(const std::string&, const PackedLinear&)>& fn);

// [rows, cols] integer fields packed along dim 0: [ceil(rows·b/32), cols] int32, field j of a
// word in bits [j·b, (j+1)·b). Values must lie in [0, 2^b).
torch::Tensor pack_along_rows(const torch::Tensor& fields, int bits);

// Writes config.json (with `quantization_config`), the tokenizer, and the PEFT adapter when the
// checkpoint has one, into `dir`; appends a note per file group to `r`. `dtype` is the dtype
// config.json names (that of the dense tensors and scales).
void write_packed_export_extras(const QuantizedSource& src, const std::filesystem::path& dir,
                                const nlohmann::json& quantization_config, const std::string& base_model,
                                ExportResult& r, torch::ScalarType dtype = torch::kHalf);

}  // namespace apiq
