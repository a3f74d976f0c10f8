// SPDX-License-Identifier: GPL-3.0-or-later
// qlora: round to nearest, LoRA initialised as QLoRA does (A Kaiming-uniform, B = 0).
#include "methods/method.h"

namespace apiq {

namespace {
class Qlora final : public Method {
 public:
  const char* name() const override { return "qlora"; }
  const char* summary() const override { return "round to nearest, LoRA initialised as in QLoRA (B = 0)"; }
};
}  // namespace

const Method& qlora_method() {
  static const Qlora m;
  return m;
}

}  // namespace apiq
