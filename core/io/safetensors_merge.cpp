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

// The header of an open safetensors file, read with pread (the tensor bytes are not touched). The
// parser is given the header's bytes with the whole file's size: it reads only the first 8 + header
// length bytes, which it checks against that size first.
SafetensorsHeader read_header(int fd, const fs::path& file) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw InputError(file, std::string("cannot read: ") + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw InputError(file, "not a regular file");
  const auto size = static_cast<uint64_t>(st.st_size);
  // The first 8 bytes hold the header's length. A length past the file or the parser's limit is
  // refused by the parser from those 8 bytes alone, before anything of that length is allocated.
  std::vector<uint8_t> head(static_cast<size_t>(std::min<uint64_t>(size, 8)));
  auto read_into = [&](size_t from) {
    for (size_t got = from; got < head.size();) {
      const ssize_t n = ::pread(fd, head.data() + got, head.size() - got, static_cast<off_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw InputError(file, "cannot read the header");
      got += static_cast<size_t>(n);
    }
  };
  read_into(0);
  uint64_t header_len = 0;
  if (head.size() == 8) std::memcpy(&header_len, head.data(), 8);
  constexpr uint64_t kMaxHeader = 100'000'000;
  if (head.size() == 8 && header_len <= size - 8 && header_len <= kMaxHeader) {
    head.resize(static_cast<size_t>(8 + header_len));
    read_into(8);
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
