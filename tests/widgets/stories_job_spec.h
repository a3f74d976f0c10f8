// SPDX-License-Identifier: GPL-3.0-or-later
// The small stories260K calibration job the widget tests run (4 windows of 64 tokens, 2 epochs,
// rank 8), from ../shared.
#pragma once
#include <QString>

#include "calibration_job.h"

namespace apiq::widgets::test {

inline QString shared(const QString& rel) { return QStringLiteral(APIQ_SHARED_DIR "/") + rel; }

inline CalibrationJobSpec storiesJobSpec(const char* m, const QString& out) {
  CalibrationJobSpec s;
  s.modelDir = shared(QStringLiteral("models/stories260K"));
  s.calibFile = shared(QStringLiteral("data/tinystories-sample.txt"));
  s.outDir = out;
  s.options.method = m;
  s.options.lora.rank = 8;
  s.options.nsamples = 4;
  s.options.seq_len = 64;
  s.options.epochs = 2;
  return s;
}

}  // namespace apiq::widgets::test
