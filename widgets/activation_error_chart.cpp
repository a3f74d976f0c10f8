// SPDX-License-Identifier: GPL-3.0-or-later
// qcustomplot.h uses Qt's `signals`/`foreach` keywords; this file includes no LibTorch header
// (whose identifiers clash with them), so it may turn them back on.
#undef QT_NO_KEYWORDS
#include "activation_error_chart.h"

#include <qcustomplot.h>

#include <QVBoxLayout>

namespace apiq::widgets {

namespace {
const QColor kPalette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                           QColor(0xff, 0x7f, 0x0e), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b)};
}

ActivationErrorChart::ActivationErrorChart(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->xAxis->setLabel(tr("Layer (block × 7 + linear)"));
  plot_->yAxis->setLabel(tr("Activation error per token"));
  plot_->legend->setVisible(true);
  plot_->setNoAntialiasingOnDrag(true);
  timer_.setInterval(33);
  connect(&timer_, &QTimer::timeout, this, &ActivationErrorChart::replotIfDirty);
  timer_.start();
}

void ActivationErrorChart::addPoint(const QString& method, qint64 block, int linear, double actErr) {
  QCPGraph*& g = graphs_[method];
  if (!g) {
    g = plot_->addGraph();
    g->setName(method);
    g->setPen(QPen(kPalette[(graphs_.size() - 1) % std::size(kPalette)]));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
  }
  g->addData(static_cast<double>(block * 7 + linear), actErr);  // keys grow: the container stays sorted
  dirty_ = true;
}

int ActivationErrorChart::pointCount(const QString& method) const {
  auto it = graphs_.find(method);
  return it == graphs_.end() ? 0 : (*it)->data()->size();
}

void ActivationErrorChart::clear() {
  plot_->clearGraphs();
  graphs_.clear();
  dirty_ = true;
}

void ActivationErrorChart::replotIfDirty() {
  if (!dirty_) return;
  dirty_ = false;
  plot_->rescaleAxes();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace apiq::widgets
