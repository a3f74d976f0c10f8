// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/safetensors_write.h"

#include <fcntl.h>
#include <unistd.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_set>

#include "base/errors.h"

namespace apiq {
namespace fs = std::filesystem;

void move_into_place(const fs::path& tmp, const fs::path& path) {
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError(path, "cannot move the finished file into place: " + ec.message());
  }
}

namespace {

// `size` bytes at `offset` of the output: from memory, or from `src_fd` at `src_offset`.
struct Piece {
  const char* data;
  uint64_t offset, size;
  int src_fd = -1;
  uint64_t src_offset = 0;
};

// n bytes at `offset` of fd; 0 or an errno.
int pwrite_all(int fd, const char* data, uint64_t n, uint64_t offset) {
  for (uint64_t done = 0; done < n;) {
    const ssize_t w = ::pwrite(fd, data + done, n - done, static_cast<off_t>(offset + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return w < 0 ? errno : ENOSPC;
    done += static_cast<uint64_t>(w);
  }
  return 0;
}

// One chunk of a piece; 0 or an errno. A source file's bytes go file to file in the kernel
// (copy_file_range); where the file systems do not allow it, through a buffer.
int write_chunk(int fd, const Piece& k) {
  if (k.src_fd < 0) return pwrite_all(fd, k.data, k.size, k.offset);
  uint64_t done = 0;
  while (done < k.size) {
    loff_t in = static_cast<loff_t>(k.src_offset + done), out = static_cast<loff_t>(k.offset + done);
    const ssize_t n = ::copy_file_range(k.src_fd, &in, fd, &out, k.size - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // not supported here, or the source ends early: the buffered path tells which
    done += static_cast<uint64_t>(n);
  }
  if (done == k.size) return 0;
  std::vector<char> buffer(k.size - done);
  for (uint64_t got = 0; got < buffer.size();) {
    const ssize_t n = ::pread(k.src_fd, buffer.data() + got, buffer.size() - got,
                              static_cast<off_t>(k.src_offset + done + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;  // the source file is shorter than its header says
    got += static_cast<uint64_t>(n);
  }
  return pwrite_all(fd, buffer.data(), buffer.size(), k.offset + done);
}

// Writes `size` bytes made of `pieces` to `path` through a temporary file renamed into place, in
// 8 MiB chunks on the intra-op threads. The space is reserved first where the file system can, so
// a full disk fails before anything is written; any failure removes the temporary.
void write_pieces_atomic(const fs::path& path, uint64_t size, const std::vector<Piece>& pieces) {
  fs::path tmp = path;
  tmp += ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) throw InputError(tmp, std::string("cannot create file for writing: ") + std::strerror(errno));
  auto fail = [&](int err) {
    ::close(fd);
    std::error_code ec;
    fs::remove(tmp, ec);
    throw InputError(tmp, std::string("write failed (disk full?): ") + std::strerror(err));
  };
  if (size && ::fallocate(fd, 0, 0, static_cast<off_t>(size)) != 0 && errno != EOPNOTSUPP && errno != ENOSYS)
    fail(errno);
  constexpr uint64_t kChunk = uint64_t{8} << 20;
  std::atomic<int> error{0};
  try {
    std::vector<Piece> chunks;
    for (const auto& p : pieces)
      for (uint64_t o = 0; o < p.size; o += kChunk)
        chunks.push_back({p.data ? p.data + o : nullptr, p.offset + o, std::min(kChunk, p.size - o), p.src_fd, p.src_offset + o});
    at::parallel_for(0, static_cast<int64_t>(chunks.size()), 1, [&](int64_t c0, int64_t c1) {
      for (int64_t c = c0; c < c1 && !error.load(); ++c) {
        if (const int err = write_chunk(fd, chunks[static_cast<size_t>(c)])) {
          int expected = 0;
          error.compare_exchange_strong(expected, err);
        }
      }
    });
  } catch (const std::bad_alloc&) {
    fail(ENOMEM);  // a chunk list or a fallback buffer: nothing half-written stays behind
  }
  if (error) fail(error);
  if (::close(fd) != 0) {
    const int err = errno;
    std::error_code ec;
    fs::remove(tmp, ec);
    throw InputError(tmp, std::string("write failed (disk full?): ") + std::strerror(err));  // NOLINT: fd is closed
  }
  move_into_place(tmp, path);
}

}  // namespace

void write_items_atomic(const fs::path& path, std::vector<WriteItem> items,
                        const std::map<std::string, std::string>& metadata) {
  std::unordered_set<std::string> names;
  for (const auto& it : items) {
    if (it.name == "__metadata__") throw std::invalid_argument("tensor name __metadata__ is reserved");
    if (!names.insert(it.name).second) throw std::invalid_argument("duplicate tensor name " + it.name);
  }
  std::sort(items.begin(), items.end(), [](const WriteItem& a, const WriteItem& b) {
    if (dtype_size(a.dtype) != dtype_size(b.dtype)) return dtype_size(a.dtype) > dtype_size(b.dtype);
    return a.name < b.name;
  });

  // nlohmann's ordered_json keeps insertion order: __metadata__ first, then by offset.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& it : items) {
    nlohmann::ordered_json e;
    e["dtype"] = dtype_name(it.dtype);
    e["shape"] = it.shape;
    e["data_offsets"] = {offset, offset + it.bytes};
    header[it.name] = e;
    offset += it.bytes;
  }
  std::string hs = header.dump();
  hs.append((8 - hs.size() % 8) % 8, ' ');
  std::vector<Piece> pieces;
  const uint64_t hl = hs.size();
  std::string head(reinterpret_cast<const char*>(&hl), 8);
  head += hs;
  pieces.push_back({head.data(), 0, head.size()});
  uint64_t at = head.size();
  for (const auto& it : items) {
    if (it.bytes) pieces.push_back({it.data, at, it.bytes, it.src_fd, it.src_offset});
    at += it.bytes;
  }
  write_pieces_atomic(path, at, pieces);
}

}  // namespace apiq
