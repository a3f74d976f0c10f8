// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/safetensors_merge.h"

#include "io/safetensors_write.h"

namespace apiq {
namespace fs = std::filesystem;

void write_safetensors_merged(const fs::path& path, const NamedTensors& tensors, const std::vector<fs::path>& files,
                              const std::map<std::string, std::string>& metadata) {
  // The in-memory tensors are written in place (a large checkpoint is never held twice).
  std::vector<torch::Tensor> held;
  std::vector<WriteItem> items;
  for (const auto& [name, t] : tensors) {
    held.push_back(t.detach().to(torch::kCPU).contiguous());
    const auto& c = held.back();
    const StDtype dt = from_scalar_type(c.scalar_type());
    items.push_back({name, dt, c.sizes().vec(), static_cast<uint64_t>(c.numel()) * dtype_size(dt),
                     static_cast<const char*>(c.data_ptr())});
  }
  // Opened (header validated, InputError naming the file otherwise) and kept open until written.
  std::vector<std::shared_ptr<SafetensorsFile>> sources;
  for (const auto& file : files) {
    sources.push_back(SafetensorsFile::open(file));
    const auto& src = *sources.back();
    for (const auto& [name, info] : src.tensors())
      items.push_back({name, info.dtype, info.shape, info.nbytes(), nullptr, src.descriptor(), src.file_offset(name)});
  }
  write_items_atomic(path, std::move(items), metadata);
}

}  // namespace apiq
