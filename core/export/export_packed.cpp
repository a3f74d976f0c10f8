// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/export_packed.h"

#include <torch/types.h>

#include "base/errors.h"
#include "export/export_hf.h"
#include "export/export_peft.h"

namespace apiq {
namespace fs = std::filesystem;

std::vector<std::string> packed_export_problems(const QuantizedCheckpoint& src, const std::string& format) {
  const auto& spec = src.spec;
  std::vector<std::string> out;
  // Fused modules (phi3) join their parts' packed words along the output width: each part's
  // width must fill whole words of zero points.
  if (const auto& names = tensor_names_for(src.cfg.model_type); names.fused_qkv || names.fused_gate_up) {
    const int64_t per = codes_per_word(spec.quant.bits);
    for (int64_t n : {src.cfg.q_dim(), src.cfg.kv_dim(), src.cfg.intermediate_size})
      if (n % per != 0) {
        out.push_back(format + " joins " + names.model_type + "'s fused linears (qkv_proj, gate_up_proj) along the " +
                      "output width, which must then be a multiple of " + std::to_string(per) + ": " +
                      std::to_string(n) + " is not");
        break;
      }
  }
  if (!spec.all_targets()) {
    std::string dense;
    for (LinearKind k : kAllLinears)
      if (!spec.is_target(k)) dense += std::string(dense.empty() ? "" : ", ") + linear_short_name(k);
    out.push_back(format + " export needs all seven linears quantized; these stay dense here: " + dense +
                  " (export hf-dequantized or peft instead)");
  }
  if (spec.adapter)
    out.push_back(format + " carries the adapter as a PEFT LoRA, and PEFT has no " + spec.adapter->kind +
                  " adapter (fold a qahira adapter in with apiq merge, or export hf-dequantized, which adds any "
                  "adapter into the dense weights)");
  if (!spec.merged_adapter.empty())
    out.push_back(format + " stores integer zero points (GPTQ's packed qzeros; compressed-tensors packs "
                           "weight_zero_point into int32 words of b-bit integers), but apiq merge made this "
                           "checkpoint's zero points fractional (the " + spec.merged_adapter +
                  " adapter folded in): export hf-dequantized");
  if (!spec.is_int()) {
    out.push_back(format + " holds integer codes; this checkpoint uses NormalFloat codes (export hf-dequantized)");
    return out;
  }
  for (const auto& [bits, g] : packed_configs(spec, src.cfg)) {
    if (bits != 2 && bits != 4) {
      out.push_back(format + " export supports 2- and 4-bit codes; " + std::to_string(bits) +
                    "-bit codes pack across word boundaries there (export hf-dequantized instead" +
                    (spec.mixed() ? ", or allocate with --budget-bits 2,4)" : ")"));
      break;
    }
    bool divides = true;
    for (int64_t in : {src.cfg.hidden_size, src.cfg.q_dim(), src.cfg.intermediate_size})
      if (divides && in % g != 0) {
        out.push_back(format + " needs the group size to divide every input width: " + std::to_string(g) +
                      " does not divide " + std::to_string(in) + " (quantize with a group size that does)");
        divides = false;
      }
    if (!divides) break;
  }
  return out;
}

std::set<std::pair<int, int64_t>> packed_configs(const QuantSpec& spec, const LlamaConfig& cfg) {
  std::set<std::pair<int, int64_t>> out;
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b)
    for (LinearKind k : kAllLinears)
      if (spec.is_target(k)) out.insert({spec.quant_for(b, k).bits, spec.quant_for(b, k).group_size});
  return out;
}

NamedTensors packed_export_dense_tensors(const QuantizedSource& src, torch::ScalarType dtype) {
  const auto& names = tensor_names_for(src.cfg.model_type);
  NamedTensors out;
  auto dense = [&](const std::string& n) { out.emplace_back(n, load_finite(src.store, n).to(dtype).contiguous()); };
  dense(names.embed);
  dense(names.final_norm);
  if (!src.cfg.tie_word_embeddings) dense(names.lm_head);
  for (int64_t b = 0; b < src.cfg.num_hidden_layers; ++b) {
    const std::string p = block_prefix(names, b);
    for (const char* n : names.norms)
      if (n) dense(p + n);
    for (LinearKind k : kAllLinears) {
      const std::string m = linear_module(names, b, k);
      if (src.store.contains(m + ".bias")) dense(m + ".bias");
    }
  }
  return out;
}

void for_each_packed_linear(const QuantizedSource& src,
                            const std::function<void(const std::string&, const PackedLinear&)>& fn) {
  const auto& names = tensor_names_for(src.cfg.model_type);
  for (int64_t b = 0; b < src.cfg.num_hidden_layers; ++b) {
    // Packed only: an export reads the stored words, it has no use for a dense Ŵ.
    const auto qb = load_quantized_block(src.store, src.cfg, src.spec, b, torch::kCPU, /*packed_only=*/true);
    for (LinearKind k : kAllLinears) fn(linear_module(names, b, k), *qb->at(k).packed);
    src.block_done(b);
  }
}

torch::Tensor pack_along_rows(const torch::Tensor& fields, int bits) {
  return pack_codes(fields.t().contiguous(), bits).t().contiguous();
}

void write_packed_export_extras(const QuantizedSource& src, const fs::path& dir, const nlohmann::json& qc,
                                const std::string& base_model, ExportResult& r, torch::ScalarType dtype) {
  nlohmann::json cfg = src.cfg.raw;
  cfg["quantization_config"] = qc;
  cfg["dtype"] = hf_dtype_name(dtype);
  cfg["torch_dtype"] = hf_dtype_name(dtype);
  write_file_atomic(dir / "config.json", cfg.dump(2) + "\n");
  copy_tokenizer_files(src.dir, dir);
  if (has_lora_adapter(src)) {
    write_peft_adapter(src, dir, base_model);
    r.notes.push_back("LoRA adapter in the same folder (adapter_config.json, adapter_model.safetensors)");
  }
}

}  // namespace apiq
