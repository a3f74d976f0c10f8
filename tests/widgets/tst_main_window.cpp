// SPDX-License-Identifier: GPL-3.0-or-later
// The app end to end: open stories260K, start a real calibration of two methods from the main
// window, watch every layer reach the live chart with the event loop responsive, then compare.
#include <QElapsedTimer>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "activation_error_chart.h"
#include "live_charts.h"
#include "jobs_panel.h"
#include "main_window.h"
#include "model_tree_model.h"
#include "comparison_summary_model.h"
#include "run_comparison.h"
#include "stories_job_spec.h"

using namespace apiq;

class TstMainWindow : public QObject {
  Q_OBJECT
  QTemporaryDir settings_;

 private:
  static QString shared(const QString& rel) { return widgets::test::shared(rel); }
  static widgets::CalibrationJobSpec spec(const char* m, const QString& out) { return widgets::test::storiesJobSpec(m, out); }

 private Q_SLOTS:
  void initTestCase() {  // the app's settings (the comparison's runs among them) in a scratch folder
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings_.path());
  }

  void init() {
    if (!QFileInfo::exists(shared(QStringLiteral("models/stories260K/model.safetensors"))))
      QSKIP("../shared/models/stories260K is not available");
  }

  void calibrateFromTheAppAndCompare() {
    QTemporaryDir dir;
    app::MainWindow w;
    w.show();
    QSignalSpy loaded(&w, &app::MainWindow::modelLoaded);
    w.openModel(shared(QStringLiteral("models/stories260K")));
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(w.treeModel()->countLinears(w.treeModel()->blocksItem()), 35);

    // The GUI thread's worst pause between 10 ms timer ticks while the jobs run.
    QElapsedTimer clock;
    qint64 worst = 0;
    QTimer tick;
    connect(&tick, &QTimer::timeout, [&] { worst = std::max(worst, clock.restart()); });
    QSignalSpy allDone(&w, &app::MainWindow::allJobsFinished);
    const QString a = dir.filePath(QStringLiteral("qlora")), b = dir.filePath(QStringLiteral("apiq-bw"));
    w.startJobs({spec("qlora", a), spec("apiq-bw", b)});
    QCOMPARE(w.heatMap()->blockCount(), 5);  // all rows from the start, from the model's config
    clock.start();
    tick.start(10);
    QTRY_COMPARE_WITH_TIMEOUT(allDone.count(), 1, 300000);
    tick.stop();
    QCOMPARE(w.liveChart()->pointCount(QStringLiteral("qlora")), 35);
    QCOMPARE(w.liveChart()->pointCount(QStringLiteral("apiq-bw")), 35);
    QCOMPARE(w.jobsPanel()->stateText(0), QStringLiteral("Finished"));
    QCOMPARE(w.jobsPanel()->stateText(1), QStringLiteral("Finished"));
    QVERIFY2(worst < 100, qPrintable(QStringLiteral("event loop stalled for %1 ms").arg(worst)));
    // apiq-bw trains: 5 blocks × 2 epochs × 4 samples steps; qlora does not train.
    QCOMPARE(w.lossChart()->pointCount(QStringLiteral("apiq-bw")), 5 * 2 * 4);
    QCOMPARE(w.lossChart()->pointCount(QStringLiteral("qlora")), 0);
    QCOMPARE(w.heatMap()->method(), QStringLiteral("apiq-bw"));
    QVERIFY(w.heatMap()->value(4, 6) > 0);
    QVERIFY(w.heatMap()->value(0, 0) > 0);
    QCOMPARE(w.heatMap()->blockCount(), 5);

    // Finished jobs join the comparison by themselves: the reference row and the two runs.
    QCOMPARE(w.comparison()->runDirs(), (QStringList{a, b}));
    QCOMPARE(w.comparison()->summary()->rowCount(), 3);
    QVERIFY(w.compareRuns({b}));
    QCOMPARE(w.comparison()->runDirs(), QStringList{b});
    QCOMPARE(w.comparison()->layerTable()->rowCount(), 35);
    QCOMPARE(w.comparison()->layerTable()->columnCount(), 3);
    // The set is saved for the next start of the app.
    app::MainWindow next;
    QCOMPARE(next.comparison()->runDirs(), QStringList{b});
  }

  void cancelFromTheJobsPanel() {
    QTemporaryDir dir;
    app::MainWindow w;
    auto s = spec("apiq-bw", dir.filePath(QStringLiteral("cancelled")));
    s.options.epochs = 100;
    auto jobs = w.startJobs({s});
    QSignalSpy steps(jobs[0], &widgets::CalibrationJob::stepLoss);
    QSignalSpy finished(jobs[0], &widgets::CalibrationJob::finished);
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() > 0, 60000);
    w.jobsPanel()->table()->selectRow(0);
    for (auto* btn : w.jobsPanel()->findChildren<QPushButton*>())
      if (btn->text() == QStringLiteral("Cancel")) btn->click();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(w.jobsPanel()->stateText(0), QStringLiteral("Cancelled"));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("cancelled"))));
  }
};

QTEST_MAIN(TstMainWindow)
#include "tst_main_window.moc"
