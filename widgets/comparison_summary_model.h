// SPDX-License-Identifier: GPL-3.0-or-later
// The comparison's summary table: one row per run (the full-precision reference first, in
// italics), the columns of core's comparison table (calibration/comparison_table.h) with
// translated headers, the best value of every ranked column bold on green.
#pragma once
#include <QAbstractTableModel>
#include <vector>

#include "calibration/run_summary.h"

namespace apiq::widgets {

class ComparisonSummaryModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  static constexpr int ValueRole = Qt::UserRole;  // the raw number (QVariant() when missing)
  static constexpr int BestRole = Qt::UserRole + 1;  // true on the best cell of its column

  explicit ComparisonSummaryModel(QObject* parent = nullptr);

  void setRows(std::vector<apiq::RunSummary> rows);
  const std::vector<apiq::RunSummary>& rows() const { return rows_; }
  // The row of the run (or reference) in `dir`, or -1.
  int rowOf(const QString& dir) const;
  void setPerplexity(int row, double ppl);
  // Column index of a core column key ("perplexity"), or -1.
  static int columnOf(const char* key);
  // First row of the best value in `column`, or -1; isBest: every best row (core's best_rows).
  int bestRow(int column) const;
  bool isBest(int row, int column) const;
  // The table as CSV, cell for cell as core's comparison_csv.
  QString toCsv() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  QString header(int column) const;
  QString toolTip(const apiq::RunSummary& r, int column) const;
  std::vector<apiq::RunSummary> rows_;
  std::vector<std::vector<int>> best_;  // per column
};

}  // namespace apiq::widgets
