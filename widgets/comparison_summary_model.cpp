// SPDX-License-Identifier: GPL-3.0-or-later
#include "comparison_summary_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "calibration/comparison_table.h"

namespace apiq::widgets {

namespace {
const auto& columns() { return apiq::comparison_columns(); }
}  // namespace

ComparisonSummaryModel::ComparisonSummaryModel(QObject* parent) : QAbstractTableModel(parent) {}

void ComparisonSummaryModel::setRows(std::vector<apiq::RunSummary> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  best_.clear();
  for (const auto& c : columns()) best_.push_back(apiq::best_rows(rows_, c));
  endResetModel();
}

int ComparisonSummaryModel::rowOf(const QString& dir) const {
  for (size_t i = 0; i < rows_.size(); ++i)
    if (QString::fromStdString(rows_[i].dir.string()) == dir) return static_cast<int>(i);
  return -1;
}

void ComparisonSummaryModel::setPerplexity(int row, double ppl) {
  if (row < 0 || row >= static_cast<int>(rows_.size())) return;
  rows_[static_cast<size_t>(row)].perplexity = ppl;
  for (size_t c = 0; c < columns().size(); ++c) best_[c] = apiq::best_rows(rows_, columns()[c]);
  Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

int ComparisonSummaryModel::columnOf(const char* key) {
  for (size_t c = 0; c < columns().size(); ++c)
    if (std::strcmp(columns()[c].key, key) == 0) return static_cast<int>(c);
  return -1;
}

int ComparisonSummaryModel::bestRow(int column) const {
  if (column < 0 || column >= static_cast<int>(best_.size()) || best_[static_cast<size_t>(column)].empty()) return -1;
  return best_[static_cast<size_t>(column)].front();
}

bool ComparisonSummaryModel::isBest(int row, int column) const {
  if (column < 0 || column >= static_cast<int>(best_.size())) return false;
  const auto& b = best_[static_cast<size_t>(column)];
  return std::find(b.begin(), b.end(), row) != b.end();
}

QString ComparisonSummaryModel::toCsv() const { return QString::fromStdString(apiq::comparison_csv(rows_)); }

int ComparisonSummaryModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int ComparisonSummaryModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(columns().size());
}

QVariant ComparisonSummaryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid()) return {};
  const auto& r = rows_[static_cast<size_t>(index.row())];
  const auto& c = columns()[static_cast<size_t>(index.column())];
  const bool best = isBest(index.row(), index.column());
  switch (role) {
    case Qt::DisplayRole: {
      if (r.reference && index.column() == 0) return tr("full precision");
      if (r.reference && c.text && std::strcmp(c.key, "method") == 0) return tr("reference");
      const QString s = QString::fromStdString(apiq::comparison_cell(r, c));
      return s.isEmpty() ? QStringLiteral("–") : s;
    }
    case ValueRole: {
      if (!c.number) return QString::fromStdString(c.text(r));
      const auto v = c.number(r);
      return v ? QVariant(*v) : QVariant();
    }
    case BestRole: return best;
    case Qt::TextAlignmentRole:
      return static_cast<int>(c.number ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::FontRole: {
      if (!best && !r.reference) return {};
      QFont f;
      f.setBold(best);
      f.setItalic(r.reference);
      return f;
    }
    case Qt::BackgroundRole:
      if (best) return QBrush(QColor(0xc8, 0xf0, 0xc8));
      if (r.reference) return QBrush(QColor(0xee, 0xee, 0xee));
      return {};
    case Qt::ToolTipRole: return toolTip(r, index.column());
    default: return {};
  }
}

QString ComparisonSummaryModel::toolTip(const apiq::RunSummary& r, int column) const {
  const char* key = columns()[static_cast<size_t>(column)].key;
  if (std::strcmp(key, "size_mb") == 0)
    return tr("%1 MB of tensors needed to run the model; %2 MB more of learned clipping kept only to resume a "
              "calibration")
        .arg(r.model_bytes / 1e6, 0, 'f', 3)
        .arg(r.resume_state_bytes / 1e6, 0, 'f', 3);
  if (std::strcmp(key, "bits_per_param") == 0)
    return tr("Stored bits per weight of the quantized linears: codes, scales, zero points and LoRA factors");
  if (std::strcmp(key, "perplexity") == 0 && !r.perplexity)
    return tr("Not computed yet: choose a text and press Compute perplexity");
  if (std::strcmp(key, "adapter") == 0 && r.finetune && r.finetune->merged)
    return tr("Merged: the adapter was folded into the group zero points, so nothing is stored beside the model");
  if (std::strcmp(key, "adapter_kib") == 0 && r.finetune)
    return tr("Bytes of the stored adapter tensors (0 once merged)");
  if (std::strcmp(key, "finetuned_ppl") == 0 && r.finetune && r.finetune->perplexity)
    return tr("Held-out perplexity the finetune measured on its own held-out data: %1 before training, %2 after")
        .arg(r.finetune->perplexity_before.value_or(std::nan("")), 0, 'g', 5)
        .arg(*r.finetune->perplexity, 0, 'g', 5);
  return QString::fromStdString(r.dir.string());
}

QString ComparisonSummaryModel::header(int column) const {
  static const char* const keys[] = {"run",        "method",       "bits",           "group_size",  "rank",
                                     "format",     "size_mb",      "bits_per_param", "perplexity",  "act_err",
                                     "block_mse",  "seconds",      "peak_mib",       "device",      "adapter",
                                     "adapter_params", "adapter_kib", "adapter_rank", "finetuned_ppl"};
  const QString titles[] = {tr("Run"),        tr("Method"),          tr("Bits"),       tr("Group"),
                            tr("Rank"),       tr("Format"),          tr("Size (MB)"),  tr("Bits/param"),
                            tr("Perplexity"), tr("Act. error"),      tr("Block MSE"),  tr("Time (s)"),
                            tr("Peak memory (MiB)"), tr("Device"),   tr("Adapter"),    tr("Adapter parameters"),
                            tr("Adapter (KiB)"), tr("Adapter rank"), tr("Finetuned perplexity")};
  static_assert(std::size(keys) == std::size(titles));
  const char* key = columns()[static_cast<size_t>(column)].key;
  for (size_t i = 0; i < std::size(keys); ++i)
    if (std::strcmp(keys[i], key) == 0) return titles[i];
  return QString::fromLatin1(columns()[static_cast<size_t>(column)].header);
}

QVariant ComparisonSummaryModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= columnCount()) return {};
  if (role == Qt::DisplayRole) return header(section);
  if (role == Qt::ToolTipRole && columns()[static_cast<size_t>(section)].ranked)
    return tr("Lower is better; the best run is highlighted (the full-precision row is not ranked)");
  return {};
}

}  // namespace apiq::widgets
