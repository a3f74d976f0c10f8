// SPDX-License-Identifier: GPL-3.0-or-later
// A bf16 source weight stays bf16 on CUDA (Method::init_block) where only bf16 autocast and the fused
// fake-quantization read it. The block's measurement and its training must then be those of the
// same block with a float32 copy of W: both read exactly the same values.
#include "calibration/block_measure.h"
#include "methods/block_context.h"
#include "methods/method.h"
#include "ops/cuda_ops.h"
#include "quant/load_model.h"
#include "test_util.h"
#include "tiny_calibration.h"

using namespace apiq;

namespace {

// Forward-only results are deterministic: equal up to rounding. Training goes through attention's
// backward, whose summation order may vary between runs: equal to float tolerance.
void expect_close(double got, double want, double rel, const std::string& what) {
  EXPECT_NEAR(got, want, rel * std::abs(want) + 1e-12) << what;
}

}  // namespace

TEST(CudaBf16Source, MeasuresAndTrainsLikeItsFloat32Copy) {
  APIQ_REQUIRE_CUDA();
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  const LlamaModel mem = load_model(apiq::test::shared("models/stories260K"));
  CalibrationOptions o = apiq::test::tiny_apiq_bw(6, 32, 3);
  o.device = "cuda";
  o.cuda_graph = false;
  const torch::Device dev(torch::kCUDA);
  const int64_t L = 32, d = mem.config().hidden_size;
  BlockWeights bf = mem.weights().blocks[1];
  for (auto& l : bf.linears) l.weight = l.weight.to(torch::kBFloat16);
  auto [cos, sin] = mem.rotary().cos_sin(0, L, dev, torch::kFloat);
  const BlockContext ctx{mem.config(), o, dev, cos, sin, 1};
  const Method& method = find_method(o.method);
  torch::manual_seed(11);
  QuantBlockLinears kept = method.init_block(ctx, bf);
  torch::manual_seed(11);
  QuantBlockLinears wide = method.init_block(ctx, bf);
  for (auto& l : wide.linears) l.W = l.W.to(torch::kFloat);
  for (const auto& l : kept.linears) ASSERT_EQ(l.W.scalar_type(), torch::kBFloat16);
  {
    // Where the composed ops fake-quantize, W is float32 as before.
    ScopedCudaKernels composed(false);
    torch::manual_seed(11);
    EXPECT_EQ(method.init_block(ctx, bf).linears[0].W.scalar_type(), torch::kFloat);
  }

  torch::manual_seed(5);
  const auto X = torch::randn({6, L, d}, torch::TensorOptions().device(dev)).to(cache_dtype(o, dev));
  const auto Xq = (X.to(torch::kFloat) + 0.05 * torch::randn_like(X, torch::kFloat)).to(X.scalar_type());
  const auto before_k = measure_block(ctx, kept, X, Xq, torch::Tensor(), KeepOutputs{false, true}, 0);
  const auto before_w = measure_block(ctx, wide, X, Xq, torch::Tensor(), KeepOutputs{false, true}, 0);
  ASSERT_TRUE(before_k.out_fp.defined());
  EXPECT_TRUE(torch::allclose(before_k.out_fp.to(torch::kFloat), before_w.out_fp.to(torch::kFloat), 1e-6, 1e-6));
  for (int i = 0; i < kNumLinears; ++i) {
    expect_close(before_k.act_err[i], before_w.act_err[i], 1e-6, "act_err before " + std::to_string(i));
    expect_close(before_k.weight_err[i], before_w.weight_err[i], 1e-6, "weight_err before " + std::to_string(i));
    EXPECT_GT(before_k.weight_err[i], 0.0) << i;
  }

  std::vector<double> losses_k, losses_w;
  method.train_block(ctx, kept, BlockStreams{X, Xq, before_w.out_fp}, losses_k);
  method.train_block(ctx, wide, BlockStreams{X, Xq, before_w.out_fp}, losses_w);
  ASSERT_EQ(losses_k.size(), static_cast<size_t>(3 * 6));
  ASSERT_EQ(losses_w.size(), losses_k.size());
  for (size_t s = 0; s < losses_k.size(); ++s) expect_close(losses_k[s], losses_w[s], 1e-4, "loss " + std::to_string(s));
  EXPECT_LT(losses_k.back(), losses_k.front()) << "the steps should have lowered the loss";

  const auto after_k = measure_block(ctx, kept, X, Xq, before_w.out_fp, KeepOutputs{}, 0);
  const auto after_w = measure_block(ctx, wide, X, Xq, before_w.out_fp, KeepOutputs{}, 0);
  expect_close(after_k.out_mse, after_w.out_mse, 1e-3, "out_mse after");
  for (int i = 0; i < kNumLinears; ++i) {
    expect_close(after_k.act_err[i], after_w.act_err[i], 1e-3, "act_err after " + std::to_string(i));
    expect_close(after_k.weight_err[i], after_w.weight_err[i], 1e-3, "weight_err after " + std::to_string(i));
  }
}
