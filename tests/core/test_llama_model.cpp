// SPDX-License-Identifier: GPL-3.0-or-later
#include <cmath>
#include <fstream>

#include "base/errors.h"
#include "model/evaluation.h"
#include "model/llama_model.h"
#include "bench/random_packed_model.h"
#include "quant/adjacent_packed.h"
#include "io/safetensors.h"
#include "decode_check.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Plain float64 loops for one decoder block: an implementation independent of
// decoder_block_forward (no SDPA, no broadcasting tricks) to check it against.
torch::Tensor naive_block(const LlamaConfig& c, const BlockWeights& w, const torch::Tensor& x_in) {
  auto W = [&](LinearKind k) { return w.linear(k).weight.to(torch::kDouble); };
  auto x = x_in.to(torch::kDouble)[0];  // [T, d]
  const int64_t T = x.size(0), H = c.num_attention_heads, KVH = c.num_key_value_heads, D = c.head_dim;
  auto norm = [&](const torch::Tensor& v, const torch::Tensor& g) {
    auto out = torch::empty_like(v);
    for (int64_t t = 0; t < v.size(0); ++t) {
      double ss = 0;
      for (int64_t i = 0; i < v.size(1); ++i) ss += v[t][i].item<double>() * v[t][i].item<double>();
      const double r = 1.0 / std::sqrt(ss / v.size(1) + c.rms_norm_eps);
      for (int64_t i = 0; i < v.size(1); ++i) out[t][i] = v[t][i].item<double>() * r * g[i].item<double>();
    }
    return out;
  };
  auto rope = [&](torch::Tensor m, int64_t heads) {  // m: [T, heads*D]
    auto out = m.clone();
    for (int64_t t = 0; t < T; ++t)
      for (int64_t h = 0; h < heads; ++h)
        for (int64_t i = 0; i < D / 2; ++i) {
          const double f = t / std::pow(c.rope_theta, 2.0 * i / D);
          const double a = m[t][h * D + i].item<double>(), b = m[t][h * D + i + D / 2].item<double>();
          out[t][h * D + i] = a * std::cos(f) - b * std::sin(f);
          out[t][h * D + i + D / 2] = b * std::cos(f) + a * std::sin(f);
        }
    return out;
  };
  auto h1 = norm(x, w.norms[NormKind::Attn].to(torch::kDouble));
  auto q = rope(h1.matmul(W(LinearKind::Q).t()), H);
  auto k = rope(h1.matmul(W(LinearKind::K).t()), KVH);
  auto v = h1.matmul(W(LinearKind::V).t());
  auto attn = torch::zeros({T, H * D}, torch::kDouble);
  for (int64_t h = 0; h < H; ++h) {
    const int64_t kh = h / (H / KVH);
    for (int64_t t = 0; t < T; ++t) {
      std::vector<double> s(t + 1);
      double mx = -1e300;
      for (int64_t u = 0; u <= t; ++u) {
        double dot = 0;
        for (int64_t i = 0; i < D; ++i) dot += q[t][h * D + i].item<double>() * k[u][kh * D + i].item<double>();
        s[u] = dot / std::sqrt(static_cast<double>(D));
        mx = std::max(mx, s[u]);
      }
      double z = 0;
      for (auto& e : s) z += (e = std::exp(e - mx));
      for (int64_t i = 0; i < D; ++i) {
        double acc = 0;
        for (int64_t u = 0; u <= t; ++u) acc += s[u] / z * v[u][kh * D + i].item<double>();
        attn[t][h * D + i] = acc;
      }
    }
  }
  auto r = x + attn.matmul(W(LinearKind::O).t());
  auto h2 = norm(r, w.norms[NormKind::Mlp].to(torch::kDouble));
  auto g = h2.matmul(W(LinearKind::Gate).t());
  auto act = g * torch::sigmoid(g) * h2.matmul(W(LinearKind::Up).t());
  return (r + act.matmul(W(LinearKind::Down).t())).unsqueeze(0);
}

}  // namespace

TEST(LlamaBlock, RmsNormHandComputed) {
  auto y = rms_norm(torch::tensor({{3.0f, 4.0f}}), torch::tensor({1.0f, 2.0f}), 0.0);
  const double r = std::sqrt(12.5);
  EXPECT_NEAR(y[0][0].item<double>(), 3.0 / r, 1e-6);
  EXPECT_NEAR(y[0][1].item<double>(), 8.0 / r, 1e-6);
}

TEST(LlamaBlock, RotaryHandComputed) {
  LlamaConfig c;
  c.head_dim = 4;
  c.rope_theta = 10000.0;
  auto rope = RotaryEmbedding::make(c);
  EXPECT_NEAR(rope.inv_freq[1].item<double>(), 0.01, 1e-9);
  auto [cos, sin] = rope.cos_sin(1, 1, torch::kCPU, torch::kFloat);
  auto y = apply_rotary(torch::tensor({{1.0f, 0.0f, 0.0f, 0.0f}}), cos, sin);
  EXPECT_NEAR(y[0][0].item<double>(), std::cos(1.0), 1e-6);
  EXPECT_NEAR(y[0][2].item<double>(), std::sin(1.0), 1e-6);
  EXPECT_NEAR(y[0][1].item<double>(), 0.0, 1e-7);
}

TEST(LlamaBlock, Llama3RopeScalingMatchesScalarFormula) {
  LlamaConfig c;
  c.head_dim = 128;
  c.rope_theta = 500000.0;
  c.rope_scaling = {"llama3", 8.0, 1.0, 4.0, 8192};
  auto inv = RotaryEmbedding::make(c).inv_freq;
  for (int64_t i = 0; i < 64; ++i) {
    const double f = 1.0 / std::pow(500000.0, 2.0 * i / 128.0);
    const double wl = 2 * M_PI / f;
    double want = f;
    if (wl > 8192.0) want = f / 8.0;
    else if (wl >= 8192.0 / 4.0) {
      const double sm = (8192.0 / wl - 1.0) / (4.0 - 1.0);
      want = (1 - sm) * f / 8.0 + sm * f;
    }
    EXPECT_NEAR(inv[i].item<double>() / want, 1.0, 1e-5) << i;
  }
}

TEST(LlamaModel, BlockMatchesFloat64Loops) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  auto m = LlamaModel::load(apiq::test::shared("models/stories260K"), ModelOptions().set_dtype(torch::kDouble));
  auto x = torch::randn({1, 7, m.config().hidden_size}, torch::kDouble);
  for (int64_t b : {0, 4}) {
    auto ours = m.block_forward(b, x);
    auto ref = naive_block(m.config(), m.weights().blocks[b], x);
    EXPECT_LT((ours - ref).abs().max().item<double>(), 1e-10) << "block " << b;
  }
}

TEST(LlamaModel, Stories260KReferenceNll) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  APIQ_REQUIRE_SHARED("data/eval/tinystories-6000.txt");
  auto dir = apiq::test::shared("models/stories260K");
  auto tok = Tokenizer::load_from_dir(dir);
  auto m = LlamaModel::load(dir);
  PerplexityOptions po;
  po.seq_len = 256;
  po.max_windows = 1;
  auto r = evaluate_perplexity(m, tokenize_stream(tok, read_all(apiq::test::shared("data/eval/tinystories-6000.txt"))), po);
  EXPECT_NEAR(r.nll, 1.3958, 5e-4);  // Hugging Face float64 reference in ../shared/README.md
  EXPECT_EQ(r.windows, 1);
  EXPECT_NEAR(r.ppl, std::exp(r.nll), 1e-12);
}

TEST(LlamaModel, GreedyStoryAndKvCacheConsistency) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  auto dir = apiq::test::shared("models/stories260K");
  auto tok = Tokenizer::load_from_dir(dir);
  auto m = LlamaModel::load(dir);
  auto ids = tokenize_stream(tok, "Once upon a time");
  GenerateOptions go;
  go.max_new_tokens = 30;
  auto out = generate_greedy(m, ids, go);
  std::vector<int64_t> all(ids.begin() + 1, ids.end());
  all.insert(all.end(), out.begin(), out.end());
  const std::string text = tok.decode(all);
  const std::string want = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";
  EXPECT_EQ(text.substr(0, want.size()), want) << text;

  // Logits of prefill + cached steps equal one full forward.
  std::vector<int64_t> seq = ids;
  seq.insert(seq.end(), out.begin(), out.begin() + 6);
  auto full = m.forward(torch::tensor(seq).unsqueeze(0));
  KVCache cache;
  auto part = m.forward(torch::tensor(std::vector<int64_t>(seq.begin(), seq.begin() + 4)).unsqueeze(0), &cache);
  auto chunk = m.forward(torch::tensor(std::vector<int64_t>(seq.begin() + 4, seq.begin() + 7)).unsqueeze(0), &cache);
  auto step = m.forward(torch::tensor({seq[7]}).unsqueeze(0), &cache);
  EXPECT_LT((part[0] - full[0].narrow(0, 0, 4)).abs().max().item<double>(), 1e-4);
  EXPECT_LT((chunk[0] - full[0].narrow(0, 4, 3)).abs().max().item<double>(), 1e-4);
  EXPECT_LT((step[0][0] - full[0][7]).abs().max().item<double>(), 1e-4);
}

TEST(StaticDecoder, StepsMatchTheFullForwardAndGreedyDecode) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  auto dir = apiq::test::shared("models/stories260K");
  auto tok = Tokenizer::load_from_dir(dir);
  auto m = LlamaModel::load(dir);
  auto ids = tokenize_stream(tok, "Once upon a time");
  auto r = apiq::test::check_static_decode(m, ids, 20, /*graph=*/true);
  EXPECT_FALSE(r.used_graph);  // no graph on the CPU: the same step runs eagerly
  EXPECT_LT(r.max_err, 1e-4) << "logits up to " << r.max_ref;
  GenerateOptions go;
  go.max_new_tokens = 21;
  go.stop_at_eos = false;
  EXPECT_EQ(r.tokens, generate_greedy(m, ids, go));

  StaticDecoder small(m, 4, false);
  EXPECT_THROW(small.step(), std::logic_error);  // no prefill yet
  EXPECT_THROW(small.prefill({1, 2, 3, 4}), std::invalid_argument);  // no room left for a new token
  small.prefill({1, 2, 3});
  EXPECT_NO_THROW(small.step());
  EXPECT_THROW(small.step(), std::out_of_range);
}

TEST(StaticDecoder, PackedModelWithLoraAndGroupedQueries) {
  auto cfg = apiq::test::small_config(128, 256, 4, 2, 2, 300);
  RandomPackedModelOptions o;
  o.rank = 8;
  o.dtype = torch::kFloat;
  torch::manual_seed(5);
  auto built = make_random_packed_model(cfg, o);
  auto r = apiq::test::check_static_decode(built.model, {1, 7, 42, 99, 3}, 12, false);
  EXPECT_LT(r.max_err, 1e-4 * std::max(1.0, r.max_ref)) << "logits up to " << r.max_ref;
}

TEST(StaticDecoder, PackedGroupsShareOneAllocation) {
  torch::manual_seed(2);
  auto make = [](int bits_k) {
    QuantBlockLinears b;
    for (LinearKind k : kAllLinears) {
      auto& l = b.at(k);
      l.packed = random_packed_linear(k == LinearKind::Up ? 96 : 64, 128, k == LinearKind::K ? bits_k : 2, 32,
                                      torch::kCPU);
      l.state = QuantLinear::State::Final;
    }
    return b;
  };
  auto b = make(2);
  std::vector<PackedLinear> before;
  for (const auto& l : b.linears) before.push_back(*l.packed);
  place_packed_groups_adjacent(b);
  for (int i = 0; i < kNumLinears; ++i) {
    const auto& now = *b.linears[i].packed;
    EXPECT_TRUE(torch::equal(now.packed, before[i].packed) && torch::equal(now.scales, before[i].scales) &&
                torch::equal(now.zeros, before[i].zeros)) << i;
  }
  auto adjacent = [&](LinearKind a, LinearKind c) {
    const auto &pa = *b.at(a).packed, &pc = *b.at(c).packed;
    return pa.packed.is_alias_of(pc.packed) && pa.zeros.is_alias_of(pc.zeros) &&
           static_cast<const int32_t*>(pa.packed.data_ptr()) + pa.packed.numel() == pc.packed.data_ptr();
  };
  EXPECT_TRUE(adjacent(LinearKind::Q, LinearKind::K));
  EXPECT_TRUE(adjacent(LinearKind::K, LinearKind::V));
  EXPECT_TRUE(adjacent(LinearKind::Gate, LinearKind::Up));
  EXPECT_FALSE(b.at(LinearKind::O).packed->packed.is_alias_of(b.at(LinearKind::V).packed->packed));
  // q, k, v of different bit widths cannot be one product: left as they are.
  auto mixed = make(4);
  place_packed_groups_adjacent(mixed);
  EXPECT_FALSE(mixed.at(LinearKind::Q).packed->packed.is_alias_of(mixed.at(LinearKind::K).packed->packed));
  EXPECT_TRUE(mixed.at(LinearKind::Gate).packed->packed.is_alias_of(mixed.at(LinearKind::Up).packed->packed));
}

TEST(StaticDecoder, CpuDecodeRunsTheComposedOpsAndSaysWhy) {
  auto cfg = apiq::test::small_config(128, 256, 4, 2, 2, 300);
  RandomPackedModelOptions o;
  o.rank = 0;
  auto built = make_random_packed_model(cfg, o);
  StaticDecoder dec(built.model, 8, true);
  EXPECT_FALSE(dec.fused());
  EXPECT_NE(dec.fused_reason().find("CUDA"), std::string::npos) << dec.fused_reason();
}

TEST(LlamaModel, StreamedBlocksEqualResident) {
  APIQ_REQUIRE_SHARED("models/babyllama-tok105/model.safetensors");
  auto dir = apiq::test::shared("models/babyllama-tok105");
  auto a = LlamaModel::load(dir);
  auto b = LlamaModel::load(dir, ModelOptions().set_stream_blocks(true));
  auto ids = torch::randint(0, 105, {2, 17}, torch::kInt64);
  EXPECT_TRUE(torch::allclose(a.forward(ids), b.forward(ids)));
}

// Deferred linears: nothing of a block's linears read at load; read_block_linears gives exactly the
// tensors a streamed load holds, and the attached block runs as before.
TEST(LlamaModel, DeferredBlockLinearsReadOnDemand) {
  APIQ_REQUIRE_SHARED("models/babyllama-tok105/model.safetensors");
  auto dir = apiq::test::shared("models/babyllama-tok105");
  auto streamed = LlamaModel::load(dir, ModelOptions().set_stream_blocks(true));
  auto deferred = LlamaModel::load(dir, ModelOptions().set_stream_blocks(true).set_defer_block_linears(true));
  for (int64_t b = 0; b < deferred.num_blocks(); ++b) {
    EXPECT_FALSE(deferred.weights().blocks[b].linears[0].weight.defined()) << b;
    auto linears = deferred.read_block_linears(b);
    for (int i = 0; i < kNumLinears; ++i)
      EXPECT_TRUE(torch::equal(linears[i].weight, streamed.weights().blocks[b].linears[i].weight)) << b << " " << i;
    deferred.attach_block_linears(b, std::move(linears));
  }
  auto ids = torch::randint(0, 105, {1, 9}, torch::kInt64);
  EXPECT_TRUE(torch::equal(deferred.forward(ids), streamed.forward(ids)));
  EXPECT_THROW(streamed.read_block_linears(0), std::logic_error);  // not loaded deferred
}

TEST(LlamaModel, SeparateLmHeadShardedBf16) {
  APIQ_REQUIRE_SHARED("models/mix8k-32M/model.safetensors.index.json");
  auto m = LlamaModel::load(apiq::test::shared("models/mix8k-32M"));
  EXPECT_FALSE(m.weights().lm_head.is_same(m.weights().embed));
  auto logits = m.forward(torch::tensor({1, 450, 300}).unsqueeze(0));
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{1, 3, 8192}));
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

TEST(LlamaModelBadInput, MissingTensorAndWrongShape) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  auto src = apiq::test::shared("models/stories260K");
  apiq::test::TempDir d;
  fs::copy_file(src / "config.json", d.path / "config.json");
  auto store = TensorStore::open_dir(src);
  NamedTensors ts;
  for (const auto& n : store.names())
    if (n != "model.layers.2.mlp.up_proj.weight") ts.emplace_back(n, store.load(n));
  write_safetensors(d.path / "model.safetensors", ts);
  try {
    LlamaModel::load(d.path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing tensor 'model.layers.2.mlp.up_proj.weight'"), std::string::npos) << e.what();
  }
  ts.emplace_back("model.layers.2.mlp.up_proj.weight", torch::zeros({172, 63}));
  write_safetensors(d.path / "model.safetensors", ts);
  const auto deferred = ModelOptions().set_stream_blocks(true).set_defer_block_linears(true);
  for (const auto& opts : {ModelOptions(), deferred}) {  // deferred loads check shapes from the header
    try {
      LlamaModel::load(d.path, opts);
      FAIL();
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("model.safetensors"), std::string::npos);
      EXPECT_NE(std::string(e.what()).find("shape [172, 63]"), std::string::npos) << e.what();
    }
  }
  ts.back().second = torch::full({172, 64}, std::nanf(""));
  write_safetensors(d.path / "model.safetensors", ts);
  EXPECT_THROW(LlamaModel::load(d.path), InputError);
  // Deferred: the NaN is found when block 2's linears are read.
  auto m = LlamaModel::load(d.path, deferred);
  EXPECT_NO_THROW(m.read_block_linears(1));
  EXPECT_THROW(m.read_block_linears(2), InputError);
  EXPECT_THROW(LlamaModel::load(d.path / "nowhere"), InputError);
}
