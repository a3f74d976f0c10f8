// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/errors.h"
#include "io/finite_check.h"
#include "io/safetensors_merge.h"
#include "io/safetensors_write.h"

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

void write_file_atomic(const fs::path& path, const std::string& bytes) {
  write_atomic(path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

void write_safetensors(const fs::path& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata) {
  write_safetensors_merged(path, tensors, {}, metadata);  // the same writer, without source files
}

}  // namespace apiq
