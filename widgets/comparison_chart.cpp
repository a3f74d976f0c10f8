// SPDX-License-Identifier: GPL-3.0-or-later
// qcustomplot.h uses Qt's `signals`/`foreach` keywords; LibTorch's identifiers clash with them.
// This file reaches core only through run_summary.h, which includes no LibTorch header, so it
// may turn them back on.
#undef QT_NO_KEYWORDS
#include "comparison_chart.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSvgGenerator>
#include <QTextStream>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>

namespace apiq::widgets {

namespace {
const QColor kPalette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                           QColor(0xff, 0x7f, 0x0e), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                           QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f)};
constexpr double kHoverPixels = 12.0;

QString runLabel(const apiq::RunSummary& r) { return QString::fromStdString(r.label()); }
}  // namespace

ComparisonChart::ComparisonChart(QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot(this)), viewBox_(new QComboBox(this)), linearBox_(new QComboBox(this)),
      logBox_(new QCheckBox(tr("Log scale"), this)) {
  viewBox_->addItem(tr("Activation error per block"));
  viewBox_->addItem(tr("Block output MSE per block"));
  viewBox_->addItem(tr("Activation error per linear"));
  linearBox_->addItem(tr("All linears"), AllLinears);
  for (apiq::LinearKind k : apiq::kAllLinears)
    linearBox_->addItem(QString::fromLatin1(apiq::linear_short_name(k)), static_cast<int>(k));
  auto* exportButton = new QToolButton(this);
  exportButton->setText(tr("Export"));
  exportButton->setPopupMode(QToolButton::InstantPopup);
  auto* menu = new QMenu(exportButton);
  menu->addAction(tr("Chart as PNG…"), this, [this] { exportAs(QStringLiteral("png")); });
  menu->addAction(tr("Chart as SVG…"), this, [this] { exportAs(QStringLiteral("svg")); });
  menu->addAction(tr("Data as CSV…"), this, [this] { exportAs(QStringLiteral("csv")); });
  exportButton->setMenu(menu);
  auto* bar = new QHBoxLayout;
  bar->addWidget(viewBox_);
  bar->addWidget(new QLabel(tr("Linear:"), this));
  bar->addWidget(linearBox_);
  bar->addWidget(logBox_);
  bar->addStretch(1);
  bar->addWidget(exportButton);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(plot_, 1);
  // The legend in its own column right of the plot (top-aligned above a spacer), so it never
  // covers the lines; the view's name as a title above.
  plot_->legend->setVisible(true);
  plot_->axisRect()->insetLayout()->take(plot_->legend);
  auto* side = new QCPLayoutGrid;
  plot_->plotLayout()->addElement(0, 1, side);
  side->addElement(0, 0, plot_->legend);
  side->addElement(1, 0, new QCPLayoutElement(plot_));
  side->setRowStretchFactor(0, 0.001);
  plot_->plotLayout()->setColumnStretchFactor(1, 0.001);
  plot_->plotLayout()->insertRow(0);
  title_ = new QCPTextElement(plot_, QString(), QFont(font().family(), font().pointSize() + 1, QFont::Bold));
  plot_->plotLayout()->addElement(0, 0, title_);
  plot_->setMouseTracking(true);
  connect(plot_, &QCustomPlot::mouseMove, this, &ComparisonChart::onMouseMove);
  connect(viewBox_, &QComboBox::currentIndexChanged, this, [this] {
    linearBox_->setEnabled(view() == View::LinearActErr);
    rebuild();
    Q_EMIT viewChanged();
  });
  connect(linearBox_, &QComboBox::currentIndexChanged, this, [this] { rebuild(); });
  connect(logBox_, &QCheckBox::toggled, this, [this] { rebuild(); });
  linearBox_->setEnabled(false);
}

void ComparisonChart::setRuns(const std::vector<apiq::RunSummary>& rows) {
  runs_.clear();
  for (const auto& r : rows)
    if (!r.reference) runs_.push_back(r);
  rebuild();
}

void ComparisonChart::setView(View view) { viewBox_->setCurrentIndex(static_cast<int>(view)); }
ComparisonChart::View ComparisonChart::view() const { return static_cast<View>(viewBox_->currentIndex()); }

void ComparisonChart::setLinearFilter(int kind) {
  const int i = linearBox_->findData(kind);
  if (i >= 0) linearBox_->setCurrentIndex(i);
}

void ComparisonChart::setLogScale(bool on) { logBox_->setChecked(on); }
bool ComparisonChart::logScale() const { return logBox_->isChecked(); }

QStringList ComparisonChart::seriesNames() const {
  QStringList names;
  for (const auto& r : runs_) names << runLabel(r);
  return names;
}

QVector<QPointF> ComparisonChart::series(const QString& name) const {
  QVector<QPointF> points;
  for (const auto& r : runs_) {
    if (runLabel(r) != name) continue;
    switch (view()) {
      case View::BlockActErr:
        for (size_t b = 0; b < r.block_act_err.size(); ++b)
          if (std::isfinite(r.block_act_err[b])) points << QPointF(static_cast<double>(b), r.block_act_err[b]);
        break;
      case View::BlockMse:
        for (size_t b = 0; b < r.block_mse.size(); ++b) points << QPointF(static_cast<double>(b), r.block_mse[b]);
        break;
      case View::LinearActErr: {
        const int filter = linearBox_->currentData().toInt();
        for (const auto& l : r.result.layers) {
          const int k = static_cast<int>(l.kind);
          if (filter != AllLinears && k != filter) continue;
          const double x = static_cast<double>(l.block) + (filter == AllLinears ? k / 7.0 : 0.0);
          points << QPointF(x, l.act_err);
        }
        break;
      }
    }
  }
  return points;
}

void ComparisonChart::rebuild() {
  plot_->clearGraphs();
  int i = 0;
  for (const QString& name : seriesNames()) {
    auto* g = plot_->addGraph();
    g->setName(name);
    g->setPen(QPen(kPalette[i++ % std::size(kPalette)], 2));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, view() == View::LinearActErr ? 4 : 7));
    for (const QPointF& p : series(name)) g->addData(p.x(), p.y());
  }
  const bool log = logScale();
  plot_->yAxis->setScaleType(log ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
  plot_->yAxis->setTicker(log ? QSharedPointer<QCPAxisTicker>(new QCPAxisTickerLog)
                              : QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
  plot_->xAxis->setLabel(view() == View::LinearActErr && linearBox_->currentData().toInt() == AllLinears
                             ? tr("Block (its seven linears q … down in order)")
                             : tr("Block"));
  plot_->yAxis->setLabel(view() == View::BlockMse ? tr("Block output MSE") : tr("Activation error per token"));
  QString title = viewBox_->currentText();
  if (view() == View::LinearActErr && linearBox_->currentData().toInt() != AllLinears)
    title += QStringLiteral(" — ") + linearBox_->currentText();
  title_->setText(title);
  auto ticker = QSharedPointer<QCPAxisTickerFixed>(new QCPAxisTickerFixed);
  ticker->setTickStep(1.0);
  ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  plot_->xAxis->setTicker(ticker);
  plot_->rescaleAxes();
  plot_->xAxis->scaleRange(1.08, plot_->xAxis->range().center());
  if (!log) plot_->yAxis->setRangeLower(0);
  plot_->yAxis->scaleRange(1.1, plot_->yAxis->range().center());
  if (!log) plot_->yAxis->setRangeLower(0);
  plot_->replot();
}

QString ComparisonChart::xText(double x) const {
  const int block = static_cast<int>(std::floor(x + 1e-9));
  if (view() == View::LinearActErr) {
    const int filter = linearBox_->currentData().toInt();
    const int kind = filter == AllLinears ? static_cast<int>(std::lround((x - block) * 7.0)) : filter;
    return tr("block %1 %2").arg(block).arg(QString::fromLatin1(apiq::linear_short_name(static_cast<apiq::LinearKind>(kind))));
  }
  return tr("block %1").arg(block);
}

QString ComparisonChart::hoverText(const QPoint& pixel) const {
  double bestDistance = kHoverPixels;
  QString text;
  for (int g = 0; g < plot_->graphCount(); ++g) {
    const auto* graph = plot_->graph(g);
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
      const QPointF p = graph->coordsToPixels(it->key, it->value);
      const double d = std::hypot(p.x() - pixel.x(), p.y() - pixel.y());
      if (d < bestDistance) {
        bestDistance = d;
        text = QStringLiteral("%1 — %2: %3").arg(graph->name(), xText(it->key), QString::number(it->value, 'g', 6));
      }
    }
  }
  return text;
}

QPoint ComparisonChart::pixelOf(const QString& name, int i) const {
  for (int g = 0; g < plot_->graphCount(); ++g) {
    const auto* graph = plot_->graph(g);
    if (graph->name() != name || i >= graph->dataCount()) continue;
    const auto it = graph->data()->at(i);
    return graph->coordsToPixels(it->key, it->value).toPoint();
  }
  return {};
}

void ComparisonChart::onMouseMove(QMouseEvent* event) {
  const QString text = hoverText(event->pos());
  if (text.isEmpty()) QToolTip::hideText();
  else QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
}

bool ComparisonChart::savePng(const QString& file, int width, int height) {
  return plot_->savePng(file, width, height);
}

bool ComparisonChart::saveSvg(const QString& file, int width, int height) {
  QSvgGenerator svg;
  svg.setFileName(file);
  svg.setSize(QSize(width, height));
  svg.setViewBox(QRect(0, 0, width, height));
  svg.setTitle(viewBox_->currentText());
  QCPPainter painter;
  if (!painter.begin(&svg)) return false;
  plot_->toPainter(&painter, width, height);
  return painter.end();
}

bool ComparisonChart::saveCsv(const QString& file) const {
  QFile f(file);
  if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) return false;
  QTextStream out(&f);
  out << "run,x,y\n";
  for (const QString& name : seriesNames())
    for (const QPointF& p : series(name))
      out << '"' << QString(name).replace(QLatin1Char('"'), QStringLiteral("\"\"")) << "\","
          << QString::number(p.x(), 'g', 17) << ',' << QString::number(p.y(), 'g', 17) << '\n';
  out.flush();
  return out.status() == QTextStream::Ok && f.error() == QFileDevice::NoError;
}

void ComparisonChart::exportAs(const QString& suffix) {
  const QString file = QFileDialog::getSaveFileName(this, tr("Export Chart"), QStringLiteral("comparison.%1").arg(suffix),
                                                    QStringLiteral("*.%1").arg(suffix));
  if (file.isEmpty()) return;
  const bool ok = suffix == QLatin1String("png")   ? savePng(file)
                  : suffix == QLatin1String("svg") ? saveSvg(file)
                                                   : saveCsv(file);
  if (!ok) QMessageBox::warning(this, tr("Export Chart"), tr("Could not write %1").arg(file));
}

}  // namespace apiq::widgets
