// SPDX-License-Identifier: GPL-3.0-or-later
// The table of calibration methods: one row per file in methods/. Adding a method is a new file
// defining its `…_method()` and one line here.
#include "methods/method.h"

namespace apiq {

const Method& rtn_method();
const Method& qlora_method();
const Method& loftq_method();
const Method& lq_lora_method();
const Method& apiq_lw_method();
const Method& apiq_bw_method();

const std::vector<const Method*>& method_table() {
  static const std::vector<const Method*> table = {
      &rtn_method(), &qlora_method(), &loftq_method(), &lq_lora_method(), &apiq_lw_method(), &apiq_bw_method(),
  };
  return table;
}

}  // namespace apiq
