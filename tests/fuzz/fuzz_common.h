// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the libFuzzer targets: loaders that read a path get the input through a scratch file.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace apiq::fuzz {

// A per-process file under $TMPDIR (default /dev/shm) with the given name suffix, holding the input.
inline std::filesystem::path write_scratch(const uint8_t* data, size_t size, const std::string& suffix) {
  static const std::filesystem::path dir = [] {
    const char* t = std::getenv("TMPDIR");
    return std::filesystem::path(t && *t ? t : "/dev/shm");
  }();
  const auto path = dir / ("apiq-fuzz-" + std::to_string(::getpid()) + suffix);
  if (FILE* f = std::fopen(path.c_str(), "wb")) {
    if (size) std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return path;
}

}  // namespace apiq::fuzz
