// SPDX-License-Identifier: GPL-3.0-or-later
// The zero-point census of a quantized checkpoint as a table: per linear the groups, how many
// have zero point 0 (which a GPTQ v1 export cannot store) and the distribution of zero points.
#pragma once
#include <QAbstractTableModel>
#include <QMap>
#include <QString>
#include <QVector>

namespace apiq::widgets {

struct ZeroCensusRow {
  QString module;
  qint64 groups = 0;
  qint64 zeroGroups = 0;    // zero point 0
  qint64 v1Unstorable = 0;  // outside [1, 2^bits]: clamped by a forced GPTQ v1 export
  QMap<qint64, qint64> histogram;  // zero point -> groups
};

struct ZeroCensus {
  QString folder;
  bool quantized = false;  // false: a dense (or NormalFloat) model, nothing to count
  int bits = 0;
  QVector<ZeroCensusRow> rows;
  QString error;
  qint64 totalGroups() const;
  qint64 totalZeroGroups() const;
  qint64 totalV1Unstorable() const;
  QMap<qint64, qint64> totalHistogram() const;
};

// Reads the `.zeros` of every quantized linear (off the GUI thread); errors land in `error`.
ZeroCensus readZeroCensus(const QString& folder);

class ZeroCensusModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Linear, Groups, ZeroGroups, Share, Distribution, ColumnCount };
  explicit ZeroCensusModel(QObject* parent = nullptr);

  void setCensus(const ZeroCensus& census);
  const ZeroCensus& census() const { return census_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  ZeroCensus census_;
};

}  // namespace apiq::widgets
