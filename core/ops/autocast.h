// SPDX-License-Identifier: GPL-3.0-or-later
// bf16 autocast on CUDA for a scope (a block forward and the autograd graph it records).
#pragma once

namespace apiq {

class AutocastScope {
 public:
  explicit AutocastScope(bool on);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool on_;
  bool prev_ = false;
};

}  // namespace apiq
