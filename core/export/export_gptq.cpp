// SPDX-License-Identifier: GPL-3.0-or-later
// GPTQ checkpoints (AutoGPTQ / GPTQModel layout). Per linear [N out, K in], b bits, group g:
//   qweight int32 [K·b/32, N]  codes packed along the input dim, row r holds inputs 32r/b…, lowest bits first
//   qzeros  int32 [K/g, N·b/32] zero points packed along the output dim the same way
//   scales  fp16  [K/g, N], g_idx int32 [K] = k / g
// and W[n,k] = scales[g_idx[k], n]·(q[k,n] − Z[g_idx[k], n]). v2 stores Z, v1 stores Z − 1
// (so v1 cannot hold Z = 0).
#include <torch/types.h>

#include "base/errors.h"
#include "export/export_format.h"
#include "export/export_packed.h"
#include "export/fused_linears.h"

namespace apiq {
namespace fs = std::filesystem;

namespace {

// GPTQ packs zero points along the output width: every output width a multiple of 32/b.
std::vector<std::string> gptq_problems(const QuantizedCheckpoint& src, const std::string& fmt) {
  auto out = packed_export_problems(src, fmt);
  if (src.spec.mixed())
    out.push_back(fmt + "'s quantize_config holds one bits value and group size per model, and this checkpoint "
                        "mixes them per linear (--budget): export compressed-tensors (one config group per "
                        "configuration) or hf-dequantized");
  if (!out.empty()) return out;
  const int64_t per = codes_per_word(src.spec.quant.bits);
  for (int64_t n : {src.cfg.q_dim(), src.cfg.kv_dim(), src.cfg.hidden_size, src.cfg.intermediate_size})
    if (n % per != 0) {
      out.push_back(fmt + " packs zero points along the output width, which must be a multiple of " + std::to_string(per) +
                    ": " + std::to_string(n) + " is not");
      break;
    }
  return out;
}

ExportResult write_gptq(const QuantizedSource& src, const fs::path& dir, bool v2, bool force,
                        const std::string& base_model) {
  const std::string fmt = v2 ? "gptq-v2" : "gptq";
  const int b = src.spec.quant.bits;
  const int64_t g = src.spec.quant.group_size, maxq = (int64_t{1} << b) - 1;
  NamedTensors tensors = packed_export_dense_tensors(src, torch::kHalf);
  const int64_t offset = v2 ? 0 : 1;
  int64_t bad = 0, total = 0;
  bool sym = true;
  for_each_packed_linear(src, [&](const std::string& m, const PackedLinear& p) {
    auto z = p.zeros.to(torch::kLong);  // [N, K/g]
    sym = sym && (z == (int64_t{1} << (b - 1))).all().item<bool>();
    auto stored = z - offset;
    const auto outside = (stored < 0).logical_or(stored > maxq);
    bad += outside.sum().item<int64_t>();
    total += stored.numel();
    stored = stored.clamp(0, maxq);
    // GPTQ's qweight word [r, n] holds inputs (32/b)·r… of output n, lowest bits first: our word
    // [n, r], transposed.
    tensors.emplace_back(m + ".qweight", p.packed.t().contiguous());
    tensors.emplace_back(m + ".qzeros", pack_codes(stored.t().contiguous(), b));
    tensors.emplace_back(m + ".scales", p.scales.to(torch::kHalf).t().contiguous());
    tensors.emplace_back(m + ".g_idx", torch::arange(p.in, torch::kLong).div(g, "floor").to(torch::kInt));
  });
  // phi3: q, k, v (gate, up) side by side along the output width, as qkv_proj (gate_up_proj).
  const auto& names = tensor_names_for(src.cfg.model_type);
  const int64_t blocks = src.cfg.num_hidden_layers;
  for (const char* s : {".qweight", ".qzeros", ".scales"})
    fuse_suffix(names, blocks, s, [](const std::vector<torch::Tensor>& t) { return torch::cat(t, 1).contiguous(); },
                tensors);
  fuse_suffix(names, blocks, ".g_idx", [](const std::vector<torch::Tensor>& t) { return t.front(); }, tensors);
  fuse_rows(names, blocks, ".bias", tensors);
  ExportResult r;
  if (bad > 0) {
    const std::string what = std::to_string(bad) + " of " + std::to_string(total) + " groups have a zero point " +
                             (v2 ? "outside [0, " + std::to_string(maxq) + "]" : "of 0 (or above " + std::to_string(maxq + 1) + ")") +
                             ", which " + fmt + " cannot store";
    if (!force)
      throw InputError(src.dir, what + (v2 ? "" : " (v1 stores zero − 1)") +
                                    "; export gptq-v2 or compressed-tensors for a lossless file, or pass --force to clamp them");
    r.notes.push_back("LOSSY: " + what + "; they were clamped, so " + std::to_string(bad) + " groups changed");
  }
  write_safetensors(dir / "model.safetensors", tensors, {{"format", "pt"}});
  nlohmann::ordered_json qc;
  qc["bits"] = b;
  qc["group_size"] = g;
  qc["damp_percent"] = 0.01;
  qc["desc_act"] = false;
  qc["static_groups"] = false;
  qc["sym"] = sym;  // true only when every zero point is GPTQ's 2^(b-1)
  qc["true_sequential"] = true;
  qc["lm_head"] = false;
  qc["model_name_or_path"] = nullptr;
  qc["model_file_base_name"] = "model";
  qc["quant_method"] = "gptq";
  qc["checkpoint_format"] = v2 ? "gptq_v2" : "gptq";
  qc["pack_dtype"] = "int32";
  qc["meta"] = {{"quantizer", nlohmann::ordered_json::array({"apiq-studio:0.1.0"})}};
  write_file_atomic(dir / "quantize_config.json", qc.dump(2) + "\n");
  write_packed_export_extras(src, dir, nlohmann::json::parse(qc.dump()), base_model, r);
  r.notes.push_back(fmt + ": " + std::to_string(b) + "-bit, group " + std::to_string(g) + ", sym " + (sym ? "true" : "false") +
                    (v2 ? " (checkpoint_format gptq_v2: GPTQModel, vLLM; AutoGPTQ rejects it)" : " (AutoGPTQ, GPTQModel, vLLM)"));
  return r;
}

class GptqFormat final : public ExportFormat {
 public:
  explicit GptqFormat(bool v2) : v2_(v2) {}
  const char* name() const override { return v2_ ? "gptq-v2" : "gptq"; }
  const char* engines() const override {
    return v2_ ? "GPTQModel, and transformers + optimum through GPT-QModel; vLLM's GPTQ kernels that read "
                 "checkpoint_format gptq_v2. AutoGPTQ rejects gptq_v2."
               : "GPTQModel, AutoGPTQ, transformers + optimum (GPT-QModel backend), and vLLM's 2-bit GPTQ kernels "
                 "(releases up to mid-2026). The LoRA adapter is written beside it.";
  }
  const char* loss() const override {
    return v2_ ? "Lossless for 2- and 4-bit integer codes (zero points stored as they are)."
               : "GPTQ v1 stores zero point − 1, so a group with zero point 0 cannot be stored; such a checkpoint is "
                 "refused unless you clamp those groups (lossy).";
  }
  bool lossless_in_general() const override { return v2_; }
  bool can_force() const override { return !v2_; }
  std::vector<std::string> problems(const QuantizedCheckpoint& ck) const override { return gptq_problems(ck, name()); }
  ExportResult write(const QuantizedSource& src, const fs::path& dir, const ExportOptions& o) const override {
    return write_gptq(src, dir, v2_, o.force, o.base_model);
  }

 private:
  bool v2_;
};

}  // namespace

const ExportFormat& gptq_export_format() {
  static const GptqFormat f(false);
  return f;
}

const ExportFormat& gptq_v2_export_format() {
  static const GptqFormat f(true);
  return f;
}

}  // namespace apiq
