// SPDX-License-Identifier: GPL-3.0-or-later
// The rows of the adapter table, one per file (model/adapters/<kind>.cpp).
#pragma once
#include "model/adapter.h"

namespace apiq {

const AdapterKind& lora_adapter_kind();
const AdapterKind& qbara_adapter_kind();
const AdapterKind& qahira_adapter_kind();
const AdapterKind& blora_adapter_kind();

}  // namespace apiq
