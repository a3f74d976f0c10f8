// SPDX-License-Identifier: GPL-3.0-or-later
// safetensors: memory-mapped, validated reader (single file or sharded index) and an atomic writer.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "io/safetensors_header.h"

namespace apiq {

torch::ScalarType to_scalar_type(StDtype dt);
StDtype from_scalar_type(torch::ScalarType st);  // throws std::invalid_argument when unsupported

// One .safetensors file. The header is validated completely on open; tensor bytes are read only
// when loaded.
class SafetensorsFile {
 public:
  static std::shared_ptr<SafetensorsFile> open(const std::filesystem::path& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const std::map<std::string, TensorInfo>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
  const TensorInfo& info(const std::string& name) const;
  // An owned CPU tensor with the file's dtype and shape.
  torch::Tensor load(const std::string& name) const;
  // The open file and where a tensor's bytes start in it (for copies file to file).
  int descriptor() const { return fd_; }
  uint64_t file_offset(const std::string& name) const { return data_start_ + info(name).begin; }

 private:
  SafetensorsFile() = default;
  std::filesystem::path path_;
  const uint8_t* map_ = nullptr;  // the header is parsed from the mapping
  size_t map_size_ = 0;
  int fd_ = -1;  // tensor bytes are read with pread, in parallel chunks
  uint64_t data_start_ = 0;
  std::map<std::string, TensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
};

// The tensors of a model folder: `model.safetensors`, or the shards named by
// `model.safetensors.index.json`, seen as one name space.
class TensorStore {
 public:
  static TensorStore open_dir(const std::filesystem::path& dir);
  static TensorStore open_file(const std::filesystem::path& file);

  std::vector<std::string> names() const;  // sorted
  bool contains(const std::string& name) const { return owner_.count(name) != 0; }
  const TensorInfo& info(const std::string& name) const;
  torch::Tensor load(const std::string& name) const;
  const std::filesystem::path& file_of(const std::string& name) const;
  const std::vector<std::shared_ptr<SafetensorsFile>>& files() const { return files_; }

 private:
  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  std::map<std::string, size_t> owner_;  // tensor name -> index into files_
  std::filesystem::path origin_;
};

// store.load(name), refused (InputError naming the file and tensor) when it holds NaN or infinite values.
torch::Tensor load_finite(const TensorStore& store, const std::string& name);

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Writes a safetensors file: compact JSON header padded with spaces to a multiple of 8,
// tensors ordered by decreasing element size then name (natural alignment), written to
// `path.tmp` and renamed into place so a crash never leaves a half-written file.
void write_safetensors(const std::filesystem::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Writes text to a temporary file beside `path`, then renames it into place.
void write_file_atomic(const std::filesystem::path& path, const std::string& bytes);

}  // namespace apiq
