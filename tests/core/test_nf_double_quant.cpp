// SPDX-License-Identifier: GPL-3.0-or-later
// LQ-LoRA's NF double quantization against a hand-computed example, and its storage formula
// against the bytes of the tensors it writes.
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "quant/nf_double_quant.h"
#include "quant/nf_quantizer.h"

using namespace apiq;

TEST(NfDoubleQuant, HandComputedExample) {
  // b = 2 (NF2 = {−1, 0, 0.3379152, 1}, midpoints −0.5, 0.1689576, 0.6689576), b0 = 2 (codes 0..3),
  // fp32 maxima, B0 = 2, B1 = 2.
  NFDoubleQuantConfig c;
  c.bits = 2, c.scale_bits = 2, c.block_size = 2, c.scale_block = 2;
  const auto W = torch::tensor({0.5f, -1.0f, 2.0f, 0.25f, 0.1f, -0.2f, 4.0f, 3.0f});
  // Block absmax: 1.0, 2.0, 0.2, 4.0. Offset = least = 0.2; shifted: 0.8, 1.8, 0.0, 3.8.
  // Groups of two: {0.8, 1.8} max 1.8, {0.0, 3.8} max 3.8; step = max/3: 0.6, 3.8/3.
  // Codes: round(0.8/0.6 = 1.33) = 1, 3, 0, 3 -> scales 1·0.6+0.2 = 0.8, 2.0, 0.2, 4.0.
  // Weights against those scales: 0.5/0.8 = 0.625 -> 0.3379 (code 2); −1/0.8 = −1.25 -> −1 (code 0);
  // 2/2 = 1 -> 1 (3); 0.25/2 = 0.125 -> 0 (1); 0.1/0.2 = 0.5 -> 0.3379 (2); −0.2/0.2 -> −1 (0);
  // 4/4 -> 1 (3); 3/4 = 0.75 -> 1 (3).
  const auto q = nf_double_quantize(W, c);
  EXPECT_FLOAT_EQ(q.offset.item<float>(), 0.2f);
  EXPECT_TRUE(torch::allclose(q.scale_maxima, torch::tensor({1.8f, 3.8f})));
  EXPECT_TRUE(torch::equal(q.scale_codes, torch::tensor({1, 3, 0, 3}, torch::kByte)));
  EXPECT_TRUE(torch::allclose(nf_double_quant_scales(q), torch::tensor({0.8f, 2.0f, 0.2f, 4.0f})));
  EXPECT_TRUE(torch::equal(q.codes, torch::tensor({2, 0, 3, 1, 2, 0, 3, 3}, torch::kByte)));
  const float l = 0.3379152f;
  const auto want = torch::tensor({0.8f * l, -0.8f, 2.0f, 0.0f, 0.2f * l, -0.2f, 4.0f, 4.0f});
  EXPECT_TRUE(torch::allclose(nf_double_dequantize(q), want, 1e-5, 1e-6)) << nf_double_dequantize(q);
  // LQ-LoRA's formula for this configuration: 2 + 2/2 + 32/4 = 11 bits per parameter.
  EXPECT_DOUBLE_EQ(c.bits_per_param(), 11.0);
}

TEST(NfDoubleQuant, FormulaMatchesCountedBytes) {
  using SF = NFDoubleQuantConfig::ScaleFloat;
  torch::manual_seed(1);
  // 64 x 256 = 16384 elements: whole words, blocks and scale groups for every B0, B1 below.
  const auto W = torch::randn({64, 256});
  for (int b : {2, 3, 4})
    for (int b0 : {2, 3, 4, 8})
      for (SF sf : {SF::BF16, SF::FP16, SF::FP32})
        for (int64_t B0 : {16, 32, 64})
          for (int64_t B1 : {16, 64, 256}) {
            NFDoubleQuantConfig c;
            c.bits = b, c.scale_bits = b0, c.scale_float = sf, c.block_size = B0, c.scale_block = B1;
            const auto p = pack(nf_double_quantize(W, c));
            const int64_t counted_bits = 8 * p.storage_bytes();
            EXPECT_EQ(counted_bits, nf_double_quant_storage_bits(c, W.numel()));
            // Where codes fill 32-bit words exactly (b, b0 dividing 32) the formula is exact:
            // b·n + b0·n/B0 + b1·n/(B0·B1) + the 32-bit offset.
            if (32 % b == 0 && 32 % b0 == 0 && (W.numel() / B0) % B1 == 0)
              EXPECT_DOUBLE_EQ(static_cast<double>(counted_bits), c.bits_per_param() * W.numel() + 32)
                  << "b " << b << " b0 " << b0 << " B0 " << B0 << " B1 " << B1;
          }
  // LQ-LoRA's example: (4, 8, fp32, 64, 256) = 4.127 bits per parameter.
  NFDoubleQuantConfig c;
  EXPECT_NEAR(c.bits_per_param(), 4.127, 5e-4);
}

TEST(NfDoubleQuant, RaggedShapesRoundTripAndStayCloseToPlainNf) {
  torch::manual_seed(2);
  const auto W = torch::randn({37, 53}) * 0.02;  // 1961 elements: short last block and group
  NFDoubleQuantConfig c;
  c.bits = 4, c.scale_bits = 8, c.block_size = 64, c.scale_block = 16;
  const auto q = nf_double_quantize(W, c);
  EXPECT_EQ(q.scale_codes.numel(), 31);  // ceil(1961/64)
  EXPECT_EQ(q.scale_maxima.numel(), 2);  // ceil(31/16)
  EXPECT_EQ(8 * pack(q).storage_bytes(), nf_double_quant_storage_bits(c, W.numel()));
  // 8-bit scales lose little: within 2% of plain NF4 (float32 absmax) in reconstruction error.
  const double plain = (W - nf_fake_quant(W, 4, 64)).norm().item<double>();
  const double dq = (W - nf_double_dequantize(q)).norm().item<double>();
  EXPECT_LT(dq, plain * 1.02);
  // The dequantized scales are within one step of the true absmax.
  const auto err = (nf_double_quant_scales(q) - nf_block_absmax(W, 64)).abs().max().item<double>();
  EXPECT_LE(err, q.scale_maxima.max().item<double>() / 255.0 * 0.5 + 1e-7);
}
