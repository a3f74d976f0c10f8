// SPDX-License-Identifier: GPL-3.0-or-later
// Every CUDA kernel against its LibTorch reference on fresh random inputs, and the model on
// CUDA against the CPU. Skips with a message where no GPU exists.
#include <fstream>

#include "ops/cuda_ops.h"
#include "base/deferred_scalar.h"
#include "model/evaluation.h"
#include "ops/fused_adamw.h"
#include "model/llama_model.h"
#include "bench/random_packed_model.h"
#include "decode_check.h"
#include "test_util.h"

using namespace apiq;

TEST(CudaKernels, RmsNormMatchesReference) {
  APIQ_REQUIRE_CUDA();
  const torch::Device dev(torch::kCUDA);
  // Ragged widths (1, 63, 172, 4097) and several row counts, odd ones included.
  for (auto dtype : {torch::kFloat, torch::kHalf, torch::kBFloat16}) {
    for (auto [rows, cols] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {3, 63}, {17, 172}, {5, 4097}, {256, 4096}}) {
      auto x = torch::randn({rows, cols}, torch::TensorOptions().device(dev).dtype(dtype)) * 3;
      auto w = torch::randn({cols}, torch::TensorOptions().device(dev).dtype(dtype));
      auto ours = rms_norm_kernel(x, w, 1e-5).to(torch::kFloat);
      auto ref = rms_norm(x.to(torch::kDouble), w.to(torch::kDouble), 1e-5).to(torch::kFloat);
      // Within a few units of the dtype's rounding of the reference.
      const double tol = dtype == torch::kFloat ? 1e-5 : (dtype == torch::kHalf ? 4e-3 : 3e-2);
      const double err = ((ours - ref).abs() / (ref.abs() + 1)).max().item<double>();
      EXPECT_LT(err, tol) << c10::toString(dtype) << " " << rows << "x" << cols;
    }
  }
}

TEST(CudaModel, NllMatchesCpuAndBf16WithinOnePercent) {
  APIQ_REQUIRE_CUDA();
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  APIQ_REQUIRE_SHARED("data/eval/tinystories-6000.txt");
  auto dir = apiq::test::shared("models/stories260K");
  std::ifstream in(apiq::test::shared("data/eval/tinystories-6000.txt"));
  std::string text{std::istreambuf_iterator<char>(in), {}};
  auto tok = Tokenizer::load_from_dir(dir);
  auto stream = tokenize_stream(tok, text);
  PerplexityOptions po;
  po.seq_len = 256;
  po.max_windows = 1;
  auto f32 = evaluate_perplexity(LlamaModel::load(dir, ModelOptions().set_device(torch::kCUDA)), stream, po);
  auto bf16 = evaluate_perplexity(
      LlamaModel::load(dir, ModelOptions().set_device(torch::kCUDA).set_dtype(torch::kBFloat16)), stream, po);
  EXPECT_NEAR(f32.nll, 1.3958, 5e-4);
  EXPECT_LT(std::abs(bf16.nll - f32.nll) / f32.nll, 0.01) << "bf16 " << bf16.nll << " f32 " << f32.nll;

  auto m = LlamaModel::load(dir, ModelOptions().set_device(torch::kCUDA));
  GenerateOptions go;
  go.max_new_tokens = 30;
  auto ids = tokenize_stream(tok, "Once upon a time");
  auto out = generate_greedy(m, ids, go);
  std::vector<int64_t> all(ids.begin() + 1, ids.end());
  all.insert(all.end(), out.begin(), out.end());
  EXPECT_EQ(tok.decode(all).rfind("Once upon a time, there was a little girl named Lily. She loved to play outside in the park.", 0), 0u);
}

TEST(CudaModel, BlockOnCudaMatchesCpu) {
  APIQ_REQUIRE_CUDA();
  APIQ_REQUIRE_SHARED("models/babyllama-tok105/model.safetensors");
  auto dir = apiq::test::shared("models/babyllama-tok105");
  auto cpu = LlamaModel::load(dir);
  auto gpu = LlamaModel::load(dir, ModelOptions().set_device(torch::kCUDA).set_stream_blocks(true));
  auto ids = torch::randint(0, 105, {3, 33}, torch::kInt64);
  auto a = cpu.forward(ids);
  auto b = gpu.forward(ids).cpu();
  EXPECT_LT((a - b).abs().max().item<double>(), 2e-3);
}

// DeferredScalar reads the value the scalar had when it was queued, even with later work on the
// stream that overwrites it, and agrees with item(); on the CPU it is item().
TEST(CudaKernels, DeferredScalarReadsTheQueuedValue) {
  auto cpu = torch::tensor(2.5);
  EXPECT_EQ(apiq::DeferredScalar(cpu).value(), 2.5);
  APIQ_REQUIRE_CUDA();
  auto big = torch::randn({4096, 4096}, torch::TensorOptions().device(torch::kCUDA));
  auto s = big.square().mean();
  const double expected = s.item<double>();
  apiq::DeferredScalar d(s);
  for (int i = 0; i < 20; ++i) big = big.matmul(big) * 1e-2;  // later work keeps the stream busy
  s.fill_(-1.0);                                               // and overwrites the scalar
  EXPECT_EQ(d.value(), expected);
  EXPECT_EQ(s.item<double>(), -1.0);
}

TEST(CudaModel, GraphDecodeMatchesFullForward) {
  APIQ_REQUIRE_CUDA();
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  auto dir = apiq::test::shared("models/stories260K");
  auto tok = Tokenizer::load_from_dir(dir);
  auto m = LlamaModel::load(dir, ModelOptions().set_device(torch::kCUDA));
  auto ids = tokenize_stream(tok, "Once upon a time");
  auto r = apiq::test::check_static_decode(m, ids, 24, /*graph=*/true);
  EXPECT_TRUE(r.used_graph);
  EXPECT_LT(r.max_err, 1e-3) << "logits up to " << r.max_ref;
  GenerateOptions go;
  go.max_new_tokens = 25;
  go.stop_at_eos = false;
  go.cuda_graph = false;
  EXPECT_EQ(r.tokens, generate_greedy(m, ids, go));
  go.cuda_graph = true;
  EXPECT_EQ(r.tokens, generate_greedy(m, ids, go));

  // A 2-bit model with LoRA in bf16: the tensor-core GEMV (with programmatic dependent launch)
  // inside the captured graph.
  auto cfg = apiq::test::small_config(256, 512, 4, 2, 3, 320);
  RandomPackedModelOptions o;
  o.rank = 16;
  o.device = torch::kCUDA;
  torch::manual_seed(9);
  auto built = make_random_packed_model(cfg, o);
  auto p = apiq::test::check_static_decode(built.model, {1, 17, 5, 250}, 14, true);
  EXPECT_TRUE(p.used_graph);
  EXPECT_LT(p.max_err, 2e-2 * std::max(1.0, p.max_ref)) << "logits up to " << p.max_ref;
}

TEST(CudaKernels, FusedAdamWMatchesAdamW) {
  APIQ_REQUIRE_CUDA();
  // Two groups (different learning rates) of ragged float32 tensors; both optimizers see the same
  // gradients for four steps; odd shapes and a one-element tensor included.
  torch::manual_seed(3);
  const std::vector<std::vector<int64_t>> shapes = {{7, 5}, {64, 33}, {1}, {129}};
  std::vector<torch::Tensor> a, b, start;
  for (const auto& s : shapes) {
    auto t = torch::randn(s, torch::TensorOptions().device(torch::kCUDA));
    start.push_back(t);
    a.push_back(t.clone().requires_grad_(true));
    b.push_back(t.clone().requires_grad_(true));
  }
  auto make = [](std::vector<torch::Tensor>& p, bool fused) -> std::unique_ptr<torch::optim::Optimizer> {
    std::vector<torch::optim::OptimizerParamGroup> g;
    g.emplace_back(std::vector<torch::Tensor>{p[0], p[1]},
                   std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(5e-3).weight_decay(0.1)));
    g.emplace_back(std::vector<torch::Tensor>{p[2], p[3]},
                   std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(5e-4).weight_decay(0.1)));
    const auto d = torch::optim::AdamWOptions(5e-4);
    if (fused) return std::make_unique<apiq::FusedAdamW>(g, d);
    return std::make_unique<torch::optim::AdamW>(g, d);
  };
  auto fa = make(a, true), ref = make(b, false);
  for (int step = 0; step < 4; ++step) {
    fa->zero_grad();
    ref->zero_grad();
    for (size_t i = 0; i < a.size(); ++i) {
      auto g = torch::randn_like(a[i]) * (i + 1);
      a[i].mutable_grad() = g.clone();
      b[i].mutable_grad() = g.clone();
    }
    fa->step();
    ref->step();
  }
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_LT((a[i] - b[i]).abs().max().item<double>(), 1e-6) << "tensor " << i;
    EXPECT_GT((a[i] - start[i]).abs().max().item<double>(), 1e-4) << "tensor " << i << " did not move";
  }
}
