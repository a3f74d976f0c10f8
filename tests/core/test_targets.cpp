// SPDX-License-Identifier: GPL-3.0-or-later
// Target-linear selection end to end: parsing and validation, non-target linears kept dense
// (byte-identical weights, no quantizer, no LoRA) in the checkpoint, the reloaded model equal to
// the one built in memory, and exports that carry (peft, hf-dequantized) or refuse (gptq,
// compressed-tensors) the dense modules.
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "methods/block_context.h"
#include "methods/loftq.h"
#include "methods/method.h"
#include "calibration/calibration.h"
#include "base/errors.h"
#include "export/export.h"
#include "finetune/finetune_model.h"
#include "model/llama_model.h"
#include "quant/quantized_checkpoint.h"
#include "io/safetensors.h"
#include "io/tensor_names.h"
#include "quant/load_model.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

#define REQUIRE_STORIES()                                  \
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors"); \
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt")

const fs::path kModel = apiq::test::shared("models/stories260K");
const fs::path kCalib = apiq::test::shared("data/tinystories-sample.txt");
const std::vector<std::string> kQvd = {"q_proj", "v_proj", "down_proj"};

CalibrationOptions small_options(const char* m) {
  CalibrationOptions o;
  o.method = m;
  o.quant.bits = 2;
  o.quant.group_size = 64;
  o.lora.rank = 8;
  o.nsamples = 4;
  o.seq_len = 32;
  o.epochs = 1;
  o.targets = parse_targets("q,v,down");
  return o;
}

bool is_qvd(LinearKind k) { return k == LinearKind::Q || k == LinearKind::V || k == LinearKind::Down; }

json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

bool same_bytes(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  const auto ca = a.contiguous(), cb = b.contiguous();
  return std::memcmp(ca.data_ptr(), cb.data_ptr(), ca.nbytes()) == 0;
}

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Targets, ParseAndValidate) {
  const auto t = parse_targets("q,v,down");
  EXPECT_EQ(count_targets(t), 3);
  for (LinearKind k : kAllLinears) EXPECT_EQ(t[static_cast<int>(k)], is_qvd(k)) << linear_short_name(k);
  EXPECT_EQ(targets_to_string(t), "q,v,down");
  EXPECT_EQ(parse_targets("down_proj,q_proj,v"), t);
  EXPECT_EQ(parse_targets("q,k,v,o,gate,up,down"), kAllTargets);
  EXPECT_THROW(parse_targets("bogus"), std::invalid_argument);
  EXPECT_THROW(parse_targets("q,q"), std::invalid_argument);
  EXPECT_THROW(parse_targets(""), std::invalid_argument);
  EXPECT_THROW(parse_targets("q,,v"), std::invalid_argument);

  // A checkpoint config without target_modules (written before targets existed) means all seven.
  QuantSpec info = small_options("rtn").spec();
  json j = info.to_json();
  EXPECT_EQ(j["target_modules"].get<std::vector<std::string>>(), kQvd);
  EXPECT_EQ(QuantSpec::from_json(j, "config.json").targets, t);
  j.erase("target_modules");
  EXPECT_TRUE(QuantSpec::from_json(j, "config.json").all_targets());
  j["target_modules"] = {"q_proj", "bogus"};
  EXPECT_THROW(QuantSpec::from_json(j, "config.json"), InputError);

  REQUIRE_STORIES();
  apiq::test::TempDir d;
  auto o = small_options("rtn");
  o.targets = {};
  EXPECT_THROW(calibrate_model(kModel, kCalib, d.path / "none", o), std::invalid_argument);
  EXPECT_FALSE(fs::exists(d.path / "none"));
}

TEST(Targets, RtnCheckpointKeepsNonTargetsDenseAndReloadsExactly) {
  REQUIRE_STORIES();
  apiq::test::TempDir d;
  const auto o = small_options("rtn");
  const auto r = calibrate_model(kModel, kCalib, d.path / "rtn", o);
  ASSERT_EQ(r.layers.size(), 15u);  // 5 blocks × 3 targets
  for (const auto& l : r.layers) EXPECT_TRUE(is_qvd(l.kind)) << linear_short_name(l.kind);

  const auto store = TensorStore::open_dir(d.path / "rtn"), src = TensorStore::open_dir(kModel);
  const LlamaConfig cfg = LlamaConfig::from_file(d.path / "rtn" / "config.json");
  const auto& names = tensor_names_for(cfg.model_type);
  int qweights = 0, dense = 0;
  for (const auto& n : store.names()) qweights += n.size() > 8 && n.compare(n.size() - 8, 8, ".qweight") == 0;
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b)
    for (LinearKind k : kAllLinears) {
      const std::string m = linear_module(names, b, k);
      if (is_qvd(k)) {
        EXPECT_TRUE(store.contains(m + ".qweight")) << m;
        EXPECT_FALSE(store.contains(m + ".weight")) << m;
      } else {
        EXPECT_FALSE(store.contains(m + ".qweight")) << m;
        EXPECT_FALSE(store.contains(m + ".scales")) << m;
        ASSERT_TRUE(store.contains(m + ".weight")) << m;
        EXPECT_TRUE(same_bytes(store.load(m + ".weight"), src.load(m + ".weight"))) << m;
        ++dense;
      }
    }
  EXPECT_EQ(qweights, 15);
  EXPECT_EQ(dense, 20);
  EXPECT_EQ(read_json(d.path / "rtn" / "config.json")["quantization_config"]["target_modules"].get<std::vector<std::string>>(),
            kQvd);

  // The reloaded checkpoint computes what the same blocks built in memory compute.
  const torch::Tensor ids = torch::tensor({1, 403, 407, 260, 300, 11}).unsqueeze(0);
  const LlamaModel loaded = load_model(d.path / "rtn");
  const auto* qb0 = dynamic_cast<const QuantBlockLinears*>(loaded.block_linears(0));
  ASSERT_NE(qb0, nullptr);
  EXPECT_EQ(qb0->at(LinearKind::K).state, QuantLinear::State::Dense);
  EXPECT_EQ(qb0->at(LinearKind::Q).state, QuantLinear::State::Final);
  LlamaModel mem = load_model(kModel);
  const auto fp_logits = mem.forward(ids);
  auto [cos, sin] = mem.rotary().cos_sin(0, o.seq_len, torch::kCPU, torch::kFloat);
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b) {
    BlockContext ctx{mem.config(), o, torch::kCPU, cos, sin, b};
    auto qb = std::make_shared<QuantBlockLinears>(find_method(o.method).init_block(ctx, mem.weights().blocks[b]));
    for (auto& l : qb->linears)
      if (l.state == QuantLinear::State::Training) l.finalize();
    EXPECT_EQ(qb->at(LinearKind::Up).state, QuantLinear::State::Dense);
    EXPECT_FALSE(qb->at(LinearKind::Up).quantizer.gamma.defined());
    mem.set_block_linears(b, qb);
  }
  const auto mem_logits = mem.forward(ids);
  const auto got = loaded.forward(ids);
  EXPECT_TRUE(torch::equal(got, mem_logits)) << (got - mem_logits).abs().max().item<double>();
  EXPECT_FALSE(torch::allclose(got, fp_logits)) << "the targets were not quantized";
}

TEST(Targets, ApiqLwTrainsOnlyTargetsAndExportsThem) {
  REQUIRE_STORIES();
  apiq::test::TempDir d;
  const auto r = calibrate_model(kModel, kCalib, d.path / "lw", small_options("apiq-lw"));
  ASSERT_EQ(r.layers.size(), 15u);
  for (const auto& b : r.blocks) EXPECT_EQ(b.losses.size(), 3u * 4u) << "block " << b.block;  // 3 linears × 4 samples
  const auto store = TensorStore::open_dir(d.path / "lw");
  const auto cfg = LlamaConfig::from_file(d.path / "lw" / "config.json");
  const auto& names = tensor_names_for(cfg.model_type);
  for (LinearKind k : kAllLinears) {
    const std::string m = linear_module(names, 2, k);
    EXPECT_EQ(store.contains(m + ".lora_A"), is_qvd(k)) << m;
    EXPECT_EQ(store.contains(m + ".clip_gamma"), is_qvd(k)) << m;
  }

  // Finetuning sees LoRA factors on the targets only.
  const LlamaModel packed = load_model(d.path / "lw", ModelOptions().set_packed_only(true));
  EXPECT_EQ(model_adapter_parameters(packed).size(), 30u);
  EXPECT_EQ(lora_parameter_names(cfg).size(), 30u);

  ExportOptions peft;
  peft.format = "peft";
  export_checkpoint(d.path / "lw", d.path / "peft", peft);
  EXPECT_EQ(read_json(d.path / "peft" / "adapter_config.json")["target_modules"].get<std::vector<std::string>>(), kQvd);
  EXPECT_EQ(TensorStore::open_file(d.path / "peft" / "adapter_model.safetensors").names().size(), 30u);

  ExportOptions hf;
  hf.format = "hf-dequantized";
  hf.dtype = torch::kFloat;
  export_checkpoint(d.path / "lw", d.path / "hf", hf);
  const auto out = TensorStore::open_dir(d.path / "hf"), src = TensorStore::open_dir(kModel);
  const std::string k = linear_module(names, 1, LinearKind::K), q = linear_module(names, 1, LinearKind::Q);
  EXPECT_TRUE(same_bytes(out.load(k + ".weight"), src.load(k + ".weight")));
  EXPECT_FALSE(torch::equal(out.load(q + ".weight"), src.load(q + ".weight")));

  for (const std::string f : {"gptq", "gptq-v2", "compressed-tensors"}) {
    ExportOptions e;
    e.format = f;
    const fs::path dst = d.path / f;
    const std::string msg = error_of([&] { export_checkpoint(d.path / "lw", dst, e); });
    EXPECT_NE(msg.find("k_proj, o_proj, gate_proj, up_proj"), std::string::npos) << f << ": " << msg;
    EXPECT_FALSE(fs::exists(dst));
  }
}
