// SPDX-License-Identifier: GPL-3.0-or-later
// qcustomplot.h uses Qt's `signals`/`foreach` keywords; LibTorch's identifiers clash with them.
// This file reaches core only through io/tensor_names.h, which includes no LibTorch header, so it
// may turn them back on.
#undef QT_NO_KEYWORDS
#include "linear_heat_map.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>
#include <limits>

#include "io/tensor_names.h"

namespace apiq::widgets {

namespace {

// "gate" for gate_proj: the axis has room for seven short names.
QString axisName(apiq::LinearKind k) { return QString::fromLatin1(apiq::linear_short_name(k)).remove(QStringLiteral("_proj")); }

// The report names linears as linear_short_name does ("gate_proj"); "gate" is accepted too.
int linearIndex(const std::string& name) {
  for (apiq::LinearKind k : apiq::kAllLinears)
    if (name == apiq::linear_short_name(k) || QString::fromStdString(name) == axisName(k)) return static_cast<int>(k);
  return -1;
}

// The numeric fields of the linears' entries ("rank", "bits.A", …) in the order they first appear,
// with the usual ones first.
QStringList quantitiesOf(const nlohmann::json& linears) {
  QStringList seen;
  for (const auto& l : linears) {
    if (!l.is_object()) continue;
    for (const auto& [key, v] : l.items()) {
      if (key == "block") continue;
      if (v.is_number() && !seen.contains(QString::fromStdString(key))) seen << QString::fromStdString(key);
      if (!v.is_object()) continue;
      for (const auto& [inner, w] : v.items())
        if (const QString k = QString::fromStdString(key + "." + inner); w.is_number() && !seen.contains(k)) seen << k;
    }
  }
  QStringList ordered;
  for (const char* first : {"rank", "bits", "bits.A", "bits.B", "bits.E", "group_size", "trainable", "stored_bits"})
    if (seen.contains(QLatin1String(first))) ordered << QLatin1String(first);
  for (const QString& k : seen)
    if (!ordered.contains(k)) ordered << k;
  return ordered;
}

std::optional<double> field(const nlohmann::json& entry, const QString& key) {
  const nlohmann::json* v = &entry;
  for (const QString& part : key.split(QLatin1Char('.'))) {
    if (!v->is_object()) return std::nullopt;
    const auto it = v->find(part.toStdString());
    if (it == v->end()) return std::nullopt;
    v = &*it;
  }
  return v->is_number() ? std::optional<double>(v->get<double>()) : std::nullopt;
}

QString valueText(double v) {
  return v == std::floor(v) && std::fabs(v) < 1e15 ? QLocale().toString(static_cast<qint64>(v)) : QString::number(v, 'g', 6);
}

}  // namespace

LinearHeatMap::LinearHeatMap(QWidget* parent)
    : QWidget(parent), plot_(new QCustomPlot(this)), map_(new QCPColorMap(plot_->xAxis, plot_->yAxis)),
      title_(new QCPTextElement(plot_, QString(), QFont(font().family(), font().pointSize() + 1, QFont::Bold))),
      quantityBox_(new QComboBox(this)), note_(new QLabel(this)) {
  auto* exportButton = new QToolButton(this);
  exportButton->setText(tr("Export PNG…"));
  auto* bar = new QHBoxLayout;
  bar->addWidget(new QLabel(tr("Per linear:"), this));
  bar->addWidget(quantityBox_);
  bar->addWidget(note_, 1);
  bar->addWidget(exportButton);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(plot_, 1);

  auto ticks = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
  for (apiq::LinearKind k : apiq::kAllLinears) ticks->addTick(static_cast<int>(k), axisName(k));
  plot_->xAxis->setTicker(ticks);
  plot_->xAxis->setLabel(tr("Linear"));
  plot_->yAxis->setLabel(tr("Block"));
  auto blockTicks = QSharedPointer<QCPAxisTickerFixed>(new QCPAxisTickerFixed);
  blockTicks->setTickStep(1.0);
  blockTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
  plot_->yAxis->setTicker(blockTicks);
  QCPColorGradient gradient(QCPColorGradient::gpThermal);
  gradient.setNanHandling(QCPColorGradient::nhTransparent);  // linears without an adapter stay empty
  map_->setGradient(gradient);
  map_->setInterpolate(false);
  auto* scale = new QCPColorScale(plot_);
  plot_->plotLayout()->addElement(0, 1, scale);
  map_->setColorScale(scale);
  plot_->plotLayout()->insertRow(0);
  plot_->plotLayout()->addElement(0, 0, title_);
  plot_->setMouseTracking(true);
  connect(plot_, &QCustomPlot::mouseMove, this, &LinearHeatMap::onMouseMove);
  connect(quantityBox_, &QComboBox::currentIndexChanged, this, [this] {
    rebuild();
    Q_EMIT quantityChanged();
  });
  connect(exportButton, &QToolButton::clicked, this, &LinearHeatMap::exportPng);
  clear(tr("No finetuned adapter"));
}

QString LinearHeatMap::quantityName(const QString& key) {
  static const std::pair<const char*, const char*> names[] = {
      {"rank", QT_TR_NOOP("Rank")},
      {"bits", QT_TR_NOOP("Bits")},
      {"group_size", QT_TR_NOOP("Group size")},
      {"bits.A", QT_TR_NOOP("Bits of A")},
      {"bits.B", QT_TR_NOOP("Bits of B")},
      {"bits.E", QT_TR_NOOP("Bits of E")},
      {"trainable", QT_TR_NOOP("Trainable parameters")},
      {"stored_bits", QT_TR_NOOP("Stored bits")},
      {"memory_bits", QT_TR_NOOP("Memory (bits)")},
      {"bit_ops", QT_TR_NOOP("Bit operations")},
      {"in_pool", QT_TR_NOOP("Input pool")},
      {"out_pool", QT_TR_NOOP("Output pool")},
  };
  for (const auto& [k, name] : names)
    if (key == QLatin1String(k)) return tr(name);
  return key;  // a field of a kind this view does not know yet: its report name
}

void LinearHeatMap::clear(const QString& emptyText) {
  linears_ = nlohmann::json::array();
  runTitle_.clear();
  missingText_.clear();
  note_->setText(emptyText);
  const QSignalBlocker block(quantityBox_);
  quantityBox_->clear();
  quantities_.clear();
  blocks_ = 0;
  rebuild();
}

void LinearHeatMap::setAdapter(const nlohmann::json& adapter, const QString& title) {
  const auto it = adapter.is_object() ? adapter.find("linears") : adapter.end();
  if (it == adapter.end() || !it->is_array() || it->empty()) {
    clear(tr("%1: no adapter linears in the report").arg(title));
    return;
  }
  const auto kind = adapter.find("kind");
  setLinears(*it, title, kind != adapter.end() && kind->is_string() ? QString::fromStdString(kind->get<std::string>()) : QString(),
             tr("no adapter (not quantized)"));
}

void LinearHeatMap::setLinears(const nlohmann::json& linears, const QString& title, const QString& note,
                               const QString& missingText) {
  if (!linears.is_array() || linears.empty()) {
    clear(note);
    return;
  }
  linears_ = linears;
  runTitle_ = title;
  missingText_ = missingText;
  note_->setText(note);
  blocks_ = 0;
  for (const auto& l : linears_)
    if (l.is_object() && l.contains("block") && l["block"].is_number_integer())
      blocks_ = std::max(blocks_, l["block"].get<int>() + 1);
  const QString before = quantity();
  quantities_ = quantitiesOf(linears_);
  const QSignalBlocker block(quantityBox_);
  quantityBox_->clear();
  for (const QString& k : quantities_) quantityBox_->addItem(quantityName(k), k);
  quantityBox_->setCurrentIndex(std::max(0, quantityBox_->findData(before)));  // keep the quantity across runs
  rebuild();
}

QString LinearHeatMap::noteText() const { return note_->text(); }

void LinearHeatMap::setQuantity(const QString& key) {
  const int i = quantityBox_->findData(key);
  if (i >= 0) quantityBox_->setCurrentIndex(i);
}

QString LinearHeatMap::quantity() const { return quantityBox_->currentData().toString(); }

const nlohmann::json* LinearHeatMap::entry(int block, int linear) const {
  for (const auto& l : linears_) {
    if (!l.is_object()) continue;
    const auto b = l.find("block"), n = l.find("linear");
    if (b == l.end() || n == l.end() || !b->is_number_integer() || !n->is_string()) continue;
    if (b->get<int>() == block && linearIndex(n->get<std::string>()) == linear) return &l;
  }
  return nullptr;
}

std::optional<double> LinearHeatMap::value(int block, int linear) const {
  const nlohmann::json* e = entry(block, linear);
  return e ? field(*e, quantity()) : std::nullopt;
}

void LinearHeatMap::rebuild() {
  const int rows = std::max(1, blocks_);
  map_->data()->setSize(apiq::kNumLinears, rows);
  map_->data()->setRange(QCPRange(0, apiq::kNumLinears - 1), QCPRange(0, rows - 1));
  double lowest = std::numeric_limits<double>::infinity(), highest = -lowest;
  for (int b = 0; b < rows; ++b)
    for (int k = 0; k < apiq::kNumLinears; ++k) {
      const auto v = value(b, k);
      map_->data()->setCell(k, b, v ? *v : std::nan(""));
      if (v) lowest = std::min(lowest, *v), highest = std::max(highest, *v);
    }
  // One colour when every cell holds the same value (or none): a range around it.
  if (!(lowest <= highest)) lowest = 0, highest = 1;
  if (lowest == highest) lowest -= 0.5, highest += 0.5;
  map_->setDataRange(QCPRange(lowest, highest));
  map_->colorScale()->axis()->setLabel(quantityName(quantity()));
  title_->setText(runTitle_.isEmpty() ? QString() : tr("%1 — %2").arg(runTitle_, quantityName(quantity())));
  plot_->xAxis->setRange(-0.5, apiq::kNumLinears - 0.5);
  plot_->yAxis->setRange(-0.5, rows - 0.5);
  plot_->replot();
}

QString LinearHeatMap::hoverText(const QPoint& pixel) const {
  if (linears_.empty()) return {};
  double x = 0, y = 0;
  map_->pixelsToCoords(pixel, x, y);
  const int linear = static_cast<int>(std::lround(x)), block = static_cast<int>(std::lround(y));
  if (linear < 0 || linear >= apiq::kNumLinears || block < 0 || block >= blocks_ || std::fabs(x - linear) > 0.5 ||
      std::fabs(y - block) > 0.5)
    return {};
  const QString where = tr("block %1 %2").arg(block).arg(axisName(static_cast<apiq::LinearKind>(linear)));
  if (!entry(block, linear)) return tr("%1 — %2").arg(where, missingText_);
  const auto v = value(block, linear);
  return tr("%1 — %2: %3").arg(where, quantityName(quantity()), v ? valueText(*v) : tr("none"));
}

QPoint LinearHeatMap::pixelOf(int block, int linear) const { return map_->coordsToPixels(linear, block).toPoint(); }

void LinearHeatMap::onMouseMove(QMouseEvent* event) {
  const QString text = hoverText(event->pos());
  if (text.isEmpty()) QToolTip::hideText();
  else QToolTip::showText(event->globalPosition().toPoint(), text, plot_);
}

bool LinearHeatMap::savePng(const QString& file, int width, int height) { return plot_->savePng(file, width, height); }

void LinearHeatMap::exportPng() {
  const QString file = QFileDialog::getSaveFileName(this, tr("Export Map"), QStringLiteral("linears.png"),
                                                    QStringLiteral("*.png"));
  if (file.isEmpty()) return;
  if (!savePng(file)) QMessageBox::warning(this, tr("Export Map"), tr("Could not write %1").arg(file));
}

}  // namespace apiq::widgets
