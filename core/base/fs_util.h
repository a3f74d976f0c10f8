// SPDX-License-Identifier: GPL-3.0-or-later
// File-system helpers. std::filesystem::remove_all must not be called in programs that link
// the PyPI LibTorch: its libraries export a statically linked copy of std::filesystem whose
// remove_all jumps to a null pointer (seen on Debian 12 and Ubuntu 24.04 with torch 2.11).
#pragma once
#include <filesystem>
#include <string>

namespace apiq {

// Removes a file or a folder tree; a missing path is not an error. Throws on failure.
void remove_tree(const std::filesystem::path& path);

// The whole file as bytes. InputError "cannot open the <what>" or "the <what> is empty".
std::string read_nonempty_file(const std::filesystem::path& path, const std::string& what);

}  // namespace apiq
