// SPDX-License-Identifier: GPL-3.0-or-later
// How long work in core talks to the outside: an observer it reports to, and a flag it polls.
// Neither knows about Qt; the GUI adapts them to signals, the CLI to a progress bar.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "base/errors.h"

namespace apiq {

class ProgressObserver {
 public:
  virtual ~ProgressObserver() = default;
  // `stage` names the work ("eval", "calibrate block 3"); done/total count its units.
  virtual void on_progress(const std::string& stage, int64_t done, int64_t total) {
    (void)stage; (void)done; (void)total;
  }
  virtual void on_message(const std::string& text) { (void)text; }
};

// Set from any thread; checked by the worker between units of work (an optimizer step,
// an evaluation window). Pause blocks the worker at the same points.
class CancelToken {
 public:
  void cancel() { cancelled_.store(true); }
  void set_paused(bool paused) { paused_.store(paused); }
  bool is_cancelled() const { return cancelled_.load(); }
  bool is_paused() const { return paused_.load(); }
  // Waits while paused, throws CancelledError once cancelled.
  void checkpoint() const {
    while (paused_.load() && !cancelled_.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (cancelled_.load()) throw CancelledError();
  }

 private:
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> paused_{false};
};

inline void report(ProgressObserver* obs, const std::string& stage, int64_t done, int64_t total) {
  if (obs) obs->on_progress(stage, done, total);
}
// Set by the process's signal handlers (base/interrupt.h): SIGINT, SIGTERM or SIGHUP asked the
// whole process to stop, which every checkpoint honours like a cancel.
bool interrupt_requested();

inline void checkpoint(const CancelToken* token) {
  if (token) token->checkpoint();
  if (interrupt_requested()) throw CancelledError();
}

}  // namespace apiq
