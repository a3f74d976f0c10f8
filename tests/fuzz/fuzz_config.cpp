// SPDX-License-Identifier: GPL-3.0-or-later
// config.json with and without quantization_config: parsing and validation on arbitrary text.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "base/errors.h"
#include "io/config.h"
#include "quant/quant_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  try {
    const auto cfg = apiq::LlamaConfig::from_json(j, "config.json");
    if (apiq::is_quantized_config(cfg)) {
      const auto spec = apiq::quant_spec_of(cfg, "config.json");
      spec.validate();  // a spec that parsed must be valid
      (void)apiq::QuantSpec::from_json(spec.to_json(), "round-trip");
    }
  } catch (const apiq::InputError&) {
  }
  return 0;
}
