// SPDX-License-Identifier: GPL-3.0-or-later
#include "zero_census_model.h"

#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QStringList>

#include "io/config.h"
#include "quant/quantized_checkpoint.h"
#include "io/safetensors.h"
#include "quant/zero_census.h"

namespace apiq::widgets {

namespace {
qint64 sum(const QVector<ZeroCensusRow>& rows, qint64 ZeroCensusRow::*field) {
  qint64 n = 0;
  for (const auto& r : rows) n += r.*field;
  return n;
}
}  // namespace

qint64 ZeroCensus::totalGroups() const { return sum(rows, &ZeroCensusRow::groups); }
qint64 ZeroCensus::totalZeroGroups() const { return sum(rows, &ZeroCensusRow::zeroGroups); }
qint64 ZeroCensus::totalV1Unstorable() const { return sum(rows, &ZeroCensusRow::v1Unstorable); }

QMap<qint64, qint64> ZeroCensus::totalHistogram() const {
  QMap<qint64, qint64> h;
  for (const auto& r : rows)
    for (auto it = r.histogram.begin(); it != r.histogram.end(); ++it) h[it.key()] += it.value();
  return h;
}

ZeroCensus readZeroCensus(const QString& folder) {
  ZeroCensus c;
  c.folder = folder;
  try {
    const std::filesystem::path dir = folder.toStdString();
    const auto cfg = apiq::LlamaConfig::from_file(dir / "config.json");
    if (!apiq::is_quantized_config(cfg)) return c;
    const auto spec = apiq::quant_spec_of(cfg, dir / "config.json");
    c.quantized = true;
    c.bits = spec.quant.bits;
    for (const auto& l : apiq::zero_point_census(apiq::TensorStore::open_dir(dir), cfg, spec.quant.bits)) {
      ZeroCensusRow r;
      r.module = QString::fromStdString(l.module);
      r.groups = l.groups;
      r.zeroGroups = l.zero_groups;
      r.v1Unstorable = l.v1_unstorable;
      for (const auto& [z, n] : l.histogram) r.histogram.insert(z, n);
      c.rows << r;
    }
  } catch (const std::exception& e) {
    c.rows.clear();
    c.error = QString::fromStdString(e.what());
  }
  return c;
}

ZeroCensusModel::ZeroCensusModel(QObject* parent) : QAbstractTableModel(parent) {}

void ZeroCensusModel::setCensus(const ZeroCensus& census) {
  beginResetModel();
  census_ = census;
  endResetModel();
}

int ZeroCensusModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(census_.rows.size());
}

int ZeroCensusModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ZeroCensusModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= census_.rows.size()) return {};
  const auto& r = census_.rows[index.row()];
  const double share = r.groups > 0 ? 100.0 * r.zeroGroups / r.groups : 0.0;
  if (role == Qt::UserRole) {  // raw values for sorting and tests
    switch (index.column()) {
      case Groups: return r.groups;
      case ZeroGroups: return r.zeroGroups;
      case Share: return share;
      default: return {};
    }
  }
  if (role == Qt::TextAlignmentRole && index.column() != Linear && index.column() != Distribution)
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ForegroundRole && index.column() == ZeroGroups && r.zeroGroups > 0) return QBrush(QColor(0xd6, 0x27, 0x28));
  if (role == Qt::ToolTipRole && index.column() == ZeroGroups)
    return tr("%n group(s) with zero point 0: a GPTQ v1 export cannot store them", nullptr, static_cast<int>(r.zeroGroups));
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case Linear: return r.module;
    case Groups: return QLocale().toString(r.groups);
    case ZeroGroups: return QLocale().toString(r.zeroGroups);
    case Share: return QStringLiteral("%1 %").arg(QLocale().toString(share, 'f', 2));
    case Distribution: {
      QStringList parts;
      for (auto it = r.histogram.begin(); it != r.histogram.end(); ++it)
        parts << tr("%1: %2").arg(it.key()).arg(QLocale().toString(it.value()));
      return parts.join(QStringLiteral(" · "));
    }
    default: return {};
  }
}

QVariant ZeroCensusModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case Linear: return tr("Linear");
    case Groups: return tr("Groups");
    case ZeroGroups: return tr("Zero point 0");
    case Share: return tr("Share");
    case Distribution: return tr("Zero points (value: groups)");
    default: return {};
  }
}

}  // namespace apiq::widgets
