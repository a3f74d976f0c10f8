// SPDX-License-Identifier: GPL-3.0-or-later
// The zero-point census view: a summary line, the per-linear table and a bar chart of the zero
// points over the whole model. The census is read off the GUI thread.
#pragma once
#include <QPointF>
#include <QVector>
#include <QThreadPool>
#include <QWidget>

#include "core_task.h"
#include "zero_census_model.h"

class QCustomPlot;
class QLabel;
class QTableView;

namespace apiq::widgets {

class ZeroCensusView : public QWidget {
  Q_OBJECT
 public:
  explicit ZeroCensusView(QWidget* parent = nullptr);
  ~ZeroCensusView() override;

  // Reads the census of a model folder; censusReady follows (also for a dense model, with
  // census().quantized false).
  void setFolder(const QString& folder);
  void clear();
  ZeroCensusModel* model() const { return model_; }
  QTableView* table() const { return table_; }
  QLabel* summary() const { return summary_; }
  QCustomPlot* plot() const { return plot_; }
  // The chart's bars as (zero point, groups), for tests: the data, not the pixels.
  QVector<QPointF> bars() const;

 Q_SIGNALS:
  void censusReady();

 private:
  void display(const ZeroCensus& census);
  ZeroCensusModel* model_;
  QLabel* summary_;
  QTableView* table_;
  QCustomPlot* plot_;
  QThreadPool pool_;
  CoreTask task_;
  QString pending_;  // asked for while a census was running: read next, the running one dropped
};

}  // namespace apiq::widgets
