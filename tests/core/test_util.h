// SPDX-License-Identifier: GPL-3.0-or-later
// Shared helpers for the core tests: where ../shared is, and skipping when it is absent.
#pragma once
#include <gtest/gtest.h>
#include <torch/types.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/fs_util.h"

namespace apiq::test {

inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("APIQ_SHARED_DIR")) return env;
  return APIQ_SHARED_DIR;
}
inline std::filesystem::path shared(const std::string& rel) { return shared_dir() / rel; }

// A fresh empty folder under the system temp dir, removed at scope exit.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("apiq_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    apiq::remove_tree(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    try {
      apiq::remove_tree(path);
    } catch (const std::exception&) {
    }
  }
  static int& counter() {
    static int c = 0;
    return c;
  }
};

// The first `bytes` of `from` written to `to` (small training and held-out texts).
inline void copy_head(const std::filesystem::path& from, const std::filesystem::path& to, size_t bytes) {
  std::ifstream in(from, std::ios::binary);
  std::string s(bytes, '\0');
  in.read(s.data(), static_cast<std::streamsize>(bytes));
  s.resize(static_cast<size_t>(in.gcount()));
  std::ofstream(to, std::ios::binary) << s;
}

}  // namespace apiq::test

// Skips (never passes silently) when a file from ../shared is missing.
#define APIQ_REQUIRE_SHARED(rel)                                                                  \
  do {                                                                                            \
    if (!std::filesystem::exists(::apiq::test::shared(rel)))                                      \
      GTEST_SKIP() << "../shared/" << (rel) << " is not available (tests need ../shared beside the checkout)"; \
  } while (0)

#define APIQ_REQUIRE_CUDA()                                                                       \
  do {                                                                                            \
    if (!::apiq::cuda_kernels_available()) GTEST_SKIP() << "no CUDA GPU (or built without APIQ_WITH_CUDA)"; \
  } while (0)
