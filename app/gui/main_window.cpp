// SPDX-License-Identifier: GPL-3.0-or-later
#include "main_window.h"

#include <torch/cuda.h>

#include <QAction>
#include <QApplication>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "apiq/errors.h"

namespace apiq::app {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), model_(new widgets::TensorTableModel(this)), table_(new QTableView(this)),
      summaryLabel_(new QLabel(this)) {
  setWindowTitle(tr("ApiQ Studio"));
  setAcceptDrops(true);
  auto* central = new QWidget(this);
  auto* layout = new QVBoxLayout(central);
  summaryLabel_->setText(tr("Open a model folder (config.json, safetensors, tokenizer.model) or drop it here."));
  summaryLabel_->setWordWrap(true);
  layout->addWidget(summaryLabel_);
  table_->setModel(model_);
  table_->horizontalHeader()->setSectionResizeMode(widgets::TensorTableModel::Name, QHeaderView::Stretch);
  table_->verticalHeader()->hide();
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setAlternatingRowColors(true);
  layout->addWidget(table_);
  setCentralWidget(central);

  auto* open = new QAction(tr("&Open Model Folder…"), this);
  open->setShortcut(QKeySequence::Open);
  connect(open, &QAction::triggered, this, &MainWindow::chooseModel);
  auto* quit = new QAction(tr("&Quit"), this);
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, qApp, &QApplication::quit);
  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(open);
  file->addSeparator();
  file->addAction(quit);
  auto* tools = addToolBar(tr("Main"));
  tools->setObjectName(QStringLiteral("mainToolBar"));
  tools->addAction(open);

  statusBar()->addPermanentWidget(new QLabel(deviceDescription(), this));
  connect(&watcher_, &QFutureWatcher<LoadResult>::finished, this, &MainWindow::onLoadFinished);
  resize(960, 640);
}

MainWindow::~MainWindow() { watcher_.waitForFinished(); }

QString MainWindow::deviceDescription() const {
  if (torch::cuda::is_available()) return tr("Device: CUDA (%n GPU(s))", nullptr, static_cast<int>(torch::cuda::device_count()));
  return tr("Device: CPU");
}

void MainWindow::chooseModel() {
  QSettings settings;
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Model Folder"),
                                                        settings.value(QStringLiteral("lastModelDir")).toString());
  if (!dir.isEmpty()) openModel(dir);
}

void MainWindow::openModel(const QString& folder) {
  if (watcher_.isRunning()) watcher_.waitForFinished();
  statusBar()->showMessage(tr("Reading %1…").arg(folder));
  watcher_.setFuture(QtConcurrent::run([folder]() {
    LoadResult r;
    try {
      r.summary = widgets::readModelSummary(folder);
    } catch (const std::exception& e) {
      r.error = QString::fromStdString(e.what());
    }
    return r;
  }));
}

void MainWindow::onLoadFinished() {
  const LoadResult r = watcher_.result();
  if (!r.error.isEmpty()) {
    statusBar()->showMessage(tr("Could not open the model"), 5000);
    if (!QGuiApplication::platformName().startsWith(QLatin1String("offscreen")))
      QMessageBox::warning(this, tr("Could not open the model"), r.error);
    Q_EMIT loadFailed(r.error);
    return;
  }
  model_->setSummary(r.summary);
  const auto& s = r.summary;
  summaryLabel_->setText(tr("<b>%1</b> — %2, %3 blocks, hidden %4, %5 heads (%6 key/value), vocabulary %7 — "
                            "%8 tensors, %9 parameters, %10")
                             .arg(s.folder.toHtmlEscaped(), s.modelType)
                             .arg(s.layers)
                             .arg(s.hiddenSize)
                             .arg(s.heads)
                             .arg(s.kvHeads)
                             .arg(s.vocab)
                             .arg(s.tensors.size())
                             .arg(QLocale().toString(s.totalParams()), widgets::formatBytes(s.totalBytes())));
  QSettings().setValue(QStringLiteral("lastModelDir"), s.folder);
  statusBar()->showMessage(tr("Opened %1").arg(s.folder), 5000);
  setWindowTitle(tr("ApiQ Studio — %1").arg(QFileInfo(s.folder).fileName()));
  Q_EMIT modelLoaded(s.folder);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.first().isLocalFile()) openModel(urls.first().toLocalFile());
}

}  // namespace apiq::app
