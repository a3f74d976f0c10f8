// SPDX-License-Identifier: GPL-3.0-or-later
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
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
    QVERIFY(m.quantizationItem() == nullptr);  // a dense model has no quantization node
  }

  // A checkpoint's quantization_config shows up as its own node, every key listed.
  void quantizationNode() {
    const QString src = QStringLiteral(APIQ_SHARED_DIR "/models/stories260K");
    if (!QFileInfo::exists(src + QStringLiteral("/config.json"))) QSKIP("../shared/models/stories260K is not available");
    QTemporaryDir dir;
    QVERIFY(QFile::copy(src + QStringLiteral("/model.safetensors"), dir.filePath(QStringLiteral("model.safetensors"))));
    QFile in(src + QStringLiteral("/config.json"));
    QVERIFY(in.open(QIODevice::ReadOnly));
    QJsonObject cfg = QJsonDocument::fromJson(in.readAll()).object();
    cfg[QStringLiteral("quantization_config")] = QJsonObject{
        {QStringLiteral("quant_method"), QStringLiteral("apiq-studio")}, {QStringLiteral("method"), QStringLiteral("apiq-bw")},
        {QStringLiteral("bits"), 2}, {QStringLiteral("group_size"), 64}, {QStringLiteral("lora_rank"), 8},
        {QStringLiteral("target_modules"), QJsonArray{QStringLiteral("q_proj"), QStringLiteral("v_proj")}}};
    QFile out(dir.filePath(QStringLiteral("config.json")));
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QJsonDocument(cfg).toJson());
    out.close();
    ModelTreeModel m;
    m.setSummary(apiq::widgets::readModelSummary(dir.path()));
    QStandardItem* q = m.quantizationItem();
    QVERIFY(q != nullptr);
    QCOMPARE(q->text(), QStringLiteral("Quantization (apiq-bw, 2-bit, group 64, rank 8)"));
    QCOMPARE(q->rowCount(), 6);
    QStringList rows;
    for (int r = 0; r < q->rowCount(); ++r) rows << q->child(r)->text();
    QVERIFY2(rows.contains(QStringLiteral("target_modules: q_proj, v_proj")), qPrintable(rows.join(QLatin1Char('|'))));
    QVERIFY(rows.contains(QStringLiteral("bits: 2")));
    QCOMPARE(m.countLinears(m.blocksItem()), 35);  // the rest of the tree is unchanged
  }
};

QTEST_MAIN(TstModelTreeModel)
#include "tst_model_tree_model.moc"
