// SPDX-License-Identifier: GPL-3.0-or-later
// The native quantized checkpoint: a Hugging Face-style folder whose config.json carries a
// `quantization_config` with quant_method "apiq-studio", and whose model.safetensors holds, per
// quantized linear `<module>`: `.qweight` (int32 packed codes), `.scales` (fp16), `.zeros`
// (int32) — or `.qweight` + `.nf_absmax` for NormalFloat — plus `.lora_A`, `.lora_B` and, with
// learned clipping, `.clip_gamma`, `.clip_beta`. Embeddings, norms and the head stay dense, and so
// do the linears that are not targets (config "target_modules"; absent: all seven): `.weight`.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>

#include "apiq/calibration.h"
#include "apiq/config.h"
#include "apiq/quant_linear.h"
#include "apiq/safetensors.h"

namespace apiq {

class LlamaModel;

struct QuantizationInfo {
  std::string method = "apiq-bw";
  int bits = 2;
  int64_t group_size = 64;
  std::string format = "int";  // int | nf
  bool sym = false;
  int64_t nf_block_size = 64;
  int64_t lora_rank = 0;  // 0: no adapter (rtn)
  double lora_alpha = 16;
  LinearTargets targets = kAllTargets;  // the quantized linears; the others are dense

  bool is_target(LinearKind k) const { return targets[static_cast<int>(k)]; }
  bool all_targets() const { return count_targets(targets) == kNumLinears; }

  static QuantizationInfo from_options(const CalibrationOptions& o);
  nlohmann::json to_json() const;
  static QuantizationInfo from_json(const nlohmann::json& j, const std::filesystem::path& origin);
};

bool is_quantized_config(const LlamaConfig& cfg);

// Tensors of one block's finalized linears, named after their checkpoint modules; Dense linears
// (not targets) as `.weight` in `dense_dtype`.
NamedTensors quantized_block_tensors(const LlamaConfig& cfg, int64_t block, const QuantBlockLinears& qb,
                                     torch::ScalarType dense_dtype = torch::kFloat);

// Rebuilds a block's linears (Final state, no W; non-targets Dense with their W) from stored tensors. With `packed_only`, int-format
// linears keep just their packed codes, moved to `device`, and no dense Ŵ (QuantBlockLinears then
// multiplies through packed_matmul); NF linears, which have no packed product, still get Ŵ.
std::shared_ptr<QuantBlockLinears> load_quantized_block(const TensorStore& store, const LlamaConfig& cfg,
                                                        const QuantizationInfo& info, int64_t block,
                                                        torch::Device device, bool packed_only = false);

// Attaches the quantized linears of every block to a model whose dense parts are loaded.
void attach_quantized_blocks(LlamaModel& model, const TensorStore& store, bool packed_only = false);

}  // namespace apiq
