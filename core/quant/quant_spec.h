// SPDX-License-Identifier: GPL-3.0-or-later
// The one description of a quantization: which method made it, how each target linear's weight is
// quantized (QuantizerOptions), its LoRA adapter (rank 0: none) and which linears are targets. A
// checkpoint's `quantization_config` is this, written by to_json() and read back, validated, by
// from_json(); calibration options extend it (methods/calibration_options.h).
#pragma once
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "io/config.h"
#include "io/tensor_names.h"
#include "model/adapter_options.h"
#include "model/lora_options.h"
#include "quant/quantizer_options.h"

namespace apiq {

// One linear's configuration where a budget allocation chose other than the run's own: int
// format bits and group size; nf format bits, group_size = the NF block B0, and the double
// quantization of its scales (b0 = nf_scale_bits, B1, b1; QuantizerOptions).
struct ModuleQuant {
  int bits = 2;
  int64_t group_size = 64;
  int nf_scale_bits = 0;
  int64_t nf_scale_block = 256;
  QuantizerOptions::NFScaleFloat nf_scale_float = QuantizerOptions::NFScaleFloat::FP32;
  bool operator==(const ModuleQuant&) const = default;
};
// `base` with one linear's configuration applied (by base's format).
QuantizerOptions apply_module_quant(QuantizerOptions base, const ModuleQuant& m);

struct QuantSpec {
  std::string method = "apiq-bw";
  QuantizerOptions quant;
  LoraOptions lora;                     // rank 0: no adapter (rtn)
  LinearTargets targets = kAllTargets;  // the quantized linears; the others stay dense
  // A finetuned adapter of another kind than LoRA (model/adapter.h; its tensors replace
  // .lora_A/.lora_B); none: the LoRA factors above, if any.
  std::optional<AdapterOptions> adapter;
  // Set by apiq merge: an adapter was folded into the group zero points, now float32.
  std::string merged_adapter;
  // Mixed precision (--budget): per-linear configurations, keyed by module_key(); the linears not
  // listed use `quant`.
  std::map<std::string, ModuleQuant> overrides;

  static std::string module_key(int64_t block, LinearKind k);  // "layers.3.down_proj"
  // `quant` with this linear's override applied.
  QuantizerOptions quant_for(int64_t block, LinearKind k) const;
  bool mixed() const { return !overrides.empty(); }

  bool is_target(LinearKind k) const { return targets[static_cast<int>(k)]; }
  bool all_targets() const { return count_targets(targets) == kNumLinears; }
  bool has_adapter() const { return lora.rank > 0 || adapter.has_value(); }
  bool is_int() const { return quant.format == QuantizerOptions::Format::Int; }
  bool is_sym() const { return quant.mode == QuantizerOptions::Mode::Sym; }
  const char* format_name() const { return is_int() ? "int" : "nf"; }

  // Throws std::invalid_argument naming the bad field: bits in {2, 3, 4, 8} (nf: 2..4), group and
  // nf block size positive, rank not negative, alpha finite, at least one target.
  void validate() const;

  // {"quant_method": "apiq-studio", "method", "bits", "group_size", "format", "sym",
  //  "nf_block_size", "lora_rank", "lora_alpha", "target_modules"}, plus "adapter" and
  //  "merged_adapter" and "module_overrides" {"layers.3.down_proj": {"bits", "group_size"}} where set;
  //  nf with double quantization adds "nf_scale_bits", "nf_scale_block", "nf_scale_float" (also per
  //  module override).
  nlohmann::json to_json() const;
  // Parses and validates; InputError naming `origin` and the field on any problem.
  static QuantSpec from_json(const nlohmann::json& j, const std::filesystem::path& origin);
};

// True when config.json carries a quantization_config of ours (quant_method "apiq-studio").
bool is_quantized_config(const LlamaConfig& cfg);
// The validated spec of such a config; InputError naming `origin` otherwise.
QuantSpec quant_spec_of(const LlamaConfig& cfg, const std::filesystem::path& origin);

}  // namespace apiq
