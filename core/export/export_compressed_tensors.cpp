// SPDX-License-Identifier: GPL-3.0-or-later
// compressed-tensors "pack-quantized", group strategy (llm-compressor / vLLM).
// Per linear [N, K]: weight_packed int32 [N, ceil(K·b/32)] (codes along the input dim, lowest
// bits first), weight_scale [N, K/g] in the export dtype (fp16 by default; --dtype f32 keeps our
// fp32 scales, which the library then rebuilds Ŵ in exactly), weight_zero_point int32 [ceil(N·b/32), K/g] packed
// along the output dim, weight_shape int64 [N, K]. Stored fields are the signed values plus
// 2^(b−1), which for our unsigned codes and zeros are the codes and zeros themselves. A --sym
// checkpoint (every zero point 2^(b−1), i.e. signed zero point 0) is written symmetric, without
// weight_zero_point, which is the form transformers' compressed-tensors loader accepts. A mixed
// checkpoint (--budget) gets one config group per (bits, group size), its targets the module names.
#include <torch/types.h>

#include <map>

#include "base/errors.h"
#include "export/export_format.h"
#include "export/export_packed.h"
#include "export/fused_linears.h"

namespace apiq {
namespace fs = std::filesystem;

namespace {

ExportResult write_compressed_tensors(const QuantizedSource& src, const fs::path& dir, bool force,
                                      const std::string& base_model, torch::ScalarType dtype) {
  NamedTensors tensors = packed_export_dense_tensors(src, dtype);
  int64_t bad = 0, total = 0, maxq = 0;
  bool all_mid = true;  // every zero point 2^(b-1): symmetric
  NamedTensors zero_points;
  std::map<std::pair<int, int64_t>, std::vector<std::string>> members;  // (bits, group) → modules
  for_each_packed_linear(src, [&](const std::string& m, const PackedLinear& p) {
    const int b = p.bits;
    const int64_t top = (int64_t{1} << b) - 1;
    maxq = std::max(maxq, top);
    members[{b, p.group_size}].push_back(m);
    auto z = p.zeros.to(torch::kLong);
    bad += (z < 0).logical_or(z > top).sum().item<int64_t>();
    total += z.numel();
    all_mid = all_mid && (z == (int64_t{1} << (b - 1))).all().item<bool>();
    // Our words are already pack-quantized's: 32/b codes per int32 along the input dim, lowest
    // bits first, zero-filled; copied as they are (no unpacking of 4 bytes per weight).
    tensors.emplace_back(m + ".weight_packed", p.packed.contiguous());
    tensors.emplace_back(m + ".weight_scale", p.scales.to(dtype).contiguous());
    zero_points.emplace_back(m + ".weight_zero_point", pack_along_rows(z.clamp(0, top), b));
    tensors.emplace_back(m + ".weight_shape", torch::tensor({p.out, p.in}, torch::kLong));
  });
  const bool symmetric = src.spec.is_sym() && all_mid;
  if (!symmetric)
    for (auto& z : zero_points) tensors.push_back(std::move(z));
  // phi3: q, k, v (gate, up) stacked by output rows, as qkv_proj (gate_up_proj).
  const auto& names = tensor_names_for(src.cfg.model_type);
  const int64_t blocks = src.cfg.num_hidden_layers;
  for (const char* s : {".weight_packed", ".weight_scale", ".weight_zero_point", ".bias"}) fuse_rows(names, blocks, s, tensors);
  fuse_suffix(names, blocks, ".weight_shape", [](const std::vector<torch::Tensor>& t) {
    int64_t rows = 0;
    for (const auto& s : t) rows += s[0].item<int64_t>();
    return torch::tensor({rows, t.front()[1].item<int64_t>()}, torch::kLong);
  }, tensors);
  ExportResult r;
  if (bad > 0) {
    const std::string what = std::to_string(bad) + " of " + std::to_string(total) +
                             " groups have a zero point outside the code range [0, " + std::to_string(maxq) + "]";
    if (!force) throw InputError(src.dir, what + ", which compressed-tensors cannot store; pass --force to clamp them");
    r.notes.push_back("LOSSY: " + what + "; they were clamped, so " + std::to_string(bad) + " groups changed");
  }
  write_safetensors(dir / "model.safetensors", tensors, {{"format", "pt"}});
  nlohmann::ordered_json groups = nlohmann::ordered_json::object();
  std::string described;
  for (const auto& [config, modules] : members) {
    const auto [b, g] = config;
    nlohmann::ordered_json weights;
    weights["num_bits"] = b;
    weights["type"] = "int";
    weights["symmetric"] = symmetric;
    weights["strategy"] = "group";
    weights["group_size"] = g;
    weights["dynamic"] = false;
    weights["actorder"] = nullptr;
    weights["observer"] = "minmax";
    nlohmann::ordered_json group;
    // One configuration: every Linear (lm_head ignored); several: each group names its modules.
    group["targets"] = members.size() == 1 ? nlohmann::ordered_json::array({"Linear"}) : nlohmann::ordered_json(modules);
    group["weights"] = weights;
    group["input_activations"] = nullptr;
    group["output_activations"] = nullptr;
    group["format"] = "pack-quantized";
    groups["group_" + std::to_string(groups.size())] = group;
    described += (described.empty() ? "" : ", ") + ("W" + std::to_string(b) + " g" + std::to_string(g)) +
                 (members.size() > 1 ? " (" + std::to_string(modules.size()) + " linears)" : "");
  }
  nlohmann::ordered_json qc;
  qc["quant_method"] = "compressed-tensors";
  qc["format"] = "pack-quantized";
  qc["quantization_status"] = "compressed";
  qc["config_groups"] = groups;
  qc["ignore"] = nlohmann::ordered_json::array({"lm_head"});
  qc["kv_cache_scheme"] = nullptr;
  qc["global_compression_ratio"] = nullptr;
  write_packed_export_extras(src, dir, nlohmann::json::parse(qc.dump()), base_model, r, dtype);
  r.notes.push_back("compressed-tensors pack-quantized " + described + ", A16" +
                    (symmetric ? ", symmetric" : ", asymmetric") + " (vLLM with a kernel for these weights)");
  return r;
}

class CompressedTensorsFormat final : public ExportFormat {
 public:
  const char* name() const override { return "compressed-tensors"; }
  const char* engines() const override {
    return "vLLM (2-bit pack-quantized through the Humming kernels, experimental), llm-compressor, and transformers "
           "with compressed-tensors. The LoRA adapter is written beside it.";
  }
  const char* loss() const override {
    return "Lossless for 2- and 4-bit integer codes, zero point 0 included. The scales and dense weights are written "
           "in the chosen dtype: f16 (default) rounds the scales, f32 keeps them exactly (+0.25 bit per weight at "
           "group 64).";
  }
  bool uses_dtype() const override { return true; }
  std::vector<std::string> problems(const QuantizedCheckpoint& ck) const override {
    auto out = packed_export_problems(ck, name());
    if (const auto& n = tensor_names_for(ck.cfg.model_type); ck.spec.mixed() && (n.fused_qkv || n.fused_gate_up))
      out.push_back(std::string(name()) + " joins " + n.model_type + "'s fused linears into one module, which then has "
                    "one configuration; this checkpoint gives its parts their own (--budget)");
    return out;
  }
  ExportResult write(const QuantizedSource& src, const fs::path& dir, const ExportOptions& o) const override {
    return write_compressed_tensors(src, dir, o.force, o.base_model, o.dtype);
  }
};

}  // namespace

const ExportFormat& compressed_tensors_export_format() {
  static const CompressedTensorsFormat f;
  return f;
}

}  // namespace apiq
