// SPDX-License-Identifier: GPL-3.0-or-later
// report.json of a calibration run (schema in docs/report-schema.md).
#pragma once
#include <nlohmann/json.hpp>

#include "calibration/calibration.h"

namespace apiq {

nlohmann::json layer_to_json(const LayerMetrics& m);
LayerMetrics layer_from_json(const nlohmann::json& j);
nlohmann::json block_to_json(const BlockMetrics& m);
BlockMetrics block_from_json(const nlohmann::json& j);
nlohmann::json report_to_json(const CalibrationResult& r, const nlohmann::json& options);
CalibrationResult report_from_json(const nlohmann::json& j);

}  // namespace apiq
