// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/calibration_report.h"

#include <cmath>

#include "base/errors.h"
#include "base/fs_util.h"
#include "io/json_value.h"

namespace apiq {
using json = nlohmann::json;

namespace {
LinearKind kind_from_name(const std::string& s) {
  for (LinearKind k : kAllLinears)
    if (s == linear_short_name(k)) return k;
  throw std::invalid_argument("unknown linear '" + s + "' in report");
}
}  // namespace

json layer_to_json(const LayerMetrics& m) {
  return {{"block", m.block}, {"linear", linear_short_name(m.kind)}, {"act_err_init", m.act_err_init},
          {"act_err", m.act_err}, {"weight_err", m.weight_err}};
}

LayerMetrics layer_from_json(const json& j) {
  return {json_value<int64_t>(j.at("block")), kind_from_name(json_value<std::string>(j.at("linear"))),
          json_value<double>(j.at("act_err_init")), json_value<double>(j.at("act_err")),
          json_value<double>(j.at("weight_err"))};
}

json block_to_json(const BlockMetrics& m) {
  json j = {{"block", m.block}, {"out_mse_init", m.out_mse_init}, {"out_mse", m.out_mse}, {"seconds", m.seconds},
            {"losses", m.losses}};
  if (m.graph_steps > 0) j["graph_steps"] = m.graph_steps;
  if (!m.phases.empty()) {
    json p = json::array();
    for (const auto& [name, s] : m.phases) p.push_back({{"phase", name}, {"seconds", s}});
    j["phases"] = p;
  }
  return j;
}

BlockMetrics block_from_json(const json& j) {
  BlockMetrics m;
  m.block = json_value<int64_t>(j.at("block"));
  m.out_mse_init = json_value<double>(j.at("out_mse_init"));
  m.out_mse = json_value<double>(j.at("out_mse"));
  m.seconds = json_value<double>(j.at("seconds"));
  m.losses = json_array<double>(j.at("losses"));
  if (j.contains("graph_steps")) m.graph_steps = json_value<int64_t>(j["graph_steps"]);
  if (j.contains("phases") && j["phases"].is_array())
    for (const auto& p : j["phases"]) m.phases.emplace_back(p.at("phase").get<std::string>(), json_value<double>(p.at("seconds")));
  return m;
}

json report_to_json(const CalibrationResult& r, const json& options) {
  json layers = json::array(), blocks = json::array();
  for (const auto& l : r.layers) layers.push_back(layer_to_json(l));
  for (const auto& b : r.blocks) blocks.push_back(block_to_json(b));
  return {{"schema", "apiq-studio/report/1"}, {"options", options},   {"mean_act_err", r.mean_act_err()},
          {"peak_memory_bytes", r.peak_memory_bytes}, {"seconds", r.seconds}, {"layers", layers},
          {"blocks", blocks}, {"device", r.device}};
}

CalibrationResult report_from_json(const json& j) {
  CalibrationResult r;
  for (const auto& l : j.at("layers")) r.layers.push_back(layer_from_json(l));
  for (const auto& b : j.at("blocks")) r.blocks.push_back(block_from_json(b));
  r.peak_memory_bytes = j.contains("peak_memory_bytes") ? json_value<double>(j["peak_memory_bytes"]) : 0.0;
  r.seconds = j.contains("seconds") ? json_value<double>(j["seconds"]) : 0.0;
  if (j.contains("device") && j["device"].is_string()) r.device = j["device"].get<std::string>();
  return r;
}

double CalibrationResult::mean_act_err() const {
  if (layers.empty()) return 0;
  double s = 0;
  for (const auto& l : layers) s += l.act_err;
  return s / static_cast<double>(layers.size());
}

namespace {
void check_metrics(const CalibrationResult& r) {
  for (const auto& l : r.layers) {
    if (l.block < 0) throw std::invalid_argument("negative block index " + std::to_string(l.block));
    if (!std::isfinite(l.act_err) || !std::isfinite(l.act_err_init) || !std::isfinite(l.weight_err))
      throw std::invalid_argument("non-finite error in block " + std::to_string(l.block));
  }
  for (const auto& b : r.blocks)
    if (b.block < 0) throw std::invalid_argument("negative block index " + std::to_string(b.block));
}
}  // namespace

StoredReport parse_report(const std::string& text, const std::filesystem::path& origin) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) throw InputError(origin, "not valid JSON");
  if (!j.is_object() || !j.contains("layers") || !j.contains("blocks"))
    throw InputError(origin, "not a calibration report (no \"layers\" and \"blocks\")");
  StoredReport s;
  s.file = origin;
  try {
    s.result = report_from_json(j);
    s.options = j.value("options", json::object());
    if (!s.options.is_object()) throw std::invalid_argument("\"options\" is not an object");
    s.method = s.options.value("method", std::string("?"));
    check_metrics(s.result);
  } catch (const std::exception& e) {
    throw InputError(origin, std::string("invalid report: ") + e.what());
  }
  return s;
}

StoredReport read_report(const std::filesystem::path& run_dir) {
  const auto file = run_dir / "report.json";
  return parse_report(read_nonempty_file(file, "report"), file);
}

}  // namespace apiq
