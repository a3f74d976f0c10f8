// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/adapter_options.h"

#include <cmath>
#include <stdexcept>

namespace apiq {
using json = nlohmann::json;

void AdapterOptions::validate() const {
  if (kind.empty()) throw std::invalid_argument("adapter kind is empty");
  if (rank < 0) throw std::invalid_argument("adapter rank must not be negative, got " + std::to_string(rank));
  if (!std::isfinite(alpha) || alpha <= 0) throw std::invalid_argument("adapter alpha must be positive and finite");
  if (in_pool < 0) throw std::invalid_argument("QA-HiRA input pool must not be negative (0: the group size)");
  if (out_pool < 1) throw std::invalid_argument("QA-HiRA output pool must be at least 1, got " + std::to_string(out_pool));
  if (!std::isfinite(gate_lr) || gate_lr <= 0) throw std::invalid_argument("the gate learning rate must be positive");
  if (!std::isfinite(gate_lambda) || gate_lambda < 0)
    throw std::invalid_argument("the gate penalty λ must be finite and not negative");
}

json AdapterOptions::to_json() const {
  return {{"kind", kind},         {"rank", rank},         {"alpha", alpha},       {"in_pool", in_pool},
          {"out_pool", out_pool}, {"fit_base", fit_base}, {"gate_lambda", gate_lambda},
          {"gate_lr", gate_lr}};
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
    o.gate_lr = j.value("gate_lr", 0.05);
  } catch (const json::exception&) {
    throw std::invalid_argument("adapter has a missing field or one of the wrong type");
  }
  o.validate();
  return o;
}

}  // namespace apiq
