// SPDX-License-Identifier: GPL-3.0-or-later
#include "tensor_table_model.h"

#include <QLocale>
#include <algorithm>
#include <QStringList>

#include "io/config.h"
#include "io/safetensors.h"

namespace apiq::widgets {

qint64 ModelSummary::totalParams() const {
  qint64 n = 0;
  for (const auto& t : tensors) n += t.params;
  return n;
}

qint64 ModelSummary::totalBytes() const {
  qint64 n = 0;
  for (const auto& t : tensors) n += t.bytes;
  return n;
}

ModelSummary readModelSummary(const QString& folder) {
  const std::filesystem::path dir = folder.toStdString();
  const auto cfg = apiq::LlamaConfig::from_file(dir / "config.json");
  const auto store = apiq::TensorStore::open_dir(dir);
  ModelSummary s;
  s.folder = folder;
  s.modelType = QString::fromStdString(cfg.model_type);
  s.hiddenSize = cfg.hidden_size;
  s.layers = cfg.num_hidden_layers;
  s.heads = cfg.num_attention_heads;
  s.kvHeads = cfg.num_key_value_heads;
  s.vocab = cfg.vocab_size;
  if (cfg.raw.contains("quantization_config") && cfg.raw["quantization_config"].is_object()) {
    for (const auto& [key, value] : cfg.raw["quantization_config"].items()) {
      QString text;
      if (value.is_string()) {
        text = QString::fromStdString(value.get<std::string>());
      } else if (value.is_array() && std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); })) {
        QStringList parts;
        for (const auto& v : value) parts << QString::fromStdString(v.get<std::string>());
        text = parts.join(QStringLiteral(", "));
      } else {
        text = QString::fromStdString(value.dump());
      }
      s.quantization.append({QString::fromStdString(key), text});
    }
  }
  for (const auto& name : store.names()) {
    const auto& info = store.info(name);
    TensorRow r;
    r.name = QString::fromStdString(name);
    for (auto d : info.shape) r.shape.push_back(d);
    r.dtype = QString::fromLatin1(apiq::dtype_name(info.dtype));
    r.params = info.numel();
    r.bytes = static_cast<qint64>(info.nbytes());
    s.tensors.push_back(r);
  }
  return s;
}

QString formatBytes(qint64 bytes) { return QLocale().formattedDataSize(bytes); }

TensorTableModel::TensorTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void TensorTableModel::setSummary(const ModelSummary& summary) {
  beginResetModel();
  summary_ = summary;
  endResetModel();
}

int TensorTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(summary_.tensors.size());
}

int TensorTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant TensorTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= summary_.tensors.size()) return {};
  const auto& t = summary_.tensors[index.row()];
  if (role == Qt::TextAlignmentRole && (index.column() == Params || index.column() == Bytes))
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::UserRole) {  // raw values for sorting and tests
    switch (index.column()) {
      case Params: return t.params;
      case Bytes: return t.bytes;
      default: break;
    }
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case Name: return t.name;
    case Shape: {
      QStringList dims;
      for (auto d : t.shape) dims << QString::number(d);
      return QStringLiteral("[%1]").arg(dims.join(QStringLiteral(", ")));
    }
    case DType: return t.dtype;
    case Params: return QLocale().toString(t.params);
    case Bytes: return formatBytes(t.bytes);
    default: return {};
  }
}

QVariant TensorTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case Name: return tr("Tensor");
    case Shape: return tr("Shape");
    case DType: return tr("Type");
    case Params: return tr("Parameters");
    case Bytes: return tr("Size");
    default: return {};
  }
}

}  // namespace apiq::widgets
