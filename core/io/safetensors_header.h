// SPDX-License-Identifier: GPL-3.0-or-later
// The header of a safetensors file, parsed and validated completely (no LibTorch here, so the
// parser can be fuzzed alone): tensor names, dtypes, shapes and byte ranges, and the metadata.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace apiq {

enum class StDtype { BOOL, U8, I8, I16, F16, BF16, I32, F32, F64, I64 };

const char* dtype_name(StDtype dt);
int64_t dtype_size(StDtype dt);

struct TensorInfo {
  std::string name;
  StDtype dtype = StDtype::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets relative to the data buffer, end exclusive
  uint64_t end = 0;
  int64_t numel() const;  // the header check guarantees it fits in 63 bits
  uint64_t nbytes() const { return end - begin; }
};

struct SafetensorsHeader {
  std::map<std::string, TensorInfo> tensors;
  std::map<std::string, std::string> metadata;
  uint64_t data_start = 0;  // offset of the data buffer in the file
};

// `bytes` is the whole file (`size` bytes); `origin` names it in errors. Every problem is an
// InputError: a truncated file, a header that is not JSON, a duplicated tensor name, an unknown
// dtype, a shape whose element count does not fit in 63 bits, offsets outside the data or
// overlapping, or data bytes that no tensor covers.
SafetensorsHeader parse_safetensors_header(const uint8_t* bytes, uint64_t size, const std::filesystem::path& origin);

}  // namespace apiq
