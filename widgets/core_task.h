// SPDX-License-Identifier: GPL-3.0-or-later
// One piece of core work off the GUI thread, in the manner of QGIS's QgsTask: core's observer
// callbacks arrive as signals on the GUI thread, cancel and pause go to core's token, and
// `finished` is emitted on the GUI thread with the state the work ended in (cancel is a state,
// never a message to compare). Every background job of the widgets and the app goes through it.
#pragma once
#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <functional>
#include <memory>
#include <optional>

#include "base/progress.h"

namespace apiq::widgets {

class CoreTask : public QObject {
  Q_OBJECT
 public:
  enum class State { Idle, Running, Succeeded, Failed, Cancelled };
  Q_ENUM(State)

  explicit CoreTask(QObject* parent = nullptr);
  ~CoreTask() override;  // cancels running work and waits for it

  // Runs `work` on `pool` (null: Qt's global pool). It may throw: CancelledError ends the task as
  // Cancelled, any other exception as Failed with its message. Ignored while running.
  void start(std::function<void()> work, QThreadPool* pool = nullptr);
  // The same with a result, handed to `done` on the GUI thread when the work succeeds.
  template <class R>
  void start(std::function<R()> work, std::function<void(R)> done, QThreadPool* pool = nullptr) {
    auto result = std::make_shared<std::optional<R>>();
    start([work = std::move(work), result] { result->emplace(work()); }, pool);
    onSuccess_ = [result, done = std::move(done)] { done(std::move(**result)); };
  }

  void cancel();
  void setPaused(bool paused);
  const apiq::CancelToken* token() const { return token_.get(); }
  // Forwards progress and messages as this task's signals (queued to the GUI thread).
  apiq::ProgressObserver* observer() { return observer_.get(); }

  State state() const { return state_; }
  bool isRunning() const { return state_ == State::Running; }
  QString errorMessage() const { return error_; }
  void waitForFinished() { watcher_.waitForFinished(); }

  // Queues `fn` to run on this task's (GUI) thread; dropped when the task is gone. For observers
  // that forward more than progress (see TaskObserver).
  void post(std::function<void()> fn);

 Q_SIGNALS:
  void progress(const QString& stage, qint64 done, qint64 total);
  void message(const QString& text);
  void finished(apiq::widgets::CoreTask::State state);

 private:
  void onFinished();
  std::shared_ptr<apiq::CancelToken> token_;
  std::unique_ptr<apiq::ProgressObserver> observer_;
  QFutureWatcher<void> watcher_;
  std::function<void()> onSuccess_;
  std::shared_ptr<QString> workError_;           // written by the worker, read after it ends
  std::shared_ptr<std::atomic<bool>> cancelled_;  // likewise
  State state_ = State::Idle;
  QString error_;
};

// A core observer of type `Base` (ProgressObserver or one derived from it) whose progress and
// messages reach `task`'s signals; derived observers forward more through task->post().
template <class Base = apiq::ProgressObserver>
class TaskObserver : public Base {
 public:
  explicit TaskObserver(CoreTask* task) : task_(task) {}
  void on_progress(const std::string& stage, int64_t done, int64_t total) override {
    task_->post([t = task_, s = QString::fromStdString(stage), done, total] { Q_EMIT t->progress(s, done, total); });
  }
  void on_message(const std::string& text) override {
    task_->post([t = task_, m = QString::fromStdString(text)] { Q_EMIT t->message(m); });
  }

 protected:
  CoreTask* task_;
};

}  // namespace apiq::widgets
