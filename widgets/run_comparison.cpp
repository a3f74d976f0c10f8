// SPDX-License-Identifier: GPL-3.0-or-later
#include "run_comparison.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <filesystem>
#include <map>
#include <optional>

#include "linear_heat_map.h"
#include "base/errors.h"
#include "base/fs_util.h"
#include "calibration/run_summary.h"
#include "comparison_chart.h"
#include "comparison_summary_model.h"

namespace apiq::widgets {

namespace {
const QString kRuns = QStringLiteral("comparison/runs");
const QString kText = QStringLiteral("comparison/perplexityText");
const QString kSeqLen = QStringLiteral("comparison/perplexitySeqLen");
const QString kWindows = QStringLiteral("comparison/perplexityWindows");
const QString kValues = QStringLiteral("comparison/perplexityValues");

// Size and time of a file: a result computed from it is stale once either changes.
QString stamp(const QString& file) {
  const QFileInfo f(file);
  return QStringLiteral("%1@%2").arg(f.size()).arg(f.lastModified().toMSecsSinceEpoch());
}

std::string path(const QString& s) { return s.toStdString(); }

// The reference row: the full-precision model every run names, when they agree and it is there.
std::optional<apiq::RunSummary> referenceOf(const std::vector<apiq::RunSummary>& runs) {
  const auto model = apiq::common_source_model(runs);
  if (runs.empty() || model.empty()) return std::nullopt;
  try {
    return apiq::summarize_full_precision(model, &runs.front());
  } catch (const std::exception&) {  // moved or deleted since: compare without it
    return std::nullopt;
  }
}
}  // namespace

RunComparisonWidget::RunComparisonWidget(QWidget* parent)
    : QWidget(parent), summary_(new ComparisonSummaryModel(this)), summaryView_(new QTableView(this)),
      chart_(new ComparisonChart(this)), layers_(new QTableWidget(this)), adapterMap_(new LinearHeatMap(this)),
      bitsMap_(new LinearHeatMap(this)),
      pplText_(new QLineEdit(this)),
      pplSeqLen_(new QSpinBox(this)), pplWindows_(new QSpinBox(this)), pplButton_(new QPushButton(tr("Compute perplexity"), this)),
      pplProgress_(new QProgressBar(this)), note_(new QLabel(this)) {
  auto* add = new QPushButton(tr("Add run…"), this);
  auto* remove = new QPushButton(tr("Remove"), this);
  auto* browse = new QPushButton(tr("Browse…"), this);
  pplText_->setPlaceholderText(tr("Text file for perplexity"));
  pplText_->setMinimumWidth(220);
  pplSeqLen_->setRange(2, 1 << 16);
  pplSeqLen_->setValue(256);
  pplSeqLen_->setPrefix(tr("windows of "));
  pplSeqLen_->setSuffix(tr(" tokens"));
  pplWindows_->setRange(0, 1 << 20);
  pplWindows_->setValue(16);
  pplWindows_->setSpecialValueText(tr("every window"));
  pplWindows_->setPrefix(tr("at most "));
  pplProgress_->setVisible(false);
  auto* bar = new QHBoxLayout;
  bar->addWidget(add);
  bar->addWidget(remove);
  bar->addSpacing(16);
  bar->addWidget(new QLabel(tr("Perplexity on:"), this));
  bar->addWidget(pplText_, 1);
  bar->addWidget(browse);
  bar->addWidget(pplSeqLen_);
  bar->addWidget(pplWindows_);
  bar->addWidget(pplButton_);
  bar->addWidget(pplProgress_);
  summaryView_->setModel(summary_);
  summaryView_->verticalHeader()->hide();
  summaryView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  summaryView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  summaryView_->horizontalHeader()->setStretchLastSection(true);
  summaryView_->verticalHeader()->setDefaultSectionSize(summaryView_->fontMetrics().height() + 8);
  layers_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  layers_->verticalHeader()->hide();
  auto* details = new QTabWidget(this);
  details->addTab(chart_, tr("Error along depth"));
  details->addTab(layers_, tr("Every linear"));
  details->addTab(adapterMap_, tr("Finetuned adapter"));
  details->addTab(bitsMap_, tr("Bits per linear"));
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(summaryView_);
  split->addWidget(details);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 3);
  note_->setWordWrap(true);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addLayout(bar);
  layout->addWidget(note_);
  layout->addWidget(split, 1);
  connect(add, &QPushButton::clicked, this, &RunComparisonWidget::chooseRun);
  connect(remove, &QPushButton::clicked, this, &RunComparisonWidget::removeSelected);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Text for Perplexity"), pplText_->text());
    if (!f.isEmpty()) setPerplexityText(f);
  });
  connect(pplButton_, &QPushButton::clicked, this, [this] {
    if (pplTask_.isRunning()) pplTask_.cancel();
    else computePerplexities();
  });
  connect(pplText_, &QLineEdit::editingFinished, this, [this] { setPerplexityText(pplText_->text()); });
  // Other windows are another measurement: the table shows only perplexities of these settings.
  connect(pplSeqLen_, &QSpinBox::valueChanged, this, &RunComparisonWidget::refresh);
  connect(pplWindows_, &QSpinBox::valueChanged, this, &RunComparisonWidget::refresh);
  connect(&pplTask_, &CoreTask::progress, this, [this](const QString&, qint64 done, qint64 total) {
    pplProgress_->setRange(0, static_cast<int>(total));
    pplProgress_->setValue(static_cast<int>(done));
  });
  connect(&pplTask_, &CoreTask::finished, this, &RunComparisonWidget::onPerplexityFinished);
  connect(summaryView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RunComparisonWidget::showAdapter);
  connect(summaryView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RunComparisonWidget::showBits);
}

RunComparisonWidget::~RunComparisonWidget() { pplTask_.cancel(); }

bool RunComparisonWidget::readRun(const QString& dir, QString* error) {
  try {
    runs_[dir] = apiq::summarize_run(path(dir));
    bits_[dir] = read_linear_bits(dir);  // the same files summarize_run just read
    return true;
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
}

bool RunComparisonWidget::addRun(const QString& dir, QString* error) {
  const QString clean = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
  if (dirs_.contains(clean)) return true;
  if (!readRun(clean, error)) return false;
  dirs_ << clean;
  reload();
  return true;
}

void RunComparisonWidget::removeRun(const QString& dir) {
  const QString clean = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
  if (dirs_.removeAll(clean) == 0) return;
  runs_.erase(clean);
  bits_.erase(clean);
  reload();
}

bool RunComparisonWidget::setRunDirs(const QStringList& dirs, QString* error) {
  dirs_.clear();
  runs_.clear();  // read afresh: a folder may hold a new run
  bits_.clear();
  bool ok = true;
  for (const QString& d : dirs) {
    const QString clean = QDir::cleanPath(QFileInfo(d).absoluteFilePath());
    if (dirs_.contains(clean)) continue;
    if (readRun(clean, ok ? error : nullptr)) dirs_ << clean;
    else ok = false;
  }
  reload();
  return ok;
}

void RunComparisonWidget::restoreSettings() {
  persistent_ = false;  // not while reading them
  QSettings s;
  pplText_->setText(s.value(kText).toString());
  pplSeqLen_->setValue(s.value(kSeqLen, 256).toInt());
  pplWindows_->setValue(s.value(kWindows, 16).toInt());
  const QVariantMap values = s.value(kValues).toMap();
  for (auto it = values.begin(); it != values.end(); ++it) perplexities_.insert(it.key(), it.value().toDouble());
  QString error;
  if (!setRunDirs(s.value(kRuns).toStringList(), &error)) {
    note_->setText(tr("A run saved in the comparison could not be read and was left out: %1").arg(error));
    note_->setVisible(true);
  }
  persistent_ = true;  // saved from the next change on: a run unreadable right now stays in the settings until then
}

void RunComparisonWidget::saveSettings() const {
  if (!persistent_) return;
  QSettings s;
  s.setValue(kRuns, dirs_);
  s.setValue(kText, pplText_->text());
  s.setValue(kSeqLen, pplSeqLen_->value());
  s.setValue(kWindows, pplWindows_->value());
  QVariantMap values;  // only those of the runs still compared
  for (auto it = perplexities_.begin(); it != perplexities_.end(); ++it)
    if (const QString dir = it.key().section(QLatin1Char('|'), 0, 0); dirs_.contains(dir) || dir == referenceDir_)
      values.insert(it.key(), it.value());
  s.setValue(kValues, values);
}

void RunComparisonWidget::setPerplexityText(const QString& file) {
  pplText_->setText(file);
  refresh();
}

void RunComparisonWidget::setPerplexityWindows(int seqLen, int maxWindows) {
  pplSeqLen_->setValue(seqLen);
  pplWindows_->setValue(maxWindows);
  refresh();
}

// A computed perplexity is reused (across restarts too) while the run, the text and the windows
// are those it was computed for: a folder replaced by a new run or an edited text gets a new key.
QString RunComparisonWidget::perplexityKey(const QString& dir) const {
  const QString report = QDir(dir).filePath(QStringLiteral("report.json"));
  const QString model = QFileInfo::exists(report) ? report : QDir(dir).filePath(QStringLiteral("config.json"));
  return QStringLiteral("%1|%2|%3|%4|%5|%6")
      .arg(dir, stamp(model), pplText_->text(), stamp(pplText_->text()))
      .arg(pplSeqLen_->value())
      .arg(pplWindows_->value());
}

// The set of runs changed: its reference row (the one file reading besides readRun) and the table.
void RunComparisonWidget::reload() {
  std::vector<apiq::RunSummary> runs;
  for (const QString& d : dirs_) runs.push_back(runs_.at(d));
  reference_ = referenceOf(runs);
  referenceDir_ = reference_ ? QString::fromStdString(reference_->dir.string()) : QString();
  note_->clear();
  note_->setVisible(false);
  refresh();
}

// The table from the runs read and the perplexities known for the current settings (no file read).
void RunComparisonWidget::refresh() {
  std::vector<apiq::RunSummary> rows;
  if (reference_) rows.push_back(*reference_);
  for (const QString& d : dirs_) rows.push_back(runs_.at(d));
  apiq::unique_labels(rows);
  for (auto& r : rows) {
    const auto it = perplexities_.constFind(perplexityKey(QString::fromStdString(r.dir.string())));
    if (it != perplexities_.constEnd()) r.perplexity = *it;
  }
  summary_->setRows(rows);
  summaryView_->resizeColumnsToContents();
  chart_->setRuns(rows);
  fillLayerTable();
  showAdapter();
  showBits();
  saveSettings();
  Q_EMIT runsChanged();
}

void RunComparisonWidget::fillLayerTable() {
  std::vector<const apiq::RunSummary*> runs;
  for (const auto& r : summary_->rows())
    if (!r.reference) runs.push_back(&r);
  // One row per (block, linear) any run quantized, so runs with other --targets line up.
  std::map<std::pair<int64_t, int>, int> rowOf;
  for (const auto* r : runs)
    for (const auto& l : r->result.layers) rowOf.emplace(std::pair{l.block, static_cast<int>(l.kind)}, 0);
  int next = 0;
  for (auto& [key, row] : rowOf) row = next++;
  layers_->clear();
  QStringList labels;
  for (const auto* r : runs) labels << QString::fromStdString(r->label());
  layers_->setColumnCount(firstRunColumn_ + static_cast<int>(runs.size()));
  layers_->setRowCount(static_cast<int>(rowOf.size()));
  layers_->setHorizontalHeaderLabels(QStringList{tr("Block"), tr("Linear")} + labels);
  for (const auto& [key, row] : rowOf) {
    layers_->setItem(row, 0, new QTableWidgetItem(QString::number(key.first)));
    layers_->setItem(row, 1, new QTableWidgetItem(QString::fromLatin1(apiq::linear_short_name(static_cast<apiq::LinearKind>(key.second)))));
  }
  for (int c = 0; c < static_cast<int>(runs.size()); ++c)
    for (const auto& l : runs[static_cast<size_t>(c)]->result.layers) {
      auto* item = new QTableWidgetItem(QString::number(l.act_err, 'g', 5));
      item->setData(Qt::UserRole, l.act_err);
      layers_->setItem(rowOf.at({l.block, static_cast<int>(l.kind)}), firstRunColumn_ + c, item);
    }
  for (int row = 0; row < layers_->rowCount(); ++row) {
    const int best = bestColumn(row);
    if (best < 0) continue;
    auto* it = layers_->item(row, best);
    QFont f = it->font();
    f.setBold(true);
    it->setFont(f);
    it->setBackground(QColor(0xc8, 0xf0, 0xc8));
  }
  layers_->resizeColumnsToContents();
}

// The selected run's adapter; with no run selected, the first finetuned one's.
void RunComparisonWidget::showAdapter() {
  const auto& rows = summary_->rows();
  const QModelIndex current = summaryView_->selectionModel()->currentIndex();
  int row = current.isValid() ? current.row() : -1;
  if (row < 0)
    for (size_t i = 0; i < rows.size() && row < 0; ++i)
      if (rows[i].finetune) row = static_cast<int>(i);
  if (row < 0 || row >= static_cast<int>(rows.size())) {
    adapterMap_->clear(tr("None of the compared runs was finetuned."));
    return;
  }
  const auto& r = rows[static_cast<size_t>(row)];
  const QString label = QString::fromStdString(r.label());
  if (!r.finetune) {
    adapterMap_->clear(r.reference ? tr("The full-precision model has no adapter.") : tr("%1 was not finetuned.").arg(label));
    return;
  }
  adapterMap_->setAdapter({{"kind", r.finetune->adapter_kind}, {"linears", r.finetune->linears}}, label);
}

// The selected run's bits per linear; with no run selected, the first run's.
void RunComparisonWidget::showBits() {
  const auto& rows = summary_->rows();
  const QModelIndex current = summaryView_->selectionModel()->currentIndex();
  int row = current.isValid() ? current.row() : -1;
  for (size_t i = 0; i < rows.size() && row < 0; ++i)
    if (!rows[i].reference) row = static_cast<int>(i);
  if (row < 0 || row >= static_cast<int>(rows.size())) {
    bitsMap_->clear(tr("No run to show."));
    return;
  }
  const auto& r = rows[static_cast<size_t>(row)];
  const auto it = bits_.find(QString::fromStdString(r.dir.string()));
  if (r.reference || it == bits_.end() || !it->second) {
    bitsMap_->clear(tr("The full-precision model is not quantized."));
    return;
  }
  showLinearBits(bitsMap_, *it->second, QString::fromStdString(r.label()));
}

int RunComparisonWidget::bestColumn(int row) const {
  int best = -1, values = 0;
  double value = 0;
  for (int c = firstRunColumn_; c < layers_->columnCount(); ++c) {
    const auto* it = layers_->item(row, c);
    if (!it) continue;
    ++values;
    const double v = it->data(Qt::UserRole).toDouble();
    if (best < 0 || v < value) best = c, value = v;
  }
  return values >= 2 ? best : -1;
}

void RunComparisonWidget::computePerplexities() {
  if (pplTask_.isRunning()) return;
  const QString text = pplText_->text();
  if (text.isEmpty()) {
    note_->setText(tr("Choose a text file for the perplexity first."));
    note_->setVisible(true);
    Q_EMIT perplexitiesComputed();  // nothing to do is done too: no caller waits forever
    return;
  }
  QList<std::pair<QString, QString>> missing;  // folder, cache key (made here: the worker reads no widget)
  for (const auto& r : summary_->rows())
    if (!r.perplexity) {
      const QString dir = QString::fromStdString(r.dir.string());
      missing.append({dir, perplexityKey(dir)});
    }
  if (missing.isEmpty()) {
    Q_EMIT perplexitiesComputed();
    return;
  }
  apiq::RunPerplexityOptions po;
  po.seq_len = pplSeqLen_->value();
  po.max_windows = pplWindows_->value() > 0 ? pplWindows_->value() : -1;
  po.text_file = path(text);
  pplButton_->setText(tr("Cancel"));
  pplProgress_->setVisible(true);
  auto* task = &pplTask_;
  pplTask_.start([this, task, missing, text, po] {
    const std::string content = apiq::read_nonempty_file(path(text), "text file");
    for (const auto& [dir, key] : missing) {
      const double ppl = apiq::run_perplexity(path(dir), content, po, task->observer(), task->token());
      task->post([this, key, dir, ppl] {
        perplexities_.insert(key, ppl);
        // Shown only if the text, the windows and the run are still those it was computed for.
        if (perplexityKey(dir) == key) summary_->setPerplexity(summary_->rowOf(dir), ppl);
        saveSettings();
      });
    }
  });
}

void RunComparisonWidget::onPerplexityFinished(CoreTask::State state) {
  pplButton_->setText(tr("Compute perplexity"));
  pplProgress_->setVisible(false);
  summaryView_->resizeColumnsToContents();
  if (state == CoreTask::State::Failed) {
    note_->setText(tr("Perplexity failed: %1").arg(pplTask_.errorMessage()));
    note_->setVisible(true);
  }
  Q_EMIT perplexitiesComputed();
}

void RunComparisonWidget::removeSelected() {
  const auto rows = summaryView_->selectionModel()->selectedRows();
  QStringList gone;
  for (const auto& i : rows)
    if (!summary_->rows()[static_cast<size_t>(i.row())].reference)
      gone << QString::fromStdString(summary_->rows()[static_cast<size_t>(i.row())].dir.string());
  for (const QString& d : gone) dirs_.removeAll(d), runs_.erase(d), bits_.erase(d);
  if (!gone.isEmpty()) reload();
}

void RunComparisonWidget::chooseRun() {
  const QString d = QFileDialog::getExistingDirectory(this, tr("Add a Finished Run or Quantized Checkpoint"));
  if (d.isEmpty()) return;
  QString error;
  if (!addRun(d, &error)) {
    note_->setText(tr("Could not add %1: %2").arg(d, error));
    note_->setVisible(true);
  }
}

bool RunComparisonWidget::saveCharts(const QString& dir) {
  if (!QDir().mkpath(dir)) return false;
  const ComparisonChart::View before = chart_->view();
  const std::pair<ComparisonChart::View, QString> views[] = {
      {ComparisonChart::View::BlockActErr, QStringLiteral("per-block-activation-error")},
      {ComparisonChart::View::BlockMse, QStringLiteral("per-block-mse")},
      {ComparisonChart::View::LinearActErr, QStringLiteral("per-linear-activation-error")}};
  bool ok = true;
  for (const auto& [view, name] : views) {
    chart_->setView(view);
    const QString base = QDir(dir).filePath(name);
    ok = chart_->savePng(base + QStringLiteral(".png")) && ok;
    ok = chart_->saveSvg(base + QStringLiteral(".svg")) && ok;
    ok = chart_->saveCsv(base + QStringLiteral(".csv")) && ok;
  }
  chart_->setView(before);
  QFile csv(QDir(dir).filePath(QStringLiteral("summary.csv")));
  ok = csv.open(QIODevice::WriteOnly | QIODevice::Truncate) && csv.write(summary_->toCsv().toUtf8()) >= 0 && ok;
  return ok;
}

}  // namespace apiq::widgets
