// SPDX-License-Identifier: GPL-3.0-or-later
// The quantization kernels (fused fake-quant forward/backward, pack/unpack, dequantize, packed
// GEMV, packed_matmul) against the composed LibTorch references, on fresh random inputs over
// several shapes: ragged groups, odd row counts and misaligned inputs included.
#include <ATen/autocast_mode.h>

#include "base/device_info.h"
#include "ops/cuda_ops.h"
#include "quant/group_quantizer.h"
#include "quant/packed_matmul.h"
#include "quant/packing.h"
#include "test_util.h"

using namespace apiq;

namespace {

const torch::Device kCuda(torch::kCUDA);

// Runs `f` with our kernels switched off (the composed reference on the same GPU).
template <typename F>
auto with_reference(F&& f) {
  ScopedCudaKernels off(false);
  return f();
}

struct Shape {
  int64_t out, in, group;
};

// Random packed linear with codes in range and zero points partly outside it (as asym LWC makes);
// `fractional`: float32 zero points, as apiq merge writes them.
PackedLinear random_packed(int64_t out, int64_t in, int bits, int64_t group, torch::Device dev, bool fractional = false) {
  QuantizedCodes q;
  q.bits = bits;
  q.group_size = group;
  q.codes = torch::randint(0, 1 << bits, {out, in}, torch::kLong).to(torch::kByte);
  const int64_t G = num_groups(in, group);
  q.scales = torch::rand({out, G}) * 0.05 + 1e-3;
  q.zeros = torch::randint(-1, (1 << bits) + 1, {out, G}, torch::kInt);
  auto p = pack(q);
  if (fractional) p.zeros = torch::rand({out, G}) * ((1 << bits) + 2) - 1;
  p.packed = p.packed.to(dev);
  p.scales = p.scales.to(dev);
  p.zeros = p.zeros.to(dev);
  return p;
}

double rel_err(const torch::Tensor& a, const torch::Tensor& b) {
  auto d = a.to(torch::kDouble) - b.to(torch::kDouble);
  return (d.norm() / (b.to(torch::kDouble).norm() + 1e-30)).item<double>();
}

}  // namespace

TEST(CudaQuantKernels, FakeQuantForwardAndBackwardMatchComposed) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(11);
  for (int bits : {2, 3, 4}) {
    for (auto s : std::vector<Shape>{{1, 7, 32}, {3, 100, 32}, {17, 64, 64}, {5, 130, 64}, {96, 4096, 128}, {33, 1000, 64}}) {
      for (auto wdtype : {torch::kFloat, torch::kBFloat16}) {
        SCOPED_TRACE(std::to_string(bits) + "-bit " + std::to_string(s.out) + "x" + std::to_string(s.in) + " g" +
                     std::to_string(s.group) + " " + c10::toString(wdtype));
        auto opts = QuantizerOptions().set_bits(bits).set_group_size(s.group);
        GroupQuantizer fused(opts, s.out, s.in, kCuda), ref(opts, s.out, s.in, kCuda);
        // Clipping logits spread around the init so some groups clip hard.
        auto g0 = torch::randn({s.out, fused.n_groups()}, kCuda) * 2 + 2, b0 = torch::randn_like(g0) * 2 + 2;
        for (auto* q : {&fused, &ref}) {
          torch::NoGradGuard ng;
          q->gamma.copy_(g0);
          q->beta.copy_(b0);
        }
        auto W = (torch::randn({s.out, s.in}, kCuda) * 0.02).to(wdtype);
        W.index_put_({0, 0}, W.max());  // a tie for the maximum in the first group
        auto Wf = W.detach().clone().requires_grad_(true), Wr = W.detach().clone().requires_grad_(true);
        auto R = torch::randn({s.out, s.in}, kCuda);
        auto yf = fused.fake_quant(Wf);
        auto yr = with_reference([&] { return ref.fake_quant(Wr); });
        // Outside autocast the result is float32 for any W: the measurement's weight error is not rounded.
        ASSERT_EQ(yf.scalar_type(), torch::kFloat);
        ASSERT_EQ(yr.scalar_type(), torch::kFloat);
        EXPECT_TRUE(torch::equal(yf, yr)) << "max |Δ| " << (yf - yr).abs().max().item<double>();
        (yf.to(torch::kFloat) * R).sum().backward();
        with_reference([&] {
          (yr.to(torch::kFloat) * R).sum().backward();
          return 0;
        });
        EXPECT_LT(rel_err(fused.gamma.grad(), ref.gamma.grad()), 1e-4);
        EXPECT_LT(rel_err(fused.beta.grad(), ref.beta.grad()), 1e-4);
        EXPECT_LT(rel_err(Wf.grad(), Wr.grad()), wdtype == torch::kFloat ? 1e-5 : 1e-2);
        EXPECT_GT(fused.gamma.grad().abs().sum().item<double>(), 0.0);
      }
    }
  }
}

TEST(CudaQuantKernels, FakeQuantUnderAutocastWritesBf16) {
  APIQ_REQUIRE_CUDA();
  auto opts = QuantizerOptions().set_bits(2).set_group_size(64);
  GroupQuantizer q(opts, 48, 320, kCuda);
  auto W = torch::randn({48, 320}, kCuda);
  auto ref = with_reference([&] { return q.fake_quant(W); });
  at::autocast::set_autocast_enabled(at::kCUDA, true);
  at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
  auto got = q.fake_quant(W);
  at::autocast::set_autocast_enabled(at::kCUDA, false);
  ASSERT_EQ(got.scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(torch::equal(got, ref.to(torch::kBFloat16)));
}

TEST(CudaQuantKernels, PackUnpackAndDequantizeMatchReference) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(12);
  // The 16 codes [0,1,2,3]×4 make the word 0xE4E4E4E4 (read as int32).
  auto c = torch::arange(4, torch::kLong).repeat({4}).view({1, 16}).to(torch::kByte).to(kCuda);
  EXPECT_EQ(pack_codes_kernel(c, 2).item<int32_t>(), static_cast<int32_t>(0xE4E4E4E4u));
  for (int bits : {2, 3, 4, 8}) {
    for (auto [rows, cols] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {3, 17}, {5, 100}, {64, 4096}, {7, 4099}}) {
      auto codes = torch::randint(0, 1 << bits, {rows, cols}, torch::kLong).to(torch::kByte);
      auto ref = with_reference([&] { return pack_codes(codes, bits); });  // CPU composed
      auto got = pack_codes_kernel(codes.to(kCuda), bits);
      EXPECT_TRUE(torch::equal(got.cpu(), ref)) << bits << " bits " << rows << "x" << cols;
      EXPECT_TRUE(torch::equal(unpack_codes_kernel(got, bits, cols).cpu(), codes)) << bits << " bits " << rows << "x" << cols;
    }
  }
  for (int bits : {2, 3, 4}) {
    for (auto s : std::vector<Shape>{{1, 1, 32}, {3, 100, 32}, {5, 130, 64}, {64, 4096, 128}, {9, 1000, 50}})
    for (bool fractional : {false, true}) {
      auto p = random_packed(s.out, s.in, bits, s.group, kCuda, fractional);
      ASSERT_EQ(p.float_zeros(), fractional);
      PackedLinear pc = p;
      pc.packed = p.packed.cpu();
      pc.scales = p.scales.cpu();
      pc.zeros = p.zeros.cpu();
      auto ref = dequantize(pc, torch::kFloat);
      EXPECT_TRUE(torch::equal(dequantize_kernel(p, torch::kFloat).cpu(), ref)) << bits << " " << s.out << "x" << s.in;
      EXPECT_TRUE(torch::equal(dequantize_kernel(p, torch::kBFloat16).cpu(), ref.to(torch::kBFloat16)));
      EXPECT_TRUE(torch::equal(dequantize_kernel(p, torch::kHalf).cpu(), ref.to(torch::kHalf)));
    }
  }
}

struct GemvCase {
  int bits;
  Shape s;
};

// Calls f(p, w64, x, dtype) for every case × fp16/bf16 × row count × aligned/misaligned x (a view
// one element into a larger buffer is not 16-byte aligned: the scalar load paths).
template <typename F>
void for_each_gemv_input(const std::vector<GemvCase>& cases, const std::vector<int64_t>& ms, F&& f) {
  for (const auto& [bits, s] : cases)
  for (bool fractional : {false, true}) {
    auto p = random_packed(s.out, s.in, bits, s.group, kCuda, fractional);
    const auto w64 = dequantize_kernel(p, torch::kFloat).to(torch::kDouble);
    for (auto dtype : {torch::kHalf, torch::kBFloat16}) {
      for (int64_t m : ms) {
        for (bool misaligned : {false, true}) {
          SCOPED_TRACE(std::to_string(bits) + "-bit " + std::to_string(s.out) + "x" + std::to_string(s.in) + " g" +
                       std::to_string(s.group) + " m" + std::to_string(m) + " " + c10::toString(dtype) +
                       (misaligned ? " misaligned" : "") + (fractional ? " float zeros" : ""));
          auto buf = torch::randn({m * s.in + 1}, torch::TensorOptions().device(kCuda).dtype(dtype));
          f(p, w64, buf.narrow(0, misaligned ? 1 : 0, m * s.in).view({m, s.in}), dtype);
        }
      }
    }
  }
}

// max |y − ref| relative to Σ|x||w| (the scale of each output's rounding errors).
double gemv_error(const torch::Tensor& y, const torch::Tensor& ref, const torch::Tensor& x, const torch::Tensor& w64) {
  auto scale = x.to(torch::kDouble).abs().matmul(w64.abs().t()) + 1e-3;
  return ((y.to(torch::kDouble) - ref.to(torch::kDouble)).abs() / scale).max().item<double>();
}

// The CUDA-core kernel (quant_gemv.cu), every bit width and group shape, ragged groups included.
TEST(CudaQuantKernels, PackedGemvMatchesFloat64Reference) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(13);
  std::vector<GemvCase> cases;
  for (int bits : {2, 3, 4})
    for (auto s : std::vector<Shape>{{1, 16, 32}, {7, 100, 32}, {33, 130, 64}, {64, 4096, 64}, {256, 11008, 128}, {19, 1000, 50}})
      cases.push_back({bits, s});
  for_each_gemv_input(cases, {1, 3, 16}, [](const PackedLinear& p, const torch::Tensor& w64, const torch::Tensor& x,
                                            torch::ScalarType dtype) {
    ASSERT_TRUE(packed_gemv_kernel_supports(p, x));
    auto y = packed_gemv_kernel(x, p, /*tensor_cores=*/false);
    // float32 accumulation, output rounded to the 16-bit type.
    EXPECT_LT(gemv_error(y, x.to(torch::kDouble).matmul(w64.t()), x, w64), dtype == torch::kHalf ? 2e-3 : 1.6e-2);
  });
}

// The tensor-core kernel (quant_gemv_mma.cu): exact (q − z)·x products and float32 sums, so only the
// output rounding remains. Ragged row counts (not a multiple of the 16-row tile), 1..16 activation
// rows (9..16: two mma N tiles, or two launches where x does not fit in shared memory, as for the
// 11008-wide case), every supported group shape, zeros outside the code range, misaligned x.
TEST(CudaQuantKernels, PackedGemvTensorCoresMatchFloat64Reference) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(17);
  const std::vector<GemvCase> cases{{2, {16, 256, 64}},  {2, {37, 512, 64}},   {2, {200, 4096, 128}},
                                    {2, {9, 11008, 64}},  {4, {16, 128, 32}},   {4, {45, 384, 64}},
                                    {4, {100, 1024, 128}}, {4, {300, 2048, 32}}};
  for_each_gemv_input(cases, {1, 2, 5, 8, 9, 13, 16}, [](const PackedLinear& p, const torch::Tensor& w64, const torch::Tensor& x,
                                              torch::ScalarType dtype) {
    ASSERT_TRUE(packed_gemv_uses_tensor_cores(p, x));
    auto y = packed_gemv_kernel(x, p);
    // One rounding of the output to the 16-bit type (2^-8 bf16, 2^-11 fp16) plus float32 sums.
    const double eps = dtype == torch::kHalf ? 1e-3 : 8e-3;
    EXPECT_LT(gemv_error(y, x.to(torch::kDouble).matmul(w64.t()), x, w64), eps);
    EXPECT_LT(gemv_error(y, packed_gemv_kernel(x, p, /*tensor_cores=*/false), x, w64), 2 * eps);
  });
  // Shapes the tensor-core kernel does not take go to the CUDA-core one.
  auto x = torch::randn({1, 100}, torch::TensorOptions().device(kCuda).dtype(torch::kBFloat16));
  EXPECT_FALSE(packed_gemv_uses_tensor_cores(random_packed(8, 100, 2, 50, kCuda), x));
  auto x16 = torch::randn({16, 256}, torch::TensorOptions().device(kCuda).dtype(torch::kBFloat16));
  EXPECT_TRUE(packed_gemv_uses_tensor_cores(random_packed(8, 256, 2, 64, kCuda), x16));
  auto x17 = torch::randn({17, 256}, torch::TensorOptions().device(kCuda).dtype(torch::kBFloat16));
  EXPECT_FALSE(packed_gemv_uses_tensor_cores(random_packed(8, 256, 2, 64, kCuda), x17));
  EXPECT_FALSE(packed_gemv_uses_tensor_cores(random_packed(8, 256, 3, 64, kCuda), x16.narrow(0, 0, 1)));
}

// Whether this device runs the one-row form's bulk copies (sm_90+; the build must hold sm_90 code, as
// .ci/gpu's does: an sm_80-only build runs the register form there), and its SM count.
bool bulk_copies_expected() { return cuda_memory_info(0).major >= 9; }
int64_t sm_count() { return cuda_memory_info(0).sms; }

// The one-row form (quantization groups in the mma columns, gemv_mma_groups.cuh) against the
// float64 reference and against the multi-row form on the same input: int32, float32 and uint8 zero
// points, row counts that leave a partial tile, rows whose group count leaves a partial chunk of
// eight groups (11008 / 64 = 172; 384 / 32 = 12), misaligned x, both 16-bit types. With the weights
// copied in bulk (GemvForm::GroupsBulk, gemv_mma_bulk.cuh; whole tiles on sm_90) the arithmetic is
// the same on the same values, so the result must equal the register loads' bit for bit; 32768 rows
// give each block more tiles than its ring has slots, so slots are refilled.
TEST(CudaQuantKernels, PackedGemvOneRowFormMatchesMultiRowForm) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(19);
  const std::vector<GemvCase> cases{{2, {16, 512, 64}},     {2, {37, 1024, 64}},    {2, {300, 11008, 64}},
                                    {2, {4100, 4096, 64}},  {4, {45, 384, 32}},     {4, {130, 11008, 32}},
                                    {2, {2048, 11008, 64}}, {2, {32768, 4096, 64}}, {4, {4096, 4096, 32}}};
  for_each_gemv_input(cases, {1}, [](const PackedLinear& p, const torch::Tensor& w64, const torch::Tensor& x,
                                     torch::ScalarType dtype) {
    const double eps = dtype == torch::kHalf ? 1e-3 : 8e-3;
    // q's product against Ŵ = w (float64), in both forms.
    auto check = [&](const PackedLinear& q, const torch::Tensor& w, const char* zeros) {
      SCOPED_TRACE(zeros);
      ASSERT_TRUE(packed_gemv_uses_one_row_form(q, x));
      const auto y = packed_gemv_kernel(x, q);
      torch::Tensor rows_form, bulk;
      {
        ScopedGemvForm scope(GemvForm::RowsInColumns);
        ASSERT_FALSE(packed_gemv_uses_one_row_form(q, x));
        ASSERT_TRUE(packed_gemv_uses_tensor_cores(q, x));
        rows_form = packed_gemv_kernel(x, q);
      }
      ASSERT_EQ(packed_gemv_bulk_slots(q, x), 0);  // the default loads through registers
      {
        ScopedGemvForm scope(GemvForm::GroupsBulk);
        ASSERT_TRUE(packed_gemv_uses_one_row_form(q, x));
        const int slots = packed_gemv_bulk_slots(q, x);
        EXPECT_EQ(slots > 0, bulk_copies_expected() && q.out % 16 == 0);
        if (q.out == 32768 && slots > 0) EXPECT_LT(slots, (q.out / 16 + sm_count() - 1) / sm_count());
        bulk = packed_gemv_kernel(x, q);
      }
      EXPECT_TRUE(torch::equal(y, bulk));
      EXPECT_LT(gemv_error(y, x.to(torch::kDouble).matmul(w.t()), x, w), eps);
      // Both exact products with float32 sums, in different orders: far below one output rounding.
      EXPECT_LT(gemv_error(y, rows_form, x, w), eps);
      EXPECT_GT(y.abs().max().item<double>(), 0.0);
    };
    check(p, w64, p.zeros.scalar_type() == torch::kFloat ? "float32 zeros" : "int32 zeros");
    if (p.zeros.scalar_type() == torch::kInt) {
      // uint8 zero points (decode's copies): the int32 ones clamped to 0..255, read as bytes.
      PackedLinear in_range = p;
      in_range.zeros = p.zeros.clamp_min(0);
      PackedLinear narrow = in_range;
      narrow.zeros = in_range.zeros.to(torch::kByte);
      check(narrow, dequantize_kernel(in_range, torch::kFloat).to(torch::kDouble), "uint8 zeros");
    }
  });
}

TEST(CudaQuantKernels, PackedMatmulForwardAndInputGradientMatchReference) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(14);
  auto p = random_packed(96, 320, 2, 64, kCuda);
  for (int64_t rows : {1, 5, 40}) {  // GEMV path, GEMV path, dequantize + cuBLAS path
    auto x = torch::randn({rows, 320}, torch::TensorOptions().device(kCuda).dtype(torch::kBFloat16)).requires_grad_(true);
    auto xr = x.detach().clone().requires_grad_(true);
    auto y = packed_matmul(x, p);
    auto yr = packed_matmul_reference(xr, p);
    auto R = torch::randn_like(y);
    (y * R).sum().backward();
    (yr * R).sum().backward();
    EXPECT_LT(rel_err(y, yr), 1e-2) << rows;
    EXPECT_LT(rel_err(x.grad(), xr.grad()), 1e-2) << rows;
  }
}
