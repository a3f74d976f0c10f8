// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/nf_quantizer.h"

#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace apiq {

namespace {
constexpr double kNfOffset = 0.9677083;  // bitsandbytes' δ for NF4

void check_bits(int bits) {
  if (bits < 2 || bits > 4) throw std::invalid_argument("nf bits must be 2, 3 or 4, got " + std::to_string(bits));
}

// n points spaced evenly from a down to b inclusive (n >= 2).
std::vector<double> spaced(double a, double b, int n) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = a + (b - a) * i / (n - 1);
  return v;
}

torch::ScalarType compute_dtype(torch::ScalarType t) { return t == torch::kDouble ? torch::kDouble : torch::kFloat; }
}  // namespace

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("normal_quantile needs p in (0, 1)");
  if (p < 0.5) return -normal_quantile(1.0 - p);
  if (p == 0.5) return 0.0;
  // Newton on the upper tail Q(x) = ½·erfc(x/√2) = 1 − p, from x = 0. Φ is concave on x ≥ 0, so
  // the iterates rise monotonically to the root without overshooting.
  const double tail = 1.0 - p;
  const double inv_sqrt_2pi = 0.3989422804014327;
  double x = 0.0;
  for (int it = 0; it < 200; ++it) {
    const double q = 0.5 * std::erfc(x / std::sqrt(2.0));
    const double pdf = inv_sqrt_2pi * std::exp(-0.5 * x * x);
    const double step = (q - tail) / pdf;
    x += step;
    if (std::abs(step) <= 1e-15 * std::max(1.0, std::abs(x))) break;
  }
  return x;
}

std::vector<double> normal_float_levels(int bits) {
  check_bits(bits);
  const int half = 1 << (bits - 1);
  std::vector<double> levels;
  auto pos = spaced(kNfOffset, 0.5, half + 1);  // drop the last point (½ → 0)
  for (int i = 0; i < half; ++i) levels.push_back(normal_quantile(pos[i]));
  levels.push_back(0.0);
  auto neg = spaced(kNfOffset, 0.5, half);
  for (int i = 0; i + 1 < half; ++i) levels.push_back(-normal_quantile(neg[i]));
  const double norm = normal_quantile(kNfOffset);  // the largest magnitude on both sides
  for (auto& v : levels) v /= norm;
  std::sort(levels.begin(), levels.end());
  // Exact ends: both extremes are ±Φ⁻¹(δ)/Φ⁻¹(δ).
  levels.front() = -1.0;
  levels.back() = 1.0;
  return levels;
}

namespace {
// W flattened and padded with zeros to whole blocks, [n_blocks, block_size] in the compute dtype.
// Zero padding cannot change a block's absolute maximum.
torch::Tensor as_blocks(const torch::Tensor& W, int64_t block_size) {
  if (block_size <= 0) throw std::invalid_argument("nf block size must be positive");
  if (!W.defined() || !W.is_floating_point() || W.numel() == 0)
    throw std::invalid_argument("nf quantization expects a non-empty floating-point tensor");
  const int64_t n = W.numel();
  const int64_t nb = (n + block_size - 1) / block_size;
  return torch::constant_pad_nd(W.detach().to(compute_dtype(W.scalar_type())).reshape({-1}), {0, nb * block_size - n}, 0.0)
      .view({nb, block_size});
}
}  // namespace

torch::Tensor nf_encode(const torch::Tensor& W, const torch::Tensor& block_scales, int bits, int64_t block_size) {
  check_bits(bits);
  torch::NoGradGuard no_grad;
  const auto blocks = as_blocks(W, block_size);
  if (block_scales.dim() != 1 || block_scales.size(0) != blocks.size(0))
    throw std::invalid_argument("nf_encode: " + std::to_string(block_scales.numel()) + " block scales for " +
                                std::to_string(blocks.size(0)) + " blocks");
  const auto scale = block_scales.to(blocks.options());
  const auto safe = torch::where(scale > 0, scale, torch::ones_like(scale));
  const auto normed = blocks / safe.unsqueeze(1);
  // Nearest level by the midpoints between neighbours; bucketize puts a value equal to a
  // midpoint into the lower bucket, and values beyond ±1 into the end levels.
  const auto lv = normal_float_levels(bits);
  std::vector<double> mid(lv.size() - 1);
  for (size_t i = 0; i + 1 < lv.size(); ++i) mid[i] = 0.5 * (lv[i] + lv[i + 1]);
  const auto boundaries = torch::tensor(mid, torch::TensorOptions().dtype(torch::kDouble)).to(blocks.options());
  const auto idx = torch::bucketize(normed, boundaries);
  return idx.reshape({-1}).narrow(0, 0, W.numel()).to(torch::kByte).view(W.sizes()).contiguous();
}

torch::Tensor nf_block_absmax(const torch::Tensor& W, int64_t block_size) {
  torch::NoGradGuard no_grad;
  return as_blocks(W, block_size).abs().amax(1).contiguous();
}

NFCodes nf_quantize(const torch::Tensor& W, int bits, int64_t block_size) {
  check_bits(bits);
  NFCodes c;
  c.absmax = nf_block_absmax(W, block_size);
  c.codes = nf_encode(W, c.absmax, bits, block_size);
  c.bits = bits;
  c.block_size = block_size;
  return c;
}

torch::Tensor nf_dequantize(const NFCodes& c, torch::ScalarType dtype) {
  check_bits(c.bits);
  const int64_t n = c.codes.numel();
  const int64_t nb = (n + c.block_size - 1) / c.block_size;
  if (c.absmax.dim() != 1 || c.absmax.size(0) != nb)
    throw std::invalid_argument("nf_dequantize: " + std::to_string(c.absmax.numel()) + " block scales for " +
                                std::to_string(n) + " elements in blocks of " + std::to_string(c.block_size));
  const auto ct = compute_dtype(c.absmax.scalar_type());
  const auto lv = torch::tensor(normal_float_levels(c.bits), torch::TensorOptions().dtype(torch::kDouble))
                      .to(torch::TensorOptions().dtype(ct).device(c.codes.device()));
  const auto values = lv.index_select(0, c.codes.reshape({-1}).to(torch::kLong));
  const auto scale = c.absmax.to(ct).repeat_interleave(c.block_size).narrow(0, 0, n);
  return (values * scale).view(c.codes.sizes()).to(dtype);
}

torch::Tensor nf_fake_quant(const torch::Tensor& W, int bits, int64_t block_size) {
  return nf_dequantize(nf_quantize(W, bits, block_size), W.scalar_type());
}

}  // namespace apiq
