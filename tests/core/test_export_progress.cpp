// SPDX-License-Identifier: GPL-3.0-or-later
// Export progress and cancel: one "export" unit per decoder block plus one for writing, in order,
// for every format that goes through the blocks; a cancel between blocks throws CancelledError and
// leaves neither the output folder nor its temporary folder behind.
#include <unistd.h>

#include <utility>
#include <vector>

#include "calibration/calibration.h"
#include "base/errors.h"
#include "export/export.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

struct Recorder : ProgressObserver {
  std::vector<std::pair<int64_t, int64_t>> seen;
  std::vector<std::string> stages;
  CancelToken* cancel_at_two = nullptr;
  void on_progress(const std::string& stage, int64_t done, int64_t total) override {
    stages.push_back(stage);
    seen.emplace_back(done, total);
    if (cancel_at_two && done == 2) cancel_at_two->cancel();
  }
};

fs::path quantized(const apiq::test::TempDir& d) {
  CalibrationOptions o;
  o.method = "qlora";  // LoRA factors present, so every format applies
  o.quant.bits = 2;
  o.quant.group_size = 32;
  o.lora.rank = 4;
  o.nsamples = 2;
  o.seq_len = 16;
  const fs::path q = d.path / "q";
  calibrate_model(apiq::test::shared("models/babyllama-tok105"), apiq::test::shared("data/tinystories-sample.txt"), q, o);
  return q;
}

}  // namespace

TEST(ExportProgress, OneUnitPerBlockThenTheWrite) {
  APIQ_REQUIRE_SHARED("models/babyllama-tok105/model.safetensors");
  apiq::test::TempDir d;
  const fs::path q = quantized(d);
  const int64_t blocks = 5;  // babyllama-tok105
  for (const std::string f : {"hf-dequantized", "gptq-v2", "compressed-tensors", "peft"}) {
    SCOPED_TRACE(f);
    ExportOptions o;
    o.format = f;
    Recorder rec;
    export_checkpoint(q, d.path / f, o, &rec);
    std::vector<std::pair<int64_t, int64_t>> want{{0, blocks + 1}};
    if (f != "peft")  // the adapter alone does not go through the blocks
      for (int64_t b = 1; b <= blocks; ++b) want.emplace_back(b, blocks + 1);
    want.emplace_back(blocks + 1, blocks + 1);
    EXPECT_EQ(rec.seen, want);
    for (const auto& s : rec.stages) EXPECT_EQ(s, "export");
    EXPECT_TRUE(fs::exists(d.path / f / (f == "peft" ? "adapter_config.json" : "config.json")));
  }
}

TEST(ExportProgress, CancelBetweenBlocksLeavesNothing) {
  APIQ_REQUIRE_SHARED("models/babyllama-tok105/model.safetensors");
  apiq::test::TempDir d;
  const fs::path q = quantized(d);
  for (const std::string f : {"hf-dequantized", "compressed-tensors"}) {
    SCOPED_TRACE(f);
    ExportOptions o;
    o.format = f;
    CancelToken cancel;
    Recorder rec;
    rec.cancel_at_two = &cancel;
    const fs::path out = d.path / ("cancelled-" + f);
    EXPECT_THROW(export_checkpoint(q, out, o, &rec, &cancel), CancelledError);
    EXPECT_EQ(rec.seen.back(), std::make_pair(int64_t{2}, int64_t{6}));  // stopped right after block 2
    EXPECT_FALSE(fs::exists(out));
    fs::path tmp = out;
    tmp += ".tmp-" + std::to_string(::getpid());
    EXPECT_FALSE(fs::exists(tmp));
    // The same export without the cancel completes: the source is untouched.
    export_checkpoint(q, out, o);
    EXPECT_TRUE(fs::exists(out / "model.safetensors"));
  }
}
