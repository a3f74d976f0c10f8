// SPDX-License-Identifier: GPL-3.0-or-later
// rtn: round to nearest over min-max groups (or NF), no adapter. The baseline.
#include "methods/method.h"

namespace apiq {

namespace {
class Rtn final : public Method {
 public:
  const char* name() const override { return "rtn"; }
  const char* summary() const override { return "round to nearest, no adapters (baseline)"; }
  bool has_adapter() const override { return false; }
};
}  // namespace

const Method& rtn_method() {
  static const Rtn m;
  return m;
}

}  // namespace apiq
