// SPDX-License-Identifier: GPL-3.0-or-later
// report.json of a calibration run (schema in docs/report-schema.md).
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "calibration/calibration.h"

namespace apiq {

nlohmann::json layer_to_json(const LayerMetrics& m);
LayerMetrics layer_from_json(const nlohmann::json& j);
nlohmann::json block_to_json(const BlockMetrics& m);
BlockMetrics block_from_json(const nlohmann::json& j);
nlohmann::json report_to_json(const CalibrationResult& r, const nlohmann::json& options);
CalibrationResult report_from_json(const nlohmann::json& j);

// A report.json read back: the measured result and the options of the run that wrote it.
struct StoredReport {
  std::filesystem::path file;
  CalibrationResult result;
  nlohmann::json options;  // an object; "method" is always a string
  std::string method;
};
// Parses the text of a report; InputError naming `origin` and the problem on anything malformed.
StoredReport parse_report(const std::string& text, const std::filesystem::path& origin);
// RUN_DIR/report.json; InputError when it is missing, a folder, empty or malformed.
StoredReport read_report(const std::filesystem::path& run_dir);

}  // namespace apiq
