// SPDX-License-Identifier: GPL-3.0-or-later
// The comparison's chart: error against depth, one line per run (the ApiQ paper's Figure 4
// view) — activation error per block, block-output MSE per block, or every linear's activation
// error with a filter on the linear kind; log scale, the legend beside the plot, the value under
// the mouse as a tooltip, and export as PNG, SVG and CSV.
#pragma once
#include <QPointF>
#include <QVector>
#include <QWidget>
#include <vector>

#include "calibration/run_summary.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QCPTextElement;
class QMouseEvent;

namespace apiq::widgets {

class ComparisonChart : public QWidget {
  Q_OBJECT
 public:
  enum class View { BlockActErr = 0, BlockMse = 1, LinearActErr = 2 };
  static constexpr int AllLinears = -1;

  explicit ComparisonChart(QWidget* parent = nullptr);

  // One line per run; the reference row (full precision, error 0) is not drawn.
  void setRuns(const std::vector<apiq::RunSummary>& rows);
  void setView(View view);
  View view() const;
  // LinearActErr only: one linear kind (0 q … 6 down), x = block; AllLinears: x = block + kind/7.
  void setLinearFilter(int kind);
  void setLogScale(bool on);
  bool logScale() const;

  QStringList seriesNames() const;
  QVector<QPointF> series(const QString& name) const;
  // The tooltip for the mouse at `pixel` (plot coordinates): run, position and value of the nearest
  // point within 12 pixels; empty when there is none.
  QString hoverText(const QPoint& pixel) const;
  // Where point `i` of series `name` is drawn (plot coordinates).
  QPoint pixelOf(const QString& name, int i) const;

  bool savePng(const QString& file, int width = 960, int height = 480);
  bool saveSvg(const QString& file, int width = 960, int height = 480);
  // "run,x,y" then one line per point of the current view.
  bool saveCsv(const QString& file) const;
  QCustomPlot* plot() const { return plot_; }

 Q_SIGNALS:
  void viewChanged();

 private:
  void rebuild();
  void onMouseMove(QMouseEvent* event);
  void exportAs(const QString& suffix);
  QString xText(double x) const;
  QCustomPlot* plot_;
  QCPTextElement* title_ = nullptr;
  QComboBox* viewBox_;
  QComboBox* linearBox_;
  QCheckBox* logBox_;
  std::vector<apiq::RunSummary> runs_;
};

}  // namespace apiq::widgets
