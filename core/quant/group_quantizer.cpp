// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/group_quantizer.h"

#include <torch/types.h>
#include <torch/utils.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <ATen/autocast_mode.h>

#include "ops/cuda_ops.h"
#include "quant/nf_double_quant.h"
#include "quant/nf_quantizer.h"

namespace apiq {

namespace {
// Bounds from OmniQuant/ApiQ: keep the scale away from 0 (division) and from overflow, and the
// zero point finite even for degenerate groups.
constexpr double kScaleMin = 1e-5;
constexpr double kScaleMax = 1e4;
constexpr double kZeroBound = 1e4;

// float64 weights stay float64 (gradient checks); everything else is computed in float32 so
// fp16/bf16 weights do not lose the scale's precision.
torch::ScalarType compute_dtype(torch::ScalarType t) { return t == torch::kDouble ? torch::kDouble : torch::kFloat; }

double max_code(int bits) { return std::ldexp(1.0, bits) - 1.0; }

std::string shape_str(const torch::Tensor& t) {
  std::string s = "[";
  for (int64_t d = 0; d < t.dim(); ++d) s += (d ? ", " : "") + std::to_string(t.size(d));
  return s + "]";
}
}  // namespace


torch::Tensor round_ste(const torch::Tensor& x) {
  // torch::round rounds half to even. x + (round(x) − x) is exactly round(x) in floating point:
  // the difference is exact and the sum is representable, so the forward value is unchanged.
  return x + (torch::round(x) - x).detach();
}

torch::Tensor expand_groups(const torch::Tensor& per_group, int64_t in, int64_t group_size) {
  if (per_group.dim() != 2 || per_group.size(1) != num_groups(in, group_size))
    throw std::invalid_argument("per-group tensor " + shape_str(per_group) + " does not match " + std::to_string(in) +
                                " columns in groups of " + std::to_string(group_size));
  // Repeat each group over g columns, then drop the padding of a ragged last group.
  return per_group.repeat_interleave(group_size, 1).narrow(1, 0, in);
}

torch::Tensor fake_quant_groups(const torch::Tensor& W, const torch::Tensor& scale, const torch::Tensor& zero,
                                int bits, int64_t group_size) {
  const auto ct = compute_dtype(W.scalar_type());
  const int64_t in = W.size(1);
  const auto s = expand_groups(scale.to(ct), in, group_size);
  const auto z = expand_groups(zero.to(ct), in, group_size);
  const auto q = torch::clamp(round_ste(W.to(ct) / s) + z, 0.0, max_code(bits));
  return ((q - z) * s).to(W.scalar_type());
}

torch::Tensor dequantize(const torch::Tensor& codes, const torch::Tensor& scales, const torch::Tensor& zeros,
                         int64_t group_size) {
  if (codes.dim() != 2 || scales.sizes() != zeros.sizes() || scales.dim() != 2 || scales.size(0) != codes.size(0))
    throw std::invalid_argument("dequantize: codes " + shape_str(codes) + ", scales " + shape_str(scales) +
                                " and zeros " + shape_str(zeros) + " do not fit together");
  const auto ct = compute_dtype(scales.scalar_type());
  const int64_t in = codes.size(1);
  const auto s = expand_groups(scales.to(ct), in, group_size);
  const auto z = expand_groups(zeros.to(ct), in, group_size);
  // Same operation order as fake_quant_groups, so float32 scales reproduce Ŵ bit for bit.
  return (codes.to(ct) - z) * s;
}

GroupQuantizer::GroupQuantizer(const QuantizerOptions& o, int64_t out_features, int64_t in_features,
                               torch::Device device, torch::ScalarType param_dtype)
    : opts(o) {
  opts.validate();
  init(out_features, in_features, device, param_dtype);
}

void GroupQuantizer::init(int64_t out_features, int64_t in_features, torch::Device device,
                          torch::ScalarType param_dtype) {
  opts.validate();
  if (out_features <= 0 || in_features <= 0)
    throw std::invalid_argument("quantizer needs a non-empty weight shape, got [" + std::to_string(out_features) +
                                ", " + std::to_string(in_features) + "]");
  out = out_features;
  in = in_features;
  gamma = torch::Tensor();
  beta = torch::Tensor();
  if (!learnable()) return;
  const auto to = torch::TensorOptions().dtype(param_dtype).device(device);
  gamma = torch::full({out, n_groups()}, opts.clip_init, to).requires_grad_(true);
  beta = torch::full({out, n_groups()}, opts.clip_init, to).requires_grad_(true);
}

std::vector<torch::Tensor> GroupQuantizer::parameters() const {
  if (!gamma.defined()) return {};
  return {gamma, beta};
}

void GroupQuantizer::check_weight(const torch::Tensor& W) const {
  if (!W.defined() || W.dim() != 2 || !W.is_floating_point())
    throw std::invalid_argument("quantizer expects a floating-point [out, in] weight, got " +
                                (W.defined() ? shape_str(W) : std::string("an undefined tensor")));
  // Without clipping parameters the shape is free; with them it must be the one they were made for.
  if ((learnable() || out > 0) && (W.size(0) != out || W.size(1) != in))
    throw std::invalid_argument("quantizer was initialised for [" + std::to_string(out) + ", " + std::to_string(in) +
                                "] but got a weight of shape " + shape_str(W));
  if (learnable() && !gamma.defined()) throw std::invalid_argument("quantizer used before init()");
}

std::pair<torch::Tensor, torch::Tensor> GroupQuantizer::scale_and_zero(const torch::Tensor& W) const {
  check_weight(W);
  if (opts.format != QuantizerOptions::Format::Int)
    throw std::invalid_argument("scale_and_zero is for the int format; nf uses absmax blocks");
  const auto ct = compute_dtype(W.scalar_type());
  const int64_t rows = W.size(0), cols = W.size(1), g = opts.group_size;
  const int64_t G = num_groups(cols, g), pad = G * g - cols;
  const auto Wc = W.to(ct);
  // Pad a ragged last group with −inf for the max and +inf for the min: the padding can never
  // win, so each group's range comes from its real elements only.
  const double inf = std::numeric_limits<double>::infinity();
  auto xmax = torch::constant_pad_nd(Wc, {0, pad}, -inf).view({rows, G, g}).amax(-1);
  auto xmin = torch::constant_pad_nd(Wc, {0, pad}, inf).view({rows, G, g}).amin(-1);
  if (learnable()) {
    xmax = torch::sigmoid(gamma).to(ct) * xmax;
    xmin = torch::sigmoid(beta).to(ct) * xmin;
  }
  const double maxq = max_code(opts.bits);
  if (opts.mode == QuantizerOptions::Mode::Sym) {
    // GPTQ's symmetric grid: the range is [−A, A] with A = max(|xmin|, |xmax|), scale = 2A/(2^b − 1)
    // and the fixed zero point (2^b − 1 + 1)/2 = 2^(b−1), so the levels are {−2^(b−1) … 2^(b−1) − 1}·s.
    // (GPTQ keeps xmin = 0 for an all-nonnegative group; we always use the symmetric range.)
    const auto absmax = torch::maximum(xmax.abs(), xmin.abs());
    const auto s = torch::clamp(2.0 * absmax / maxq, kScaleMin, kScaleMax);
    const auto z = torch::full_like(s, std::ldexp(1.0, opts.bits - 1)).detach();
    return {s, z};
  }
  const auto s = torch::clamp((xmax - xmin) / maxq, kScaleMin, kScaleMax);
  // The zero point gets no gradient: γ and β learn through the scale only. It is not clamped to
  // the code range, so a group that does not straddle 0 keeps its exact grid (stored as int16, quant/stored_zeros.h).
  const auto z = torch::round(torch::clamp(-xmin / s, -kZeroBound, kZeroBound)).detach();
  return {s, z};
}

torch::Tensor GroupQuantizer::fake_quant(const torch::Tensor& W) const {
  if (opts.format == QuantizerOptions::Format::NF) {
    check_weight(W);
    return nf_fake_quant(W, opts);
  }
  if (fused_fake_quant(opts, W.device()) && W.scalar_type() != torch::kDouble && gamma.scalar_type() == torch::kFloat) {
    check_weight(W);
    // Under autocast the fused kernel writes Ŵ directly in the autocast dtype (the matmul would
    // cast it anyway), saving a full pass over the weight each way. Outside it Ŵ is float32 also
    // for a bf16 W (Method::init_block keeps a bf16 source as is): the grid is not rounded to bf16.
    const auto out_dtype = at::autocast::is_autocast_enabled(at::kCUDA) ? at::autocast::get_autocast_dtype(at::kCUDA)
                                                                          : torch::kFloat;
    return fake_quant_lwc_kernel(W, gamma, beta, opts.bits, opts.group_size, out_dtype);
  }
  // The composed ops compute the grid in W's dtype: a 16-bit W is widened first.
  const auto Wc = W.is_floating_point() && W.element_size() < 4 ? W.to(torch::kFloat) : W;
  const auto [s, z] = scale_and_zero(Wc);
  return fake_quant_groups(Wc, s, z, opts.bits, opts.group_size);
}

bool fused_fake_quant(const QuantizerOptions& q, torch::Device device) {
  return q.format == QuantizerOptions::Format::Int && q.learnable_clipping && q.mode == QuantizerOptions::Mode::Asym &&
         device.is_cuda() && cuda_kernels_enabled();
}

QuantizedCodes GroupQuantizer::quantize(const torch::Tensor& W) const {
  if (opts.format != QuantizerOptions::Format::Int)
    throw std::invalid_argument("GroupQuantizer::quantize is for the int format; use nf_quantize for nf");
  torch::NoGradGuard no_grad;
  const auto [s, z] = scale_and_zero(W);
  const auto ct = s.scalar_type();
  const int64_t in_cols = W.size(1);
  const auto s_col = expand_groups(s, in_cols, opts.group_size);
  const auto z_col = expand_groups(z, in_cols, opts.group_size);
  const auto q = torch::clamp(torch::round(W.to(ct) / s_col) + z_col, 0.0, max_code(opts.bits));
  QuantizedCodes qc;
  qc.codes = q.to(torch::kByte).contiguous();
  qc.scales = s.contiguous();
  qc.zeros = z.to(torch::kInt).contiguous();
  qc.bits = opts.bits;
  qc.group_size = opts.group_size;
  return qc;
}

}  // namespace apiq
