// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/torch_warnings.h"

#include <c10/util/Exception.h>

#include <cstdio>
#include <string>

namespace apiq {

namespace {
class StderrWarnings final : public c10::WarningHandler {
 public:
  void process(const c10::Warning& w) override {
    const std::string& msg = w.msg();
    const std::string line = msg.substr(0, msg.find('\n'));
    std::fprintf(stderr, "apiq: warning: %s\n", line.c_str());
  }
};
}  // namespace

void print_torch_warnings_on_this_thread() {
  // Never destroyed: a thread still running at exit may warn after static destructors ran.
  static auto* handler = new StderrWarnings;
  c10::WarningUtils::set_warning_handler(handler);
}

}  // namespace apiq
