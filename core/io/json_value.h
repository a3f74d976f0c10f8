// SPDX-License-Identifier: GPL-3.0-or-later
// Typed reads of JSON values that never hit undefined behaviour: nlohmann's get<integer>() of a
// floating-point value is a static_cast, undefined when the value is out of range (found by
// fuzz_config with 6.4e23). Integers are read only from JSON integers that fit the type.
#pragma once
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace apiq {

// The value as T; std::invalid_argument ("not an integer", "integer out of range", or the
// library's type error text) when it is not one.
template <class T>
T json_value(const nlohmann::json& v) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    if (!v.is_number_integer()) throw std::invalid_argument("not an integer");
    if (v.is_number_unsigned()) {
      const auto u = v.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<T>::max())) throw std::invalid_argument("integer out of range");
      return static_cast<T>(u);
    }
    const auto s = v.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      if (s < 0) throw std::invalid_argument("integer out of range");
    } else {
      if (s < std::numeric_limits<T>::min() || s > std::numeric_limits<T>::max())
        throw std::invalid_argument("integer out of range");
    }
    return static_cast<T>(s);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.is_number()) throw std::invalid_argument("not a number");
    return v.get<T>();
  } else {
    try {
      return v.get<T>();
    } catch (const nlohmann::json::exception& e) {
      throw std::invalid_argument(e.what());
    }
  }
}

template <class T>
std::vector<T> json_array(const nlohmann::json& v) {
  if (!v.is_array()) throw std::invalid_argument("not an array");
  std::vector<T> out;
  for (const auto& e : v) out.push_back(json_value<T>(e));
  return out;
}

}  // namespace apiq
