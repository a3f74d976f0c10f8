// SPDX-License-Identifier: GPL-3.0-or-later
// The safetensors writer's common part (safetensors.cpp writes tensors from memory,
// safetensors_merge.cpp also copies tensors file to file): one layout rule, one atomic write.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "io/safetensors_header.h"

namespace apiq {

// One tensor to write: its bytes in memory (`data`), or at `src_offset` of the open file `src_fd`.
struct WriteItem {
  std::string name;
  StDtype dtype = StDtype::F32;
  std::vector<int64_t> shape;
  uint64_t bytes = 0;
  const char* data = nullptr;
  int src_fd = -1;
  uint64_t src_offset = 0;
};

// Compact JSON header padded with spaces to a multiple of 8 (metadata first), tensors ordered by
// decreasing element size then name (natural alignment), written to `path.tmp` with pwrite (or
// copy_file_range from a source file) in 8 MiB chunks on the intra-op threads after reserving the
// size, then renamed into place. Throws std::invalid_argument on duplicate or reserved names and
// InputError (naming the file) when the write fails; a failed write leaves nothing behind.
void write_items_atomic(const std::filesystem::path& path, std::vector<WriteItem> items,
                        const std::map<std::string, std::string>& metadata);

// The finished temporary renamed to its place (removed if that fails).
void move_into_place(const std::filesystem::path& tmp, const std::filesystem::path& path);

}  // namespace apiq
