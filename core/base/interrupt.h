// SPDX-License-Identifier: GPL-3.0-or-later
// Stopping a command-line run cleanly on SIGINT, SIGTERM and SIGHUP: the first signal makes every
// core checkpoint throw CancelledError, so output folders remove their staging and release their
// locks on the way out; a second signal ends the process at once (the next run removes what is
// left: OutputFolder cleans stale OUT.tmp-* folders).
#pragma once

namespace apiq {

void install_interrupt_handlers();
// The signal that asked to stop (0: none), for the exit status 128 + signal.
int interrupt_signal();

}  // namespace apiq
