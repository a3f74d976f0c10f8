// SPDX-License-Identifier: GPL-3.0-or-later
// The native quantized checkpoint: a Hugging Face-style folder whose config.json carries a
// `quantization_config` with quant_method "apiq-studio", and whose model.safetensors holds, per
// quantized linear `<module>`: `.qweight` (int32 packed codes), `.scales` (fp16), `.zeros`
// (uint8, int16 for a group of one sign, int32 in older checkpoints; float32 once merged) — or
// `.qweight` + `.nf_absmax` for NormalFloat, `.nf_scale_codes`, `.nf_scale_maxima`, `.nf_offset` with
// double-quantized scales — plus `.lora_A`, `.lora_B` and, with
// learned clipping, `.clip_gamma`, `.clip_beta`. Embeddings, norms and the head stay dense, and so
// do the linears that are not targets (config "target_modules"; absent: all seven): `.weight`.
#pragma once
#include <filesystem>
#include <memory>

#include "io/config.h"
#include "io/safetensors.h"
#include "quant/quant_linear.h"
#include "quant/quant_spec.h"

namespace apiq {

// A native quantized checkpoint folder opened for reading: its config, its validated spec and its
// tensors, each packed tensor's presence, dtype and shape checked against the two.
struct QuantizedCheckpoint {
  std::filesystem::path dir;
  LlamaConfig cfg;
  QuantSpec spec;
  TensorStore store;

  // InputError (file + problem) unless `dir` holds an apiq-studio quantized checkpoint whose
  // tensors fit its config.
  static QuantizedCheckpoint open(const std::filesystem::path& dir);
};

// Tensors of one block's finalized linears, named after their checkpoint modules; Dense linears
// (not targets) as `.weight` in `dense_dtype`.
NamedTensors quantized_block_tensors(const LlamaConfig& cfg, int64_t block, const QuantBlockLinears& qb,
                                     torch::ScalarType dense_dtype = torch::kFloat);

// InputError unless every tensor of block `block` that `spec` implies is present with the dtype
// and shape the config implies (the packed words, scales, zeros, NF absmax, LoRA factors, dense
// weights of non-targets).
void check_quantized_block(const TensorStore& store, const LlamaConfig& cfg, const QuantSpec& spec, int64_t block);

// Rebuilds a block's linears (Final state, no W; non-targets Dense with their W) from stored
// tensors. With `packed_only`, int-format linears keep just their packed codes, moved to `device`,
// and no dense Ŵ (QuantBlockLinears then multiplies through packed_matmul); NF linears, which have
// no packed product, still get Ŵ.
std::shared_ptr<QuantBlockLinears> load_quantized_block(const TensorStore& store, const LlamaConfig& cfg,
                                                        const QuantSpec& spec, int64_t block,
                                                        torch::Device device, bool packed_only = false);

}  // namespace apiq
