// SPDX-License-Identifier: GPL-3.0-or-later
// Per-layer activation error along depth, one line per method, appended live as layers finish.
// Redraws are coalesced: appends mark the chart dirty, a timer replots at most ~30 times a second.
#pragma once
#include <QHash>
#include <QTimer>
#include <QWidget>

class QCustomPlot;
class QCPGraph;

namespace apiq::widgets {

class ActivationErrorChart : public QWidget {
  Q_OBJECT
 public:
  explicit ActivationErrorChart(QWidget* parent = nullptr);

  // x = block · 7 + linear (the layer's position along depth).
  void addPoint(const QString& method, qint64 block, int linear, double actErr);
  int pointCount(const QString& method) const;
  QStringList methods() const { return graphs_.keys(); }
  QCustomPlot* plot() const { return plot_; }
  void clear();

 private:
  void replotIfDirty();
  QCustomPlot* plot_;
  QHash<QString, QCPGraph*> graphs_;
  QTimer timer_;
  bool dirty_ = false;
};

}  // namespace apiq::widgets
