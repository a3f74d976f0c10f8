// SPDX-License-Identifier: GPL-3.0-or-later
#include <QTemporaryDir>
#include <QTableWidget>
#include <QtTest>

#include "activation_error_chart.h"
#include "base/errors.h"
#include "run_comparison.h"

using namespace apiq::widgets;

class TstRunComparison : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void compareTwoFinishedRuns() {
    const QString shared = QStringLiteral(APIQ_SHARED_DIR);
    if (!QFileInfo::exists(shared + QStringLiteral("/models/stories260K/model.safetensors")))
      QSKIP("../shared/models/stories260K is not available");
    QTemporaryDir dir;
    apiq::CalibrationOptions o;
    o.lora.rank = 8;
    o.nsamples = 4;
    o.seq_len = 64;
    o.epochs = 2;
    QVector<RunReport> runs;
    for (auto m : {"qlora", "loftq"}) {
      o.method = m;
      const QString out = dir.filePath(QString::fromLatin1(m));
      apiq::calibrate_model((shared + QStringLiteral("/models/stories260K")).toStdString(),
                            (shared + QStringLiteral("/data/tinystories-sample.txt")).toStdString(), out.toStdString(), o);
      runs << loadRunReport(out);
    }
    RunComparisonWidget w;
    w.setRuns(runs);
    QTableWidget* t = w.table();
    QCOMPARE(t->rowCount(), 35 + 2);
    QCOMPARE(t->columnCount(), 4);
    QCOMPARE(t->horizontalHeaderItem(2)->text(), QStringLiteral("qlora"));
    QCOMPARE(t->horizontalHeaderItem(3)->text(), QStringLiteral("loftq"));
    // The highlighted cell of the mean row is the run with the lower mean error.
    const int meanRow = 35;
    const int expect = runs[1].result.mean_act_err() < runs[0].result.mean_act_err() ? 3 : 2;
    QCOMPARE(w.bestColumn(meanRow), expect);
    QVERIFY(t->item(meanRow, expect)->font().bold());
    QVERIFY(!t->item(meanRow, 5 - expect)->font().bold());
    QCOMPARE(w.chart()->pointCount(QStringLiteral("qlora")), 35);
    QCOMPARE(w.chart()->pointCount(QStringLiteral("loftq")), 35);
  }

  void missingReportNamesTheFile() {
    QTemporaryDir dir;
    try {
      loadRunReport(dir.path());
      QFAIL("no error");
    } catch (const apiq::InputError& e) {
      QVERIFY(QString::fromStdString(e.what()).contains(QStringLiteral("report.json")));
    }
  }
};

QTEST_MAIN(TstRunComparison)
#include "tst_run_comparison.moc"
