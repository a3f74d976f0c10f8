// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <chrono>
#include <string>

#include "base/progress.h"

namespace apiq::cli {

// A progress bar on stderr; on a non-terminal it prints one line when a stage completes.
class TerminalProgress : public ProgressObserver {
 public:
  TerminalProgress();
  ~TerminalProgress() override;
  void on_progress(const std::string& stage, int64_t done, int64_t total) override;
  void on_message(const std::string& text) override;

 private:
  void end_line();
  bool tty_;
  bool open_line_ = false;
  std::string stage_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace apiq::cli
