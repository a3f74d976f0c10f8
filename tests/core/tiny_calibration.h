// SPDX-License-Identifier: GPL-3.0-or-later
// A calibration that runs in seconds: apiq-bw at 2 bits, group 32, rank 4, on stories260K and the
// TinyStories sample (tests that compare two runs of it change one option between them).
#pragma once
#include "calibration/calibration.h"
#include "test_util.h"

namespace apiq::test {

inline CalibrationOptions tiny_apiq_bw(int64_t nsamples, int64_t seq_len, int64_t epochs) {
  CalibrationOptions o;
  o.method = "apiq-bw";
  o.quant.bits = 2;
  o.quant.group_size = 32;
  o.lora.rank = 4;
  o.nsamples = nsamples;
  o.seq_len = seq_len;
  o.epochs = epochs;
  return o;
}

inline CalibrationResult calibrate_stories260k(const std::filesystem::path& out, const CalibrationOptions& o) {
  return calibrate_model(shared("models/stories260K"), shared("data/tinystories-sample.txt"), out, o);
}

}  // namespace apiq::test
