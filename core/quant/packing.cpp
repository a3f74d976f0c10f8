// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/packing.h"

#include <torch/types.h>

#include "ops/cuda_ops.h"

#include <stdexcept>
#include <string>

namespace apiq {

namespace {
void check_bits(int bits) {
  if (bits < 1 || bits > 8) throw std::invalid_argument("packing supports 1..8 bits, got " + std::to_string(bits));
}

// Shift of code k inside its word, as int64 [codes_per_word].
torch::Tensor shifts(int bits, torch::Device device) {
  return torch::arange(codes_per_word(bits), torch::TensorOptions().dtype(torch::kLong).device(device)) * bits;
}
}  // namespace

torch::Tensor pack_codes(const torch::Tensor& codes, int bits) {
  check_bits(bits);
  if (!codes.defined() || codes.dim() != 2 || codes.is_floating_point() || codes.is_complex())
    throw std::invalid_argument("pack_codes expects a [rows, in] integer tensor");
  const int64_t rows = codes.size(0), in = codes.size(1);
  const int64_t per = codes_per_word(bits), words = packed_words(in, bits);
  auto c = codes.to(torch::kLong);
  if (c.numel() > 0 && (c.min().item<int64_t>() < 0 || c.max().item<int64_t>() >= (int64_t{1} << bits)))
    throw std::invalid_argument("pack_codes: codes outside [0, " + std::to_string((1 << bits) - 1) + "] for " +
                                std::to_string(bits) + " bits");
  if (c.is_cuda() && cuda_kernels_enabled()) return pack_codes_kernel(c, bits);
  // Zero codes fill the last word; codes occupy disjoint bit fields, so a sum is an OR.
  c = torch::constant_pad_nd(c, {0, words * per - in}, 0).view({rows, words, per});
  auto w = torch::bitwise_left_shift(c, shifts(bits, c.device())).sum(-1);  // in [0, 2^32)
  // Reinterpret the unsigned 32-bit value as int32 explicitly rather than rely on a narrowing cast.
  w = torch::where(w >= (int64_t{1} << 31), w - (int64_t{1} << 32), w);
  return w.to(torch::kInt).contiguous();
}

torch::Tensor unpack_codes(const torch::Tensor& packed, int bits, int64_t in) {
  check_bits(bits);
  if (!packed.defined() || packed.dim() != 2 || packed.scalar_type() != torch::kInt)
    throw std::invalid_argument("unpack_codes expects [rows, words] int32 words");
  if (in < 0 || packed.size(1) != packed_words(in, bits))
    throw std::invalid_argument("unpack_codes: " + std::to_string(packed.size(1)) + " words per row cannot hold " +
                                std::to_string(in) + " codes of " + std::to_string(bits) + " bits");
  if (packed.is_cuda() && cuda_kernels_enabled()) return unpack_codes_kernel(packed, bits, in);
  const int64_t rows = packed.size(0);
  // Back to the unsigned 32-bit value in int64, then pick each field.
  const auto w = torch::bitwise_and(packed.to(torch::kLong), int64_t{0xFFFFFFFF}).unsqueeze(-1);
  const auto c = torch::bitwise_and(torch::bitwise_right_shift(w, shifts(bits, packed.device())), (int64_t{1} << bits) - 1);
  return c.reshape({rows, -1}).narrow(1, 0, in).to(torch::kByte).contiguous();
}

PackedLinear pack(const QuantizedCodes& q) {
  if (!q.codes.defined() || q.codes.dim() != 2) throw std::invalid_argument("pack: codes must be [out, in]");
  const int64_t out = q.codes.size(0), in = q.codes.size(1);
  const std::vector<int64_t> gshape = {out, num_groups(in, q.group_size)};
  if (q.scales.sizes() != gshape || q.zeros.sizes() != gshape)
    throw std::invalid_argument("pack: scales and zeros must be [out, n_groups]");
  PackedLinear p;
  p.bits = q.bits;
  p.out = out;
  p.in = in;
  p.group_size = q.group_size;
  p.packed = pack_codes(q.codes, q.bits);
  p.scales = q.scales.detach().to(torch::kHalf).contiguous();
  p.zeros = q.zeros.detach().to(torch::kInt).contiguous();
  return p;
}

QuantizedCodes unpack(const PackedLinear& p) {
  QuantizedCodes q;
  q.codes = unpack_codes(p.packed, p.bits, p.in);
  q.scales = p.scales.to(torch::kFloat);
  q.zeros = p.float_zeros() ? p.zeros : p.zeros.to(torch::kInt);  // merged adapters: fractional zeros
  q.bits = p.bits;
  q.group_size = p.group_size;
  return q;
}

torch::Tensor dequantize(const PackedLinear& p, torch::ScalarType dtype) {
  const auto q = unpack(p);
  return dequantize(q.codes, q.scales, q.zeros, q.group_size).to(dtype);
}

}  // namespace apiq
