// SPDX-License-Identifier: GPL-3.0-or-later
#include "terminal_progress.h"

#include <unistd.h>

#include <cstdio>

namespace apiq::cli {

TerminalProgress::TerminalProgress() : tty_(::isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {}

TerminalProgress::~TerminalProgress() { end_line(); }

void TerminalProgress::end_line() {
  if (open_line_) std::fputc('\n', stderr);
  open_line_ = false;
}

void TerminalProgress::on_progress(const std::string& stage, int64_t done, int64_t total) {
  const auto now = std::chrono::steady_clock::now();
  if (stage != stage_) {
    end_line();
    stage_ = stage;
    start_ = now;
  }
  const double secs = std::chrono::duration<double>(now - start_).count();
  const double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0;
  const double eta = done > 0 ? secs / static_cast<double>(done) * static_cast<double>(total - done) : 0.0;
  if (tty_) {
    constexpr int width = 30;
    const int filled = static_cast<int>(frac * width);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(width - filled), '-');
    std::fprintf(stderr, "\r%-12s [%s] %lld/%lld  %.1fs elapsed, %.1fs left ", stage.c_str(), bar.c_str(),
                 static_cast<long long>(done), static_cast<long long>(total), secs, eta);
    open_line_ = true;
    if (done >= total) end_line();
  } else if (done >= total) {
    std::fprintf(stderr, "%s: %lld/%lld done in %.1fs\n", stage.c_str(), static_cast<long long>(done),
                 static_cast<long long>(total), secs);
  }
  std::fflush(stderr);
}

void TerminalProgress::on_message(const std::string& text) {
  end_line();
  std::fprintf(stderr, "%s\n", text.c_str());
}

}  // namespace apiq::cli
