// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/adapter.h"
#include "model/adapters/adapter_kinds.h"

namespace apiq {

const std::vector<const AdapterKind*>& adapter_table() {
  static const std::vector<const AdapterKind*> table = {&lora_adapter_kind(), &qbara_adapter_kind(),
                                                        &qahira_adapter_kind(), &blora_adapter_kind()};
  return table;
}

}  // namespace apiq
