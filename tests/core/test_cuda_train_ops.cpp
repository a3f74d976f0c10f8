// SPDX-License-Identifier: GPL-3.0-or-later
// The fused elementwise ops of a calibration step (ops/train_ops.h) against the composed ops in
// float64, forward and backward, on fresh random inputs over several shapes (ragged ones included),
// and a whole block under autocast with the kernels on and off. Skips where no GPU exists.
#include "model/linear_shapes.h"
#include "model/llama_block.h"
#include "ops/autocast.h"
#include "ops/cuda_ops.h"
#include "ops/train_ops.h"
#include "test_util.h"

using namespace apiq;

namespace {

const torch::Device kCuda(torch::kCUDA);

torch::TensorOptions on_cuda(torch::ScalarType t) { return torch::TensorOptions().device(kCuda).dtype(t); }

// max |a − b| / (|b| + floor), in float64.
double rel_err(const torch::Tensor& a, const torch::Tensor& b, double floor = 1.0) {
  const auto x = a.to(torch::kDouble), y = b.to(torch::kDouble);
  return ((x - y).abs() / (y.abs() + floor)).max().item<double>();
}

// The gradient of sum(f(x) · dy) with respect to x, in float64 through the composed ops.
template <class F>
torch::Tensor reference_grad(const torch::Tensor& x, const torch::Tensor& dy, F&& f) {
  auto xd = x.detach().to(torch::kDouble).requires_grad_(true);
  (f(xd) * dy.to(torch::kDouble)).sum().backward();
  return xd.grad();
}

}  // namespace

TEST(CudaTrainOps, RmsNormIntoAutocastDtype) {
  APIQ_REQUIRE_CUDA();
  for (auto [rows, cols] : std::vector<std::pair<int64_t, int64_t>>{{1, 32}, {7, 1000}, {33, 4097}, {2048, 4096}}) {
    auto x = (torch::randn({rows, cols}, on_cuda(torch::kFloat)) * 2).requires_grad_(true);
    auto w = torch::randn({cols}, on_cuda(torch::kFloat)) + 1;
    torch::Tensor y;
    {
      AutocastScope autocast(true);
      ASSERT_TRUE(rms_norm_autocast_applies(x, w));
      y = rms_norm_dispatch(x, w, 1e-5);
    }
    ASSERT_EQ(y.scalar_type(), torch::kBFloat16);
    const auto ref = rms_norm(x.detach().to(torch::kDouble), w.to(torch::kDouble), 1e-5);
    EXPECT_LT(rel_err(y, ref), 1e-2) << rows << "x" << cols;  // one bf16 rounding
    auto dy = torch::randn({rows, cols}, on_cuda(torch::kBFloat16));
    y.backward(dy);
    const auto g = reference_grad(x, dy, [&](const torch::Tensor& xd) { return rms_norm(xd, w.to(torch::kDouble), 1e-5); });
    EXPECT_LT(rel_err(x.grad(), g, 0.1), 1e-4) << rows << "x" << cols;
  }
  // Not taken without autocast, for a weight that trains, or for bf16 input: the composed ops run.
  auto x = torch::randn({4, 64}, on_cuda(torch::kFloat));
  EXPECT_FALSE(rms_norm_autocast_applies(x, torch::ones({64}, on_cuda(torch::kFloat))));
  AutocastScope autocast(true);
  EXPECT_FALSE(rms_norm_autocast_applies(x, torch::ones({64}, on_cuda(torch::kFloat)).requires_grad_(true)));
  EXPECT_FALSE(rms_norm_autocast_applies(x.to(torch::kBFloat16), torch::ones({64}, on_cuda(torch::kFloat))));
}

TEST(CudaTrainOps, RotaryEqualsComposedOpsAndItsBackward) {
  APIQ_REQUIRE_CUDA();
  struct Shape { int64_t b, t, h, d; };
  for (auto s : std::vector<Shape>{{1, 2048, 32, 128}, {2, 37, 3, 64}, {1, 5, 7, 6}}) {
    auto x = torch::randn({s.b, s.t, s.h, s.d}, on_cuda(torch::kBFloat16)).requires_grad_(true);
    auto ang = torch::rand({s.t, s.d / 2}, on_cuda(torch::kFloat)) * 6.0;
    auto emb = torch::cat({ang, ang}, -1);
    auto cos = emb.cos(), sin = emb.sin();
    torch::Tensor y, composed;
    {
      AutocastScope autocast(true);
      y = rotate_heads(x, cos, sin);  // [b, h, t, d]
    }
    composed = apply_rotary(x.detach().transpose(1, 2), cos, sin).to(torch::kBFloat16);
    // The same float32 products and sum, rounded once: equal to the composed ops after their cast.
    EXPECT_TRUE(torch::equal(y, composed)) << "max diff " << (y - composed).abs().max().item<float>();
    auto dy = torch::randn(y.sizes(), on_cuda(torch::kBFloat16));
    y.backward(dy);
    const auto c = cos.to(torch::kDouble), sn = sin.to(torch::kDouble);
    const auto g = reference_grad(x, dy, [&](const torch::Tensor& xd) { return apply_rotary(xd.transpose(1, 2), c, sn); });
    EXPECT_LT(rel_err(x.grad(), g), 1e-2) << s.t << "x" << s.h << "x" << s.d;
  }
}

TEST(CudaTrainOps, SiluMulForwardAndBackward) {
  APIQ_REQUIRE_CUDA();
  for (auto [rows, cols] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {3, 1001}, {2048, 11008}}) {
    auto g = (torch::randn({rows, cols}, on_cuda(torch::kBFloat16)) * 3).requires_grad_(true);
    auto u = torch::randn({rows, cols}, on_cuda(torch::kBFloat16)).requires_grad_(true);
    torch::Tensor y;
    {
      AutocastScope autocast(true);
      y = silu_mul_dispatch(g, u);
    }
    const auto composed = torch::silu(g.detach()) * u.detach();
    EXPECT_LT(rel_err(y, composed, 1e-3), 1.6e-2) << rows << "x" << cols;  // a bf16 unit or two
    auto dy = torch::randn({rows, cols}, on_cuda(torch::kBFloat16));
    y.backward(dy);
    const auto ud = u.detach().to(torch::kDouble), gd = g.detach().to(torch::kDouble);
    const auto ref_g = reference_grad(g, dy, [&](const torch::Tensor& x) { return torch::silu(x) * ud; });
    const auto ref_u = reference_grad(u, dy, [&](const torch::Tensor& x) { return torch::silu(gd) * x; });
    EXPECT_LT(rel_err(g.grad(), ref_g, 0.1), 2e-2) << rows << "x" << cols;
    EXPECT_LT(rel_err(u.grad(), ref_u, 0.1), 2e-2) << rows << "x" << cols;
  }
}

TEST(CudaTrainOps, LoraAddedInsideTheProduct) {
  APIQ_REQUIRE_CUDA();
  for (auto [t, in, out, r] : std::vector<std::array<int64_t, 4>>{{2048, 4096, 11008, 64}, {5, 33, 17, 3}}) {
    LoraAdapter l;
    l.A = torch::randn({r, in}, on_cuda(torch::kFloat)).requires_grad_(true);
    l.B = torch::randn({out, r}, on_cuda(torch::kFloat)).requires_grad_(true);
    l.scaling = 0.37;
    auto x = torch::randn({1, t, in}, on_cuda(torch::kFloat)) / std::sqrt(static_cast<double>(in));
    auto y0 = torch::randn({1, t, out}, on_cuda(torch::kFloat));
    torch::Tensor y;
    {
      AutocastScope autocast(true);
      y = l.add_to(y0.to(torch::kBFloat16), x);
    }
    ASSERT_EQ(y.sizes(), y0.sizes());
    auto ref_of = [&](const torch::Tensor& A, const torch::Tensor& B) {
      return y0.to(torch::kDouble) + x.to(torch::kDouble).matmul(A.t()).matmul(B.t()) * l.scaling;
    };
    const auto Ad = l.A.detach().to(torch::kDouble).requires_grad_(true);
    const auto Bd = l.B.detach().to(torch::kDouble).requires_grad_(true);
    const auto ref = ref_of(Ad, Bd);
    // bf16 operands: the largest error over millions of outputs, against the outputs' scale.
    EXPECT_LT(rel_err(y, ref, ref.abs().max().item<double>()), 1e-2) << t << "x" << in << "->" << out;
    auto dy = torch::randn(y.sizes(), on_cuda(torch::kBFloat16));
    y.backward(dy);
    (ref * dy.to(torch::kDouble)).sum().backward();
    EXPECT_LT(rel_err(l.B.grad(), Bd.grad(), Bd.grad().abs().max().item<double>()), 3e-2);
    EXPECT_LT(rel_err(l.A.grad(), Ad.grad(), Ad.grad().abs().max().item<double>()), 3e-2);
  }
}

// A grouped-query block under autocast, with and without our kernels: outputs and the input's
// gradient agree to bf16 precision (the backward sums the norm's output gradient in bf16).
TEST(CudaTrainOps, BlockWithKernelsMatchesComposedOps) {
  APIQ_REQUIRE_CUDA();
  LlamaConfig cfg;
  cfg.hidden_size = 256, cfg.intermediate_size = 688, cfg.num_attention_heads = 4, cfg.num_key_value_heads = 2;
  cfg.head_dim = 64, cfg.num_hidden_layers = 1, cfg.vocab_size = 32;
  BlockWeights w;
  for (int n : {static_cast<int>(NormKind::Attn), static_cast<int>(NormKind::Mlp)})
    w.norms.w[n] = 1 + 0.1 * torch::randn({cfg.hidden_size}, on_cuda(torch::kFloat));
  const auto shapes = linear_shapes(cfg);
  for (int i = 0; i < kNumLinears; ++i)
    w.linears[i].weight = torch::randn({shapes[i].out, shapes[i].in}, on_cuda(torch::kFloat)) * 0.05;
  const DenseLinears linears(w);
  const int64_t T = 97;
  auto [cos, sin] = RotaryEmbedding::make(cfg).cos_sin(0, T, kCuda, torch::kFloat);
  const auto x0 = torch::randn({2, T, cfg.hidden_size}, on_cuda(torch::kFloat));
  const auto dy = torch::randn({2, T, cfg.hidden_size}, on_cuda(torch::kFloat));
  auto run = [&](bool kernels) {
    ScopedCudaKernels k(kernels);
    auto x = x0.clone().requires_grad_(true);
    torch::Tensor y;
    {
      AutocastScope autocast(true);
      y = decoder_block_forward(cfg, w.norms, linears, x, cos, sin);
    }
    (y.to(torch::kFloat) * dy).sum().backward();
    return std::make_pair(y.to(torch::kFloat).detach(), x.grad());
  };
  const auto [y_ours, g_ours] = run(true);
  const auto [y_ref, g_ref] = run(false);
  EXPECT_LT(rel_err(y_ours, y_ref), 1e-2);  // the same casts; the norm sums in another order
  EXPECT_LT(rel_err(g_ours, g_ref, g_ref.abs().max().item<double>()), 3e-2);
}
