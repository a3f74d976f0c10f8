// SPDX-License-Identifier: GPL-3.0-or-later
// A per-linear quantity at a glance: one cell per (block, linear). The values come from a list of
// per-linear entries {"block", "linear", <numeric fields>…}, whatever made them: report.json's
// finetune.adapter.linears (rank, bits of A, B and E, trainable parameters, stored bits, …) or the
// bits and group size a checkpoint stores for each linear (linear_bits.h). The quantities offered
// are the numeric fields the entries carry (nested ones as "bits.A"), so a new source's fields
// appear without changes here. Linears without an entry stay empty. The value under the mouse
// shows as a tooltip; the map exports as PNG.
#pragma once
#include <QPoint>
#include <QStringList>
#include <QWidget>
#include <nlohmann/json.hpp>
#include <optional>

class QComboBox;
class QCustomPlot;
class QCPColorMap;
class QCPTextElement;
class QLabel;
class QMouseEvent;

namespace apiq::widgets {

class LinearHeatMap : public QWidget {
  Q_OBJECT
 public:
  explicit LinearHeatMap(QWidget* parent = nullptr);

  // report.json's finetune.adapter ({"kind", "linears": [...]}) of the run named `title`; an object
  // without linears clears the map and says so.
  void setAdapter(const nlohmann::json& adapter, const QString& title);
  // Any per-linear entries of the run named `title`; `note` is shown beside the quantity and
  // `missingText` in the tooltip of a cell without an entry. An empty list clears the map.
  void setLinears(const nlohmann::json& linears, const QString& title, const QString& note, const QString& missingText);
  QString noteText() const;
  void clear(const QString& emptyText);
  // Keys of the quantities the linears carry ("rank", "bits.A", "trainable", …), in display order.
  QStringList quantities() const { return quantities_; }
  // Shows `key` (one of quantities()); the rank, where there is one, is shown first.
  void setQuantity(const QString& key);
  QString quantity() const;
  // The shown quantity's value of a cell; none where the linear has no adapter or no such field.
  std::optional<double> value(int block, int linear) const;
  int blockCount() const { return blocks_; }

  // The tooltip at `pixel` (plot coordinates): "block 3 gate — rank: 8"; empty outside the cells.
  QString hoverText(const QPoint& pixel) const;
  // Where the centre of a cell is drawn (plot coordinates).
  QPoint pixelOf(int block, int linear) const;
  bool savePng(const QString& file, int width = 960, int height = 480);
  QCustomPlot* plot() const { return plot_; }
  // A readable name of a quantity key ("bits.A" → "Bits of A").
  static QString quantityName(const QString& key);

 Q_SIGNALS:
  void quantityChanged();

 private:
  void rebuild();
  void onMouseMove(QMouseEvent* event);
  void exportPng();
  // The cell of the linears' entry with block `block` and short name index `linear`, if any.
  const nlohmann::json* entry(int block, int linear) const;
  QCustomPlot* plot_;
  QCPColorMap* map_;
  QCPTextElement* title_;
  QComboBox* quantityBox_;
  QLabel* note_;
  nlohmann::json linears_ = nlohmann::json::array();
  QStringList quantities_;
  QString runTitle_;
  QString missingText_;
  int blocks_ = 0;
};

}  // namespace apiq::widgets
