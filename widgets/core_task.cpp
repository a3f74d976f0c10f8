// SPDX-License-Identifier: GPL-3.0-or-later
#include "core_task.h"

#include <QMetaObject>
#include <QtConcurrent/QtConcurrentRun>
#include <exception>
#include <utility>

#include "base/errors.h"
#include "base/torch_warnings.h"

namespace apiq::widgets {

CoreTask::CoreTask(QObject* parent)
    : QObject(parent), token_(std::make_shared<apiq::CancelToken>()),
      observer_(std::make_unique<TaskObserver<>>(this)) {
  connect(&watcher_, &QFutureWatcher<void>::finished, this, &CoreTask::onFinished);
}

CoreTask::~CoreTask() {
  token_->cancel();
  watcher_.waitForFinished();
}

void CoreTask::start(std::function<void()> work, QThreadPool* pool) {
  if (isRunning()) return;
  if (state_ != State::Idle) token_ = std::make_shared<apiq::CancelToken>();  // a restart: a fresh token
  workError_ = std::make_shared<QString>();
  cancelled_ = std::make_shared<std::atomic<bool>>(false);
  onSuccess_ = nullptr;
  error_.clear();
  state_ = State::Running;
  auto body = [work = std::move(work), err = workError_, cancelled = cancelled_] {
    try {
      apiq::print_torch_warnings_on_this_thread();  // a pool thread: LibTorch's handler is per thread
      work();
    } catch (const apiq::CancelledError&) {
      cancelled->store(true);
    } catch (const std::exception& e) {
      *err = QString::fromStdString(e.what());
      if (err->isEmpty()) *err = QStringLiteral("unknown error");
    } catch (...) {
      *err = QStringLiteral("unknown error");
    }
  };
  watcher_.setFuture(pool ? QtConcurrent::run(pool, std::move(body)) : QtConcurrent::run(std::move(body)));
}

void CoreTask::cancel() { token_->cancel(); }
void CoreTask::setPaused(bool paused) { token_->set_paused(paused); }

void CoreTask::post(std::function<void()> fn) {
  QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
}

void CoreTask::onFinished() {
  if (state_ != State::Running) return;
  error_ = workError_ ? *workError_ : QString();
  if (cancelled_ && cancelled_->load()) state_ = State::Cancelled;
  else if (!error_.isEmpty()) state_ = State::Failed;
  else state_ = State::Succeeded;
  // The callbacks may start the task again: take what belongs to this run first.
  const State ended = state_;
  auto done = std::exchange(onSuccess_, nullptr);
  if (ended == State::Succeeded && done) done();
  Q_EMIT finished(ended);
}

}  // namespace apiq::widgets
