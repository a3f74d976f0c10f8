// SPDX-License-Identifier: GPL-3.0-or-later
// The other two live views of a calibration: training loss per optimizer step (one line per
// method) and a block × linear heat map of the activation error of the most recent method.
// Like ActivationErrorChart, data is appended and redraws are coalesced on a timer.
#pragma once
#include <QHash>
#include <QTimer>
#include <QWidget>

class QCustomPlot;
class QCPGraph;
class QCPColorMap;

namespace apiq::widgets {

class LossChart : public QWidget {
  Q_OBJECT
 public:
  explicit LossChart(QWidget* parent = nullptr);
  void addLoss(const QString& method, double loss);  // x: the method's step counter
  int pointCount(const QString& method) const;

 private:
  QCustomPlot* plot_;
  QHash<QString, QCPGraph*> graphs_;
  QTimer timer_;
  bool dirty_ = false;
};

class ErrorHeatMap : public QWidget {
  Q_OBJECT
 public:
  explicit ErrorHeatMap(QWidget* parent = nullptr);
  // Shows `method`'s errors; switching method clears the map.
  void setValue(const QString& method, qint64 block, int linear, double err);
  double value(qint64 block, int linear) const;
  const QString& method() const { return method_; }
  // The model's depth, so the map has all its rows from the first value on (it grows if exceeded).
  void setBlockCount(int blocks);
  int blockCount() const { return blocks_; }

 private:
  void resetRows(int blocks);
  void growRows(int blocks);
  QCustomPlot* plot_;
  QCPColorMap* map_;
  QString method_;
  QTimer timer_;
  bool dirty_ = false;
  int blocks_ = 1;
  int expected_ = 1;
};

}  // namespace apiq::widgets
