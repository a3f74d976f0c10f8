// SPDX-License-Identifier: GPL-3.0-or-later
// Assembling one safetensors file from tensors in memory and whole safetensors files (a calibrated
// checkpoint from its saved block states) without loading the files' tensors.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "io/safetensors.h"

namespace apiq {

// The same bytes as write_safetensors(path, tensors + every tensor of `files`, metadata), with the
// files' tensors copied file to file by the kernel (copy_file_range; read and written where the
// file systems do not allow that): no allocation, page faults or copy through this process per
// byte. A file that cannot be opened or is not valid safetensors is an InputError naming it; a
// name held twice is std::invalid_argument.
void write_safetensors_merged(const std::filesystem::path& path, const NamedTensors& tensors,
                              const std::vector<std::filesystem::path>& files,
                              const std::map<std::string, std::string>& metadata = {});

}  // namespace apiq
