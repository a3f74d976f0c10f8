// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/nf_double_quant.h"

#include <torch/types.h>
#include <torch/utils.h>

#include <stdexcept>
#include <string>

#include "ops/packed_layout.h"
#include "quant/nf_quantizer.h"
#include "quant/packing.h"

namespace apiq {

namespace {
int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
}  // namespace

torch::ScalarType NFDoubleQuantConfig::scale_dtype() const {
  switch (scale_float) {
    case ScaleFloat::BF16: return torch::kBFloat16;
    case ScaleFloat::FP16: return torch::kHalf;
    case ScaleFloat::FP32: return torch::kFloat;
  }
  return torch::kFloat;
}

double NFDoubleQuantConfig::bits_per_param() const {
  const double B0 = static_cast<double>(block_size), B1 = static_cast<double>(scale_block);
  return bits + scale_bits / B0 + scale_float_bits() / (B0 * B1);
}

void NFDoubleQuantConfig::validate() const {
  if (bits < 2 || bits > 4) throw std::invalid_argument("nf double quantization: b must be 2, 3 or 4, got " + std::to_string(bits));
  if (scale_bits < 1 || scale_bits > 8)
    throw std::invalid_argument("nf double quantization: b0 must be 1..8, got " + std::to_string(scale_bits));
  if (block_size <= 0 || scale_block <= 0)
    throw std::invalid_argument("nf double quantization: block sizes B0 and B1 must be positive");
}

NFDoubleQuantized nf_double_quantize(const torch::Tensor& W, const NFDoubleQuantConfig& config) {
  config.validate();
  if (!W.defined() || !W.is_floating_point() || W.numel() == 0)
    throw std::invalid_argument("nf_double_quantize expects a non-empty floating-point tensor");
  torch::NoGradGuard no_grad;
  const auto absmax = nf_block_absmax(W, config.block_size);
  NFDoubleQuantized q;
  q.config = config;
  q.offset = absmax.min().to(torch::kFloat);
  const auto shifted = absmax - q.offset.to(absmax.scalar_type());
  // Pad the last group with zero shifts: they cannot raise its maximum.
  const int64_t nb = absmax.size(0), ng = ceil_div(nb, config.scale_block);
  const auto groups = torch::constant_pad_nd(shifted, {0, ng * config.scale_block - nb}, 0.0).view({ng, config.scale_block});
  q.scale_maxima = groups.amax(1).to(config.scale_dtype()).contiguous();
  // Codes against the maxima as stored (rounded to b1), clamped since rounding may have lowered one.
  const double top = static_cast<double>((1 << config.scale_bits) - 1);
  const auto maxima = q.scale_maxima.to(groups.scalar_type()).unsqueeze(1);
  const auto codes = torch::where(maxima > 0, torch::round(groups * top / torch::where(maxima > 0, maxima, torch::ones_like(maxima))),
                                  torch::zeros_like(groups));
  q.scale_codes = codes.clamp(0, top).reshape({-1}).narrow(0, 0, nb).to(torch::kByte).contiguous();
  q.codes = nf_encode(W, nf_double_quant_scales(q).to(absmax.scalar_type()), config.bits, config.block_size);
  return q;
}

torch::Tensor nf_double_quant_scales(const NFDoubleQuantized& q) {
  const auto& c = q.config;
  const int64_t nb = q.scale_codes.numel();
  const double top = static_cast<double>((1 << c.scale_bits) - 1);
  const auto step = (q.scale_maxima.to(torch::kFloat) / top).repeat_interleave(c.scale_block).narrow(0, 0, nb);
  return q.scale_codes.to(torch::kFloat) * step + q.offset.to(torch::kFloat);
}

torch::Tensor nf_double_dequantize(const NFDoubleQuantized& q, torch::ScalarType dtype) {
  NFCodes c;
  c.codes = q.codes;
  c.absmax = nf_double_quant_scales(q);
  c.bits = q.config.bits;
  c.block_size = q.config.block_size;
  return nf_dequantize(c, dtype);
}

int64_t NFDoubleQuantPacked::storage_bytes() const {
  int64_t n = 0;
  for (const auto* t : {&codes, &scale_codes, &scale_maxima, &offset}) n += t->numel() * static_cast<int64_t>(t->element_size());
  return n;
}

NFDoubleQuantPacked pack(const NFDoubleQuantized& q) {
  NFDoubleQuantPacked p;
  p.codes = pack_codes(q.codes.reshape({1, -1}), q.config.bits);
  p.scale_codes = pack_codes(q.scale_codes.reshape({1, -1}), q.config.scale_bits);
  p.scale_maxima = q.scale_maxima;
  p.offset = q.offset.reshape({1});
  return p;
}

NFDoubleQuantConfig nf_double_quant_config(const QuantizerOptions& q) {
  NFDoubleQuantConfig c;
  c.bits = q.bits;
  c.scale_bits = q.nf_scale_bits;
  c.scale_float = q.nf_scale_float;
  c.block_size = q.nf_block_size;
  c.scale_block = q.nf_scale_block;
  return c;
}

torch::Tensor nf_fake_quant(const torch::Tensor& W, const QuantizerOptions& q) {
  if (!q.nf_double_quant()) return nf_fake_quant(W, q.bits, q.nf_block_size);
  torch::NoGradGuard no_grad;
  return nf_double_dequantize(nf_double_quantize(W, nf_double_quant_config(q)), W.scalar_type());
}

int64_t nf_linear_storage_bits(int64_t out, int64_t in, const QuantizerOptions& q) {
  const int64_t codes = 32 * out * packed_words(in, q.bits), nb = ceil_div(out * in, q.nf_block_size);
  if (!q.nf_double_quant()) return codes + 32 * nb;
  const NFDoubleQuantConfig c = nf_double_quant_config(q);
  c.validate();
  return codes + 32 * packed_words(nb, c.scale_bits) + c.scale_float_bits() * ceil_div(nb, c.scale_block) + 32;
}

int64_t nf_double_quant_storage_bits(const NFDoubleQuantConfig& c, int64_t numel) {
  c.validate();
  const int64_t nb = ceil_div(numel, c.block_size), ng = ceil_div(nb, c.scale_block);
  return 32 * packed_words(numel, c.bits) + 32 * packed_words(nb, c.scale_bits) + c.scale_float_bits() * ng + 32;
}

}  // namespace apiq
