// SPDX-License-Identifier: GPL-3.0-or-later
// The model browser's tree: embedding → blocks → attention / MLP → linears → tensors, with
// shape, dtype, parameters and bytes; quantized checkpoints also show bits, group size and rank.
#pragma once
#include <QStandardItemModel>

#include "tensor_table_model.h"

namespace apiq::widgets {

class ModelTreeModel : public QStandardItemModel {
  Q_OBJECT
 public:
  enum Column { Name, Shape, DType, Params, Bytes, ColumnCount };
  enum Role { TensorNameRole = Qt::UserRole + 1, ParamsRole, KindRole, ModuleRole /* linears: e.g. model.layers.0.mlp.up_proj */ };
  enum class NodeKind { Group, Block, Linear, Tensor };

  explicit ModelTreeModel(QObject* parent = nullptr);
  void setSummary(const ModelSummary& summary);
  const ModelSummary& summary() const { return summary_; }
  QStandardItem* blocksItem() const { return blocks_; }
  // The quantization_config node of a quantized checkpoint (null for a dense model).
  QStandardItem* quantizationItem() const { return quant_; }
  // Number of linear modules below the given item (recursively).
  int countLinears(const QStandardItem* item) const;

 private:
  QList<QStandardItem*> makeRow(const QString& name, NodeKind kind, const TensorRow* tensor = nullptr);
  void addParams(QStandardItem* nameItem, qint64 params, qint64 bytes);
  ModelSummary summary_;
  QStandardItem* blocks_ = nullptr;
  QStandardItem* quant_ = nullptr;
};

}  // namespace apiq::widgets
