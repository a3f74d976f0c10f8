// SPDX-License-Identifier: GPL-3.0-or-later
// apiq logits (hidden): the model's logits for given token ids as JSON, for cross-checks in tests.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <torch/types.h>
#include <torch/utils.h>

#include "model/llama_model.h"
#include "quant/load_model.h"
#include "commands.h"

namespace apiq::cli {

namespace {

struct LogitsArgs {
  std::string model, ids, device = "cpu", dtype = "f32";
  bool all = false, json = true;
};

std::vector<int64_t> parse_ids(const std::string& s) {
  std::vector<int64_t> ids;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t used = 0;
    int64_t v = -1;
    try {
      v = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || v < 0) throw std::invalid_argument("--ids: '" + item + "' is not a token id");
    ids.push_back(v);
  }
  if (ids.empty()) throw std::invalid_argument("--ids: no token ids given");
  return ids;
}

void run_logits(const LogitsArgs& a) {
  const auto ids = parse_ids(a.ids);
  const auto opts = ModelOptions().set_device(parse_device(a.device)).set_dtype(parse_dtype(a.dtype));
  const LlamaModel model = load_model(a.model, opts);
  for (int64_t id : ids)
    if (id >= model.config().vocab_size)
      throw std::invalid_argument("--ids: " + std::to_string(id) + " is outside the vocabulary of " +
                                  std::to_string(model.config().vocab_size));
  torch::NoGradGuard ng;
  const auto x = torch::tensor(ids, torch::kLong).unsqueeze(0).to(opts.device);
  auto logits = model.forward(x)[0].to(torch::kCPU, torch::kFloat).contiguous();  // [T, vocab]
  if (!a.all) logits = logits.slice(0, logits.size(0) - 1).contiguous();
  nlohmann::json rows = nlohmann::json::array();
  const float* p = logits.data_ptr<float>();
  for (int64_t t = 0; t < logits.size(0); ++t)
    rows.push_back(std::vector<float>(p + t * logits.size(1), p + (t + 1) * logits.size(1)));
  nlohmann::json out = {{"ids", ids}, {"all_positions", a.all}, {"logits", rows}};
  std::printf("%s\n", out.dump().c_str());
}

}  // namespace

void add_logits(CLI::App& app) {
  auto a = std::make_shared<LogitsArgs>();
  auto* c = app.add_subcommand("logits", "Print a model's logits for token ids as JSON (for tests)");
  c->group("");  // hidden from --help
  c->add_option("MODEL", a->model, "model folder")->required();
  c->add_option("--ids", a->ids, "comma-separated token ids, e.g. 1,2,3 (no BOS is added)")->required();
  c->add_flag("--all", a->all, "every position, not only the last");
  c->add_flag("--json", a->json, "JSON output (the only format; accepted for clarity)");
  c->add_option("--device", a->device, "cpu or cuda[:N]")->capture_default_str();
  c->add_option("--dtype", a->dtype, "f32, bf16 or f16")->capture_default_str()->check(CLI::IsMember({"f32", "bf16", "f16"}));
  c->callback([a] { run_logits(*a); });
}

}  // namespace apiq::cli
