// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/interrupt.h"

#include <csignal>

#include <atomic>

#include "base/progress.h"

namespace apiq {

namespace {
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig) {
  if (g_signal.exchange(sig) != 0) {  // the second one: no more waiting
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}
}  // namespace

bool interrupt_requested() { return g_signal.load(std::memory_order_relaxed) != 0; }
int interrupt_signal() { return g_signal.load(); }

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
}

}  // namespace apiq
