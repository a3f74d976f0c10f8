// SPDX-License-Identifier: GPL-3.0-or-later
// The zero-point census of a real quantized checkpoint in which some zero points were set to 0:
// per linear the groups, the zero-point-0 count and the distribution, each compared with a count
// made here by looping over the stored integer zeros; a dense model has no census.
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "quantized_fixture.h"
#include "zero_census_view.h"

using apiq::widgets::ZeroCensusModel;
using apiq::widgets::ZeroCensusView;

class TstZeroCensusView : public QObject {
  Q_OBJECT
  QTemporaryDir work_;
  QString quantized_;

 private Q_SLOTS:
  void initTestCase() {
    if (!fixture::available()) QSKIP("../shared/models/babyllama-tok105 is not available");
    quantized_ = work_.filePath(QStringLiteral("q"));
    const QString err =
        fixture::makeQuantized(quantized_, {{"model.layers.0.self_attn.q_proj", 5}, {"model.layers.3.mlp.down_proj", 2}});
    QVERIFY2(err.isEmpty(), qPrintable(err));
  }

  void censusMatchesTheStoredZeros() {
    ZeroCensusView view;
    QSignalSpy ready(&view, &ZeroCensusView::censusReady);
    view.setFolder(quantized_);
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
    const auto& c = view.model()->census();
    QVERIFY(c.quantized);
    QCOMPARE(c.bits, 2);
    QCOMPARE(view.model()->rowCount(), 5 * 7);
    static const char* kLinears[] = {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                                     "mlp.gate_proj",    "mlp.up_proj",      "mlp.down_proj"};
    qint64 totalZero = 0, totalGroups = 0;
    std::map<qint64, qint64> totalHist;
    for (int b = 0; b < 5; ++b)
      for (int l = 0; l < 7; ++l) {
        const std::string module = "model.layers." + std::to_string(b) + "." + kLinears[l];
        const auto zeros = fixture::rawInts(quantized_, module + ".zeros");
        qint64 zero = 0;
        std::map<qint64, qint64> hist;
        for (int32_t z : zeros) {
          zero += z == 0;
          ++hist[z];
          ++totalHist[z];
        }
        const int row = b * 7 + l;
        const auto idx = [&](int col) { return view.model()->index(row, col); };
        QCOMPARE(idx(ZeroCensusModel::Linear).data().toString(), QString::fromStdString(module));
        QCOMPARE(idx(ZeroCensusModel::Groups).data(Qt::UserRole).toLongLong(), qint64(zeros.size()));
        QCOMPARE(idx(ZeroCensusModel::ZeroGroups).data(Qt::UserRole).toLongLong(), zero);
        const auto& r = c.rows[row];
        QCOMPARE(r.histogram.size(), int(hist.size()));
        for (const auto& [z, n] : hist) QCOMPARE(r.histogram.value(z), n);
        totalZero += zero;
        totalGroups += qint64(zeros.size());
      }
    // The planted ones at least; LoftQ's own asymmetric grids may add more.
    QVERIFY(c.rows[0].zeroGroups >= 5);
    QVERIFY(c.rows[3 * 7 + 6].zeroGroups >= 2);
    QCOMPARE(c.totalZeroGroups(), totalZero);
    QCOMPARE(c.totalGroups(), totalGroups);
    QVERIFY(view.summary()->text().contains(QLocale().toString(totalZero) + QStringLiteral(" of ") +
                                            QLocale().toString(totalGroups)));
    // The chart holds one bar per zero point value, summed over all linears.
    const auto bars = view.bars();
    QCOMPARE(bars.size(), int(totalHist.size()));
    for (const QPointF& bar : bars) QCOMPARE(qint64(bar.y()), totalHist.at(qint64(bar.x())));
  }

  void denseModelHasNoCensus() {
    ZeroCensusView view;
    QSignalSpy ready(&view, &ZeroCensusView::censusReady);
    view.setFolder(fixture::shared(QStringLiteral("models/babyllama-tok105")));
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
    QVERIFY(!view.model()->census().quantized);
    QCOMPARE(view.model()->rowCount(), 0);
    QVERIFY(view.summary()->text().contains(QStringLiteral("no integer zero points")));
  }

  void newerFolderSupersedesOlder() {
    ZeroCensusView view;
    QSignalSpy ready(&view, &ZeroCensusView::censusReady);
    view.setFolder(quantized_);
    view.setFolder(fixture::shared(QStringLiteral("models/babyllama-tok105")));
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
    QVERIFY(!view.model()->census().quantized);
    QTest::qWait(200);
    QCOMPARE(ready.count(), 1);
  }
};

QTEST_MAIN(TstZeroCensusView)
#include "tst_zero_census_view.moc"
