// SPDX-License-Identifier: GPL-3.0-or-later
#include <fstream>

#include "io/config.h"
#include "base/errors.h"
#include "io/tensor_names.h"
#include "test_util.h"

using namespace apiq;
using json = nlohmann::json;

namespace {
json base() {
  return {{"model_type", "llama"}, {"hidden_size", 64}, {"intermediate_size", 172}, {"num_attention_heads", 8},
          {"num_key_value_heads", 4}, {"num_hidden_layers", 5}, {"vocab_size", 512}};
}
void expect_input_error(const json& j, const std::string& what) {
  try {
    LlamaConfig::from_json(j, "/x/config.json");
    FAIL() << "accepted " << j.dump();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/x/config.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(Config, DefaultsAndDerivedFields) {
  auto c = LlamaConfig::from_json(base(), "c");
  EXPECT_EQ(c.head_dim, 8);
  EXPECT_EQ(c.kv_dim(), 32);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  EXPECT_EQ(c.rope_scaling.type, "default");
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int64_t>{2}));
}

TEST(Config, ReadsStories260K) {
  APIQ_REQUIRE_SHARED("models/stories260K/config.json");
  auto c = LlamaConfig::from_file(apiq::test::shared("models/stories260K/config.json"));
  EXPECT_EQ(c.hidden_size, 64);
  EXPECT_EQ(c.intermediate_size, 172);
  EXPECT_EQ(c.num_key_value_heads, 4);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_DOUBLE_EQ(c.rms_norm_eps, 1e-5);
  EXPECT_EQ(c.dtype, "float32");
}

TEST(Config, V5LayoutRopeParametersAndDtype) {
  APIQ_REQUIRE_SHARED("models/mix8k-32M/config.json");
  auto c = LlamaConfig::from_file(apiq::test::shared("models/mix8k-32M/config.json"));
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.dtype, "bfloat16");
  EXPECT_FALSE(c.tie_word_embeddings);
  auto j = base();
  j["rope_parameters"] = {{"rope_theta", 500000.0}, {"rope_type", "llama3"}, {"factor", 8.0},
                          {"low_freq_factor", 1.0}, {"high_freq_factor", 4.0},
                          {"original_max_position_embeddings", 8192}};
  j["dtype"] = "bfloat16";
  j["eos_token_id"] = {128001, 128009};
  auto c2 = LlamaConfig::from_json(j, "c");
  EXPECT_DOUBLE_EQ(c2.rope_theta, 500000.0);
  EXPECT_EQ(c2.rope_scaling.type, "llama3");
  EXPECT_DOUBLE_EQ(c2.rope_scaling.factor, 8.0);
  EXPECT_EQ(c2.eos_token_ids.size(), 2u);
}

TEST(Config, V4RopeScalingWithOldTypeKey) {
  auto j = base();
  j["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};
  j["head_dim"] = 16;
  auto c = LlamaConfig::from_json(j, "c");
  EXPECT_EQ(c.rope_scaling.type, "linear");
  EXPECT_EQ(c.head_dim, 16);
}

TEST(ConfigBadInput, MissingRequiredField) {
  auto j = base();
  j.erase("num_hidden_layers");
  expect_input_error(j, "missing required field 'num_hidden_layers'");
}

TEST(ConfigBadInput, UnsupportedModelType) {
  auto j = base();
  j["model_type"] = "gpt2";
  expect_input_error(j, "unsupported model_type 'gpt2'");
}

TEST(ConfigBadInput, BadShapesAndRope) {
  auto j = base();
  j["num_key_value_heads"] = 3;
  expect_input_error(j, "not a multiple of num_key_value_heads");
  j = base();
  j["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
  expect_input_error(j, "unsupported rope scaling type 'yarn'");
  j = base();
  j["hidden_size"] = "wide";
  expect_input_error(j, "must be a positive integer");
}

TEST(ConfigBadInput, MissingAndInvalidFile) {
  apiq::test::TempDir d;
  EXPECT_THROW(LlamaConfig::from_file(d.path / "config.json"), InputError);
  std::ofstream(d.path / "config.json") << "{ not json";
  try {
    LlamaConfig::from_file(d.path / "config.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid JSON"), std::string::npos);
  }
}

TEST(TensorNames, TableDriven) {
  const auto& n = tensor_names_for("mistral");
  EXPECT_EQ(linear_module(n, 3, LinearKind::Q), "model.layers.3.self_attn.q_proj");
  EXPECT_EQ(linear_module(n, 0, LinearKind::Down), "model.layers.0.mlp.down_proj");
  EXPECT_EQ(block_prefix(n, 12) + n.norm(NormKind::Attn), "model.layers.12.input_layernorm.weight");
  EXPECT_THROW(tensor_names_for("falcon"), std::invalid_argument);
}
