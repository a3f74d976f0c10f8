// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/adapter.h"

#include <cmath>

namespace apiq {
using json = nlohmann::json;

void AdapterOptions::validate() const {
  find_adapter_kind(kind);
  if (rank < 0) throw std::invalid_argument("adapter rank must not be negative, got " + std::to_string(rank));
  if (!std::isfinite(alpha) || alpha <= 0) throw std::invalid_argument("adapter alpha must be positive and finite");
  if (in_pool < 0) throw std::invalid_argument("QA-HiRA input pool must not be negative (0: the group size)");
  if (out_pool < 1) throw std::invalid_argument("QA-HiRA output pool must be at least 1, got " + std::to_string(out_pool));
  if (!std::isfinite(gate_lambda) || gate_lambda < 0)
    throw std::invalid_argument("the gate penalty λ must be finite and not negative");
}

json AdapterOptions::to_json() const {
  return {{"kind", kind},         {"rank", rank},         {"alpha", alpha},       {"in_pool", in_pool},
          {"out_pool", out_pool}, {"fit_base", fit_base}, {"gate_lambda", gate_lambda}};
}

AdapterOptions AdapterOptions::from_json(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("adapter is not a JSON object");
  AdapterOptions o;
  try {
    o.kind = j.at("kind").get<std::string>();
    o.rank = j.value("rank", int64_t{0});
    o.alpha = j.value("alpha", 16.0);
    o.in_pool = j.value("in_pool", int64_t{0});
    o.out_pool = j.value("out_pool", int64_t{8});
    o.fit_base = j.value("fit_base", true);
    o.gate_lambda = j.value("gate_lambda", 1e-3);
  } catch (const json::exception&) {
    throw std::invalid_argument("adapter has a missing field or one of the wrong type");
  }
  o.validate();
  return o;
}

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

int64_t effective_rank(const AdapterOptions& o, const LoraAdapter& base) {
  if (o.rank > 0) return o.rank;
  return base.defined() ? base.A.size(0) : 0;
}

}  // namespace apiq
