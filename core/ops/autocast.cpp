// SPDX-License-Identifier: GPL-3.0-or-later
#include "ops/autocast.h"

#include <ATen/autocast_mode.h>

namespace apiq {

AutocastScope::AutocastScope(bool on) : on_(on) {
  if (!on_) return;
  prev_ = at::autocast::is_autocast_enabled(at::kCUDA);
  at::autocast::set_autocast_enabled(at::kCUDA, true);
  at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
  at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope() {
  if (!on_) return;
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_autocast_enabled(at::kCUDA, prev_);
}

}  // namespace apiq
