// SPDX-License-Identifier: GPL-3.0-or-later
// One calibration run (core's calibrate_model) off the GUI thread, on a dedicated pool, with
// progress, pause, resume and cancel, through a CoreTask. Core observer callbacks arrive on the
// worker thread and are forwarded as queued signals carrying plain values, so receivers run on
// the GUI thread.
#pragma once
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <atomic>
#include <memory>

#include "calibration/calibration.h"
#include "core_task.h"

namespace apiq::widgets {

struct CalibrationJobSpec {
  QString modelDir;
  QString calibFile;
  QString outDir;
  apiq::CalibrationOptions options;
  QStringList targetLinears;  // chosen in the wizard, as names; options.targets is what core uses
  int threads = 0;            // CPU threads (process-wide: the main window applies it when no job runs)
};

class CalibrationJob : public QObject {
  Q_OBJECT
 public:
  explicit CalibrationJob(CalibrationJobSpec spec, QObject* parent = nullptr);
  ~CalibrationJob() override;

  const CalibrationJobSpec& spec() const { return spec_; }
  QString methodName() const;
  bool isRunning() const { return task_.isRunning(); }
  CoreTask::State state() const { return task_.state(); }

  // The pool is shared by all jobs of one device: one worker per GPU (or for the CPU).
  void start(QThreadPool* pool);
  void cancel();
  void setPaused(bool paused);
  void waitForFinished() { task_.waitForFinished(); }
  // Optimizer steps the worker has completed so far (read from any thread; signals lag behind it).
  qint64 stepsCompleted() const { return stepsCompleted_.load(); }

 Q_SIGNALS:
  void progress(const QString& stage, qint64 done, qint64 total);
  void layerFinished(const QString& method, qint64 block, int linear, double actErrInit, double actErr,
                     double weightErr);
  void blockFinished(const QString& method, qint64 block, double outMse);
  void stepLoss(const QString& method, qint64 block, int linear, qint64 step, double loss);
  // ok is false on error or cancel (state() says which); message is for the user.
  void finished(bool ok, const QString& message);

 private:
  class Forwarder;
  CalibrationJobSpec spec_;
  CoreTask task_;
  std::unique_ptr<Forwarder> forwarder_;
  std::atomic<qint64> stepsCompleted_{0};
};

}  // namespace apiq::widgets
