// SPDX-License-Identifier: GPL-3.0-or-later
#include "screenshot_tour.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QTabWidget>
#include <QTimer>
#include <QTreeView>

#include "activation_error_chart.h"
#include "comparison_chart.h"
#include "export/export.h"
#include "export_dialog.h"
#include "job_wizard.h"
#include "main_window.h"
#include "model_tree_model.h"
#include "run_comparison.h"
#include "tensor_stats_view.h"
#include "zero_census_view.h"

namespace apiq::app {

ScreenshotTour::ScreenshotTour(MainWindow* window, QString outDir, QString model, QString calib, QString workDir)
    : QObject(window), w_(window), out_(std::move(outDir)), model_(std::move(model)), calib_(std::move(calib)),
      work_(std::move(workDir)) {}

void ScreenshotTour::save(QWidget* w, const QString& name) {
  QDir().mkpath(out_);
  w->grab().save(QDir(out_).filePath(name));
}

void ScreenshotTour::start() {
  connect(w_, &MainWindow::loadFailed, qApp, [](const QString&) { QApplication::exit(2); });
  connect(w_, &MainWindow::modelLoaded, this, [this] {
    if (quantizedOpen_) return browseAndExport();
    save(w_, QStringLiteral("main-window.png"));
    // The wizard on its quantization page, with the live size estimate.
    auto* wizard = w_->makeWizard();
    wizard->show();
    wizard->next();
    wizard->setField(QStringLiteral("method.qlora"), true);
    wizard->setField(QStringLiteral("method.apiq-bw"), true);
    wizard->next();
    save(wizard, QStringLiteral("wizard.png"));
    wizard->reject();
    QVector<widgets::CalibrationJobSpec> specs;
    for (const char* m : {"qlora", "loftq", "apiq-bw"}) {
      widgets::CalibrationJobSpec s;
      s.modelDir = model_;
      s.calibFile = calib_;
      s.outDir = QDir(work_).filePath(QString::fromLatin1(m));
      s.options.method = m;
      s.options.lora.rank = 8;
      s.options.nsamples = 16;
      s.options.seq_len = 128;
      s.options.epochs = 10;
      specs << s;
    }
    w_->startJobs(specs);
    // Catch the chart mid-run: once the third method has started drawing.
    auto* poll = new QTimer(this);
    connect(poll, &QTimer::timeout, this, [this, poll] {
      if (!runningShot_ && w_->liveChart()->pointCount(QStringLiteral("apiq-bw")) >= 12) {
        runningShot_ = true;
        save(w_, QStringLiteral("calibration-running.png"));
        poll->stop();
      }
    });
    poll->start(50);
  });
  connect(w_, &MainWindow::allJobsFinished, this, [this] {
    if (!runningShot_) save(w_, QStringLiteral("calibration-running.png"));
    compareFinished();
  });
  w_->openModel(model_);
}

void ScreenshotTour::compareFinished() {
  w_->compareRuns({QDir(work_).filePath(QStringLiteral("qlora")), QDir(work_).filePath(QStringLiteral("loftq")),
                   QDir(work_).filePath(QStringLiteral("apiq-bw"))});
  auto* cmp = w_->comparison();
  // The tab alone, wide enough for every column: the docks step aside for these two pictures.
  QList<QDockWidget*> docks;
  for (auto* d : w_->findChildren<QDockWidget*>())
    if (d->isVisible()) docks << d, d->hide();
  const QSize size = w_->size();
  w_->resize(1400, 860);
  cmp->setPerplexityText(pplText_.isEmpty() ? calib_ : pplText_);
  cmp->setPerplexityWindows(256, 8);
  cmp->chart()->setLogScale(true);
  connect(cmp, &widgets::RunComparisonWidget::perplexitiesComputed, this, [this, cmp, docks, size] {
    QTimer::singleShot(300, this, [this, cmp, docks, size] {
      save(w_, QStringLiteral("comparison.png"));
      cmp->chart()->setView(widgets::ComparisonChart::View::LinearActErr);
      cmp->chart()->setLinearFilter(static_cast<int>(apiq::LinearKind::Down));
      QTimer::singleShot(300, this, [this, docks, size] {
        save(w_, QStringLiteral("comparison-per-linear.png"));
        for (auto* d : docks) d->show();
        w_->resize(size);
        quantizedOpen_ = true;
        w_->openModel(QDir(work_).filePath(QStringLiteral("apiq-bw")));
      });
    });
  });
  cmp->computePerplexities();
}

void ScreenshotTour::browseAndExport() {
  // Block 0's q_proj: the histograms of Q, A and B; the zero-point census in the central tab.
  QStandardItem* q = w_->treeModel()->blocksItem()->child(0)->child(0)->child(0);
  w_->treeView()->expand(q->parent()->index());
  w_->tabs()->setCurrentWidget(w_->censusView());
  connect(w_->statsView(), &widgets::TensorStatsView::statsReady, this, [this] {
    QTimer::singleShot(500, this, [this] {
      save(w_, QStringLiteral("quantized-model.png"));
      auto* dialog = w_->makeExportDialog();
      dialog->show();
      connect(dialog, &widgets::ExportDialog::sourceAnalyzed, this, [this, dialog] {
        dialog->setFormat(QStringLiteral("gptq"));
        dialog->adjustSize();
        QTimer::singleShot(300, this, [this, dialog] {
          save(dialog, QStringLiteral("export.png"));
          QApplication::quit();
        });
      });
    });
  });
  w_->treeView()->setCurrentIndex(q->index());
}

}  // namespace apiq::app
