// SPDX-License-Identifier: GPL-3.0-or-later
// Side-by-side view of finished runs: per-layer activation errors (best of each row highlighted),
// the mean error and block MSE, and the error-along-depth chart with one line per run.
#pragma once
#include <QVector>
#include <QWidget>

#include "calibration/calibration.h"

class QTableWidget;

namespace apiq::widgets {

class ActivationErrorChart;

struct RunReport {
  QString dir;
  QString label;  // method, plus the folder name when methods repeat
  apiq::CalibrationResult result;
};

// Reads DIR/report.json; throws apiq::InputError naming the file and the problem.
RunReport loadRunReport(const QString& dir);

class RunComparisonWidget : public QWidget {
  Q_OBJECT
 public:
  explicit RunComparisonWidget(QWidget* parent = nullptr);
  void setRuns(const QVector<RunReport>& runs);
  QTableWidget* table() const { return table_; }
  ActivationErrorChart* chart() const { return chart_; }
  // Column of the run with the lowest error in `row`, or -1.
  int bestColumn(int row) const;

 private:
  QTableWidget* table_;
  ActivationErrorChart* chart_;
  int firstRunColumn_ = 2;
};

}  // namespace apiq::widgets
