// SPDX-License-Identifier: GPL-3.0-or-later
#include "run_comparison.h"

#include <QFileInfo>
#include <QHeaderView>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "activation_error_chart.h"
#include "calibration/calibration_report.h"
#include "base/errors.h"

namespace apiq::widgets {

RunReport loadRunReport(const QString& dir) {
  auto stored = apiq::read_report(dir.toStdString());
  RunReport r;
  r.dir = dir;
  r.result = std::move(stored.result);
  r.label = QString::fromStdString(stored.method);
  return r;
}

RunComparisonWidget::RunComparisonWidget(QWidget* parent)
    : QWidget(parent), table_(new QTableWidget(this)), chart_(new ActivationErrorChart(this)) {
  auto* split = new QSplitter(Qt::Vertical, this);
  split->addWidget(chart_);
  split->addWidget(table_);
  chart_->setMinimumHeight(220);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(split);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
}

void RunComparisonWidget::setRuns(const QVector<RunReport>& runs) {
  chart_->clear();
  table_->clear();
  int layers = 0;
  for (const auto& r : runs) layers = std::max(layers, static_cast<int>(r.result.layers.size()));
  QStringList labels;
  for (const auto& r : runs) {
    const bool repeated = std::count_if(runs.begin(), runs.end(), [&](const RunReport& o) { return o.label == r.label; }) > 1;
    labels << (repeated ? QStringLiteral("%1 (%2)").arg(r.label, QFileInfo(r.dir).fileName()) : r.label);
  }
  table_->setColumnCount(firstRunColumn_ + runs.size());
  table_->setRowCount(layers + 2);
  table_->setHorizontalHeaderLabels(QStringList{tr("Block"), tr("Linear")} + labels);
  for (int c = 0; c < runs.size(); ++c) {
    const auto& res = runs[c].result;
    for (int row = 0; row < static_cast<int>(res.layers.size()); ++row) {
      const auto& l = res.layers[row];
      if (c == 0) {
        table_->setItem(row, 0, new QTableWidgetItem(QString::number(l.block)));
        table_->setItem(row, 1, new QTableWidgetItem(QString::fromLatin1(apiq::linear_short_name(l.kind))));
      }
      auto* item = new QTableWidgetItem(QString::number(l.act_err, 'g', 5));
      item->setData(Qt::UserRole, l.act_err);
      table_->setItem(row, firstRunColumn_ + c, item);
      chart_->addPoint(labels[c], l.block, static_cast<int>(l.kind), l.act_err);
    }
    double mse = 0;
    for (const auto& b : res.blocks) mse += b.out_mse;
    if (!res.blocks.empty()) mse /= static_cast<double>(res.blocks.size());
    auto* mean = new QTableWidgetItem(QString::number(res.mean_act_err(), 'g', 5));
    mean->setData(Qt::UserRole, res.mean_act_err());
    table_->setItem(layers, firstRunColumn_ + c, mean);
    auto* mseItem = new QTableWidgetItem(QString::number(mse, 'g', 5));
    mseItem->setData(Qt::UserRole, mse);
    table_->setItem(layers + 1, firstRunColumn_ + c, mseItem);
  }
  table_->setItem(layers, 0, new QTableWidgetItem(tr("mean activation error")));
  table_->setItem(layers + 1, 0, new QTableWidgetItem(tr("mean block output MSE")));
  // Highlight the lowest value of every row.
  for (int row = 0; row < table_->rowCount(); ++row) {
    const int best = bestColumn(row);
    if (best < 0) continue;
    auto* it = table_->item(row, best);
    QFont f = it->font();
    f.setBold(true);
    it->setFont(f);
    it->setBackground(QColor(0xc8, 0xf0, 0xc8));
  }
  table_->resizeColumnsToContents();
}

int RunComparisonWidget::bestColumn(int row) const {
  int best = -1;
  double value = 0;
  for (int c = firstRunColumn_; c < table_->columnCount(); ++c) {
    const auto* it = table_->item(row, c);
    if (!it) continue;
    const double v = it->data(Qt::UserRole).toDouble();
    if (best < 0 || v < value) {
      best = c;
      value = v;
    }
  }
  return table_->columnCount() - firstRunColumn_ >= 2 ? best : -1;
}

}  // namespace apiq::widgets
