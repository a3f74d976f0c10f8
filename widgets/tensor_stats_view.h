// SPDX-License-Identifier: GPL-3.0-or-later
// The model browser's statistics pane: for the selected tensor its min, max, mean, std, |max|
// and NaN count with a histogram; for a quantized linear the histograms of the codes Q and of
// LoRA A and B side by side. Computed off the GUI thread; a newer request supersedes an older one.
#pragma once
#include <QThreadPool>
#include <QVector>
#include <QWidget>
#include <optional>

#include "core_task.h"
#include "tensor_stats_loader.h"

class QCustomPlot;
class QLabel;
class QTableWidget;

namespace apiq::widgets {

class TensorStatsView : public QWidget {
  Q_OBJECT
 public:
  enum Column { Title, Elements, Min, Max, Mean, Std, AbsMax, NaNs, ColumnCount };
  explicit TensorStatsView(QWidget* parent = nullptr);
  ~TensorStatsView() override;

  void setBins(int bins) { bins_ = bins; }
  void showTensor(const QString& folder, const QString& tensor);
  void showLinear(const QString& folder, const QString& module);
  void clear();

  const TensorStatsResult& result() const { return result_; }
  QTableWidget* table() const { return table_; }
  // Bars drawn in panel i's histogram and their heights (for tests: the data, not the pixels).
  QVector<double> histogramCounts(int panel) const;
  QCustomPlot* plot(int panel) const { return plots_.value(panel); }

 Q_SIGNALS:
  void statsReady();
  void failed(const QString& message);

 private:
  struct Request {
    QString folder, subject;
    bool linear = false;
  };
  void start(const Request& request);
  void onFinished(TensorStatsResult result);
  void display();
  QLabel* header_;
  QTableWidget* table_;
  QVector<QCustomPlot*> plots_;
  QThreadPool pool_;
  CoreTask task_;
  std::optional<Request> pending_;
  TensorStatsResult result_;
  int bins_ = 64;
};

}  // namespace apiq::widgets
