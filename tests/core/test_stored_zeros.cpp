// SPDX-License-Identifier: GPL-3.0-or-later
// Compact zero points: uint8 where every zero is a code, int16 for a group of one sign (whose exact
// grid needs a zero outside the code range), int32 as older checkpoints wrote them — the storage
// counted from the written tensors, and every width read back to the same model.
#include <torch/types.h>
#include <torch/utils.h>

#include "calibration/budget_allocation.h"
#include "calibration/calibration.h"
#include "io/safetensors.h"
#include "model/linear_shapes.h"
#include "quant/load_model.h"
#include "quant/quantized_checkpoint.h"
#include "quant/stored_zeros.h"
#include "stored_bits.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;

TEST(StoredZeros, WidthByRange) {
  const auto codes = torch::tensor({0, 3, 255}, torch::kInt);
  EXPECT_EQ(stored_zero_bits(codes), 8);
  EXPECT_EQ(stored_zero_points(codes).scalar_type(), torch::kUInt8);
  EXPECT_TRUE(torch::equal(stored_zero_points(codes).to(torch::kInt), codes));
  for (int bad : {-1, 256, -10000, 10000}) {
    const auto z = torch::tensor({0, bad}, torch::kInt);
    EXPECT_EQ(stored_zero_bits(z), 16) << bad;
    EXPECT_TRUE(torch::equal(stored_zero_points(z).to(torch::kInt), z)) << bad;
  }
  const auto merged = torch::tensor({0.5f, -2.25f});
  EXPECT_EQ(stored_zero_bits(merged), 32);
  EXPECT_EQ(stored_zero_points(merged).scalar_type(), torch::kFloat);
}

namespace {

// stories260K with rows 0..2 of block 0's q_proj made positive and far from 0: their groups do not
// straddle 0, so min-max rounding gives them a negative zero point.
fs::path model_with_positive_rows(const fs::path& dir) {
  const fs::path src = apiq::test::shared("models/stories260K");
  fs::create_directories(dir);
  for (const char* f : {"config.json", "tokenizer.model"}) fs::copy_file(src / f, dir / f);
  const auto store = TensorStore::open_dir(src);
  NamedTensors tensors;
  for (const auto& name : store.names()) {
    torch::Tensor t = store.load(name);
    if (name == "model.layers.0.self_attn.q_proj.weight") t.slice(0, 0, 3).abs_().add_(0.5);
    tensors.emplace_back(name, t);
  }
  write_safetensors(dir / "model.safetensors", tensors);
  return dir;
}

}  // namespace

TEST(StoredZeros, OneSignGroupsKeepTheirGridInInt16AndOldInt32Loads) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt");
  torch::set_num_threads(1);
  apiq::test::TempDir d;
  const fs::path model = model_with_positive_rows(d.path / "m");
  CalibrationOptions o;
  o.method = "rtn";
  o.quant.bits = 2;
  o.quant.group_size = 32;
  o.quant.learnable_clipping = false;
  o.lora.rank = 0;
  o.nsamples = 2;
  o.seq_len = 64;
  calibrate_model(model, apiq::test::shared("data/tinystories-sample.txt"), d.path / "q", o);

  const LlamaModel source = LlamaModel::load(model);
  const auto store = TensorStore::open_dir(d.path / "q");
  const auto& names = tensor_names_for(source.config().model_type);
  const auto shapes = linear_shapes(source.config());
  for (int64_t b = 0; b < source.config().num_hidden_layers; ++b)
    for (LinearKind k : kAllLinears) {
      const std::string m = linear_module(names, b, k);
      const bool one_sign = b == 0 && k == LinearKind::Q;
      EXPECT_EQ(store.info(m + ".zeros").dtype, one_sign ? StDtype::I16 : StDtype::U8) << m;
      const auto [out, in] = shapes[static_cast<int>(k)];
      EXPECT_EQ(apiq::test::stored_linear_bits(store, m), linear_storage_bits(out, in, 2, 32, 0, one_sign ? 16 : 8)) << m;
    }

  // The positive rows keep their own grid: every weight within half a step (plus fp16 rounding of
  // the scale) of the source, which a zero clamped into [0, 3] could not give (the grid would start at 0).
  const auto ck = QuantizedCheckpoint::open(d.path / "q");
  const auto W = source.weights().blocks[0].linear(LinearKind::Q).weight.slice(0, 0, 3).to(torch::kDouble);
  const auto Wq = load_quantized_block(ck.store, ck.cfg, ck.spec, 0, torch::kCPU, false)
                      ->at(LinearKind::Q).w_hat.slice(0, 0, 3).to(torch::kDouble);
  const auto groups = W.view({3, -1, 32});
  const auto step = (groups.amax(-1) - groups.amin(-1)) / 3.0;  // [3, G]
  const auto err = (Wq - W).abs().view({3, -1, 32}).amax(-1);
  EXPECT_TRUE((err <= step * 0.5 * (1 + 2e-3) + 1e-6).all().item<bool>()) << (err / step).max();
  EXPECT_GT(W.min().item<double>(), 0.4);

  // The same checkpoint with int32 zeros (as written before compact zeros) loads to the same model.
  fs::create_directories(d.path / "old");
  for (const auto& e : fs::directory_iterator(d.path / "q"))
    if (e.path().filename() != "model.safetensors") fs::copy(e.path(), d.path / "old" / e.path().filename(), fs::copy_options::recursive);
  NamedTensors old;
  for (const auto& name : store.names()) {
    torch::Tensor t = store.load(name);
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".zeros") == 0) t = t.to(torch::kInt);
    old.emplace_back(name, t);
  }
  write_safetensors(d.path / "old" / "model.safetensors", old, store.files().front()->metadata());
  const auto x = torch::randint(0, source.config().vocab_size, {1, 24}, torch::kInt64);
  torch::NoGradGuard ng;
  const auto expect = load_model(d.path / "q").forward(x);
  EXPECT_TRUE(torch::equal(load_model(d.path / "old").forward(x), expect));
  EXPECT_TRUE(torch::equal(load_model(d.path / "q", ModelOptions().set_packed_only(true)).forward(x),
                           load_model(d.path / "old", ModelOptions().set_packed_only(true)).forward(x)));
}
