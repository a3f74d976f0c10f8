// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/adapter.h"

namespace apiq {

const AdapterKind& find_adapter_kind(const std::string& name) {
  for (const AdapterKind* k : adapter_table())
    if (name == k->name()) return *k;
  std::string names;
  for (const auto& n : adapter_kind_names()) names += (names.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown adapter '" + name + "' (use " + names + ")");
}

std::vector<std::string> adapter_kind_names() {
  std::vector<std::string> out;
  for (const AdapterKind* k : adapter_table()) out.emplace_back(k->name());
  return out;
}

}  // namespace apiq
