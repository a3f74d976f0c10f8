// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <QFutureWatcher>
#include <QMainWindow>

#include "tensor_table_model.h"

class QLabel;
class QTableView;

namespace apiq::app {

// The shell of ApiQ Studio: open a model folder (menu or drag and drop) and browse its tensors.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Reads the folder off the GUI thread; modelLoaded or loadFailed follows on the GUI thread.
  void openModel(const QString& folder);
  widgets::TensorTableModel* tensorModel() const { return model_; }

 Q_SIGNALS:
  void modelLoaded(const QString& folder);
  void loadFailed(const QString& message);

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  struct LoadResult {
    widgets::ModelSummary summary;
    QString error;
  };
  void onLoadFinished();
  void chooseModel();
  QString deviceDescription() const;

  widgets::TensorTableModel* model_;
  QTableView* table_;
  QLabel* summaryLabel_;
  QFutureWatcher<LoadResult> watcher_;
};

}  // namespace apiq::app
