// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration_job.h"

#include <torch/torch.h>

#include <QMetaObject>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include "apiq/errors.h"

namespace apiq::widgets {

// Runs on the worker thread; every callback re-emits through a queued invocation.
class CalibrationJob::Forwarder : public apiq::CalibrationObserver {
 public:
  explicit Forwarder(CalibrationJob* job) : job_(job), method_(job->methodName()) {}
  void on_progress(const std::string& stage, int64_t done, int64_t total) override {
    const QString s = QString::fromStdString(stage);
    QMetaObject::invokeMethod(job_, [j = job_, s, done, total] { Q_EMIT j->progress(s, done, total); }, Qt::QueuedConnection);
  }
  void on_layer(const apiq::LayerMetrics& m) override {
    QMetaObject::invokeMethod(
        job_, [j = job_, me = method_, m] {
          Q_EMIT j->layerFinished(me, m.block, static_cast<int>(m.kind), m.act_err_init, m.act_err, m.weight_err);
        },
        Qt::QueuedConnection);
  }
  void on_block(const apiq::BlockMetrics& m) override {
    QMetaObject::invokeMethod(
        job_, [j = job_, me = method_, b = m.block, mse = m.out_mse] { Q_EMIT j->blockFinished(me, b, mse); },
        Qt::QueuedConnection);
  }
  void on_step(int64_t block, int linear, int64_t step, double loss) override {
    job_->stepsCompleted_.fetch_add(1);
    QMetaObject::invokeMethod(
        job_, [j = job_, me = method_, block, linear, step, loss] { Q_EMIT j->stepLoss(me, block, linear, step, loss); },
        Qt::QueuedConnection);
  }

 private:
  CalibrationJob* job_;
  QString method_;
};

CalibrationJob::CalibrationJob(CalibrationJobSpec spec, QObject* parent)
    : QObject(parent), spec_(std::move(spec)), forwarder_(std::make_unique<Forwarder>(this)) {
  connect(&watcher_, &QFutureWatcher<QString>::finished, this, [this] {
    const QString err = watcher_.result();
    Q_EMIT finished(err.isEmpty(), err.isEmpty() ? tr("Finished") : err);
  });
}

CalibrationJob::~CalibrationJob() {
  token_.cancel();
  watcher_.waitForFinished();
}

QString CalibrationJob::methodName() const { return QString::fromLatin1(apiq::method_name(spec_.options.method)); }

void CalibrationJob::start(QThreadPool* pool) {
  // Leave a core to the GUI thread so the event loop stays responsive during CPU runs.
  const int cores = QThread::idealThreadCount();
  torch::set_num_threads(spec_.threads > 0 ? spec_.threads : std::max(1, cores - 1));
  watcher_.setFuture(QtConcurrent::run(pool, [this]() -> QString {
    try {
      apiq::calibrate_model(spec_.modelDir.toStdString(), spec_.calibFile.toStdString(), spec_.outDir.toStdString(),
                            spec_.options, /*resume=*/false, forwarder_.get(), &token_);
      return {};
    } catch (const apiq::CancelledError&) {
      return tr("Cancelled");
    } catch (const std::exception& e) {
      return QString::fromStdString(e.what());
    }
  }));
}

void CalibrationJob::cancel() { token_.cancel(); }
void CalibrationJob::setPaused(bool paused) { token_.set_paused(paused); }

}  // namespace apiq::widgets
