// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/errors.h"
#include "io/finite_check.h"

namespace apiq {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct TorchDtype {
  StDtype dt;
  torch::ScalarType st;
};
constexpr TorchDtype kTorchDtypes[] = {
    {StDtype::BOOL, torch::kBool}, {StDtype::U8, torch::kUInt8},      {StDtype::I8, torch::kInt8},
    {StDtype::I16, torch::kInt16}, {StDtype::F16, torch::kHalf},      {StDtype::BF16, torch::kBFloat16},
    {StDtype::I32, torch::kInt32}, {StDtype::F32, torch::kFloat},     {StDtype::F64, torch::kDouble},
    {StDtype::I64, torch::kLong},
};

}  // namespace

torch::ScalarType to_scalar_type(StDtype dt) {
  for (const auto& r : kTorchDtypes)
    if (r.dt == dt) return r.st;
  throw std::logic_error("unknown StDtype");
}

StDtype from_scalar_type(torch::ScalarType st) {
  for (const auto& r : kTorchDtypes)
    if (r.st == st) return r.dt;
  throw std::invalid_argument(std::string("safetensors cannot store dtype ") + c10::toString(st));
}

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const fs::path& path) {
  std::shared_ptr<SafetensorsFile> f(new SafetensorsFile());
  f->path_ = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw InputError(path, "cannot stat");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(path, S_ISDIR(st.st_mode) ? "is a folder, not a safetensors file" : "is not a regular file");
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size < 8) {
    ::close(fd);
    throw InputError(path, "truncated: " + std::to_string(size) + " bytes, too short for the 8-byte header length");
  }
  void* m = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (m == MAP_FAILED) {
    ::close(fd);
    throw InputError(path, std::string("cannot map: ") + std::strerror(errno));
  }
  f->fd_ = fd;
  f->map_ = static_cast<const uint8_t*>(m);
  f->map_size_ = size;

  SafetensorsHeader h = parse_safetensors_header(f->map_, size, path);
  f->tensors_ = std::move(h.tensors);
  f->metadata_ = std::move(h.metadata);
  f->data_start_ = h.data_start;
  return f;
}

SafetensorsFile::~SafetensorsFile() {
  if (map_) ::munmap(const_cast<uint8_t*>(map_), map_size_);
  if (fd_ >= 0) ::close(fd_);
}

const TensorInfo& SafetensorsFile::info(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw InputError(path_, "no tensor named '" + name + "'");
  return it->second;
}

torch::Tensor SafetensorsFile::load(const std::string& name) const {
  const TensorInfo& ti = info(name);
  auto opts = torch::TensorOptions().dtype(to_scalar_type(ti.dtype));
  torch::Tensor out = torch::empty(ti.shape, opts);
  const uint64_t n = ti.nbytes();
  if (!n) return out;
  // pread straight from the page cache into the tensor, chunks on several threads: copying out of
  // the mapping faulted every page in on one thread (about 1 GB/s; a 7B checkpoint took 11 s to
  // load), and pread leaves no mapped pages behind to count in the process's resident memory.
  constexpr uint64_t kChunk = uint64_t{8} << 20;
  auto* dst = static_cast<char*>(out.data_ptr());
  const uint64_t begin = data_start_ + ti.begin;
  const auto chunks = static_cast<int64_t>((n + kChunk - 1) / kChunk);
  at::parallel_for(0, chunks, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      uint64_t done = static_cast<uint64_t>(c) * kChunk;
      const uint64_t end = std::min(n, done + kChunk);
      while (done < end) {
        const ssize_t got = ::pread(fd_, dst + done, end - done, static_cast<off_t>(begin + done));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0)
          throw InputError(path_, "cannot read tensor '" + name + "': " +
                                      (got < 0 ? std::string(std::strerror(errno)) : "the file ends early"));
        done += static_cast<uint64_t>(got);
      }
    }
  });
  return out;
}

torch::Tensor load_finite(const TensorStore& store, const std::string& name) {
  torch::Tensor t = store.load(name);
  if (!all_finite(t))
    throw InputError(store.file_of(name), "tensor '" + name + "' contains NaN or infinite values");
  return t;
}

TensorStore TensorStore::open_file(const fs::path& file) {
  TensorStore s;
  s.origin_ = file;
  s.files_.push_back(SafetensorsFile::open(file));
  for (const auto& [name, ti] : s.files_[0]->tensors()) s.owner_[name] = 0;
  return s;
}

TensorStore TensorStore::open_dir(const fs::path& dir) {
  const fs::path single = dir / "model.safetensors";
  const fs::path index = dir / "model.safetensors.index.json";
  if (fs::exists(index)) {
    json j;
    try {
      std::ifstream in(index);
      j = json::parse(in);
    } catch (const json::exception& e) {
      throw InputError(index, std::string("invalid JSON: ") + e.what());
    }
    if (!j.contains("weight_map") || !j["weight_map"].is_object())
      throw InputError(index, "missing the 'weight_map' object");
    TensorStore s;
    s.origin_ = index;
    std::map<std::string, size_t> file_slot;
    for (auto it = j["weight_map"].begin(); it != j["weight_map"].end(); ++it) {
      if (!it.value().is_string()) throw InputError(index, "weight_map entry '" + it.key() + "' is not a file name");
      const std::string shard = it.value().get<std::string>();
      if (shard.find('/') != std::string::npos || shard.find("..") != std::string::npos)
        throw InputError(index, "shard name '" + shard + "' leaves the model folder");
      auto slot = file_slot.find(shard);
      if (slot == file_slot.end()) {
        if (!fs::exists(dir / shard)) throw InputError(dir / shard, "shard named in the index is missing");
        s.files_.push_back(SafetensorsFile::open(dir / shard));
        slot = file_slot.emplace(shard, s.files_.size() - 1).first;
      }
      if (!s.files_[slot->second]->contains(it.key()))
        throw InputError(dir / shard, "index says it holds '" + it.key() + "' but it does not");
      s.owner_[it.key()] = slot->second;
    }
    return s;
  }
  if (fs::exists(single)) return open_file(single);
  throw InputError(dir, "no model.safetensors or model.safetensors.index.json in this folder");
}

std::vector<std::string> TensorStore::names() const {
  std::vector<std::string> out;
  out.reserve(owner_.size());
  for (const auto& [n, i] : owner_) out.push_back(n);
  return out;
}

const TensorInfo& TensorStore::info(const std::string& name) const {
  auto it = owner_.find(name);
  if (it == owner_.end()) throw InputError(origin_, "missing tensor '" + name + "'");
  return files_[it->second]->info(name);
}

torch::Tensor TensorStore::load(const std::string& name) const {
  auto it = owner_.find(name);
  if (it == owner_.end()) throw InputError(origin_, "missing tensor '" + name + "'");
  return files_[it->second]->load(name);
}

const fs::path& TensorStore::file_of(const std::string& name) const {
  auto it = owner_.find(name);
  if (it == owner_.end()) throw InputError(origin_, "missing tensor '" + name + "'");
  return files_[it->second]->path();
}

namespace {
// The finished temporary renamed to its place (removed if that fails).
void move_into_place(const fs::path& tmp, const fs::path& path) {
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError(path, "cannot move the finished file into place: " + ec.message());
  }
}

// Writes `path` through a temporary file renamed into place: a reader never sees it half written,
// and a failed write (a full disk) leaves neither file behind.
void write_atomic(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(tmp, "cannot create file for writing");
    write(out);
    out.flush();
    if (!out) {
      out.close();
      std::error_code ec;
      fs::remove(tmp, ec);
      throw InputError(tmp, "write failed (disk full?)");
    }
  }
  move_into_place(tmp, path);
}
}  // namespace

namespace {
struct Piece {
  const char* data;
  uint64_t offset, size;
};

// Writes `size` bytes made of `pieces` to `path` through a temporary file renamed into place, with
// pwrite in 8 MiB chunks on the intra-op threads. The space is reserved first where the file
// system can, so a full disk fails before anything is written; any failure removes the temporary.
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
  struct Chunk {
    const char* data;
    uint64_t offset, size;
  };
  std::vector<Chunk> chunks;
  for (const auto& p : pieces)
    for (uint64_t o = 0; o < p.size; o += kChunk) chunks.push_back({p.data + o, p.offset + o, std::min(kChunk, p.size - o)});
  std::atomic<int> error{0};
  at::parallel_for(0, static_cast<int64_t>(chunks.size()), 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1 && !error.load(); ++c) {
      const Chunk& k = chunks[static_cast<size_t>(c)];
      for (uint64_t done = 0; done < k.size;) {
        const ssize_t n = ::pwrite(fd, k.data + done, k.size - done, static_cast<off_t>(k.offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          int expected = 0;
          error.compare_exchange_strong(expected, n < 0 ? errno : ENOSPC);
          break;
        }
        done += static_cast<uint64_t>(n);
      }
    }
  });
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

void write_file_atomic(const fs::path& path, const std::string& bytes) {
  write_atomic(path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

void write_safetensors(const fs::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata) {
  struct Item {
    std::string name;
    torch::Tensor t;
    StDtype dt;
  };
  std::vector<Item> items;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__") throw std::invalid_argument("tensor name __metadata__ is reserved");
    items.push_back({name, t.detach().to(torch::kCPU).contiguous(), from_scalar_type(t.scalar_type())});
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (dtype_size(a.dt) != dtype_size(b.dt)) return dtype_size(a.dt) > dtype_size(b.dt);
    return a.name < b.name;
  });
  for (size_t i = 1; i < items.size(); ++i)
    if (items[i].name == items[i - 1].name) throw std::invalid_argument("duplicate tensor name " + items[i].name);

  // nlohmann's ordered_json keeps insertion order: __metadata__ first, then by offset.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& it : items) {
    const uint64_t n = static_cast<uint64_t>(it.t.numel()) * dtype_size(it.dt);
    nlohmann::ordered_json e;
    e["dtype"] = dtype_name(it.dt);
    e["shape"] = it.t.sizes().vec();
    e["data_offsets"] = {offset, offset + n};
    header[it.name] = e;
    offset += n;
  }
  std::string hs = header.dump();
  hs.append((8 - hs.size() % 8) % 8, ' ');
  // Written in place from the tensors, not assembled in memory (a large checkpoint is never held
  // twice), in parallel chunks: one thread copying into the page cache took ~1 s per GB.
  std::vector<Piece> pieces;
  const uint64_t hl = hs.size();
  std::string head(reinterpret_cast<const char*>(&hl), 8);
  head += hs;
  pieces.push_back({head.data(), 0, head.size()});
  uint64_t at = head.size();
  for (const auto& it : items) {
    const uint64_t n = static_cast<uint64_t>(it.t.numel()) * dtype_size(it.dt);
    if (n) pieces.push_back({static_cast<const char*>(it.t.data_ptr()), at, n});
    at += n;
  }
  write_pieces_atomic(path, at, pieces);
}

}  // namespace apiq
