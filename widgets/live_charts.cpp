// SPDX-License-Identifier: GPL-3.0-or-later
// qcustomplot.h needs Qt's keywords; no LibTorch header is included here.
#undef QT_NO_KEYWORDS
#include "live_charts.h"

#include <qcustomplot.h>

#include <QVBoxLayout>
#include <algorithm>

namespace apiq::widgets {

namespace {
QCustomPlot* embedPlot(QWidget* owner) {
  auto* plot = new QCustomPlot(owner);
  auto* layout = new QVBoxLayout(owner);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot);
  plot->setNoAntialiasingOnDrag(true);
  return plot;
}
const QColor kLossColors[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                              QColor(0xff, 0x7f, 0x0e)};
}  // namespace

LossChart::LossChart(QWidget* parent) : QWidget(parent), plot_(embedPlot(this)) {
  plot_->xAxis->setLabel(tr("Optimizer step"));
  plot_->yAxis->setLabel(tr("Training loss"));
  plot_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  plot_->xAxis->ticker()->setTickCount(4);  // the chart shares its row with the heat map
  plot_->legend->setVisible(true);
  timer_.setInterval(33);
  connect(&timer_, &QTimer::timeout, this, [this] {
    if (!dirty_) return;
    dirty_ = false;
    plot_->rescaleAxes();
    plot_->replot(QCustomPlot::rpQueuedReplot);
  });
  timer_.start();
}

void LossChart::addLoss(const QString& method, double loss) {
  QCPGraph*& g = graphs_[method];
  if (!g) {
    g = plot_->addGraph();
    g->setName(method);
    g->setPen(QPen(kLossColors[(graphs_.size() - 1) % std::size(kLossColors)]));
  }
  g->addData(static_cast<double>(g->data()->size()), std::max(loss, 1e-12));
  dirty_ = true;
}

int LossChart::pointCount(const QString& method) const {
  auto it = graphs_.find(method);
  return it == graphs_.end() ? 0 : (*it)->data()->size();
}

ErrorHeatMap::ErrorHeatMap(QWidget* parent) : QWidget(parent), plot_(embedPlot(this)), map_(new QCPColorMap(plot_->xAxis, plot_->yAxis)) {
  plot_->xAxis->setLabel(tr("Linear (q, k, v, o, gate, up, down)"));
  plot_->yAxis->setLabel(tr("Block"));
  resetRows(1);
  map_->setGradient(QCPColorGradient::gpThermal);
  map_->setInterpolate(false);
  auto* scale = new QCPColorScale(plot_);
  plot_->plotLayout()->addElement(0, 1, scale);
  map_->setColorScale(scale);
  timer_.setInterval(100);
  connect(&timer_, &QTimer::timeout, this, [this] {
    if (!dirty_) return;
    dirty_ = false;
    map_->rescaleDataRange(true);
    plot_->rescaleAxes();
    plot_->replot(QCustomPlot::rpQueuedReplot);
  });
  timer_.start();
}

void ErrorHeatMap::resetRows(int blocks) {
  blocks_ = std::max(1, blocks);
  map_->data()->setSize(7, blocks_);
  map_->data()->setRange(QCPRange(0, 6), QCPRange(0, blocks_ - 1));
  map_->data()->fill(0);
}

void ErrorHeatMap::growRows(int blocks) {
  if (blocks <= blocks_) return;
  // Grow by whole rows, keeping what is there.
  QVector<double> old;
  for (int b = 0; b < blocks_; ++b)
    for (int l = 0; l < 7; ++l) old << map_->data()->cell(l, b);
  const int oldBlocks = blocks_;
  resetRows(blocks);
  for (int b = 0; b < oldBlocks; ++b)
    for (int l = 0; l < 7; ++l) map_->data()->setCell(l, b, old[b * 7 + l]);
}

void ErrorHeatMap::setBlockCount(int blocks) {
  expected_ = std::max(1, blocks);
  growRows(expected_);
  dirty_ = true;
}

void ErrorHeatMap::setValue(const QString& method, qint64 block, int linear, double err) {
  if (method != method_) {
    method_ = method;
    resetRows(expected_);
    map_->setName(method);
  }
  growRows(static_cast<int>(block) + 1);
  map_->data()->setCell(linear, static_cast<int>(block), err);
  dirty_ = true;
}

double ErrorHeatMap::value(qint64 block, int linear) const {
  if (block >= blocks_) return 0;
  return map_->data()->cell(linear, static_cast<int>(block));
}

}  // namespace apiq::widgets
