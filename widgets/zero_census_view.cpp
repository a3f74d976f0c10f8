// SPDX-License-Identifier: GPL-3.0-or-later
// qcustomplot.h needs Qt's keywords; no LibTorch header is included here.
#undef QT_NO_KEYWORDS
#include "zero_census_view.h"

#include <qcustomplot.h>

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>
#include <utility>

namespace apiq::widgets {

ZeroCensusView::ZeroCensusView(QWidget* parent)
    : QWidget(parent), model_(new ZeroCensusModel(this)), summary_(new QLabel(this)), table_(new QTableView(this)),
      plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  summary_->setWordWrap(true);
  summary_->setTextFormat(Qt::RichText);
  layout->addWidget(summary_);
  auto* split = new QSplitter(Qt::Vertical, this);
  table_->setModel(model_);
  table_->verticalHeader()->hide();
  table_->setAlternatingRowColors(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->horizontalHeader()->setStretchLastSection(true);
  split->addWidget(table_);
  auto* bars = new QCPBars(plot_->xAxis, plot_->yAxis);
  bars->setPen(Qt::NoPen);
  bars->setBrush(QColor(0x1f, 0x77, 0xb4));
  bars->setWidth(0.8);
  plot_->xAxis->setLabel(tr("Zero point"));
  plot_->yAxis->setLabel(tr("Groups (all linears)"));
  QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
  ticker->setTickStep(1);
  plot_->xAxis->setTicker(ticker);
  plot_->setMinimumHeight(160);
  split->addWidget(plot_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  layout->addWidget(split, 1);
  pool_.setMaxThreadCount(1);
  clear();
}

ZeroCensusView::~ZeroCensusView() { task_.waitForFinished(); }

void ZeroCensusView::setFolder(const QString& folder) {
  if (task_.isRunning()) {
    pending_ = folder;
    return;
  }
  summary_->setText(tr("Counting zero points in %1…").arg(folder.toHtmlEscaped()));
  task_.start<ZeroCensus>([folder] { return readZeroCensus(folder); },
                          [this](ZeroCensus c) {
                            if (!pending_.isEmpty()) {
                              setFolder(std::exchange(pending_, QString()));
                              return;
                            }
                            display(c);
                            Q_EMIT censusReady();
                          },
                          &pool_);
}

void ZeroCensusView::clear() { display({}); }

void ZeroCensusView::display(const ZeroCensus& c) {
  model_->setCensus(c);
  auto* bars = static_cast<QCPBars*>(plot_->plottable(0));
  bars->data()->clear();
  if (!c.error.isEmpty()) summary_->setText(tr("Could not count the zero points: %1").arg(c.error.toHtmlEscaped()));
  else if (c.folder.isEmpty()) summary_->setText(tr("Open a quantized checkpoint to see its zero-point census."));
  else if (!c.quantized || c.rows.isEmpty())
    summary_->setText(tr("%1 has no integer zero points (not an ApiQ Studio quantized checkpoint, or NormalFloat codes).")
                          .arg(c.folder.toHtmlEscaped()));
  else
    summary_->setText(
        tr("<b>%1 of %2 groups</b> (%3 %) in %4 linears have zero point 0. A GPTQ v1 export stores zero − 1 and cannot "
           "hold them; gptq-v2 and compressed-tensors are lossless.")
            .arg(QLocale().toString(c.totalZeroGroups()), QLocale().toString(c.totalGroups()))
            .arg(QLocale().toString(c.totalGroups() ? 100.0 * c.totalZeroGroups() / c.totalGroups() : 0.0, 'f', 2))
            .arg(c.rows.size()));
  const auto h = c.totalHistogram();
  for (auto it = h.begin(); it != h.end(); ++it) bars->addData(static_cast<double>(it.key()), static_cast<double>(it.value()));
  plot_->rescaleAxes();
  plot_->xAxis->setRange(plot_->xAxis->range().lower - 1, plot_->xAxis->range().upper + 1);
  plot_->yAxis->setRangeLower(0);
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

QVector<QPointF> ZeroCensusView::bars() const {
  QVector<QPointF> out;
  const auto* b = static_cast<QCPBars*>(plot_->plottable(0));
  for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it) out << QPointF(it->key, it->value);
  return out;
}

}  // namespace apiq::widgets
