// SPDX-License-Identifier: GPL-3.0-or-later
// The fused decode step: each of its kernels against a float64 recomputation on fresh random
// inputs over several shapes (grouped and ragged head sizes included), and whole packed models
// with LoRA decoded fused against the composed ops and against the full forward (the products'
// prologues and epilogues: test_cuda_decode_products.cpp).
#include <string>

#include "bench/random_packed_model.h"
#include "decode_check.h"
#include "model/fused_decode.h"
#include "model/llama_block.h"
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


struct Heads {
  int64_t heads, kv_heads, dim, capacity;
};
const std::vector<Heads> kShapes = {{32, 32, 128, 72}, {8, 2, 64, 300}, {6, 3, 34, 17}, {4, 1, 256, 1}, {2, 2, 10, 5}};

}  // namespace

TEST(CudaFusedDecode, RopeKvWriteMatchesComposedRotation) {
  APIQ_REQUIRE_CUDA();
  for (auto dt : {torch::kBFloat16, torch::kHalf}) {
    for (const auto& s : kShapes) {
      ASSERT_TRUE(decode_step_kernels_support(dt, s.heads, s.kv_heads, s.dim, s.capacity));
      const int64_t slots = s.heads + 2 * s.kv_heads, pos = (s.capacity * 2) / 3;
      auto qkv = torch::randn({slots * s.dim}, on_cuda(dt));
      auto cos = torch::randn({s.capacity, s.dim}, on_cuda(dt)), sin = torch::randn({s.capacity, s.dim}, on_cuda(dt));
      auto kc = torch::zeros({1, s.kv_heads, s.capacity, s.dim}, on_cuda(dt)), vc = torch::zeros_like(kc);
      auto q = rope_kv_write_kernel(qkv, cos, sin, torch::full({1}, pos, on_cuda(torch::kLong)), kc, vc, s.heads);
      // Reference: apply_rotary in float64 on the same inputs.
      auto x = qkv.to(torch::kDouble).view({slots, s.dim});
      auto c = cos[pos].to(torch::kDouble), sn = sin[pos].to(torch::kDouble);
      auto rq = apply_rotary(x.narrow(0, 0, s.heads), c, sn);
      auto rk = apply_rotary(x.narrow(0, s.heads, s.kv_heads), c, sn);
      const double tol = dt == torch::kHalf ? 2e-3 : 1.6e-2;
      const auto label = std::to_string(s.heads) + "/" + std::to_string(s.kv_heads) + "x" + std::to_string(s.dim);
      EXPECT_LT(rel_err(q, rq), tol) << label;
      EXPECT_LT(rel_err(kc[0].select(1, pos), rk), tol) << label;
      EXPECT_TRUE(torch::equal(vc[0].select(1, pos), qkv.view({slots, s.dim}).narrow(0, s.heads + s.kv_heads, s.kv_heads)))
          << label;
      // Nothing else in the caches was written.
      EXPECT_EQ(kc.ne(0).sum().item<int64_t>(), kc[0].select(1, pos).ne(0).sum().item<int64_t>()) << label;
      EXPECT_EQ(vc.ne(0).sum().item<int64_t>(), vc[0].select(1, pos).ne(0).sum().item<int64_t>()) << label;
    }
  }
}

TEST(CudaFusedDecode, AttentionMatchesFloat64Softmax) {
  APIQ_REQUIRE_CUDA();
  for (auto dt : {torch::kBFloat16, torch::kHalf}) {
    for (const auto& s : kShapes) {
      for (int64_t pos : {int64_t{0}, s.capacity / 2, s.capacity - 1}) {
        auto q = torch::randn({s.heads, s.dim}, on_cuda(dt));
        auto kc = torch::randn({1, s.kv_heads, s.capacity, s.dim}, on_cuda(dt)) * 2, vc = torch::randn_like(kc);
        const double scale = 1.0 / std::sqrt(static_cast<double>(s.dim));
        auto out = decode_attention_kernel(q, kc, vc, torch::full({1}, pos, on_cuda(torch::kLong)), scale);
        // Reference: every query head against its kv head's keys 0..pos, in float64.
        const int64_t group = s.heads / s.kv_heads;
        auto K = kc[0].to(torch::kDouble).narrow(1, 0, pos + 1).repeat_interleave(group, 0);  // [heads, n, D]
        auto V = vc[0].to(torch::kDouble).narrow(1, 0, pos + 1).repeat_interleave(group, 0);
        auto p = torch::softmax(torch::bmm(K, q.to(torch::kDouble).unsqueeze(2)).squeeze(2) * scale, -1);
        auto ref = torch::bmm(p.unsqueeze(1), V).squeeze(1).reshape({-1});
        EXPECT_LT(rel_err(out, ref), dt == torch::kHalf ? 3e-3 : 2e-2)
            << s.heads << "/" << s.kv_heads << "x" << s.dim << " pos " << pos;
      }
    }
  }
}

// The fused decode's default: the rotation, the cache write and the attention in one kernel. It
// must give the two kernels' results (each checked against float64 above) bit for bit, caches
// included, with grouped heads (every block of a group writes the same new row and reads it back).
TEST(CudaFusedDecode, RopeAttentionEqualsRotationThenAttention) {
  APIQ_REQUIRE_CUDA();
  for (auto dt : {torch::kBFloat16, torch::kHalf}) {
    for (const auto& s : kShapes) {
      for (int64_t pos : {int64_t{0}, s.capacity / 2, s.capacity - 1}) {
        const int64_t slots = s.heads + 2 * s.kv_heads;
        auto qkv = torch::randn({slots * s.dim}, on_cuda(dt));
        auto cos = torch::randn({s.capacity, s.dim}, on_cuda(dt)), sin = torch::randn({s.capacity, s.dim}, on_cuda(dt));
        auto kc = torch::randn({1, s.kv_heads, s.capacity, s.dim}, on_cuda(dt)), vc = torch::randn_like(kc);
        auto kc2 = kc.clone(), vc2 = vc.clone();
        const auto p = torch::full({1}, pos, on_cuda(torch::kLong));
        const double scale = 1.0 / std::sqrt(static_cast<double>(s.dim));
        auto two = decode_attention_kernel(rope_kv_write_kernel(qkv, cos, sin, p, kc, vc, s.heads), kc, vc, p, scale);
        auto one = rope_attention_kernel(qkv, cos, sin, p, kc2, vc2, s.heads, scale);
        const auto label = std::to_string(s.heads) + "/" + std::to_string(s.kv_heads) + "x" + std::to_string(s.dim) +
                           " pos " + std::to_string(pos);
        EXPECT_TRUE(torch::equal(one, two)) << label << ", largest gap " << (one - two).abs().max().item<double>();
        EXPECT_TRUE(torch::equal(kc2, kc)) << label;
        EXPECT_TRUE(torch::equal(vc2, vc)) << label;
      }
    }
  }
}

TEST(CudaFusedDecode, SiluMulMatchesFloat64) {
  APIQ_REQUIRE_CUDA();
  for (auto dt : {torch::kBFloat16, torch::kHalf, torch::kFloat}) {
    for (auto [rows, inter] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {1, 11008}, {3, 173}, {7, 4097}}) {
      auto gu = torch::randn({rows, 2 * inter}, on_cuda(dt)) * 3;
      auto g = gu.narrow(1, 0, inter).to(torch::kDouble), u = gu.narrow(1, inter, inter).to(torch::kDouble);
      auto ref = g * torch::sigmoid(g) * u;
      EXPECT_LT(rel_err(silu_mul_kernel(gu), ref), dt == torch::kFloat ? 1e-5 : (dt == torch::kHalf ? 2e-3 : 1e-2))
          << rows << "x" << inter;
    }
  }
}

namespace {

RandomPackedModel perturbed_model(const LlamaConfig& cfg, int64_t rank, int bits, int64_t group) {
  RandomPackedModelOptions o;
  o.rank = rank;
  o.bits = bits;
  o.group_size = group;
  o.perturbed = true;
  o.device = kCuda;
  return make_random_packed_model(cfg, o);
}

// Largest gap between two decoders' logits over the prompt and `steps` steps; *scale: the largest |ref logit|.
double logit_gap(StaticDecoder& ours, StaticDecoder& ref, const std::vector<int64_t>& prompt, int steps, double* scale) {
  double err = 0;
  *scale = 0;
  for (int s = 0; s <= steps; ++s) {
    if (s == 0) {
      ours.prefill(prompt);
      ref.prefill(prompt);
    } else {
      ours.step();
      ref.step();
    }
    auto a = ours.last_logits().cpu(), b = ref.last_logits().cpu();
    err = std::max(err, (a - b).abs().max().item<double>());
    *scale = std::max(*scale, b.abs().max().item<double>());
  }
  EXPECT_EQ(ours.position(), ref.position());
  return err;
}

// Logits of `steps` fused steps against the composed ops on the same tokens.
double fused_vs_composed(const LlamaModel& m, const std::vector<int64_t>& prompt, int steps, double* scale) {
  StaticDecoder fused(m, static_cast<int64_t>(prompt.size()) + steps + 1, true, true);
  StaticDecoder composed(m, static_cast<int64_t>(prompt.size()) + steps + 1, true, false);
  EXPECT_TRUE(fused.fused()) << fused.fused_reason();
  EXPECT_FALSE(composed.fused());
  return logit_gap(fused, composed, prompt, steps, scale);
}

}  // namespace

TEST(CudaFusedDecode, PackedModelWithLoraMatchesComposedOpsAndFullForward) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(11);
  // Grouped queries (8 heads over 2), W2 g64 with LoRA r 16 on every linear, three blocks.
  auto cfg = apiq::test::small_config(512, 1024, 8, 2, 3, 320);
  auto built = perturbed_model(cfg, 16, 2, 64);
  auto fb = FusedDecodeBlocks::build(built.model, 32);
  ASSERT_NE(fb, nullptr);
  EXPECT_EQ(fb->fused_groups(), 2 * cfg.num_hidden_layers);  // q/k/v and gate/up adjacent in every block
  double scale = 0;
  const double err = fused_vs_composed(built.model, {1, 17, 5, 250, 3}, 20, &scale);
  EXPECT_LT(err, 2e-2 * std::max(1.0, scale)) << "logits up to " << scale;
  auto r = apiq::test::check_static_decode(built.model, {1, 17, 5, 250, 3}, 20, true);
  EXPECT_LT(r.max_err, 2e-2 * std::max(1.0, r.max_ref)) << "logits up to " << r.max_ref;

  // W4 g128 and W3 g50 on the CUDA-core product, head_dim 34 (not a multiple of 32), no LoRA.
  auto cfg3 = apiq::test::small_config(204, 500, 6, 3, 2, 260);
  for (auto [bits, group] : std::vector<std::pair<int, int64_t>>{{4, 68}, {3, 50}}) {
    auto m3 = perturbed_model(cfg3, 0, bits, group);
    const double e3 = fused_vs_composed(m3.model, {4, 9, 2}, 12, &scale);
    EXPECT_LT(e3, 2e-2 * std::max(1.0, scale)) << bits << "-bit, logits up to " << scale;
  }
}

TEST(CudaFusedDecode, RefusesWhatItCannotRunAndSaysWhy) {
  APIQ_REQUIRE_CUDA();
  auto cfg = apiq::test::small_config(256, 512, 4, 2, 2, 300);
  auto built = perturbed_model(cfg, 0, 2, 64);
  std::string why;
  // 300 (head_dim 64) × 4 bytes of scores fit; 20 000 positions do not fit in 48 KiB.
  EXPECT_NE(FusedDecodeBlocks::build(built.model, 300, &why), nullptr) << why;
  EXPECT_EQ(FusedDecodeBlocks::build(built.model, 20000, &why), nullptr);
  EXPECT_NE(why.find("20000 positions"), std::string::npos) << why;
  {
    ScopedCudaKernels off(false);
    EXPECT_EQ(FusedDecodeBlocks::build(built.model, 300, &why), nullptr);
    EXPECT_NE(why.find("CUDA"), std::string::npos) << why;
  }
  // A dense model has no packed products.
  auto dense = LlamaModel(cfg, built.model.weights(), built.model.options());
  EXPECT_EQ(FusedDecodeBlocks::build(dense, 300, &why), nullptr);
  EXPECT_NE(why.find("block 0"), std::string::npos) << why;
}

TEST(CudaFusedDecode, FoldedStepMatchesTheNineKernelStepAndTheFullForward) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(24);
  auto cfg = apiq::test::small_config(512, 1024, 8, 2, 3, 320);
  auto built = perturbed_model(cfg, 0, 2, 64);
  auto folded = FusedDecodeBlocks::build(built.model, 32);
  ASSERT_NE(folded, nullptr);
  EXPECT_EQ(folded->inputs_in_products(), 3 * cfg.num_hidden_layers);
  EXPECT_EQ(folded->byte_zero_products(), 4 * cfg.num_hidden_layers);  // q/k/v, o, gate/up, down
  EXPECT_EQ(folded->silu_after_gate_up(), cfg.num_hidden_layers);     // SiLU·mul in gate/up's epilogue
  FusedDecodeOptions plain;
  plain.inputs_in_products = plain.byte_zeros = false;
  auto nine = FusedDecodeBlocks::build(built.model, 32, nullptr, plain);
  ASSERT_NE(nine, nullptr);
  EXPECT_EQ(nine->inputs_in_products() + nine->byte_zero_products(), 0);

  const std::vector<int64_t> prompt = {1, 17, 5, 250, 3};
  const int steps = 16;
  StaticDecoder a(built.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, true);
  StaticDecoder b(built.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, true, plain);
  ASSERT_TRUE(a.fused()) << a.fused_reason();
  ASSERT_TRUE(b.fused()) << b.fused_reason();
  double scale = 0;
  const double err = logit_gap(a, b, prompt, steps, &scale);
  EXPECT_LT(err, 2e-2 * std::max(1.0, scale)) << "logits up to " << scale;
  auto r = apiq::test::check_static_decode(built.model, prompt, steps, true);
  EXPECT_LT(r.max_err, 2e-2 * std::max(1.0, r.max_ref)) << "logits up to " << r.max_ref;

  // With a LoRA on every linear the norms and SiLU·mul stay inside the products too: the LoRA's
  // first half applies them itself, its second half is the product's epilogue.
  // (FusedDecodeOptions::lora_in_products, the default; without it the LoRA is two dense products and
  // the norms and SiLU·mul that it reads stay kernels.) Both against the full forward.
  auto lora = perturbed_model(cfg, 8, 2, 64);
  FusedDecodeOptions dense_lora;
  dense_lora.lora_in_products = false;
  EXPECT_EQ(FusedDecodeBlocks::build(lora.model, 32, nullptr, dense_lora)->inputs_in_products(), 0);
  FusedDecodeOptions in_products;
  auto with_lora = FusedDecodeBlocks::build(lora.model, 32, nullptr, in_products);
  ASSERT_NE(with_lora, nullptr);
  EXPECT_EQ(with_lora->inputs_in_products(), 3 * cfg.num_hidden_layers);
  EXPECT_EQ(with_lora->lora_products_in_kernel(), 4 * cfg.num_hidden_layers);
  EXPECT_EQ(with_lora->silu_after_gate_up(), cfg.num_hidden_layers);
  StaticDecoder d(lora.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, true, in_products);
  StaticDecoder ref(lora.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, false);
  ASSERT_TRUE(d.fused()) << d.fused_reason();
  const double el = logit_gap(d, ref, prompt, steps, &scale);
  EXPECT_LT(el, 2e-2 * std::max(1.0, scale)) << "logits up to " << scale;
  // The LoRA as two dense products per linear, against the full forward.
  StaticDecoder dense(lora.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, true, dense_lora);
  StaticDecoder ref2(lora.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, false);
  ASSERT_TRUE(dense.fused()) << dense.fused_reason();
  const double ed = logit_gap(dense, ref2, prompt, steps, &scale);
  EXPECT_LT(ed, 2e-2 * std::max(1.0, scale)) << "dense LoRA, logits up to " << scale;
  // The default path of the same LoRA model and the plain model, against the full forward.
  for (const LlamaModel* m : {&lora.model, &built.model}) {
    auto rs = apiq::test::check_static_decode(*m, prompt, steps, true);
    EXPECT_LT(rs.max_err, 2e-2 * std::max(1.0, rs.max_ref)) << "logits up to " << rs.max_ref;
  }
  // The rotation as its own kernel before the attention (FusedDecodeOptions::rope_in_attention off)
  // gives the default's logits exactly: the two forms round alike.
  FusedDecodeOptions rope_kernel;
  rope_kernel.rope_in_attention = false;
  StaticDecoder split(lora.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, true, rope_kernel);
  StaticDecoder fused(lora.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, true, in_products);
  ASSERT_TRUE(split.fused()) << split.fused_reason();
  EXPECT_EQ(logit_gap(split, fused, prompt, steps, &scale), 0.0) << "logits up to " << scale;
  // SiLU·mul in the down product's prologue instead: the same up to the order of float32 sums.
  FusedDecodeOptions silu_in_down;
  silu_in_down.silu_after_gate_up = false;
  StaticDecoder down_form(lora.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, true, silu_in_down);
  StaticDecoder fused2(lora.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, true, in_products);
  auto in_down = FusedDecodeBlocks::build(lora.model, 32, nullptr, silu_in_down);
  ASSERT_NE(in_down, nullptr);
  EXPECT_EQ(in_down->silu_after_gate_up(), 0);
  EXPECT_EQ(in_down->inputs_in_products(), 3 * cfg.num_hidden_layers);  // SiLU·mul in down's prologue
  EXPECT_LT(logit_gap(down_form, fused2, prompt, steps, &scale), 2e-2 * std::max(1.0, scale)) << "logits up to " << scale;
}

// The products' weights copied into shared memory in bulk (FusedDecodeOptions::bulk_weights,
// gemv_mma_bulk.cuh): the same arithmetic on the same values as the register loads, so a whole
// decode gives the default's logits exactly, with and without a LoRA (its epilogue, the RMSNorm
// and SiLU·mul prologues and the paired gate/up tiles all run on bulk-copied tiles).
TEST(CudaFusedDecode, BulkCopiedWeightsGiveTheDefaultLogitsExactly) {
  APIQ_REQUIRE_CUDA();
  torch::manual_seed(26);
  auto cfg = apiq::test::small_config(512, 1024, 8, 2, 3, 320);
  const std::vector<int64_t> prompt = {1, 17, 5, 250, 3};
  const int steps = 12;
  FusedDecodeOptions bulk;
  bulk.bulk_weights = true;
  for (int64_t rank : {0, 8}) {
    SCOPED_TRACE("LoRA rank " + std::to_string(rank));
    auto built = perturbed_model(cfg, rank, 2, 64);
    StaticDecoder with_bulk(built.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, true, bulk);
    StaticDecoder plain(built.model, static_cast<int64_t>(prompt.size()) + steps + 1, true, true);
    ASSERT_TRUE(with_bulk.fused()) << with_bulk.fused_reason();
    double scale = 0;
    EXPECT_EQ(logit_gap(with_bulk, plain, prompt, steps, &scale), 0.0) << "logits up to " << scale;
    EXPECT_GT(scale, 0.0);
  }
}
