// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <QMainWindow>
#include <QThreadPool>
#include <memory>
#include <vector>

#include "calibration_job.h"
#include "device_pools.h"
#include "linear_bits.h"
#include "tensor_table_model.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QTabWidget;
class QTableView;
class QTreeView;

namespace apiq::widgets {
class ActivationErrorChart;
class DeviceStatusLabel;
class ExportDialog;
class FinetuneDialog;
class TensorStatsView;
class ZeroCensusView;
class ErrorHeatMap;
class LossChart;
class JobWizard;
class JobsPanel;
class LinearHeatMap;
class ModelTreeModel;
class RunComparisonWidget;
}  // namespace apiq::widgets

namespace apiq::app {

// ApiQ Studio's main window: model browser dock, tensor table, live activation-error chart,
// run comparison, and a jobs panel. Opening models and calibrating run off the GUI thread.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Reads the folder off the GUI thread; modelLoaded or loadFailed follows on the GUI thread.
  void openModel(const QString& folder);
  // Queues each calibration job on the pool of its device (options.device; one worker per
  // device: the CPU and each GPU); returns them.
  QVector<widgets::CalibrationJob*> startJobs(const QVector<widgets::CalibrationJobSpec>& specs);
  // Puts these finished runs (and only these) into the comparison tab; false (and a report) when
  // one cannot be read.
  bool compareRuns(const QStringList& dirs);
  void setDarkPalette(bool dark);
  // The quantization wizard, prefilled with the open model; accepting it starts the jobs.
  widgets::JobWizard* makeWizard();
  // File → Export…, prefilled with the open model when it is quantized, else the output of the
  // last finished job.
  widgets::ExportDialog* makeExportDialog();
  // File → Finetune…, prefilled like the export; a finished finetune (and its merge) joins the
  // comparison as finished quantize jobs do.
  widgets::FinetuneDialog* makeFinetuneDialog();

  widgets::TensorTableModel* tensorModel() const { return model_; }
  widgets::ModelTreeModel* treeModel() const { return tree_; }
  widgets::ActivationErrorChart* liveChart() const { return chart_; }
  widgets::LossChart* lossChart() const { return loss_; }
  widgets::ErrorHeatMap* heatMap() const { return heat_; }
  widgets::RunComparisonWidget* comparison() const { return comparison_; }
  widgets::JobsPanel* jobsPanel() const { return jobsPanel_; }
  QTabWidget* tabs() const { return tabs_; }
  QTreeView* treeView() const { return treeView_; }
  widgets::TensorStatsView* statsView() const { return stats_; }
  widgets::ZeroCensusView* censusView() const { return census_; }
  // The open quantized checkpoint's bits per linear and stored bits per parameter (empty for a
  // dense model).
  widgets::LinearHeatMap* bitsMap() const { return bits_; }
  widgets::DeviceStatusLabel* deviceStatus() const { return deviceStatus_; }
  widgets::DevicePools& devicePools() { return pools_; }

 Q_SIGNALS:
  void modelLoaded(const QString& folder);
  void loadFailed(const QString& message);
  void allJobsFinished();

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

 private:
  struct LoadResult {
    widgets::ModelSummary summary;
    QString error;
    std::optional<widgets::LinearBits> bits;  // none: a dense model
    QString bitsError;                        // why a quantized folder's bits could not be read
  };
  void buildTabs();
  QList<QDockWidget*> buildDocks();
  QAction* buildActions(const QList<QDockWidget*>& docks);
  void addLanguageMenu(QMenu* view);
  void onLoadFinished(const LoadResult& r);
  // The open model when it is quantized, else the output of the last finished job.
  QString quantizedSource() const;
  void chooseModel();
  void runWizard();
  void showSelectedInTree(const QModelIndex& index);
  void showError(const QString& title, const QString& message);
  void updateRecentMenu();

  widgets::TensorTableModel* model_;
  widgets::ModelTreeModel* tree_;
  QTableView* table_;
  QTreeView* treeView_;
  QLabel* summaryLabel_;
  QTabWidget* tabs_;
  widgets::ActivationErrorChart* chart_;
  widgets::LossChart* loss_;
  widgets::ErrorHeatMap* heat_;
  widgets::RunComparisonWidget* comparison_;
  widgets::JobsPanel* jobsPanel_;
  widgets::TensorStatsView* stats_;
  widgets::ZeroCensusView* census_;
  widgets::LinearHeatMap* bits_;
  widgets::DeviceStatusLabel* deviceStatus_;
  QString lastFinishedOutput_;
  QMenu* recentMenu_ = nullptr;
  widgets::CoreTask loadTask_;
  widgets::DevicePools pools_;  // destroyed after jobs_, whose destructors wait for their work
  std::vector<std::unique_ptr<widgets::CalibrationJob>> jobs_;
  int running_ = 0;
};

}  // namespace apiq::app
