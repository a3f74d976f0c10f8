// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/fs_util.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "base/errors.h"

namespace apiq {

namespace {
int remove_entry(const char* path, const struct stat*, int, struct FTW*) { return ::remove(path); }
}  // namespace

void remove_tree(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw std::runtime_error(path.string() + ": cannot stat: " + std::strerror(errno));
  }
  // Depth first, without following symbolic links.
  if (::nftw(path.c_str(), remove_entry, 32, FTW_DEPTH | FTW_PHYS) != 0)
    throw std::runtime_error(path.string() + ": cannot remove: " + std::strerror(errno));
}

std::string read_nonempty_file(const std::filesystem::path& path, const std::string& what) {
  // POSIX stat, not std::filesystem::is_directory: on the GPU machine (Ubuntu 24.04, PyPI LibTorch,
  // whose libraries carry their own std::filesystem) a folder given as --data was read as an empty file.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) throw InputError(path, "is a folder, not the " + what);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open the " + what);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().empty()) throw InputError(path, "the " + what + " is empty");
  return ss.str();
}

}  // namespace apiq
