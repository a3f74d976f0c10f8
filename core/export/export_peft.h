// SPDX-License-Identifier: GPL-3.0-or-later
// The LoRA factors of a native quantized checkpoint as a PEFT adapter: adapter_config.json and
// adapter_model.safetensors with `base_model.model.<module>.lora_{A,B}.weight` ([r, in], [out, r]).
// PEFT's forward, base(x) + lora_alpha/r · B(A(x)), is exactly ours.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "export/export_source.h"

namespace apiq {

// True when every quantized linear carries LoRA factors (false for rtn checkpoints).
bool has_lora_adapter(const QuantizedCheckpoint& src);

// The adapter tensors under PEFT's names, float32, plus the rank they share (checked).
NamedTensors peft_adapter_tensors(const QuantizedSource& src, int64_t* rank = nullptr);

nlohmann::ordered_json peft_adapter_config(const QuantizedSource& src, int64_t rank, const std::string& base_model);

// Writes adapter_config.json and adapter_model.safetensors into the existing folder `dir`.
// InputError when the checkpoint has no adapter.
void write_peft_adapter(const QuantizedSource& src, const std::filesystem::path& dir, const std::string& base_model);

}  // namespace apiq
