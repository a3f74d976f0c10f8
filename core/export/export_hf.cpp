// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/export_hf.h"

#include <stdexcept>

#include "export/export_format.h"
#include "export/fused_linears.h"
#include "export/export_packed.h"
#include "export/export_peft.h"
#include "model/llama_model.h"
#include "io/tensor_names.h"

namespace apiq {
namespace fs = std::filesystem;

const char* hf_dtype_name(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kHalf: return "float16";
    case torch::kBFloat16: return "bfloat16";
    case torch::kFloat: return "float32";
    default: throw std::invalid_argument(std::string("export dtype must be f16, bf16 or f32, not ") + c10::toString(dtype));
  }
}

nlohmann::json hf_dequantized_config(const QuantizedSource& src, torch::ScalarType dtype) {
  nlohmann::json j = src.cfg.raw;
  j.erase("quantization_config");
  // transformers ≥ 4.56 reads `dtype`, older versions `torch_dtype`: write both.
  j["dtype"] = hf_dtype_name(dtype);
  j["torch_dtype"] = hf_dtype_name(dtype);
  return j;
}

NamedTensors hf_dequantized_tensors(const QuantizedSource& src, torch::ScalarType dtype) {
  hf_dtype_name(dtype);
  const auto& names = tensor_names_for(src.cfg.model_type);
  NamedTensors out = packed_export_dense_tensors(src, dtype);
  for (int64_t b = 0; b < src.cfg.num_hidden_layers; ++b) {
    // The same reconstruction the model runs with: Ŵ in float32 from the stored codes.
    const auto qb = load_quantized_block(src.store, src.cfg, src.spec, b, torch::kCPU);
    for (LinearKind k : kAllLinears) {
      const auto& l = qb->at(k);  // a dense (non-target) linear keeps its stored weight
      torch::Tensor w = l.state == QuantLinear::State::Dense ? l.W : l.w_hat;
      if (l.adapter) w = w + l.adapter->delta().detach();  // kinds PEFT cannot hold: folded in, exactly in f32
      out.emplace_back(linear_module(names, b, k) + ".weight", w.to(dtype).contiguous());
    }
    src.block_done(b);
  }
  fuse_rows(names, src.cfg.num_hidden_layers, ".weight", out);
  fuse_rows(names, src.cfg.num_hidden_layers, ".bias", out);
  return out;
}

ExportResult write_hf_dequantized(const QuantizedSource& src, const fs::path& dir, torch::ScalarType dtype,
                                  const std::string& base_model) {
  ExportResult r;
  write_safetensors(dir / "model.safetensors", hf_dequantized_tensors(src, dtype), {{"format", "pt"}});
  write_file_atomic(dir / "config.json", hf_dequantized_config(src, dtype).dump(2) + "\n");
  copy_tokenizer_files(src.dir, dir);
  if (src.spec.adapter) {
    r.notes.push_back(std::string("dense ") + hf_dtype_name(dtype) + " weights Ŵ + ΔW: the " + src.spec.adapter->kind +
                      " adapter is added into them (PEFT has no such adapter type)");
  } else if (has_lora_adapter(src)) {
    write_peft_adapter(src, dir, base_model);
    r.notes.push_back(std::string("dense ") + hf_dtype_name(dtype) +
                      " weights Ŵ plus the LoRA adapter in the same folder (PeftModel.from_pretrained(base, DIR))");
  } else {
    r.notes.push_back(std::string("dense ") + hf_dtype_name(dtype) + " weights Ŵ; the checkpoint has no LoRA adapter");
  }
  if (dtype != torch::kFloat)
    r.notes.push_back("Ŵ rounded to " + std::string(hf_dtype_name(dtype)) + ": use --dtype f32 for bit-exact weights");
  return r;
}

namespace {
class HfDequantizedFormat final : public ExportFormat {
 public:
  const char* name() const override { return "hf-dequantized"; }
  const char* engines() const override {
    return "Any Hugging Face tool (transformers + PEFT, vLLM, TGI, llama.cpp's converter): a standard dense "
           "checkpoint plus the adapter. No memory saving.";
  }
  const char* loss() const override { return "Lossless in f32; f16 and bf16 round the dequantized weights."; }
  bool uses_dtype() const override { return true; }
  std::vector<std::string> problems(const QuantizedCheckpoint& ck) const override {
    const auto why = fused_target_problem(tensor_names_for(ck.cfg.model_type), ck.spec.targets);
    return why.empty() ? std::vector<std::string>{} : std::vector<std::string>{why};
  }
  ExportResult write(const QuantizedSource& src, const fs::path& dir, const ExportOptions& o) const override {
    return write_hf_dequantized(src, dir, o.dtype, o.base_model);
  }
};
}  // namespace

const ExportFormat& hf_dequantized_export_format() {
  static const HfDequantizedFormat f;
  return f;
}

}  // namespace apiq
