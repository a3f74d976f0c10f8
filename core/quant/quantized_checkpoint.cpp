// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/quantized_checkpoint.h"

#include <sstream>

#include "base/errors.h"
#include "model/linear_shapes.h"
#include "quant/adjacent_packed.h"
#include "quant/nf_double_quant.h"
#include "quant/nf_quantizer.h"
#include "quant/stored_zeros.h"

namespace apiq {
namespace fs = std::filesystem;

namespace {

std::string shape_text(const std::vector<int64_t>& s) {
  std::ostringstream o;
  o << "[";
  for (size_t i = 0; i < s.size(); ++i) o << (i ? ", " : "") << s[i];
  o << "]";
  return o.str();
}

// One expected tensor: present (unless optional), of one of `dtypes`, of `shape`.
void expect(const TensorStore& store, const std::string& name, std::initializer_list<StDtype> dtypes,
            const std::vector<int64_t>& shape, const fs::path& dir) {
  if (!store.contains(name)) throw InputError(dir, "missing tensor '" + name + "'");
  const TensorInfo& t = store.info(name);
  bool dtype_ok = false;
  std::string wanted;
  for (StDtype d : dtypes) {
    dtype_ok = dtype_ok || t.dtype == d;
    wanted += (wanted.empty() ? "" : " or ") + std::string(dtype_name(d));
  }
  if (!dtype_ok)
    throw InputError(store.file_of(name), "tensor '" + name + "' is " + dtype_name(t.dtype) + ", expected " + wanted);
  if (t.shape != shape)
    throw InputError(store.file_of(name), "tensor '" + name + "' has shape " + shape_text(t.shape) +
                                              " but the quantization config implies " + shape_text(shape));
}

constexpr std::initializer_list<StDtype> kFloatDtypes = {StDtype::F32, StDtype::F16, StDtype::BF16, StDtype::F64};

fs::path dir_of(const TensorStore& store) { return store.files().front()->path().parent_path(); }

// Zero points as our quantizer makes them: integers within ±kZeroBound (group_quantizer.cpp), which
// may lie outside the code range for groups that do not straddle 0.
constexpr int64_t kZeroBound = 10000;

bool integer_zeros(StDtype d) { return d == StDtype::U8 || d == StDtype::I16 || d == StDtype::I32; }

// In memory int32 (stored uint8, int16 or int32, stored_zeros.h) or float32 (merged).
torch::Tensor load_zeros(const TensorStore& store, const std::string& name) {
  torch::Tensor z = integer_zeros(store.info(name).dtype) ? store.load(name).to(torch::kInt) : load_finite(store, name);
  if (z.numel() && (z.min().item<double>() < -kZeroBound || z.max().item<double>() > kZeroBound))
    throw InputError(store.file_of(name), "tensor '" + name + "' holds zero points beyond ±" + std::to_string(kZeroBound) +
                                              " (min " + std::to_string(z.min().item<double>()) + ", max " +
                                              std::to_string(z.max().item<double>()) + "): the checkpoint is damaged");
  return z;
}

// The finetuned adapter of one linear (spec.adapter), read through its kind; InputError naming the
// file when a tensor is missing, misshapen or not finite.
std::shared_ptr<Adapter> load_adapter(const TensorStore& store, const LlamaConfig& cfg, const QuantSpec& spec,
                                      int64_t block, LinearKind k, torch::Device device) {
  const std::string m = linear_module(tensor_names_for(cfg.model_type), block, k);
  const auto [out, in] = linear_shapes(cfg)[static_cast<int>(k)];
  const AdapterShape shape{out, in, spec.is_int() ? spec.quant_for(block, k).group_size : 0};
  const fs::path dir = dir_of(store);
  try {
    const AdapterKind& kind = find_adapter_kind(spec.adapter->kind);
    if (const auto why = kind.problem(shape, *spec.adapter); !why.empty()) throw std::invalid_argument(why);
    auto get = [&](const std::string& suffix) {
      return store.contains(m + "." + suffix) ? store.load(m + "." + suffix) : torch::Tensor();
    };
    return kind.load(shape, *spec.adapter, get, device);
  } catch (const std::invalid_argument& e) {
    throw InputError(dir, "adapter of '" + m + "': " + e.what());
  }
}

}  // namespace

QuantizedCheckpoint QuantizedCheckpoint::open(const fs::path& dir) {
  if (!fs::is_directory(dir)) throw InputError(dir, "quantized checkpoint folder does not exist");
  QuantizedCheckpoint c{dir, LlamaConfig::from_file(dir / "config.json"), {}, TensorStore::open_dir(dir)};
  c.spec = quant_spec_of(c.cfg, dir / "config.json");
  tensor_names_for(c.cfg.model_type);  // an unknown architecture fails here, before anything else
  for (int64_t b = 0; b < c.cfg.num_hidden_layers; ++b) check_quantized_block(c.store, c.cfg, c.spec, b);
  return c;
}

NamedTensors quantized_block_tensors(const LlamaConfig& cfg, int64_t block, const QuantBlockLinears& qb,
                                     torch::ScalarType dense_dtype) {
  const auto& names = tensor_names_for(cfg.model_type);
  NamedTensors out;
  const std::string p = block_prefix(names, block);
  for (int n = 0; n < kNumNorms; ++n)
    if (names.norms[n]) out.emplace_back(p + names.norms[n], qb.norms.w[n].cpu());
  for (LinearKind k : kAllLinears) {
    const auto& l = qb.at(k);
    const std::string m = linear_module(names, block, k);
    if (l.state == QuantLinear::State::Dense) {
      out.emplace_back(m + ".weight", l.W.detach().to(torch::kCPU, dense_dtype).contiguous());
    } else if (l.packed) {
      out.emplace_back(m + ".qweight", l.packed->packed.cpu());
      out.emplace_back(m + ".scales", l.packed->scales.cpu());
      out.emplace_back(m + ".zeros", stored_zero_points(l.packed->zeros));
    } else if (l.nf) {
      out.emplace_back(m + ".qweight", pack_codes(l.nf->codes.reshape({l.out(), l.in()}), l.nf->bits));
      if (l.nf_double) {  // nf_linear_storage_bits counts exactly these
        const NFDoubleQuantPacked p = pack(*l.nf_double);
        out.emplace_back(m + ".nf_scale_codes", p.scale_codes.cpu());
        out.emplace_back(m + ".nf_scale_maxima", p.scale_maxima.cpu());
        out.emplace_back(m + ".nf_offset", p.offset.cpu());
      } else {
        out.emplace_back(m + ".nf_absmax", l.nf->absmax.cpu());
      }
    } else {
      throw std::logic_error("linear " + m + " is not finalized");
    }
    if (l.bias.defined()) out.emplace_back(m + ".bias", l.bias.cpu());
    if (l.adapter) {
      for (auto& [suffix, t] : l.adapter->tensors()) out.emplace_back(m + "." + suffix, t.detach().cpu().contiguous());
    } else if (l.lora.defined()) {
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

namespace {

// The checks of check_quantized_block; `adapters` false where the caller loads the adapters next
// (loading them is their check), so they are not read twice.
void check_block(const TensorStore& store, const LlamaConfig& cfg, const QuantSpec& spec, int64_t block, bool adapters) {
  const auto& names = tensor_names_for(cfg.model_type);
  const fs::path dir = dir_of(store);
  const std::string p = block_prefix(names, block);
  for (int n = 0; n < kNumNorms; ++n)
    if (names.norms[n]) expect(store, p + names.norms[n], kFloatDtypes, {block_norm_size(cfg, NormKind(n))}, dir);
  const auto shapes = linear_shapes(cfg);
  for (LinearKind k : kAllLinears) {
    const auto [out, in] = shapes[static_cast<int>(k)];
    const QuantizerOptions q = spec.quant_for(block, k);
    const int bits = q.bits;
    const std::string m = linear_module(names, block, k);
    if (store.contains(m + ".bias")) expect(store, m + ".bias", kFloatDtypes, {out}, dir);
    if (!spec.is_target(k)) {  // full precision: W, no quantizer, no LoRA
      expect(store, m + ".weight", kFloatDtypes, {out, in}, dir);
      continue;
    }
    expect(store, m + ".qweight", {StDtype::I32}, {out, packed_words(in, bits)}, dir);
    if (spec.is_int()) {
      const int64_t groups = num_groups(in, q.group_size);
      expect(store, m + ".scales", {StDtype::F16}, {out, groups}, dir);
      // uint8 / int16 (int32 before compact zeros); float32 once apiq merge folded an adapter into them.
      if (spec.merged_adapter.empty())
        expect(store, m + ".zeros", {StDtype::U8, StDtype::I16, StDtype::I32}, {out, groups}, dir);
      else
        expect(store, m + ".zeros", {StDtype::F32}, {out, groups}, dir);
    } else {
      const int64_t blocks = (out * in + q.nf_block_size - 1) / q.nf_block_size;
      if (q.nf_double_quant()) {
        const NFDoubleQuantConfig c = nf_double_quant_config(q);
        expect(store, m + ".nf_scale_codes", {StDtype::I32}, {1, packed_words(blocks, c.scale_bits)}, dir);
        expect(store, m + ".nf_scale_maxima", {from_scalar_type(c.scale_dtype())},
               {(blocks + c.scale_block - 1) / c.scale_block}, dir);
        expect(store, m + ".nf_offset", {StDtype::F32}, {1}, dir);
      } else {
        expect(store, m + ".nf_absmax", {StDtype::F32, StDtype::F64}, {blocks}, dir);
      }
    }
    if (store.contains(m + ".lora_A") || store.contains(m + ".lora_B")) {
      if (!store.contains(m + ".lora_A") || !store.contains(m + ".lora_B"))
        throw InputError(dir, "linear '" + m + "' has only one of its LoRA factors");
      const int64_t r = store.info(m + ".lora_A").shape.empty() ? 0 : store.info(m + ".lora_A").shape[0];
      if (r <= 0) throw InputError(store.file_of(m + ".lora_A"), "LoRA factors of '" + m + "' do not fit the layer");
      try {
        expect(store, m + ".lora_A", kFloatDtypes, {r, in}, dir);
        expect(store, m + ".lora_B", kFloatDtypes, {out, r}, dir);
      } catch (const InputError& e) {
        throw InputError(e.path(), "LoRA factors of '" + m + "' do not fit the layer: " + e.problem());
      }
    }
    if (spec.adapter && adapters) load_adapter(store, cfg, spec, block, k, torch::kCPU);  // names, shapes, values
    if (store.contains(m + ".clip_gamma")) {
      const int64_t groups = num_groups(in, q.group_size);
      expect(store, m + ".clip_gamma", kFloatDtypes, {out, groups}, dir);
      expect(store, m + ".clip_beta", kFloatDtypes, {out, groups}, dir);
    }
  }
}

}  // namespace

void check_quantized_block(const TensorStore& store, const LlamaConfig& cfg, const QuantSpec& spec, int64_t block) {
  check_block(store, cfg, spec, block, /*adapters=*/true);
}

std::shared_ptr<QuantBlockLinears> load_quantized_block(const TensorStore& store, const LlamaConfig& cfg,
                                                        const QuantSpec& spec, int64_t block,
                                                        torch::Device device, bool packed_only) {
  check_block(store, cfg, spec, block, /*adapters=*/false);
  const auto& names = tensor_names_for(cfg.model_type);
  auto qb = std::make_shared<QuantBlockLinears>();
  const std::string p = block_prefix(names, block);
  for (int n = 0; n < kNumNorms; ++n)
    if (names.norms[n]) qb->norms.w[n] = to_device_as(load_finite(store, p + names.norms[n]), device, torch::kFloat);
  const auto shapes = linear_shapes(cfg);
  for (LinearKind k : kAllLinears) {
    const int i = static_cast<int>(k);
    auto& l = qb->linears[i];
    const std::string m = linear_module(names, block, k);
    const auto [out, in] = shapes[i];
    if (store.contains(m + ".bias")) l.bias = to_device_as(load_finite(store, m + ".bias"), device, torch::kFloat);
    if (!spec.is_target(k)) {  // full precision: W, no quantizer, no LoRA
      l.W = to_device_as(load_finite(store, m + ".weight"), device, torch::kFloat);
      l.state = QuantLinear::State::Dense;
      continue;
    }
    const QuantizerOptions q = spec.quant_for(block, k);
    if (spec.is_int()) {
      PackedLinear pl;
      pl.bits = q.bits;
      pl.out = out;
      pl.in = in;
      pl.group_size = q.group_size;
      pl.packed = store.load(m + ".qweight");
      pl.scales = load_finite(store, m + ".scales");
      pl.zeros = load_zeros(store, m + ".zeros");
      PackedLinear on_device = pl;  // Ŵ is rebuilt where it is used: the codes travel, not 4 bytes a weight
      on_device.packed = pl.packed.to(device);
      on_device.scales = pl.scales.to(device);
      on_device.zeros = pl.zeros.to(device);
      if (!packed_only) l.w_hat = dequantize(on_device);
      l.packed = packed_only ? on_device : pl;
    } else {
      NFCodes c;
      c.bits = q.bits;
      c.block_size = q.nf_block_size;
      c.codes = unpack_codes(store.load(m + ".qweight"), q.bits, in);
      if (q.nf_double_quant()) {
        NFDoubleQuantized d;
        d.config = nf_double_quant_config(q);
        d.codes = c.codes;
        const int64_t blocks = (out * in + q.nf_block_size - 1) / q.nf_block_size;
        d.scale_codes = unpack_codes(store.load(m + ".nf_scale_codes"), q.nf_scale_bits, blocks).reshape({-1});
        d.scale_maxima = load_finite(store, m + ".nf_scale_maxima");
        d.offset = load_finite(store, m + ".nf_offset").reshape({});
        c.absmax = nf_double_quant_scales(d);
        l.nf_double = d;
      } else {
        c.absmax = load_finite(store, m + ".nf_absmax");
      }
      l.w_hat = nf_dequantize(c).to(device);
      l.nf = c;
    }
    if (spec.adapter) l.adapter = load_adapter(store, cfg, spec, block, k, device);
    if (store.contains(m + ".lora_A")) {
      l.lora.A = to_device_as(load_finite(store, m + ".lora_A"), device, torch::kFloat);
      l.lora.B = to_device_as(load_finite(store, m + ".lora_B"), device, torch::kFloat);
      l.lora.scaling = spec.lora.alpha / static_cast<double>(l.lora.A.size(0));
    }
    l.quantizer.opts = q;
    l.state = QuantLinear::State::Final;
  }
  // Fused decode (CUDA) multiplies q/k/v and gate/up as one product each; elsewhere the copy would buy nothing.
  if (packed_only && device.is_cuda()) place_packed_groups_adjacent(*qb);
  return qb;
}

}  // namespace apiq
