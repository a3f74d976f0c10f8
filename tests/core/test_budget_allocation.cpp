// SPDX-License-Identifier: GPL-3.0-or-later
// --budget: the storage formula against the bytes of the tensors a run writes, the budget never
// exceeded, the allocation's two extremes, per-linear overrides through the checkpoint (config,
// loader, packed products) and the exports that must refuse a mixed checkpoint.
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "base/errors.h"
#include "calibration/budget_allocation.h"
#include "calibration/calibration.h"
#include "export/export.h"
#include "io/safetensors.h"
#include "io/tokenizer.h"
#include "model/linear_shapes.h"
#include "quant/load_model.h"
#include "quant/quant_spec.h"
#include "stored_bits.h"
#include "test_util.h"

using namespace apiq;
namespace fs = std::filesystem;

namespace {

const fs::path kModel = apiq::test::shared("models/stories260K");
const fs::path kCalib = apiq::test::shared("data/tinystories-sample.txt");

CalibrationOptions rtn_options(double budget) {
  CalibrationOptions o;
  o.method = "rtn";
  o.quant.bits = 2;
  o.quant.group_size = 64;
  o.quant.learnable_clipping = false;
  o.lora.rank = 0;
  o.nsamples = 2;
  o.seq_len = 64;
  o.budget = budget;
  return o;
}

}  // namespace

TEST(QuantSpecOverrides, RoundTripAndValidation) {
  QuantSpec s;
  s.overrides[QuantSpec::module_key(3, LinearKind::Down)] = {3, 128};
  EXPECT_EQ(s.quant_for(3, LinearKind::Down).bits, 3);
  EXPECT_EQ(s.quant_for(3, LinearKind::Down).group_size, 128);
  EXPECT_EQ(s.quant_for(2, LinearKind::Down).bits, s.quant.bits);
  const QuantSpec back = QuantSpec::from_json(s.to_json(), "config.json");
  EXPECT_EQ(back.overrides, s.overrides);
  s.overrides["layers.0.q_proj"] = {5, 64};
  EXPECT_THROW(s.validate(), std::invalid_argument);
  s.overrides["layers.0.q_proj"] = {4, 64};
  s.quant.format = QuantizerOptions::Format::NF;
  EXPECT_NO_THROW(s.validate());
  s.overrides["layers.0.q_proj"] = {4, 0};
  EXPECT_THROW(s.validate(), std::invalid_argument);  // an NF block of 0 elements
}

TEST(BudgetAllocation, StorageAsWrittenWithinTheBudgetAndTheExtremes) {
  APIQ_REQUIRE_SHARED("models/stories260K/model.safetensors");
  APIQ_REQUIRE_SHARED("data/tinystories-sample.txt");
  torch::set_num_threads(1);
  const LlamaModel model = LlamaModel::load(kModel);
  const auto shapes = linear_shapes(model.config());
  // The least and the most storage possible, from the formula.
  int64_t least = 0, most = 0, params = 0;
  for (int64_t b = 0; b < model.config().num_hidden_layers; ++b)
    for (const auto& [out, in] : shapes) {
      int64_t lo = INT64_MAX, hi = 0;
      for (const auto& c : budget_candidates()) {
        lo = std::min(lo, linear_storage_bits(out, in, c.bits, c.group_size, 0));
        hi = std::max(hi, linear_storage_bits(out, in, c.bits, c.group_size, 0));
      }
      least += lo, most += hi, params += out * in;
    }
  // At the least storage every linear takes its smallest configuration; above the most, its
  // smallest error (8 bits, group 32).
  const auto tight = allocate_budget(model, rtn_options(static_cast<double>(least) / params + 1e-9), {});
  EXPECT_EQ(tight.storage_bits, least);
  const auto loose = allocate_budget(model, rtn_options(static_cast<double>(most) / params + 1.0), {});
  for (const auto& [key, m] : loose.overrides) EXPECT_EQ(m, (ModuleQuant{8, 32})) << key;
  EXPECT_THROW(allocate_budget(model, rtn_options(static_cast<double>(least) / params - 0.01), {}), std::invalid_argument);

  // A run in between: the written tensors take exactly what the formula says, within the budget.
  apiq::test::TempDir d;
  const double budget = 3.0;
  calibrate_model(kModel, kCalib, d.path / "q", rtn_options(budget));
  const auto store = TensorStore::open_dir(d.path / "q");
  const QuantSpec spec = quant_spec_of(LlamaConfig::from_file(d.path / "q" / "config.json"), "config.json");
  ASSERT_TRUE(spec.mixed());
  int64_t total = 0;
  std::set<std::pair<int, int64_t>> configs;
  const auto& names = tensor_names_for(model.config().model_type);
  for (int64_t b = 0; b < model.config().num_hidden_layers; ++b)
    for (LinearKind k : kAllLinears) {
      const auto q = spec.quant_for(b, k);
      const auto [out, in] = shapes[static_cast<int>(k)];
      const int64_t bits = apiq::test::stored_linear_bits(store, linear_module(names, b, k), true);
      EXPECT_EQ(bits, linear_storage_bits(out, in, q.bits, q.group_size, 0)) << QuantSpec::module_key(b, k);
      total += bits;
      configs.insert({q.bits, q.group_size});
    }
  EXPECT_LE(total, static_cast<int64_t>(budget * static_cast<double>(params)));
  EXPECT_GT(configs.size(), 1u) << "a budget between the extremes mixes configurations";
  std::ifstream in(d.path / "q" / "report.json");
  const auto report_budget = nlohmann::json::parse(in)["budget"];
  EXPECT_EQ(report_budget["storage_bits"].get<int64_t>(), total);
  EXPECT_EQ(report_budget["written_bits"].get<int64_t>(), total);  // counted from the folder
  EXPECT_TRUE(report_budget["met"].get<bool>());

  // The mixed checkpoint runs the same through the dense and the packed path.
  const Tokenizer tok = Tokenizer::load_from_dir(kModel);
  auto ids = tok.encode("Once upon a time, there was a little girl named Lily.");
  ids.insert(ids.begin(), tok.bos_id());
  const auto x = torch::tensor(ids, torch::kInt64).unsqueeze(0);
  torch::NoGradGuard ng;
  const auto dense = load_model(d.path / "q").forward(x);
  const auto packed = load_model(d.path / "q", ModelOptions().set_packed_only(true)).forward(x);
  EXPECT_LT((dense - packed).abs().max().item<double>(), 1e-4);
  // Exports with one configuration per model refuse it; hf-dequantized writes it.
  ExportOptions e;
  e.format = "gptq-v2";
  EXPECT_THROW(export_checkpoint(d.path / "q", d.path / "gptq", e), InputError);
  e.format = "hf-dequantized";
  e.dtype = torch::kFloat;
  export_checkpoint(d.path / "q", d.path / "hf", e);
  EXPECT_LT((load_model(d.path / "hf").forward(x) - dense).abs().max().item<double>(), 1e-4);
}

// The allocation's cost by hand in float64: min-max rounding of each group of a ragged [5, 10]
// matrix (group 4: widths 4, 4, 2), Fisher-weighted, plain and with each group's best clipping ratio.
TEST(BudgetAllocation, CandidateCostAgainstHandFloat64) {
  torch::manual_seed(7);
  const auto W = torch::randn({5, 10});
  const auto F = torch::rand({5, 10});
  QuantizerOptions q;
  q.learnable_clipping = false;
  const BudgetCandidate c{2, 4};
  auto hand = [&](bool search) {
    const auto Wd = W.to(torch::kDouble), Fd = F.to(torch::kDouble);
    const auto w = Wd.accessor<double, 2>();
    const auto f = Fd.accessor<double, 2>();
    double total = 0;
    for (int64_t i = 0; i < 5; ++i)
      for (int64_t g0 = 0; g0 < 10; g0 += 4) {
        const int64_t g1 = std::min<int64_t>(g0 + 4, 10);
        double best = INFINITY;
        for (double r : kClipSearchRatios) {
          if (!search && r != 1.0) continue;
          double lo = INFINITY, hi = -INFINITY;
          for (int64_t j = g0; j < g1; ++j) lo = std::min(lo, w[i][j]), hi = std::max(hi, w[i][j]);
          const double s = (r * hi - r * lo) / 3.0, z = std::nearbyint(-r * lo / s);
          double e = 0;
          for (int64_t j = g0; j < g1; ++j) {
            const double code = std::clamp(std::nearbyint(w[i][j] / s) + z, 0.0, 3.0);
            e += f[i][j] * std::pow(w[i][j] - (code - z) * s, 2);
          }
          best = std::min(best, e);
        }
        total += best;
      }
    return total;
  };
  const double plain = candidate_cost(W, F, q, c, false), searched = candidate_cost(W, F, q, c, true);
  EXPECT_NEAR(plain, hand(false), 1e-5 * hand(false));
  EXPECT_NEAR(searched, hand(true), 1e-5 * hand(true));
  EXPECT_LT(searched, plain);
}
