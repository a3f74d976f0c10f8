// SPDX-License-Identifier: GPL-3.0-or-later
// The adapter map against report.json read with Qt's own JSON parser: every cell of every quantity
// of a real finetune's report, a Bayesian-LoRA-shaped report (ranks and bits of A, B and E per
// linear, a linear without an adapter), the tooltip, the PNG export, and the Comparison tab's map
// following the selected run.
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "linear_heat_map.h"
#include "comparison_summary_model.h"
#include "finetune/finetune.h"
#include "quantized_fixture.h"
#include "run_comparison.h"

using apiq::widgets::LinearHeatMap;

namespace {

using fixture::kLinears;
using fixture::readJson;

// A quantity key of the map ("bits.A") read from one linear's entry of the report.
QJsonValue reportValue(const QJsonObject& linear, const QString& key) {
  const QStringList parts = key.split(QLatin1Char('.'));
  QJsonValue v = linear.value(parts.first());
  for (int i = 1; i < parts.size(); ++i) v = v.toObject().value(parts[i]);
  return v;
}

// Every quantity, every cell: the report's number where the linear has one, nothing elsewhere.
void compareWithReport(LinearHeatMap& map, const QJsonObject& adapter, int blocks) {
  const QJsonArray linears = adapter[QStringLiteral("linears")].toArray();
  QCOMPARE(map.blockCount(), blocks);
  QVERIFY(!map.quantities().isEmpty());
  for (const QString& q : map.quantities()) {
    map.setQuantity(q);
    QCOMPARE(map.quantity(), q);
    int compared = 0;
    for (int b = 0; b < blocks; ++b)
      for (int k = 0; k < 7; ++k) {
        QJsonObject entry;
        for (const auto& l : linears)
          if (l.toObject()[QStringLiteral("block")].toInt() == b && l.toObject()[QStringLiteral("linear")].toString() == kLinears[k])
            entry = l.toObject();
        const QJsonValue want = entry.isEmpty() ? QJsonValue() : reportValue(entry, q);
        const auto got = map.value(b, k);
        if (want.isDouble()) {
          QVERIFY2(got && *got == want.toDouble(), qPrintable(QStringLiteral("%1 block %2 linear %3").arg(q).arg(b).arg(k)));
          ++compared;
        } else {
          QVERIFY(!got);
        }
      }
    QVERIFY(compared > 0);
  }
}

}  // namespace

class TstLinearHeatMap : public QObject {
  Q_OBJECT
  QTemporaryDir work_;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, work_.filePath(QStringLiteral("settings")));
  }

  // Ranks and bits that differ per linear, one linear without an adapter, a field this view has no
  // name for: the map shows what the report holds.
  void bayesianLoraShapedReport() {
    nlohmann::json linears = nlohmann::json::array();
    for (int b = 0; b < 3; ++b)
      for (int k = 0; k < 7; ++k) {
        if (b == 1 && k == 1) continue;  // k_proj of block 1 is not quantized
        const int rank = 1 + (b * 7 + k) % 8;
        linears.push_back({{"block", b}, {"linear", kLinears[k].toStdString()}, {"rank", rank},
                           {"bits", {{"A", 2 << (k % 4)}, {"B", 4 << (b % 3)}, {"E", 16}}}, {"trainable", 1000 + 10 * b + k},
                           {"stored_bits", 32 * rank}, {"finished", true}, {"new_field", 0.5 * k}});
      }
    const nlohmann::json adapter = {{"kind", "blora"}, {"linears", linears}};
    LinearHeatMap map;
    map.setAdapter(adapter, QStringLiteral("run"));
    QCOMPARE(map.quantities(), (QStringList{QStringLiteral("rank"), QStringLiteral("bits.A"), QStringLiteral("bits.B"),
                                            QStringLiteral("bits.E"), QStringLiteral("trainable"),
                                            QStringLiteral("stored_bits"), QStringLiteral("new_field")}));
    QCOMPARE(map.quantity(), QStringLiteral("rank"));
    compareWithReport(map, QJsonDocument::fromJson(QByteArray::fromStdString(adapter.dump())).object(), 3);
    map.setQuantity(QStringLiteral("rank"));
    QVERIFY(!map.value(1, 1));
    QCOMPARE(*map.value(2, 6), 1.0 + (2 * 7 + 6) % 8);

    // The tooltip names the cell and its value; a cell without an adapter says so.
    map.resize(800, 500);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    map.setQuantity(QStringLiteral("bits.A"));
    QCOMPARE(map.hoverText(map.pixelOf(2, 4)), QStringLiteral("block 2 gate — Bits of A: 2"));
    QCOMPARE(map.hoverText(map.pixelOf(1, 1)), QStringLiteral("block 1 k — no adapter (not quantized)"));
    QVERIFY(map.hoverText(QPoint(-50, -50)).isEmpty());

    QTemporaryDir out;
    QVERIFY(map.savePng(out.filePath(QStringLiteral("map.png"))));
    const QImage png(out.filePath(QStringLiteral("map.png")));
    QVERIFY(!png.isNull() && png.width() == 960 && png.height() == 480);

    map.clear(QStringLiteral("nothing"));
    QVERIFY(map.quantities().isEmpty());
    QVERIFY(!map.value(0, 0));
  }

  // A real QA-HiRA finetune of stories260K: every cell equals its report.json; the Comparison tab
  // shows the finetuned run's map and clears it for a run that was not finetuned.
  void realReportAndTheComparisonTab() {
    if (!QFileInfo::exists(fixture::shared(QStringLiteral("models/stories260K/model.safetensors"))))
      QSKIP("../shared/models/stories260K is not available");
    const QString q = work_.filePath(QStringLiteral("q")), ft = work_.filePath(QStringLiteral("ft"));
    const QString err = fixture::makeQuantized(q, {}, QStringLiteral("models/stories260K"));
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const QString train = work_.filePath(QStringLiteral("train.txt"));
    {
      QFile in(fixture::shared(QStringLiteral("data/tinystories-sample.txt"))), out(train);
      QVERIFY(in.open(QIODevice::ReadOnly) && out.open(QIODevice::WriteOnly));
      out.write(in.read(4000));
    }
    apiq::FinetuneOptions o;
    o.adapter.kind = "qahira";
    o.data.seq_len = 32;
    o.data.max_eval_examples = 2;
    o.batch = 8;
    apiq::finetune(q.toStdString(), train.toStdString(), ft.toStdString(), o);
    const QJsonObject adapter = readJson(ft + QStringLiteral("/report.json"))[QStringLiteral("finetune")].toObject()
                                    [QStringLiteral("adapter")].toObject();
    QCOMPARE(adapter[QStringLiteral("linears")].toArray().size(), 35);

    apiq::widgets::RunComparisonWidget w;
    QVERIFY(w.setRunDirs({q, ft}));
    LinearHeatMap* map = w.adapterMap();
    QVERIFY(map->quantities().contains(QStringLiteral("in_pool")));
    QCOMPARE(map->quantities().first(), QStringLiteral("trainable"));  // QA-HiRA has no rank
    compareWithReport(*map, adapter, 5);
    map->setQuantity(QStringLiteral("trainable"));
    QCOMPARE(*map->value(0, 6), 8.0 * 6);  // down: 64 rows pooled by 8, 172 inputs in 6 groups of 32
    w.summaryView()->setCurrentIndex(w.summary()->index(w.summary()->rowOf(q), 0));
    QVERIFY(map->quantities().isEmpty());
    w.summaryView()->setCurrentIndex(w.summary()->index(w.summary()->rowOf(ft), 0));
    compareWithReport(*map, adapter, 5);
  }
};

QTEST_MAIN(TstLinearHeatMap)
#include "tst_adapter_heat_map.moc"
