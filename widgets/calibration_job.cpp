// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration_job.h"

namespace apiq::widgets {

// Runs on the worker thread; every callback re-emits through the task's queue.
class CalibrationJob::Forwarder : public TaskObserver<apiq::CalibrationObserver> {
 public:
  Forwarder(CalibrationJob* job, CoreTask* task) : TaskObserver(task), job_(job), method_(job->methodName()) {}
  void on_layer(const apiq::LayerMetrics& m) override {
    task_->post([j = job_, me = method_, m] {
      Q_EMIT j->layerFinished(me, m.block, static_cast<int>(m.kind), m.act_err_init, m.act_err, m.weight_err);
    });
  }
  void on_block(const apiq::BlockMetrics& m) override {
    task_->post([j = job_, me = method_, b = m.block, mse = m.out_mse] { Q_EMIT j->blockFinished(me, b, mse); });
  }
  void on_step(int64_t block, int linear, int64_t step, double loss) override {
    job_->stepsCompleted_.fetch_add(1);
    task_->post([j = job_, me = method_, block, linear, step, loss] { Q_EMIT j->stepLoss(me, block, linear, step, loss); });
  }

 private:
  CalibrationJob* job_;
  QString method_;
};

CalibrationJob::CalibrationJob(CalibrationJobSpec spec, QObject* parent)
    : QObject(parent), spec_(std::move(spec)), forwarder_(std::make_unique<Forwarder>(this, &task_)) {
  connect(&task_, &CoreTask::progress, this, &CalibrationJob::progress);
  connect(&task_, &CoreTask::finished, this, [this](CoreTask::State s) {
    switch (s) {
      case CoreTask::State::Succeeded: Q_EMIT finished(true, tr("Finished")); break;
      case CoreTask::State::Cancelled: Q_EMIT finished(false, tr("Cancelled")); break;
      default: Q_EMIT finished(false, task_.errorMessage()); break;
    }
  });
}

CalibrationJob::~CalibrationJob() {
  task_.cancel();
  task_.waitForFinished();
}

QString CalibrationJob::methodName() const { return QString::fromStdString(spec_.options.method); }

void CalibrationJob::start(QThreadPool* pool) {
  task_.start(
      [this] {
        apiq::calibrate_model(spec_.modelDir.toStdString(), spec_.calibFile.toStdString(), spec_.outDir.toStdString(),
                              spec_.options, /*resume=*/false, forwarder_.get(), task_.token());
      },
      pool);
}

void CalibrationJob::cancel() { task_.cancel(); }
void CalibrationJob::setPaused(bool paused) { task_.setPaused(paused); }

}  // namespace apiq::widgets
