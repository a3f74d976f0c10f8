// SPDX-License-Identifier: GPL-3.0-or-later
// --fisher: the empirical Fisher against an independent float64 recomputation on stories260K (its
// own Llama forward written here from the Hugging Face definition, autograd per window), and the
// option's rules. The Fisher-weighted decomposition is tested in test_lq_lora.cpp.
#include <cmath>

#include "calibration/fisher.h"
#include "methods/calibration_options.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

const char* const kLinearNames[kNumLinears] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
                                               "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj",
                                               "mlp.down_proj"};

// A plain float64 Llama (stories260K: tied head, no rope scaling) reading the checkpoint by its
// Hugging Face tensor names; nothing of core/model is used.
struct RefLlama {
  int64_t heads = 0, kv_heads = 0, head_dim = 0;
  double eps = 0, theta = 0;
  torch::Tensor embed, final_norm;
  std::vector<std::array<torch::Tensor, kNumLinears>> w;  // the leaves
  std::vector<std::array<torch::Tensor, 2>> norms;

  static RefLlama load(const fs::path& dir, const LlamaConfig& cfg) {
    const TensorStore store = TensorStore::open_dir(dir);
    auto get = [&](const std::string& n) { return store.load(n).to(torch::kDouble); };
    RefLlama m;
    m.heads = cfg.num_attention_heads, m.kv_heads = cfg.num_key_value_heads;
    m.head_dim = cfg.hidden_size / cfg.num_attention_heads;
    m.eps = cfg.rms_norm_eps, m.theta = cfg.rope_theta;
    m.embed = get("model.embed_tokens.weight");
    m.final_norm = get("model.norm.weight");
    for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
      const std::string p = "model.layers." + std::to_string(b) + ".";
      std::array<torch::Tensor, kNumLinears> lin;
      for (int i = 0; i < kNumLinears; ++i) lin[i] = get(p + kLinearNames[i] + ".weight").requires_grad_(true);
      m.w.push_back(lin);
      m.norms.push_back({get(p + "input_layernorm.weight"), get(p + "post_attention_layernorm.weight")});
    }
    return m;
  }

  torch::Tensor rms(const torch::Tensor& x, const torch::Tensor& g) const {
    return x * torch::rsqrt(x.square().mean(-1, true) + eps) * g;
  }
  // Rotary embedding as HF writes it: x·cos + rotate_half(x)·sin, x [B, H, T, hd].
  torch::Tensor rope(const torch::Tensor& x) const {
    const int64_t T = x.size(2), half = head_dim / 2;
    const auto inv = 1.0 / torch::pow(theta, torch::arange(0, head_dim, 2, torch::kDouble) / double(head_dim));
    const auto f = torch::outer(torch::arange(T, torch::kDouble), inv);
    const auto emb = torch::cat({f, f}, -1);
    const auto rot = torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
    return x * emb.cos() + rot * emb.sin();
  }
  torch::Tensor attention(const std::array<torch::Tensor, kNumLinears>& l, const torch::Tensor& x) const {
    const int64_t B = x.size(0), T = x.size(1);
    auto split = [&](const torch::Tensor& y, int64_t h) { return y.view({B, T, h, head_dim}).transpose(1, 2); };
    auto q = rope(split(x.matmul(l[0].t()), heads));
    auto k = rope(split(x.matmul(l[1].t()), kv_heads)).repeat_interleave(heads / kv_heads, 1);
    auto v = split(x.matmul(l[2].t()), kv_heads).repeat_interleave(heads / kv_heads, 1);
    auto s = q.matmul(k.transpose(-1, -2)) / std::sqrt(double(head_dim));
    s = s.masked_fill(torch::ones({T, T}, torch::kBool).triu(1), -INFINITY);
    return torch::softmax(s, -1).matmul(v).transpose(1, 2).reshape({B, T, heads * head_dim}).matmul(l[3].t());
  }
  // Mean next-token cross-entropy of ids [1, T].
  torch::Tensor loss(const torch::Tensor& ids) const {
    auto h = embed.index_select(0, ids[0]).unsqueeze(0);
    for (size_t b = 0; b < w.size(); ++b) {
      const auto& l = w[b];
      h = h + attention(l, rms(h, norms[b][0]));
      const auto x = rms(h, norms[b][1]);
      h = h + (torch::silu(x.matmul(l[4].t())) * x.matmul(l[5].t())).matmul(l[6].t());
    }
    const auto logp = torch::log_softmax(rms(h, final_norm).matmul(embed.t())[0], -1);
    const int64_t T = ids.size(1);
    return -logp.narrow(0, 0, T - 1).gather(1, ids[0].narrow(0, 1, T - 1).unsqueeze(1)).mean();
  }
};

}  // namespace

TEST(Fisher, MatchesFloat64AutogradReferenceOnStories260K) {
  APIQ_REQUIRE_SHARED("models/stories260K");
  const fs::path dir = test::shared("models/stories260K");
  const LlamaModel model = LlamaModel::load(dir);
  torch::manual_seed(11);
  const auto windows = torch::randint(3, model.config().vocab_size, {2, 24}, torch::kLong);
  const auto F = empirical_fisher(model, windows, kAllTargets, torch::kCPU);
  ASSERT_EQ(static_cast<int64_t>(F.size()), model.num_blocks());
  EXPECT_FALSE(model.weights().blocks[0].linears[0].weight.requires_grad()) << "the model's own weights were marked";

  const RefLlama ref = RefLlama::load(dir, model.config());
  std::vector<torch::Tensor> leaves;
  for (const auto& l : ref.w) leaves.insert(leaves.end(), l.begin(), l.end());
  std::vector<torch::Tensor> sums(leaves.size());
  for (int64_t s = 0; s < windows.size(0); ++s) {
    const auto grads = torch::autograd::grad({ref.loss(windows.narrow(0, s, 1))}, leaves);
    for (size_t j = 0; j < grads.size(); ++j) sums[j] = s == 0 ? grads[j].square() : sums[j] + grads[j].square();
  }
  double diff2 = 0, ref2 = 0, worst = 0;
  for (size_t j = 0; j < sums.size(); ++j) {
    const auto ours = F[j / kNumLinears][j % kNumLinears].to(torch::kDouble);
    ASSERT_EQ(ours.sizes(), sums[j].sizes());
    const double d = (ours - sums[j]).norm().item<double>(), r = sums[j].norm().item<double>();
    ASSERT_GT(r, 0) << "linear " << j << " got no gradient";
    diff2 += d * d, ref2 += r * r, worst = std::max(worst, d / r);
  }
  const double rel = std::sqrt(diff2 / ref2);
  std::printf("fisher vs float64 reference: relative error %.3g overall, %.3g worst linear\n", rel, worst);
  EXPECT_LT(rel, 1e-4);
  EXPECT_LT(worst, 1e-3);
}

TEST(Fisher, NonTargetLinearsGetNone) {
  APIQ_REQUIRE_SHARED("models/stories260K");
  const LlamaModel model = LlamaModel::load(test::shared("models/stories260K"));
  const auto F = empirical_fisher(model, torch::randint(3, 500, {1, 8}, torch::kLong), parse_targets("q,down"), torch::kCPU);
  for (const auto& b : F)
    for (int i = 0; i < kNumLinears; ++i)
      EXPECT_EQ(b[i].defined(), i == static_cast<int>(LinearKind::Q) || i == static_cast<int>(LinearKind::Down));
}

TEST(Fisher, OptionRules) {
  CalibrationOptions o;
  o.method = "lq-lora";
  o.nsamples = 4;
  o.fisher = 4;
  EXPECT_TRUE(o.problems().empty());
  o.fisher = 5;
  ASSERT_FALSE(o.problems().empty());
  EXPECT_NE(o.problems().front().find("--fisher 5 exceeds --nsamples 4"), std::string::npos) << o.problems().front();
  o.fisher = -1;
  EXPECT_THROW(o.validate(), std::invalid_argument);
  o.fisher = 2;
  o.method = "rtn";
  ASSERT_FALSE(o.problems().empty());
  EXPECT_NE(o.problems().front().find("lq-lora only"), std::string::npos) << o.problems().front();
}
