// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>

namespace apiq {

// A problem with something the user handed us (a file, a folder, a flag value).
// It always names the file and the problem, so the CLI can print one line and exit 2.
class InputError : public std::runtime_error {
 public:
  InputError(const std::filesystem::path& path, const std::string& problem)
      : std::runtime_error(path.string() + ": " + problem), path_(path), problem_(problem) {}
  const std::filesystem::path& path() const { return path_; }
  const std::string& problem() const { return problem_; }

 private:
  std::filesystem::path path_;
  std::string problem_;
};

// Thrown from inside long work when the user's cancel flag is seen.
class CancelledError : public std::runtime_error {
 public:
  CancelledError() : std::runtime_error("cancelled") {}
};

// Thrown when a training loss turns NaN or infinite; names where (block, step).
class NonFiniteLossError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace apiq
