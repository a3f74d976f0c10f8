// SPDX-License-Identifier: GPL-3.0-or-later
// The packed tensor-core product as decode uses it: the residual, the RMSNorm and SiLU·mul prologues,
// uint8 zero points, the unmerged LoRA epilogue and the SiLU·mul output, each against the separate
// kernels and float64 on fresh random inputs (test_cuda_fused_decode.cpp: the decode kernels and
// whole models).
#include <string>

#include "bench/random_packed_model.h"
#include "ops/cuda_ops.h"
#include "ops/decode_ops.h"
#include "ops/rms_norm.h"
#include "cuda_decode_test_util.h"
#include "test_util.h"

using namespace apiq;
using apiq::test::on_cuda;
using apiq::test::rel_err;

namespace {

const torch::Device kCuda(torch::kCUDA);

}  // namespace

TEST(CudaFusedDecode, PackedProductAddsTheResidual) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(3);
  // Tensor-core shapes (group 64, whole chunks) and ragged CUDA-core ones; 1, 3 and 12 rows (12:
  // two launches where x does not fit in shared memory).
  for (auto [out, in, bits, group] : std::vector<std::tuple<int64_t, int64_t, int, int64_t>>{
           {4096, 4096, 2, 64}, {11008, 4096, 4, 128}, {300, 1000, 3, 50}, {4096, 11008, 2, 64}}) {
    auto p = random_packed_linear(out, in, bits, group, kCuda);
    for (int64_t m : {1, 3, 12}) {
      auto x = torch::randn({m, in}, on_cuda(torch::kBFloat16));
      auto r = torch::randn({m, out}, on_cuda(torch::kBFloat16));
      for (bool tc : {true, false}) {
        auto plain = packed_gemv_kernel(x, p, tc).to(torch::kDouble);
        auto with = packed_gemv_kernel(x, p, tc, r);
        // One rounding of (product + residual): within a bf16 unit of the sum of the two.
        EXPECT_LT(rel_err(with, plain + r.to(torch::kDouble)), 1.6e-2) << out << "x" << in << " m " << m << " tc " << tc;
      }
    }
  }
}

namespace {

// Ŵ of a packed linear in float64 (the dequantize kernel reads int32 or float32 zero points).
torch::Tensor dequantized64(const PackedLinear& p) { return dequantize_kernel(p, torch::kFloat).to(torch::kDouble); }

struct ProductShape {
  int64_t out, in;
  int bits;
  int64_t group;
};
// Tensor-core shapes with one, two and four quads per group, 2 and 4 bits.
const std::vector<ProductShape> kTensorCoreShapes = {
    {4096, 4096, 2, 64}, {1536, 512, 4, 128}, {640, 1024, 2, 128}, {384, 768, 2, 256}, {200, 11008, 2, 64}};

}  // namespace

TEST(CudaFusedDecode, ProductNormalizesItsInputAsTheNormKernelDoes) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(21);
  const double eps = 1e-5;
  for (const auto& s : kTensorCoreShapes) {
    auto p = random_packed_linear(s.out, s.in, s.bits, s.group, kCuda);
    for (auto dt : {torch::kBFloat16, torch::kHalf}) {
      auto w = (torch::randn({s.in}, on_cuda(torch::kFloat)) * 0.5 + 1).to(dt);
      const GemvInputOp op{GemvInputOp::Kind::RmsNorm, w, eps};
      for (int64_t m : {1, 3, 12}) {
        ASSERT_TRUE(packed_gemv_input_op_supported(p, m, dt, op)) << s.out << "x" << s.in << " m " << m;
        auto x = torch::randn({m, s.in}, on_cuda(dt)) * 3;
        auto ours = packed_gemv_with_input_op(x, p, op);
        auto composed = packed_gemv_kernel(rms_norm_kernel(x, w, eps), p);
        // The block-wide sum of squares may differ from the norm kernel's in its last bits, which
        // can move a normalized value by one unit of its type: far below the product's own rounding.
        EXPECT_LT(rel_err(ours, composed), dt == torch::kHalf ? 2e-3 : 1.6e-2) << s.out << "x" << s.in << " m " << m;
        auto x64 = x.to(torch::kDouble);
        auto xn = x64 * torch::rsqrt(x64.pow(2).mean(-1, true) + eps) * w.to(torch::kDouble);
        EXPECT_LT(rel_err(ours, torch::mm(xn, dequantized64(p).t())), 3e-2) << s.out << "x" << s.in << " m " << m;
      }
    }
  }
}

TEST(CudaFusedDecode, ProductAppliesSiluMulToItsInputAsTheKernelDoes) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(22);
  const GemvInputOp op{GemvInputOp::Kind::SiluMul, {}, 0.0};
  for (const auto& s : kTensorCoreShapes) {
    auto p = random_packed_linear(s.out, s.in, s.bits, s.group, kCuda);
    for (int64_t m : {1, 3, 12}) {
      auto gu = torch::randn({m, 2 * s.in}, on_cuda(torch::kBFloat16)) * 2;
      auto r = torch::randn({m, s.out}, gu.options());
      auto ours = packed_gemv_with_input_op(gu, p, op, r);
      // The same formula and rounding as silu_mul_kernel, then the same product.
      EXPECT_LT(rel_err(ours, packed_gemv_kernel(silu_mul_kernel(gu), p, true, r)), 1e-3) << s.out << "x" << s.in;
      auto g = gu.narrow(1, 0, s.in).to(torch::kDouble), u = gu.narrow(1, s.in, s.in).to(torch::kDouble);
      auto ref = torch::mm(g * torch::sigmoid(g) * u, dequantized64(p).t()) + r.to(torch::kDouble);
      EXPECT_LT(rel_err(ours, ref), 3e-2) << s.out << "x" << s.in << " m " << m;
    }
  }
  // What the kernel cannot take is refused, not computed wrongly.
  auto p = random_packed_linear(300, 1000, 3, 50, kCuda);  // 3-bit: CUDA-core kernel only
  EXPECT_FALSE(packed_gemv_input_op_supported(p, 1, torch::kBFloat16, op));
  auto p2 = random_packed_linear(256, 512, 2, 64, kCuda);
  const GemvInputOp short_norm{GemvInputOp::Kind::RmsNorm, torch::ones({511}, on_cuda(torch::kBFloat16)), 1e-5};
  EXPECT_FALSE(packed_gemv_input_op_supported(p2, 1, torch::kBFloat16, short_norm));
  EXPECT_THROW(packed_gemv_with_input_op(torch::randn({1, 512}, on_cuda(torch::kBFloat16)), p2, short_norm),
               c10::Error);
}

TEST(CudaFusedDecode, ByteZeroPointsGiveTheInt32ProductExactly) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(23);
  for (const auto& s : kTensorCoreShapes) {
    auto p = random_packed_linear(s.out, s.in, s.bits, s.group, kCuda);
    p.zeros = torch::randint(0, 256, p.zeros.sizes(), p.zeros.options());  // the whole uint8 range
    PackedLinear narrow = p;
    narrow.zeros = p.zeros.to(torch::kByte);
    for (int64_t m : {1, 5, 16}) {
      auto x = torch::randn({m, s.in}, on_cuda(torch::kBFloat16));
      ASSERT_TRUE(packed_gemv_uses_tensor_cores(narrow, x));
      EXPECT_TRUE(torch::equal(packed_gemv_kernel(x, narrow), packed_gemv_kernel(x, p))) << s.out << "x" << s.in;
    }
  }
  auto p = random_packed_linear(256, 512, 2, 64, kCuda);
  p.zeros = p.zeros.to(torch::kByte);
  EXPECT_THROW(packed_gemv_kernel(torch::randn({1, 512}, on_cuda(torch::kBFloat16)), p, false), c10::Error);
  EXPECT_THROW(dequantize_kernel(p, torch::kFloat), c10::Error);
}

// The unmerged LoRA of decode: u = op(x) Aᵀ (lora_down_kernel) and y = op(x) Ŵᵀ + u's slice Bᵀ + r
// inside the product, the rows split over three linears of unequal size, against float64; 12 rows
// of the 11008-wide case run as two launches (the second reads u from row 8).
TEST(CudaFusedDecode, ProductAddsAnUnmergedLoraAsFloat64Does) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(25);
  const int64_t rank = 16;
  for (const auto& s : kTensorCoreShapes) {
    auto p = random_packed_linear(s.out, s.in, s.bits, s.group, kCuda);
    const auto bf = on_cuda(torch::kBFloat16);
    auto A = (torch::randn({3 * rank, s.in}, bf) * 0.05).contiguous();
    auto B = (torch::randn({s.out, rank}, bf) * 0.05).contiguous();
    auto w = (torch::randn({s.in}, on_cuda(torch::kFloat)) * 0.5 + 1).to(torch::kBFloat16);
    const int64_t split0 = s.out / 3, split1 = s.out / 2, bounds[] = {0, split0, split1, s.out};
    for (const GemvInputOp& op : {GemvInputOp{}, GemvInputOp{GemvInputOp::Kind::RmsNorm, w, 1e-5},
                                  GemvInputOp{GemvInputOp::Kind::SiluMul, {}, 0.0}}) {
      const bool silu = op.kind == GemvInputOp::Kind::SiluMul;
      for (int64_t m : {1, 3, 12}) {
        auto x = torch::randn({m, silu ? 2 * s.in : s.in}, bf) * 2;
        auto x64 = x.to(torch::kDouble), in64 = x64;
        if (op.kind == GemvInputOp::Kind::RmsNorm)
          in64 = x64 * torch::rsqrt(x64.pow(2).mean(-1, true) + 1e-5) * w.to(torch::kDouble);
        if (silu) {
          auto g = x64.narrow(1, 0, s.in), up = x64.narrow(1, s.in, s.in);
          in64 = g * torch::sigmoid(g) * up;
        }
        const std::string what = std::to_string(s.out) + "x" + std::to_string(s.in) + " m " + std::to_string(m) +
                                 " op " + std::to_string(static_cast<int>(op.kind));
        auto u = lora_down_kernel(x, A, op);
        EXPECT_LT(rel_err(u, torch::mm(in64, A.to(torch::kDouble).t())), 2e-2) << what;
        auto r = torch::randn({m, s.out}, bf);
        auto y = packed_gemv_with_input_op(x, p, op, r, {B, u, split0, split1});
        auto ref = torch::mm(in64, dequantized64(p).t()) + r.to(torch::kDouble);
        for (int j = 0; j < 3; ++j)
          ref.narrow(1, bounds[j], bounds[j + 1] - bounds[j])
              .add_(torch::mm(u.to(torch::kDouble).narrow(1, j * rank, rank),
                              B.to(torch::kDouble).narrow(0, bounds[j], bounds[j + 1] - bounds[j]).t()));
        EXPECT_LT(rel_err(y, ref), 3e-2) << what;
        // Without the LoRA's terms the result is measurably different (the test can fail).
        EXPECT_GT(rel_err(packed_gemv_with_input_op(x, p, op, r), ref), 1e-3) << what;
      }
    }
  }
}

// Gate/up as one product storing silu(gate)·up (GemvOutputOp::SiluMul): gate row i and up row i
// meet in one tile, so a wrong pairing would be off by O(1). Against the product followed by
// silu_mul_kernel (equal up to the order of float32 partial sums, i.e. a bf16 unit here and there)
// and against float64; with RMSNorm in and an unmerged LoRA (u split between gate and up); both
// product forms, 2 and 4 bits, up to 8 rows (more are refused).
TEST(CudaFusedDecode, GateUpProductStoresSiluMulAsTheTwoKernelsDo) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(26);
  const int64_t rank = 8;
  const auto bf = on_cuda(torch::kBFloat16);
  for (const ProductShape& s : std::vector<ProductShape>{
           {4096, 4096, 2, 64}, {352, 1024, 4, 32}, {1536, 512, 4, 128}, {640, 1024, 2, 128}, {96, 11008, 2, 64}}) {
    auto p = random_packed_linear(s.out, s.in, s.bits, s.group, kCuda);
    const int64_t half = s.out / 2;
    auto A = (torch::randn({2 * rank, s.in}, bf) * 0.05).contiguous();
    auto B = (torch::randn({s.out, rank}, bf) * 0.05).contiguous();
    auto w = (torch::randn({s.in}, on_cuda(torch::kFloat)) * 0.5 + 1).to(torch::kBFloat16);
    for (const GemvInputOp& op : {GemvInputOp{}, GemvInputOp{GemvInputOp::Kind::RmsNorm, w, 1e-5}}) {
      ASSERT_TRUE(packed_gemv_input_op_supported(p, 1, torch::kBFloat16, op, GemvOutputOp::SiluMul));
      for (int64_t m : {1, 3, 8}) {
        for (bool with_lora : {false, true}) {
          auto x = torch::randn({m, s.in}, bf) * 2;
          const GemvLoraTerm lora = with_lora ? GemvLoraTerm{B, lora_down_kernel(x, A, op), half} : GemvLoraTerm{};
          auto ours = packed_gemv_with_input_op(x, p, op, {}, lora, GemvOutputOp::SiluMul);
          auto gu = packed_gemv_with_input_op(x, p, op, {}, lora);
          const std::string what = std::to_string(s.out) + "x" + std::to_string(s.in) + " m " + std::to_string(m) +
                                   (with_lora ? " LoRA" : "") + (op.kind == GemvInputOp::Kind::RmsNorm ? " norm" : "");
          ASSERT_EQ(ours.sizes(), (std::vector<int64_t>{m, half})) << what;
          // Every element within the rounding of its two halves (a wrong pair or an unwritten output is far off).
          auto ref = silu_mul_kernel(gu).to(torch::kDouble), gap = (ours.to(torch::kDouble) - ref).abs();
          EXPECT_TRUE((gap <= 3e-2 * ref.abs() + 1e-3 * ref.abs().max()).all().item<bool>()) << what;
          // Independently: op(x) Ŵᵀ (+ u Bᵀ per half) in float64, then SiLU·mul.
          auto in64 = x.to(torch::kDouble);
          if (op.kind == GemvInputOp::Kind::RmsNorm)
            in64 = in64 * torch::rsqrt(in64.pow(2).mean(-1, true) + 1e-5) * w.to(torch::kDouble);
          auto gu64 = torch::mm(in64, dequantized64(p).t());
          for (int j = 0; with_lora && j < 2; ++j)
            gu64.narrow(1, j * half, half).add_(torch::mm(lora.u.to(torch::kDouble).narrow(1, j * rank, rank),
                                                           B.to(torch::kDouble).narrow(0, j * half, half).t()));
          auto g = gu64.narrow(1, 0, half), u = gu64.narrow(1, half, half);
          EXPECT_LT(rel_err(ours, g * torch::sigmoid(g) * u), 3e-2) << what;
        }
      }
    }
  }
  // Rows that do not pair within tiles, more than 8 activation rows and a residual are refused.
  auto odd = random_packed_linear(200, 11008, 2, 64, kCuda);
  EXPECT_FALSE(packed_gemv_input_op_supported(odd, 1, torch::kBFloat16, {}, GemvOutputOp::SiluMul));
  auto even = random_packed_linear(96, 11008, 2, 64, kCuda);
  EXPECT_FALSE(packed_gemv_input_op_supported(even, 12, torch::kBFloat16, {}, GemvOutputOp::SiluMul));
  auto p = random_packed_linear(256, 512, 2, 64, kCuda);
  auto x = torch::randn({1, 512}, bf);
  EXPECT_THROW(packed_gemv_with_input_op(x, p, {}, torch::randn({1, 128}, bf), {}, GemvOutputOp::SiluMul), c10::Error);
}
