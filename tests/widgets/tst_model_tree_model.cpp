// SPDX-License-Identifier: GPL-3.0-or-later
#include <QtTest>

#include "model_tree_model.h"

using apiq::widgets::ModelTreeModel;

class TstModelTreeModel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void stories260KTree() {
    const QString dir = QStringLiteral(APIQ_SHARED_DIR "/models/stories260K");
    if (!QFileInfo::exists(dir + QStringLiteral("/config.json"))) QSKIP("../shared/models/stories260K is not available");
    ModelTreeModel m;
    m.setSummary(apiq::widgets::readModelSummary(dir));
    QStandardItem* blocks = m.blocksItem();
    QCOMPARE(blocks->rowCount(), 5);
    for (int b = 0; b < 5; ++b) {
      QStandardItem* block = blocks->child(b);
      QCOMPARE(m.countLinears(block), 7);
      QCOMPARE(block->child(0)->rowCount(), 4);  // attention: q, k, v, o
      QCOMPARE(block->child(1)->rowCount(), 3);  // MLP: gate, up, down
    }
    // Hand count (see tst_tensor_table_model): the three top-level groups add up to it.
    const qint64 perBlock = 2 * 64 + 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 172 * 64;
    qint64 total = 0;
    for (int r = 0; r < m.rowCount(); ++r) total += m.item(r)->data(ModelTreeModel::ParamsRole).toLongLong();
    QCOMPARE(total, 512 * 64 + 5 * perBlock + 64);
    QCOMPARE(blocks->data(ModelTreeModel::ParamsRole).toLongLong(), 5 * perBlock);
    // A leaf knows its tensor.
    QStandardItem* q = blocks->child(0)->child(0)->child(0);
    QCOMPARE(q->text(), QStringLiteral("q_proj"));
    QCOMPARE(q->child(0)->data(ModelTreeModel::TensorNameRole).toString(),
             QStringLiteral("model.layers.0.self_attn.q_proj.weight"));
  }
};

QTEST_MAIN(TstModelTreeModel)
#include "tst_model_tree_model.moc"
