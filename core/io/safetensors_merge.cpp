// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/safetensors_merge.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/errors.h"
#include "io/safetensors_write.h"

namespace apiq {
namespace fs = std::filesystem;

namespace {

// Open source files, closed when the write is done (or failed).
struct SourceFiles {
  std::vector<int> fds;
  ~SourceFiles() {
    for (int fd : fds) ::close(fd);
  }
};

// The header of an open safetensors file, read with pread (the tensor bytes are not touched).
SafetensorsHeader read_header(int fd, const fs::path& file) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw InputError(file, std::string("cannot read: ") + std::strerror(errno));
  const auto size = static_cast<uint64_t>(st.st_size);
  uint64_t header_len = 0;
  if (size >= 8 && ::pread(fd, &header_len, 8, 0) != 8) throw InputError(file, "cannot read the header length");
  // Only the header is read; the parser checks the length against the file size before using it.
  std::vector<uint8_t> head(static_cast<size_t>(std::min(size, 8 + std::min<uint64_t>(header_len, size))));
  for (size_t got = 0; got < head.size();) {
    const ssize_t n = ::pread(fd, head.data() + got, head.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw InputError(file, "cannot read the header");
    got += static_cast<size_t>(n);
  }
  return parse_safetensors_header(head.data(), size, file);
}

}  // namespace

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
  SourceFiles sources;
  for (const auto& file : files) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(file, std::string("cannot open: ") + std::strerror(errno));
    sources.fds.push_back(fd);
    const SafetensorsHeader h = read_header(fd, file);
    for (const auto& [name, info] : h.tensors)
      items.push_back({name, info.dtype, info.shape, info.nbytes(), nullptr, fd, h.data_start + info.begin});
  }
  write_items_atomic(path, std::move(items), metadata);
}

}  // namespace apiq
