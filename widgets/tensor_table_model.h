// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <QAbstractTableModel>
#include <QString>
#include <QVector>

namespace apiq::widgets {

// One row per tensor of a model folder: name, shape, dtype, parameters, bytes.
struct TensorRow {
  QString name;
  QVector<qint64> shape;
  QString dtype;
  qint64 params = 0;
  qint64 bytes = 0;
};

struct ModelSummary {
  QString folder;
  QString modelType;
  qint64 hiddenSize = 0;
  qint64 layers = 0;
  qint64 heads = 0;
  qint64 kvHeads = 0;
  qint64 vocab = 0;
  QVector<TensorRow> tensors;
  // config.json's quantization_config (ours, or a GPTQ/compressed-tensors export's), key → value
  // as text, sorted by key; empty for a dense model.
  QList<QPair<QString, QString>> quantization;
  qint64 totalParams() const;
  qint64 totalBytes() const;
};

// Reads config.json and the safetensors headers (no tensor data). Safe to call off the GUI
// thread; throws apiq::InputError with the file and the problem.
ModelSummary readModelSummary(const QString& folder);

class TensorTableModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { Name, Shape, DType, Params, Bytes, ColumnCount };
  explicit TensorTableModel(QObject* parent = nullptr);

  void setSummary(const ModelSummary& summary);
  const ModelSummary& summary() const { return summary_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 private:
  ModelSummary summary_;
};

QString formatBytes(qint64 bytes);

}  // namespace apiq::widgets
