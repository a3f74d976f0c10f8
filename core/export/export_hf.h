// SPDX-License-Identifier: GPL-3.0-or-later
// `hf-dequantized`: a plain Hugging Face Llama folder whose linear weights are the dequantized Ŵ
// our model computes with (dequantize(PackedLinear), or the NormalFloat table), plus the LoRA
// factors as a PEFT adapter in the same folder, for tools that cannot read packed formats.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "export/export_source.h"

namespace apiq {

// "float16", "bfloat16", "float32" (the names config.json uses); invalid_argument otherwise.
const char* hf_dtype_name(torch::ScalarType dtype);

// config.json without quantization_config, with dtype / torch_dtype set to `dtype`.
nlohmann::json hf_dequantized_config(const QuantizedSource& src, torch::ScalarType dtype);

// Every tensor of the dense model in `dtype`: embeddings, norms, head as stored, linears as Ŵ.
NamedTensors hf_dequantized_tensors(const QuantizedSource& src, torch::ScalarType dtype);

// Writes config.json, model.safetensors, the tokenizer and (when the checkpoint has LoRA
// factors) adapter_config.json + adapter_model.safetensors into the existing folder `dir`.
ExportResult write_hf_dequantized(const QuantizedSource& src, const std::filesystem::path& dir,
                                  torch::ScalarType dtype, const std::string& base_model);

}  // namespace apiq
