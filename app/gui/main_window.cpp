// SPDX-License-Identifier: GPL-3.0-or-later
#include "main_window.h"

#include <algorithm>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QStyleFactory>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

#include <ATen/Parallel.h>

#include <filesystem>

#include "activation_error_chart.h"
#include "io/config.h"
#include "device_status_label.h"
#include "export_dialog.h"
#include "finetune_dialog.h"
#include "job_wizard.h"
#include "jobs_panel.h"
#include "linear_heat_map.h"
#include "live_charts.h"
#include "model_tree_model.h"
#include "run_comparison.h"
#include "tensor_stats_view.h"
#include "zero_census_view.h"

namespace apiq::app {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), model_(new widgets::TensorTableModel(this)), tree_(new widgets::ModelTreeModel(this)),
      table_(new QTableView(this)), treeView_(new QTreeView(this)), summaryLabel_(new QLabel(this)),
      tabs_(new QTabWidget(this)), chart_(new widgets::ActivationErrorChart(this)), loss_(new widgets::LossChart(this)),
      heat_(new widgets::ErrorHeatMap(this)),
      comparison_(new widgets::RunComparisonWidget(this)), jobsPanel_(new widgets::JobsPanel(this)),
      stats_(new widgets::TensorStatsView(this)), census_(new widgets::ZeroCensusView(this)),
      bits_(new widgets::LinearHeatMap(this)),
      deviceStatus_(new widgets::DeviceStatusLabel(this)) {
  setWindowTitle(tr("ApiQ Studio"));
  setWindowIcon(QIcon(QStringLiteral(":/icons/apiq-studio.svg")));
  setAcceptDrops(true);

  buildTabs();
  const auto docks = buildDocks();
  auto* dark = buildActions(docks);

  statusBar()->addPermanentWidget(deviceStatus_);
  resize(1200, 800);
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("windowState")).toByteArray());
  dark->setChecked(settings.value(QStringLiteral("darkPalette"), false).toBool());
  updateRecentMenu();
  comparison_->restoreSettings();
}

// The central tabs: the tensor table, the live charts, the comparison, zero points and bits.
void MainWindow::buildTabs() {
  auto* tensorsPage = new QWidget(this);
  auto* layout = new QVBoxLayout(tensorsPage);
  summaryLabel_->setText(tr("Open a model folder (config.json, safetensors, tokenizer.model) or drop it here."));
  summaryLabel_->setWordWrap(true);
  layout->addWidget(summaryLabel_);
  table_->setModel(model_);
  table_->horizontalHeader()->setSectionResizeMode(widgets::TensorTableModel::Name, QHeaderView::Stretch);
  table_->verticalHeader()->hide();
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setAlternatingRowColors(true);
  layout->addWidget(table_);
  tabs_->addTab(tensorsPage, tr("Tensors"));
  auto* live = new QSplitter(Qt::Vertical, this);
  live->addWidget(chart_);
  auto* lower = new QSplitter(Qt::Horizontal, live);
  lower->addWidget(loss_);
  lower->addWidget(heat_);
  lower->setStretchFactor(0, 1);
  lower->setStretchFactor(1, 1);
  loss_->setMinimumWidth(240);
  heat_->setMinimumWidth(240);
  live->addWidget(lower);
  live->setStretchFactor(0, 3);
  live->setStretchFactor(1, 2);
  tabs_->addTab(live, tr("Live activation error"));
  tabs_->addTab(comparison_, tr("Comparison"));
  tabs_->addTab(census_, tr("Zero points"));
  bits_->clear(tr("Open a quantized checkpoint to see the bits of each linear."));
  tabs_->addTab(bits_, tr("Bits per linear"));
  setCentralWidget(tabs_);
}

// The model tree, jobs and statistics docks, in the order the View menu lists them.
QList<QDockWidget*> MainWindow::buildDocks() {
  treeView_->setModel(tree_);
  treeView_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
  auto* treeDock = new QDockWidget(tr("Model"), this);
  treeDock->setObjectName(QStringLiteral("modelDock"));
  treeDock->setWidget(treeView_);
  addDockWidget(Qt::LeftDockWidgetArea, treeDock);
  auto* jobsDock = new QDockWidget(tr("Jobs"), this);
  jobsDock->setObjectName(QStringLiteral("jobsDock"));
  jobsDock->setWidget(jobsPanel_);
  addDockWidget(Qt::BottomDockWidgetArea, jobsDock);
  auto* statsDock = new QDockWidget(tr("Statistics"), this);
  statsDock->setObjectName(QStringLiteral("statsDock"));
  statsDock->setWidget(stats_);
  addDockWidget(Qt::RightDockWidgetArea, statsDock);
  connect(treeView_->selectionModel(), &QItemSelectionModel::currentChanged, this,
          [this](const QModelIndex& current) { showSelectedInTree(current); });
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
    if (current.isValid())
      stats_->showTensor(tree_->summary().folder, model_->index(current.row(), widgets::TensorTableModel::Name).data().toString());
  });
  return {treeDock, jobsDock, statsDock};
}

// Actions, the File and View menus and the tool bar; returns the dark-palette toggle.
QAction* MainWindow::buildActions(const QList<QDockWidget*>& docks) {
  auto* open = new QAction(QIcon(QStringLiteral(":/icons/open.svg")), tr("&Open Model Folder…"), this);
  open->setShortcut(QKeySequence::Open);
  connect(open, &QAction::triggered, this, &MainWindow::chooseModel);
  auto* quantize = new QAction(QIcon(QStringLiteral(":/icons/quantize.svg")), tr("&Quantize…"), this);
  quantize->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Q));
  connect(quantize, &QAction::triggered, this, &MainWindow::runWizard);
  auto* compare = new QAction(QIcon(QStringLiteral(":/icons/compare.svg")), tr("&Add to Comparison…"), this);
  connect(compare, &QAction::triggered, this, [this] {
    tabs_->setCurrentWidget(comparison_);
    comparison_->chooseRun();
  });
  auto* exportAction = new QAction(QIcon(QStringLiteral(":/icons/export.svg")), tr("&Export…"), this);
  exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  connect(exportAction, &QAction::triggered, this, [this] { makeExportDialog()->open(); });
  auto* finetuneAction = new QAction(QIcon(QStringLiteral(":/icons/finetune.svg")), tr("&Finetune…"), this);
  finetuneAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
  connect(finetuneAction, &QAction::triggered, this, [this] { makeFinetuneDialog()->open(); });
  auto* quit = new QAction(tr("&Quit"), this);
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, this, &QWidget::close);
  auto* file = menuBar()->addMenu(tr("&File"));
  file->addAction(open);
  recentMenu_ = file->addMenu(tr("Recent Models"));
  file->addAction(quantize);
  file->addAction(compare);
  file->addAction(finetuneAction);
  file->addAction(exportAction);
  file->addSeparator();
  file->addAction(quit);
  auto* view = menuBar()->addMenu(tr("&View"));
  for (auto* dock : docks) view->addAction(dock->toggleViewAction());
  auto* dark = view->addAction(tr("&Dark Palette"));
  dark->setCheckable(true);
  connect(dark, &QAction::toggled, this, &MainWindow::setDarkPalette);
  addLanguageMenu(view);
  auto* tools = addToolBar(tr("Main"));
  tools->setObjectName(QStringLiteral("mainToolBar"));
  for (auto* a : {open, quantize, compare, finetuneAction, exportAction}) tools->addAction(a);
  return dark;
}

void MainWindow::addLanguageMenu(QMenu* view) {
  auto* language = view->addMenu(tr("&Language"));
  auto* languages = new QActionGroup(this);
  const QString current = QSettings().value(QStringLiteral("language")).toString();
  for (const auto& [code, name] : {std::pair{QString(), tr("System")}, std::pair{QStringLiteral("en"), QStringLiteral("English")},
                                   std::pair{QStringLiteral("de"), QStringLiteral("Deutsch")},
                                   std::pair{QStringLiteral("zh_CN"), QStringLiteral("简体中文")}}) {
    auto* a = language->addAction(name);
    a->setCheckable(true);
    a->setChecked(code == current);
    languages->addAction(a);
    connect(a, &QAction::triggered, this, [this, code = code] {
      QSettings().setValue(QStringLiteral("language"), code);
      statusBar()->showMessage(tr("The language changes when ApiQ Studio is started again."), 8000);
    });
  }
}

MainWindow::~MainWindow() {
  for (auto& j : jobs_) j->cancel();
  // Queued jobs then end at once on their own workers; QFuture::waitForFinished alone would run a
  // job that has not started yet here, on the GUI thread (Qt 6 work stealing).
  pools_.waitForDone();
  for (auto& j : jobs_) j->waitForFinished();
  loadTask_.waitForFinished();
}

void MainWindow::setDarkPalette(bool dark) {
  QSettings().setValue(QStringLiteral("darkPalette"), dark);
  qApp->setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  if (!dark) {
    qApp->setPalette(qApp->style()->standardPalette());
    return;
  }
  QPalette p;
  p.setColor(QPalette::Window, QColor(45, 45, 48));
  p.setColor(QPalette::WindowText, Qt::white);
  p.setColor(QPalette::Base, QColor(30, 30, 30));
  p.setColor(QPalette::AlternateBase, QColor(45, 45, 48));
  p.setColor(QPalette::Text, Qt::white);
  p.setColor(QPalette::Button, QColor(55, 55, 58));
  p.setColor(QPalette::ButtonText, Qt::white);
  p.setColor(QPalette::Highlight, QColor(38, 110, 180));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::ToolTipBase, QColor(55, 55, 58));
  p.setColor(QPalette::ToolTipText, Qt::white);
  qApp->setPalette(p);
}

void MainWindow::chooseModel() {
  QSettings settings;
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Open Model Folder"),
                                                        settings.value(QStringLiteral("lastModelDir")).toString());
  if (!dir.isEmpty()) openModel(dir);
}

widgets::JobWizard* MainWindow::makeWizard() {
  auto* wizard = new widgets::JobWizard(this);
  wizard->setAttribute(Qt::WA_DeleteOnClose);
  const QString last = QSettings().value(QStringLiteral("lastModelDir")).toString();
  if (!tree_->summary().folder.isEmpty()) wizard->setModelDir(tree_->summary().folder);
  else if (!last.isEmpty()) wizard->setModelDir(last);
  connect(wizard, &QWizard::accepted, this, [this, wizard] { startJobs(wizard->jobSpecs()); });
  return wizard;
}

void MainWindow::runWizard() { makeWizard()->open(); }

QString MainWindow::quantizedSource() const {
  const auto& s = tree_->summary();
  const bool quantized = std::any_of(s.tensors.begin(), s.tensors.end(),
                                     [](const widgets::TensorRow& t) { return t.name.endsWith(QLatin1String(".qweight")); });
  return quantized ? s.folder : lastFinishedOutput_;
}

widgets::FinetuneDialog* MainWindow::makeFinetuneDialog() {
  auto* dialog = new widgets::FinetuneDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  if (const QString source = quantizedSource(); !source.isEmpty()) dialog->setSourceDir(source);
  const auto joinComparison = [this](const QString& dir, const QString& message) {
    statusBar()->showMessage(message, 8000);
    lastFinishedOutput_ = dir;
    QString error;
    if (!comparison_->addRun(dir, &error)) showError(tr("Could not add the run to the comparison"), error);
  };
  connect(dialog, &widgets::FinetuneDialog::finetuneFinished, this, [dialog, joinComparison](bool ok, const QString& message) {
    if (ok) joinComparison(dialog->outputDir(), message);
  });
  connect(dialog, &widgets::FinetuneDialog::mergeFinished, this, [dialog, joinComparison](bool ok, const QString& message) {
    if (ok) joinComparison(dialog->mergedDir(), message);
  });
  return dialog;
}

widgets::ExportDialog* MainWindow::makeExportDialog() {
  auto* dialog = new widgets::ExportDialog(this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  if (const QString source = quantizedSource(); !source.isEmpty()) dialog->setSourceDir(source);
  connect(dialog, &widgets::ExportDialog::exportFinished, this,
          [this](bool, const QString& message) { statusBar()->showMessage(message, 8000); });
  return dialog;
}

// A tensor shows its own statistics; a linear of a quantized model its Q, A and B side by side.
void MainWindow::showSelectedInTree(const QModelIndex& index) {
  const QModelIndex name = index.siblingAtColumn(widgets::ModelTreeModel::Name);
  const QString folder = tree_->summary().folder;
  const auto kind = static_cast<widgets::ModelTreeModel::NodeKind>(name.data(widgets::ModelTreeModel::KindRole).toInt());
  if (kind == widgets::ModelTreeModel::NodeKind::Tensor)
    stats_->showTensor(folder, name.data(widgets::ModelTreeModel::TensorNameRole).toString());
  else if (kind == widgets::ModelTreeModel::NodeKind::Linear && !name.data(widgets::ModelTreeModel::ModuleRole).isNull())
    stats_->showLinear(folder, name.data(widgets::ModelTreeModel::ModuleRole).toString());
}

bool MainWindow::compareRuns(const QStringList& dirs) {
  QString error;
  const bool ok = comparison_->setRunDirs(dirs, &error);
  if (!ok) showError(tr("Could not compare the runs"), error);
  tabs_->setCurrentWidget(comparison_);
  return ok;
}

void MainWindow::showError(const QString& title, const QString& message) {
  statusBar()->showMessage(title, 5000);
  if (!QGuiApplication::platformName().startsWith(QLatin1String("offscreen"))) QMessageBox::warning(this, title, message);
}

void MainWindow::openModel(const QString& folder) {
  loadTask_.waitForFinished();
  statusBar()->showMessage(tr("Reading %1…").arg(folder));
  loadTask_.start<LoadResult>(
      [folder]() {
        LoadResult r;
        try {
          r.summary = widgets::readModelSummary(folder);
        } catch (const std::exception& e) {
          r.error = QString::fromStdString(e.what());
          return r;
        }
        try {
          r.bits = widgets::read_linear_bits(folder);
        } catch (const std::exception& e) {  // the tensors still browse; only the map is missing
          r.bitsError = QString::fromStdString(e.what());
        }
        return r;
      },
      [this](LoadResult r) { onLoadFinished(r); });
}

void MainWindow::onLoadFinished(const LoadResult& r) {
  if (!r.error.isEmpty()) {
    showError(tr("Could not open the model"), r.error);
    Q_EMIT loadFailed(r.error);
    return;
  }
  model_->setSummary(r.summary);
  tree_->setSummary(r.summary);
  stats_->clear();
  census_->setFolder(r.summary.folder);
  if (r.bits) widgets::showLinearBits(bits_, *r.bits, QFileInfo(r.summary.folder).fileName());
  else if (!r.bitsError.isEmpty()) bits_->clear(r.bitsError);
  else bits_->clear(tr("%1 is not a quantized checkpoint: every linear is stored dense.").arg(QFileInfo(r.summary.folder).fileName()));
  treeView_->expandToDepth(0);
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
  QSettings settings;
  settings.setValue(QStringLiteral("lastModelDir"), s.folder);
  QStringList recent = settings.value(QStringLiteral("recentModels")).toStringList();
  recent.removeAll(s.folder);
  recent.prepend(s.folder);
  settings.setValue(QStringLiteral("recentModels"), recent.mid(0, 8));
  updateRecentMenu();
  statusBar()->showMessage(tr("Opened %1").arg(s.folder), 5000);
  setWindowTitle(tr("ApiQ Studio — %1").arg(QFileInfo(s.folder).fileName()));
  Q_EMIT modelLoaded(s.folder);
}

void MainWindow::updateRecentMenu() {
  recentMenu_->clear();
  for (const QString& f : QSettings().value(QStringLiteral("recentModels")).toStringList())
    recentMenu_->addAction(f, this, [this, f] { openModel(f); });
  recentMenu_->setEnabled(!recentMenu_->isEmpty());
}

QVector<widgets::CalibrationJob*> MainWindow::startJobs(const QVector<widgets::CalibrationJobSpec>& specs) {
  QVector<widgets::CalibrationJob*> started;
  tabs_->setCurrentIndex(1);
  // LibTorch's CPU thread count is process-wide: it follows the wizard only while no job runs.
  if (running_ == 0 && !specs.isEmpty() && specs.front().threads > 0) at::set_num_threads(specs.front().threads);
  for (const auto& spec : specs) {
    try {
      const auto cfg = apiq::LlamaConfig::from_file(std::filesystem::path(spec.modelDir.toStdString()) / "config.json");
      heat_->setBlockCount(static_cast<int>(cfg.num_hidden_layers));
    } catch (const std::exception&) {
      // The job reports the bad config itself; the map then grows as values arrive.
    }
    jobs_.push_back(std::make_unique<widgets::CalibrationJob>(spec));
    widgets::CalibrationJob* job = jobs_.back().get();
    connect(job, &widgets::CalibrationJob::layerFinished, chart_,
            [this](const QString& method, qint64 block, int linear, double, double err, double) {
              chart_->addPoint(method, block, linear, err);
              heat_->setValue(method, block, linear, err);
            });
    connect(job, &widgets::CalibrationJob::stepLoss, loss_,
            [this](const QString& method, qint64, int, qint64, double loss) { loss_->addLoss(method, loss); });
    connect(job, &widgets::CalibrationJob::finished, this, [this, job](bool ok, const QString& message) {
      statusBar()->showMessage(tr("%1: %2").arg(job->methodName(), message), 5000);
      if (ok) {
        lastFinishedOutput_ = job->spec().outDir;
        comparison_->addRun(job->spec().outDir);  // every finished run joins the comparison
      }
      if (!ok && job->state() == widgets::CoreTask::State::Failed) showError(tr("Calibration failed"), message);
      if (--running_ == 0) Q_EMIT allJobsFinished();
    });
    jobsPanel_->addJob(job);
    ++running_;
    job->start(pools_.poolFor(QString::fromStdString(spec.options.device)));
    started << job;
  }
  return started;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  QSettings settings;
  settings.setValue(QStringLiteral("geometry"), saveGeometry());
  settings.setValue(QStringLiteral("windowState"), saveState());
  QMainWindow::closeEvent(event);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const auto urls = event->mimeData()->urls();
  if (!urls.isEmpty() && urls.first().isLocalFile()) openModel(urls.first().toLocalFile());
}

}  // namespace apiq::app
