// SPDX-License-Identifier: GPL-3.0-or-later
// Statistics of model tensors for the model browser, computed off the GUI thread from the
// safetensors files (core's apiq::tensor_stats). Plain Qt values: no LibTorch in this header, so
// chart code that needs Qt's keywords can include it.
#pragma once
#include <QString>
#include <QVector>

namespace apiq::widgets {

// One tensor's statistics and histogram (see core/apiq/tensor_stats.h for the definitions).
struct StatsPanel {
  QString title;   // what the panel shows, e.g. "Q (codes)", "LoRA A" or the tensor name
  QString tensor;  // the tensor it was computed from
  QString dtype;
  QVector<qint64> shape;
  qint64 count = 0, nanCount = 0, infCount = 0;
  double min = 0, max = 0, mean = 0, std = 0, absMax = 0;
  // Histogram: counts[i] for the bin centred at binCenters[i], all bins binWidth wide.
  QVector<double> binCenters;
  QVector<double> counts;
  double binWidth = 0;
  bool integerBins = false;
};

struct TensorStatsResult {
  QString subject;  // the tensor or module asked for
  QVector<StatsPanel> panels;
  QString error;    // non-empty: nothing could be computed
};

// One tensor of the model folder. A packed `.qweight` of a quantized checkpoint is unpacked and
// its integer codes are described. Throws nothing: errors land in `error`.
TensorStatsResult computeTensorStats(const QString& folder, const QString& tensor, int bins = 64);
// A linear module (e.g. "model.layers.0.self_attn.q_proj"): for a quantized linear the codes Q,
// LoRA A and LoRA B side by side (the ApiQ paper's Figure 5); for a dense one its weight.
TensorStatsResult computeLinearStats(const QString& folder, const QString& module, int bins = 64);

}  // namespace apiq::widgets
