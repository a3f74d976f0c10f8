// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_tree_model.h"

#include <QLocale>
#include <QRegularExpression>

namespace apiq::widgets {

ModelTreeModel::ModelTreeModel(QObject* parent) : QStandardItemModel(parent) {
  setHorizontalHeaderLabels({tr("Module / tensor"), tr("Shape"), tr("Type"), tr("Parameters"), tr("Size")});
}

QList<QStandardItem*> ModelTreeModel::makeRow(const QString& name, NodeKind kind, const TensorRow* t) {
  QList<QStandardItem*> row;
  auto* n = new QStandardItem(name);
  n->setData(static_cast<int>(kind), KindRole);
  n->setData(qint64{0}, ParamsRole);
  row << n;
  for (int c = 1; c < ColumnCount; ++c) row << new QStandardItem();
  if (t) {
    n->setData(t->name, TensorNameRole);
    QStringList dims;
    for (auto d : t->shape) dims << QString::number(d);
    row[Shape]->setText(QStringLiteral("[%1]").arg(dims.join(QStringLiteral(", "))));
    row[DType]->setText(t->dtype);
  }
  for (auto* it : row) it->setEditable(false);
  return row;
}

void ModelTreeModel::addParams(QStandardItem* item, qint64 params, qint64 bytes) {
  // Totals roll up to every ancestor.
  for (QStandardItem* it = item; it; it = it->parent()) {
    const qint64 p = it->data(ParamsRole).toLongLong() + params;
    it->setData(p, ParamsRole);
    QStandardItem* parent = it->parent();
    const int r = it->row();
    auto* pCell = parent ? parent->child(r, Params) : this->item(r, Params);
    auto* bCell = parent ? parent->child(r, Bytes) : this->item(r, Bytes);
    const qint64 b = bCell->data(Qt::UserRole).toLongLong() + bytes;
    bCell->setData(b, Qt::UserRole);
    pCell->setText(QLocale().toString(p));
    bCell->setText(formatBytes(b));
  }
}

void ModelTreeModel::setSummary(const ModelSummary& s) {
  summary_ = s;
  removeRows(0, rowCount());
  auto group = [&](QStandardItem* parent, const QString& name, NodeKind kind) {
    auto row = makeRow(name, kind);
    if (parent) parent->appendRow(row);
    else appendRow(row);
    return row.front();
  };
  QStandardItem* embed = group(nullptr, tr("Embedding"), NodeKind::Group);
  blocks_ = group(nullptr, tr("Blocks (%1)").arg(s.layers), NodeKind::Group);
  QStandardItem* head = group(nullptr, tr("Final norm and head"), NodeKind::Group);
  if (!s.quantization.isEmpty()) {
    // Bits, group size, rank, method… as the checkpoint's config records them.
    QHash<QString, QString> q;
    for (const auto& [k, v] : s.quantization) q.insert(k, v);
    QStringList brief;
    if (q.contains(QStringLiteral("method"))) brief << q.value(QStringLiteral("method"));
    if (q.contains(QStringLiteral("bits"))) brief << tr("%1-bit").arg(q.value(QStringLiteral("bits")));
    if (q.contains(QStringLiteral("group_size"))) brief << tr("group %1").arg(q.value(QStringLiteral("group_size")));
    if (q.contains(QStringLiteral("lora_rank"))) brief << tr("rank %1").arg(q.value(QStringLiteral("lora_rank")));
    QStandardItem* quant = group(nullptr, brief.isEmpty() ? tr("Quantization") : tr("Quantization (%1)").arg(brief.join(QStringLiteral(", "))),
                                 NodeKind::Group);
    for (const auto& [k, v] : s.quantization) group(quant, k + QStringLiteral(": ") + v, NodeKind::Group);
    quant_ = quant;
  } else {
    quant_ = nullptr;
  }
  QVector<QStandardItem*> blocks;
  QHash<QString, QStandardItem*> linears;  // "block.q_proj" -> node, created in forward order
  for (qint64 b = 0; b < s.layers; ++b) {
    QStandardItem* bi = group(blocks_, tr("Block %1").arg(b), NodeKind::Block);
    QStandardItem* attn = group(bi, tr("Attention"), NodeKind::Group);
    QStandardItem* mlp = group(bi, tr("MLP"), NodeKind::Group);
    for (const char* n : {"q_proj", "k_proj", "v_proj", "o_proj"})
      linears[QString::number(b) + QLatin1Char('.') + QLatin1String(n)] = group(attn, QLatin1String(n), NodeKind::Linear);
    for (const char* n : {"gate_proj", "up_proj", "down_proj"})
      linears[QString::number(b) + QLatin1Char('.') + QLatin1String(n)] = group(mlp, QLatin1String(n), NodeKind::Linear);
    blocks << bi;
  }
  static const QRegularExpression layerRe(QStringLiteral("^model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.(\\w+_proj)\\.(.+)$"));
  static const QRegularExpression normRe(QStringLiteral("^model\\.layers\\.(\\d+)\\.([\\w.]+)$"));
  for (const auto& t : s.tensors) {
    QStandardItem* parent = nullptr;
    QString leaf = t.name;
    const auto m = layerRe.match(t.name);
    if (m.hasMatch() && linears.contains(m.captured(1) + QLatin1Char('.') + m.captured(3))) {
      parent = linears[m.captured(1) + QLatin1Char('.') + m.captured(3)];
      leaf = m.captured(4);
      parent->setData(t.name.left(t.name.size() - leaf.size() - 1), ModuleRole);
    } else if (auto n = normRe.match(t.name); n.hasMatch() && n.captured(1).toLongLong() < blocks.size()) {
      parent = blocks[n.captured(1).toInt()];
      leaf = n.captured(2);
    } else {
      parent = t.name.contains(QLatin1String("embed")) ? embed : head;
    }
    auto row = makeRow(leaf, NodeKind::Tensor, &t);
    parent->appendRow(row);
    row[Params]->setText(QLocale().toString(t.params));
    row[Bytes]->setText(formatBytes(t.bytes));
    row.front()->setData(t.params, ParamsRole);
    row[Bytes]->setData(t.bytes, Qt::UserRole);
    addParams(parent, t.params, t.bytes);
  }
}

int ModelTreeModel::countLinears(const QStandardItem* item) const {
  if (!item) return 0;
  int n = item->data(KindRole).toInt() == static_cast<int>(NodeKind::Linear) ? 1 : 0;
  for (int r = 0; r < item->rowCount(); ++r) n += countLinears(item->child(r));
  return n;
}

}  // namespace apiq::widgets
