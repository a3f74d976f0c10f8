// SPDX-License-Identifier: GPL-3.0-or-later
// qcustomplot.h needs Qt's keywords; no LibTorch header is included here.
#undef QT_NO_KEYWORDS
#include "tensor_stats_view.h"

#include <qcustomplot.h>

#include <algorithm>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

namespace apiq::widgets {

namespace {
constexpr int kMaxPanels = 3;  // Q, A, B
const QColor kBarColors[kMaxPanels] = {QColor(0x1f, 0x77, 0xb4), QColor(0x2c, 0xa0, 0x2c), QColor(0xd6, 0x27, 0x28)};

QString number(double v) { return QLocale().toString(v, 'g', 5); }
}  // namespace

TensorStatsView::TensorStatsView(QWidget* parent)
    : QWidget(parent), header_(new QLabel(this)), table_(new QTableWidget(0, ColumnCount, this)) {
  auto* layout = new QVBoxLayout(this);
  header_->setText(tr("Select a tensor or a linear in the model tree to see its statistics."));
  header_->setWordWrap(true);
  layout->addWidget(header_);
  table_->setHorizontalHeaderLabels(
      {tr("Tensor"), tr("Elements"), tr("Min"), tr("Max"), tr("Mean"), tr("Std"), tr("|Max|"), tr("NaN")});
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setMaximumHeight(160);
  layout->addWidget(table_);
  auto* row = new QHBoxLayout;
  for (int i = 0; i < kMaxPanels; ++i) {
    auto* plot = new QCustomPlot(this);
    plot->setMinimumSize(160, 140);
    plot->yAxis->setLabel(tr("Count"));
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setPen(Qt::NoPen);
    bars->setBrush(kBarColors[i]);
    plot->setVisible(false);
    row->addWidget(plot);
    plots_ << plot;
  }
  layout->addLayout(row, 1);
  pool_.setMaxThreadCount(1);
}

TensorStatsView::~TensorStatsView() { task_.waitForFinished(); }

void TensorStatsView::showTensor(const QString& folder, const QString& tensor) { start({folder, tensor, false}); }
void TensorStatsView::showLinear(const QString& folder, const QString& module) { start({folder, module, true}); }

void TensorStatsView::start(const Request& req) {
  if (task_.isRunning()) {  // computed after the running one, which is then dropped
    pending_ = req;
    return;
  }
  header_->setText(tr("Computing statistics of %1…").arg(req.subject));
  const int bins = bins_;
  task_.start<TensorStatsResult>(
      [req, bins] {
        return req.linear ? computeLinearStats(req.folder, req.subject, bins) : computeTensorStats(req.folder, req.subject, bins);
      },
      [this](TensorStatsResult r) { onFinished(std::move(r)); }, &pool_);
}

void TensorStatsView::onFinished(TensorStatsResult result) {
  if (pending_) {
    const Request next = *pending_;
    pending_.reset();
    start(next);
    return;
  }
  result_ = std::move(result);
  display();
  if (result_.error.isEmpty()) Q_EMIT statsReady();
  else Q_EMIT failed(result_.error);
}

void TensorStatsView::clear() {
  result_ = {};
  header_->setText(tr("Select a tensor or a linear in the model tree to see its statistics."));
  display();
}

void TensorStatsView::display() {
  const auto& panels = result_.panels;
  if (!result_.error.isEmpty()) header_->setText(tr("Statistics unavailable: %1").arg(result_.error));
  else if (!panels.isEmpty()) header_->setText(result_.subject);
  table_->setRowCount(static_cast<int>(panels.size()));
  for (int r = 0; r < panels.size(); ++r) {
    const auto& p = panels[r];
    const QStringList cells = {p.title,         QLocale().toString(p.count), number(p.min),     number(p.max),
                               number(p.mean),  number(p.std),                number(p.absMax), QLocale().toString(p.nanCount)};
    for (int c = 0; c < ColumnCount; ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (c != Title) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      table_->setItem(r, c, item);
    }
    table_->item(r, Title)->setToolTip(p.tensor);
  }
  for (int i = 0; i < plots_.size(); ++i) {
    QCustomPlot* plot = plots_[i];
    plot->setVisible(i < panels.size());
    auto* bars = static_cast<QCPBars*>(plot->plottable(0));
    if (i >= panels.size()) {
      bars->data()->clear();
      continue;
    }
    const auto& p = panels[i];
    bars->setData(p.binCenters, p.counts, /*alreadySorted=*/true);
    bars->setWidth(p.integerBins ? 0.8 : p.binWidth > 0 ? p.binWidth : 1.0);  // integers: one bar per value
    plot->xAxis->setLabel(p.title);
    plot->xAxis->ticker()->setTickCount(p.integerBins ? std::max<int>(2, p.counts.size()) : 3);
    plot->rescaleAxes();
    if (p.integerBins) plot->xAxis->setRange(p.binCenters.front() - 0.6, p.binCenters.back() + 0.6);
    plot->yAxis->setRangeLower(0);
    plot->replot(QCustomPlot::rpQueuedReplot);
  }
}

QVector<double> TensorStatsView::histogramCounts(int panel) const {
  QVector<double> out;
  if (panel < 0 || panel >= plots_.size() || !plots_[panel]->isVisibleTo(this)) return out;
  const auto* bars = static_cast<QCPBars*>(plots_[panel]->plottable(0));
  for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it) out << it->value;
  return out;
}

}  // namespace apiq::widgets
