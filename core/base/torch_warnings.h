// SPDX-License-Identifier: GPL-3.0-or-later
// LibTorch's warnings (TORCH_WARN), printed by us as one stderr line each ("apiq: warning: …",
// the message's first line). LibTorch's own handler writes through its logging stream, which on
// the GPU machine crashed `apiq bench --device cuda` (a segfault inside the stream insertion while
// the autograd engine re-emitted a warning at the end of a backward). LibTorch keeps the handler
// per thread: every thread that runs core work installs it (the CLI's main thread, the GUI's
// task threads).
#pragma once

namespace apiq {

void print_torch_warnings_on_this_thread();

}  // namespace apiq
