// SPDX-License-Identifier: GPL-3.0-or-later
// A real calibration of stories260K started from the widgets layer: every layer of every method
// reaches the chart, the event loop never stalls for more than 100 ms, and cancel leaves no output.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "activation_error_chart.h"
#include "calibration_job.h"
#include "stories_job_spec.h"

using apiq::widgets::ActivationErrorChart;
using apiq::widgets::CalibrationJob;
using apiq::widgets::CalibrationJobSpec;

namespace {
using apiq::widgets::test::shared;
// The same small job as tst_main_window's.
CalibrationJobSpec spec(const char* m, const QString& out) { return apiq::widgets::test::storiesJobSpec(m, out); }

// Records the longest pause between ticks of a 10 ms timer on the GUI thread.
class StallMeter : public QObject {
 public:
  StallMeter() {
    connect(&timer_, &QTimer::timeout, this, [this] {
      worst_ = std::max(worst_, clock_.restart());
    });
    clock_.start();
    timer_.start(10);
  }
  qint64 worst() const { return worst_; }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 worst_ = 0;
};
}  // namespace

class TstCalibrationJob : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void init() {
    if (!QFileInfo::exists(shared(QStringLiteral("models/stories260K/model.safetensors"))))
      QSKIP("../shared/models/stories260K is not available");
  }

  void chartGetsEveryLayerOfEveryMethod() {
    QTemporaryDir dir;
    QThreadPool pool;
    pool.setMaxThreadCount(1);  // one worker per device
    ActivationErrorChart chart;
    chart.resize(640, 400);
    chart.show();
    StallMeter meter;
    std::vector<std::unique_ptr<CalibrationJob>> jobs;
    for (auto m : {"qlora", "apiq-bw"}) {
      auto job = std::make_unique<CalibrationJob>(spec(m, dir.filePath(QString::fromLatin1(m))));
      connect(job.get(), &CalibrationJob::layerFinished, &chart,
              [&chart](const QString& method, qint64 block, int linear, double, double err, double) {
                chart.addPoint(method, block, linear, err);
              });
      jobs.push_back(std::move(job));
    }
    QSignalSpy done0(jobs[0].get(), &CalibrationJob::finished), done1(jobs[1].get(), &CalibrationJob::finished);
    for (auto& j : jobs) j->start(&pool);
    QTRY_VERIFY_WITH_TIMEOUT(done0.count() == 1 && done1.count() == 1, 300000);
    QVERIFY2(done0.at(0).at(0).toBool(), qPrintable(done0.at(0).at(1).toString()));
    QVERIFY2(done1.at(0).at(0).toBool(), qPrintable(done1.at(0).at(1).toString()));
    QCOMPARE(chart.pointCount(QStringLiteral("qlora")), 35);
    QCOMPARE(chart.pointCount(QStringLiteral("apiq-bw")), 35);
    QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("apiq-bw/model.safetensors"))));
    QVERIFY2(meter.worst() < 100, qPrintable(QStringLiteral("event loop stalled %1 ms").arg(meter.worst())));
  }

  void cancelLeavesNoOutput() {
    QTemporaryDir dir;
    QThreadPool pool;
    auto s = spec("apiq-bw", dir.filePath(QStringLiteral("cancelled")));
    s.options.epochs = 50;
    CalibrationJob job(s);
    QSignalSpy finished(&job, &CalibrationJob::finished);
    QSignalSpy steps(&job, &CalibrationJob::stepLoss);
    job.start(&pool);
    QTRY_VERIFY_WITH_TIMEOUT(steps.count() > 0, 60000);
    // Count on the worker side: queued stepLoss signals may still be in the event queue here.
    const qint64 before = job.stepsCompleted();
    job.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(finished.at(0).at(0).toBool(), false);
    QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("Cancelled"));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("cancelled"))));
    // Cancel takes effect between optimizer steps: at most the step in flight finishes, plus one
    // that may complete between reading the counter and setting the flag.
    const qint64 after = job.stepsCompleted();
    QVERIFY2(after - before <= 2, qPrintable(QString::number(after - before)));
    QCoreApplication::processEvents();
    QCOMPARE(steps.count(), int(after));  // every completed step was reported
  }
};

QTEST_MAIN(TstCalibrationJob)
#include "tst_calibration_job.moc"
