// SPDX-License-Identifier: GPL-3.0-or-later
// report.json of a calibration run (apiq compare, the GUI's comparison tab) on arbitrary text.
#include <cmath>
#include <cstdint>
#include <string>

#include "base/errors.h"
#include "calibration/calibration_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto r = apiq::parse_report(std::string(reinterpret_cast<const char*>(data), size), "report.json");
    for (const auto& l : r.result.layers)  // the reader promises finite errors
      if (!std::isfinite(l.act_err) || !std::isfinite(l.act_err_init) || !std::isfinite(l.weight_err)) __builtin_trap();
  } catch (const apiq::InputError&) {
  }
  return 0;
}
