// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiq/quantized_checkpoint.h"

#include "apiq/errors.h"
#include "apiq/llama_model.h"
#include "apiq/tensor_names.h"

namespace apiq {
using json = nlohmann::json;

QuantizationInfo QuantizationInfo::from_options(const CalibrationOptions& o) {
  QuantizationInfo i;
  i.method = method_name(o.method);
  i.bits = o.quant.bits;
  i.group_size = o.quant.group_size;
  i.format = o.quant.format == QuantizerOptions::Format::NF ? "nf" : "int";
  i.sym = o.quant.mode == QuantizerOptions::Mode::Sym;
  i.nf_block_size = o.quant.nf_block_size;
  i.lora_rank = o.method == Method::Rtn ? 0 : o.lora.rank;
  i.lora_alpha = o.lora.alpha;
  i.targets = o.targets;
  return i;
}

json QuantizationInfo::to_json() const {
  json modules = json::array();
  for (LinearKind k : kAllLinears)
    if (is_target(k)) modules.push_back(linear_short_name(k));
  return {{"quant_method", "apiq-studio"}, {"method", method},       {"bits", bits},
          {"group_size", group_size},      {"format", format},       {"sym", sym},
          {"nf_block_size", nf_block_size}, {"lora_rank", lora_rank}, {"lora_alpha", lora_alpha},
          {"target_modules", modules}};
}

QuantizationInfo QuantizationInfo::from_json(const json& j, const std::filesystem::path& origin) {
  try {
    QuantizationInfo i;
    i.method = j.at("method").get<std::string>();
    i.bits = j.at("bits").get<int>();
    i.group_size = j.at("group_size").get<int64_t>();
    i.format = j.at("format").get<std::string>();
    i.sym = j.at("sym").get<bool>();
    i.nf_block_size = j.value("nf_block_size", int64_t{64});
    i.lora_rank = j.at("lora_rank").get<int64_t>();
    i.lora_alpha = j.at("lora_alpha").get<double>();
    if (i.format != "int" && i.format != "nf") throw InputError(origin, "quantization format '" + i.format + "' is unknown");
    if (j.contains("target_modules")) {  // older checkpoints: all seven
      std::string csv;
      for (const auto& m : j.at("target_modules")) csv += (csv.empty() ? "" : ",") + m.get<std::string>();
      try {
        i.targets = parse_targets(csv);
      } catch (const std::invalid_argument& e) {
        throw InputError(origin, std::string("invalid target_modules: ") + e.what());
      }
    }
    return i;
  } catch (const json::exception& e) {
    throw InputError(origin, std::string("invalid quantization_config: ") + e.what());
  }
}

bool is_quantized_config(const LlamaConfig& cfg) {
  return cfg.raw.contains("quantization_config") && cfg.raw["quantization_config"].is_object() &&
         cfg.raw["quantization_config"].value("quant_method", "") == "apiq-studio";
}

NamedTensors quantized_block_tensors(const LlamaConfig& cfg, int64_t block, const QuantBlockLinears& qb,
                                     torch::ScalarType dense_dtype) {
  const auto& names = tensor_names_for(cfg.model_type);
  NamedTensors out;
  const std::string p = block_prefix(names, block);
  out.emplace_back(p + names.attn_norm, qb.attn_norm.cpu());
  out.emplace_back(p + names.mlp_norm, qb.mlp_norm.cpu());
  for (LinearKind k : kAllLinears) {
    const auto& l = qb.at(k);
    const std::string m = linear_module(names, block, k);
    if (l.state == QuantLinear::State::Dense) {
      out.emplace_back(m + ".weight", l.W.detach().to(torch::kCPU, dense_dtype).contiguous());
    } else if (l.packed) {
      out.emplace_back(m + ".qweight", l.packed->packed.cpu());
      out.emplace_back(m + ".scales", l.packed->scales.cpu());
      out.emplace_back(m + ".zeros", l.packed->zeros.cpu());
    } else if (l.nf) {
      out.emplace_back(m + ".qweight", pack_codes(l.nf->codes.reshape({l.out(), l.in()}), l.nf->bits));
      out.emplace_back(m + ".nf_absmax", l.nf->absmax.cpu());
    } else {
      throw std::logic_error("linear " + m + " is not finalized");
    }
    if (l.bias.defined()) out.emplace_back(m + ".bias", l.bias.cpu());
    if (l.lora.defined()) {
      out.emplace_back(m + ".lora_A", l.lora.A.detach().cpu());
      out.emplace_back(m + ".lora_B", l.lora.B.detach().cpu());
    }
    if (l.quantizer.gamma.defined()) {
      out.emplace_back(m + ".clip_gamma", l.quantizer.gamma.detach().cpu());
      out.emplace_back(m + ".clip_beta", l.quantizer.beta.detach().cpu());
    }
  }
  return out;
}

std::shared_ptr<QuantBlockLinears> load_quantized_block(const TensorStore& store, const LlamaConfig& cfg,
                                                        const QuantizationInfo& info, int64_t block,
                                                        torch::Device device, bool packed_only) {
  const auto& names = tensor_names_for(cfg.model_type);
  auto qb = std::make_shared<QuantBlockLinears>();
  const std::string p = block_prefix(names, block);
  qb->attn_norm = store.load(p + names.attn_norm).to(device, torch::kFloat);
  qb->mlp_norm = store.load(p + names.mlp_norm).to(device, torch::kFloat);
  const int64_t d = cfg.hidden_size, f = cfg.intermediate_size;
  const std::array<std::pair<int64_t, int64_t>, kNumLinears> dims = {
      {{cfg.q_dim(), d}, {cfg.kv_dim(), d}, {cfg.kv_dim(), d}, {d, cfg.q_dim()}, {f, d}, {f, d}, {d, f}}};
  for (LinearKind k : kAllLinears) {
    const int i = static_cast<int>(k);
    auto& l = qb->linears[i];
    const std::string m = linear_module(names, block, k);
    const auto [out, in] = dims[i];
    auto check = [&](const std::string& n, std::vector<int64_t> shape) {
      if (store.info(n).shape != shape)
        throw InputError(store.file_of(n), "tensor '" + n + "' has an unexpected shape for this config");
    };
    if (!info.is_target(k)) {  // full precision: W, no quantizer, no LoRA
      check(m + ".weight", {out, in});
      l.W = store.load(m + ".weight").to(device, torch::kFloat);
      if (store.contains(m + ".bias")) l.bias = store.load(m + ".bias").to(device, torch::kFloat);
      l.state = QuantLinear::State::Dense;
      continue;
    }
    if (info.format == "int") {
      PackedLinear pl;
      pl.bits = info.bits;
      pl.out = out;
      pl.in = in;
      pl.group_size = info.group_size;
      check(m + ".qweight", {out, packed_words(in, info.bits)});
      check(m + ".scales", {out, num_groups(in, info.group_size)});
      pl.packed = store.load(m + ".qweight");
      pl.scales = store.load(m + ".scales");
      pl.zeros = store.load(m + ".zeros");
      if (packed_only) {
        pl.packed = pl.packed.to(device);
        pl.scales = pl.scales.to(device);
        pl.zeros = pl.zeros.to(device);
      } else {
        l.w_hat = dequantize(pl).to(device);
      }
      l.packed = pl;
    } else {
      NFCodes c;
      c.bits = info.bits;
      c.block_size = info.nf_block_size;
      check(m + ".qweight", {out, packed_words(in, info.bits)});
      c.codes = unpack_codes(store.load(m + ".qweight"), info.bits, in);
      c.absmax = store.load(m + ".nf_absmax");
      l.w_hat = nf_dequantize(c).to(device);
      l.nf = c;
    }
    if (store.contains(m + ".bias")) l.bias = store.load(m + ".bias").to(device, torch::kFloat);
    if (store.contains(m + ".lora_A")) {
      l.lora.A = store.load(m + ".lora_A").to(device, torch::kFloat);
      l.lora.B = store.load(m + ".lora_B").to(device, torch::kFloat);
      if (l.lora.A.size(1) != in || l.lora.B.size(0) != out || l.lora.A.size(0) != l.lora.B.size(1))
        throw InputError(store.file_of(m + ".lora_A"), "LoRA factors of '" + m + "' do not fit the layer");
      l.lora.scaling = info.lora_alpha / static_cast<double>(l.lora.A.size(0));
    }
    l.quantizer.opts.bits = info.bits;
    l.quantizer.opts.group_size = info.group_size;
    l.state = QuantLinear::State::Final;
  }
  return qb;
}

void attach_quantized_blocks(LlamaModel& model, const TensorStore& store, bool packed_only) {
  const auto& cfg = model.config();
  const auto info = QuantizationInfo::from_json(cfg.raw["quantization_config"], store.files().front()->path());
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b)
    model.set_block_linears(b, load_quantized_block(store, cfg, info, b, model.options().device, packed_only));
}

}  // namespace apiq
