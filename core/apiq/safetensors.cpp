// SPDX-License-Identifier: GPL-3.0-or-later
#include "apiq/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "apiq/errors.h"

namespace apiq {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr uint64_t kMaxHeader = 100'000'000;  // the reference implementation's limit

struct DtypeRow {
  StDtype dt;
  const char* name;
  int64_t size;
  torch::ScalarType st;
};
constexpr DtypeRow kDtypes[] = {
    {StDtype::BOOL, "BOOL", 1, torch::kBool},    {StDtype::U8, "U8", 1, torch::kUInt8},
    {StDtype::I8, "I8", 1, torch::kInt8},        {StDtype::I16, "I16", 2, torch::kInt16},
    {StDtype::F16, "F16", 2, torch::kHalf},      {StDtype::BF16, "BF16", 2, torch::kBFloat16},
    {StDtype::I32, "I32", 4, torch::kInt32},     {StDtype::F32, "F32", 4, torch::kFloat},
    {StDtype::F64, "F64", 8, torch::kDouble},    {StDtype::I64, "I64", 8, torch::kLong},
};

const DtypeRow& row(StDtype dt) {
  for (const auto& r : kDtypes)
    if (r.dt == dt) return r;
  throw std::logic_error("unknown StDtype");
}

}  // namespace

const char* dtype_name(StDtype dt) { return row(dt).name; }
int64_t dtype_size(StDtype dt) { return row(dt).size; }
torch::ScalarType to_scalar_type(StDtype dt) { return row(dt).st; }
StDtype from_scalar_type(torch::ScalarType st) {
  for (const auto& r : kDtypes)
    if (r.st == st) return r.dt;
  throw std::invalid_argument(std::string("safetensors cannot store dtype ") + c10::toString(st));
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
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
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size < 8) {
    ::close(fd);
    throw InputError(path, "truncated: " + std::to_string(size) + " bytes, too short for the 8-byte header length");
  }
  void* m = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (m == MAP_FAILED) throw InputError(path, std::string("cannot map: ") + std::strerror(errno));
  f->map_ = static_cast<const uint8_t*>(m);
  f->map_size_ = size;

  uint64_t header_len = 0;
  std::memcpy(&header_len, f->map_, 8);  // little-endian on every platform we build for
  if (header_len > size - 8)
    throw InputError(path, "header length " + std::to_string(header_len) + " is larger than the file (" +
                               std::to_string(size) + " bytes); the file is truncated or not safetensors");
  if (header_len > kMaxHeader)
    throw InputError(path, "header length " + std::to_string(header_len) + " exceeds the 100 MB limit");
  f->data_start_ = 8 + header_len;
  const uint64_t data_size = size - f->data_start_;

  json header;
  try {
    header = json::parse(f->map_ + 8, f->map_ + 8 + header_len);
  } catch (const json::parse_error& e) {
    throw InputError(path, std::string("invalid JSON header: ") + e.what());
  }
  if (!header.is_object()) throw InputError(path, "header is not a JSON object");

  std::vector<const TensorInfo*> by_offset;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const json& v = it.value();
    if (name == "__metadata__") {
      if (!v.is_object()) throw InputError(path, "__metadata__ is not an object");
      for (auto m2 = v.begin(); m2 != v.end(); ++m2) {
        if (!m2.value().is_string())
          throw InputError(path, "__metadata__ value of '" + m2.key() + "' is not a string");
        f->metadata_[m2.key()] = m2.value().get<std::string>();
      }
      continue;
    }
    auto bad = [&](const std::string& what) { return InputError(path, "tensor '" + name + "': " + what); };
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      throw bad("entry needs dtype, shape and data_offsets");
    TensorInfo ti;
    ti.name = name;
    if (!v["dtype"].is_string()) throw bad("dtype is not a string");
    const std::string dts = v["dtype"].get<std::string>();
    bool known = false;
    for (const auto& r : kDtypes)
      if (dts == r.name) {
        ti.dtype = r.dt;
        known = true;
      }
    if (!known) throw bad("unsupported dtype '" + dts + "'");
    if (!v["shape"].is_array()) throw bad("shape is not an array");
    for (const auto& d : v["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0) throw bad("shape has a non-integer or negative dimension");
      ti.shape.push_back(d.get<int64_t>());
    }
    const json& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      throw bad("data_offsets must be two non-negative integers");
    ti.begin = off[0].get<uint64_t>();
    ti.end = off[1].get<uint64_t>();
    if (ti.end < ti.begin) throw bad("data_offsets end before they begin");
    if (ti.end > data_size)
      throw bad("data_offsets [" + std::to_string(ti.begin) + ", " + std::to_string(ti.end) +
                ") lie outside the file's data (" + std::to_string(data_size) + " bytes)");
    const uint64_t expect = static_cast<uint64_t>(ti.numel()) * static_cast<uint64_t>(dtype_size(ti.dtype));
    if (expect != ti.nbytes())
      throw bad("shape × dtype size is " + std::to_string(expect) + " bytes but data_offsets span " +
                std::to_string(ti.nbytes()));
    auto [pos, inserted] = f->tensors_.emplace(name, std::move(ti));
    if (!inserted) throw bad("duplicate tensor name");
    by_offset.push_back(&pos->second);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
  uint64_t cursor = 0;
  for (const TensorInfo* t : by_offset) {
    if (t->begin < cursor)
      throw InputError(path, "tensor '" + t->name + "' overlaps the bytes of another tensor");
    cursor = std::max(cursor, t->end);
  }
  if (cursor != data_size)
    throw InputError(path, "data buffer holds " + std::to_string(data_size) + " bytes but tensors cover " +
                               std::to_string(cursor));
  return f;
}

SafetensorsFile::~SafetensorsFile() {
  if (map_) ::munmap(const_cast<uint8_t*>(map_), map_size_);
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
  if (ti.nbytes()) std::memcpy(out.data_ptr(), map_ + data_start_ + ti.begin, ti.nbytes());
  return out;
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

void write_file_atomic(const fs::path& path, const std::string& bytes) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(tmp, "cannot create file for writing");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw InputError(tmp, "write failed (disk full?)");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError(path, "cannot move the finished file into place: " + ec.message());
  }
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
  std::string bytes;
  bytes.reserve(8 + hs.size() + offset);
  const uint64_t hl = hs.size();
  bytes.append(reinterpret_cast<const char*>(&hl), 8);
  bytes += hs;
  for (const auto& it : items) {
    const size_t n = static_cast<size_t>(it.t.numel()) * dtype_size(it.dt);
    if (n) bytes.append(static_cast<const char*>(it.t.data_ptr()), n);
  }
  write_file_atomic(path, bytes);
}

}  // namespace apiq
