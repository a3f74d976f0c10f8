// SPDX-License-Identifier: GPL-3.0-or-later
// The safetensors header parser on arbitrary bytes: any problem must be an InputError.
#include <cstdint>

#include "base/errors.h"
#include "io/safetensors_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto h = apiq::parse_safetensors_header(data, size, "fuzz.safetensors");
    // What the parser promises: every tensor lies inside the data and its bytes match its shape.
    for (const auto& [name, t] : h.tensors) {
      if (t.end < t.begin || h.data_start + t.end > size) __builtin_trap();
      if (static_cast<uint64_t>(t.numel()) * static_cast<uint64_t>(apiq::dtype_size(t.dtype)) != t.nbytes())
        __builtin_trap();
    }
  } catch (const apiq::InputError&) {
  }
  return 0;
}
