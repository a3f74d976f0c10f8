// SPDX-License-Identifier: GPL-3.0-or-later
// The Comparison tab: the runs a practitioner chooses between, side by side. A summary table (size,
// bits per parameter, perplexity, activation error, block MSE, time, memory, device; the
// full-precision model as the reference row; the best of each column highlighted; a finetuned
// run's adapter), the error against depth (ComparisonChart), every linear's error and the selected
// finetuned run's adapter and the selected run's bits per linear (one LinearHeatMap each). Runs are added from finished jobs or
// folders on disk and removed again; the set and the perplexity text persist in QSettings.
// Perplexities missing from the table are computed off the GUI thread (CoreTask) with progress.
#pragma once
#include <QHash>
#include <QStringList>
#include <QWidget>

#include <map>
#include <optional>

#include "calibration/run_summary.h"
#include "core_task.h"
#include "linear_bits.h"

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QTableWidget;

namespace apiq::widgets {

class LinearHeatMap;
class ComparisonChart;
class ComparisonSummaryModel;

class RunComparisonWidget : public QWidget {
  Q_OBJECT
 public:
  explicit RunComparisonWidget(QWidget* parent = nullptr);
  ~RunComparisonWidget() override;

  // Adds the finished run in `dir` (no-op when present). False, with the one-line reason in
  // `error`, when its report, config or tensors cannot be read.
  bool addRun(const QString& dir, QString* error = nullptr);
  void removeRun(const QString& dir);
  // Replaces the set; false (and `error`) at the first folder that cannot be read, which is skipped.
  bool setRunDirs(const QStringList& dirs, QString* error = nullptr);
  QStringList runDirs() const { return dirs_; }
  // The set and the perplexity settings from QSettings (key group "comparison"); from then on
  // every change is written back there (before, nothing is: a batch export leaves them alone).
  // Folders that no longer hold a run are dropped with a note.
  void restoreSettings();
  // Asks for a run folder and adds it (File → Add to Comparison…).
  void chooseRun();

  void setPerplexityText(const QString& file);
  void setPerplexityWindows(int seqLen, int maxWindows);  // maxWindows 0: every window
  // Computes the perplexity of every row that has none yet, off the GUI thread; perplexitiesComputed
  // follows in every case (perplexityTask()->state() says whether it failed or was cancelled).
  void computePerplexities();
  CoreTask* perplexityTask() { return &pplTask_; }

  // Writes the charts (PNG and SVG of each view, their data as CSV) and the summary as CSV into `dir`.
  bool saveCharts(const QString& dir);

  ComparisonSummaryModel* summary() const { return summary_; }
  QTableView* summaryView() const { return summaryView_; }
  ComparisonChart* chart() const { return chart_; }
  QTableWidget* layerTable() const { return layers_; }
  LinearHeatMap* adapterMap() const { return adapterMap_; }
  // Bits and group size of each linear of the selected run (else the first run) and its stored
  // bits per parameter.
  LinearHeatMap* bitsMap() const { return bitsMap_; }
  // Column of the run with the lowest error in `row` of the per-linear table, or -1.
  int bestColumn(int row) const;

 Q_SIGNALS:
  void runsChanged();
  void perplexitiesComputed();

 private:
  bool readRun(const QString& dir, QString* error);
  void reload();
  void refresh();
  void fillLayerTable();
  void showAdapter();
  void showBits();
  void saveSettings() const;
  QString perplexityKey(const QString& dir) const;
  void onPerplexityFinished(CoreTask::State state);
  void removeSelected();

  QStringList dirs_;
  std::map<QString, apiq::RunSummary> runs_;   // each run as read when it joined the set
  std::map<QString, std::optional<LinearBits>> bits_;  // read with the run; none for a dense folder
  std::optional<apiq::RunSummary> reference_;  // the full-precision row, if the runs share a model
  QHash<QString, double> perplexities_;  // perplexityKey -> value, kept in QSettings
  QString referenceDir_;                 // the full-precision model shown, if any
  ComparisonSummaryModel* summary_;
  QTableView* summaryView_;
  ComparisonChart* chart_;
  QTableWidget* layers_;
  LinearHeatMap* adapterMap_;
  LinearHeatMap* bitsMap_;
  QLineEdit* pplText_;
  QSpinBox* pplSeqLen_;
  QSpinBox* pplWindows_;
  QPushButton* pplButton_;
  QProgressBar* pplProgress_;
  QLabel* note_;
  CoreTask pplTask_;
  int firstRunColumn_ = 2;
  bool persistent_ = false;
};

}  // namespace apiq::widgets
