// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/safetensors_header.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "base/errors.h"

namespace apiq {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr uint64_t kMaxHeader = 100'000'000;  // the reference implementation's limit

struct DtypeRow {
  StDtype dt;
  const char* name;
  int64_t size;
};
constexpr DtypeRow kDtypes[] = {
    {StDtype::BOOL, "BOOL", 1}, {StDtype::U8, "U8", 1},   {StDtype::I8, "I8", 1},   {StDtype::I16, "I16", 2},
    {StDtype::F16, "F16", 2},   {StDtype::BF16, "BF16", 2}, {StDtype::I32, "I32", 4}, {StDtype::F32, "F32", 4},
    {StDtype::F64, "F64", 8},   {StDtype::I64, "I64", 8},
};

const DtypeRow& row(StDtype dt) {
  for (const auto& r : kDtypes)
    if (r.dt == dt) return r;
  throw std::logic_error("unknown StDtype");
}

// The header as JSON; a key that appears twice in the top-level object is refused (JSON parsers
// keep the last one, which would silently load another tensor than the file's first entry).
json parse_unique_keys(const uint8_t* begin, const uint8_t* end, const fs::path& path) {
  std::set<std::string> seen;
  std::string duplicate;
  auto cb = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::key && depth == 1 && !seen.insert(parsed.get<std::string>()).second &&
        duplicate.empty())
      duplicate = parsed.get<std::string>();
    return true;
  };
  json header;
  try {
    header = json::parse(begin, end, cb);
  } catch (const json::exception& e) {  // parse errors, and number overflow (406), which the callback parser throws
    throw InputError(path, std::string("invalid JSON header: ") + e.what());
  }
  if (!duplicate.empty()) throw InputError(path, "tensor '" + duplicate + "' appears twice in the header");
  if (!header.is_object()) throw InputError(path, "header is not a JSON object");
  return header;
}

// Element count and byte size of a shape, refusing anything that does not fit in 63 bits.
bool checked_bytes(const std::vector<int64_t>& shape, int64_t elem, uint64_t& bytes) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (__builtin_mul_overflow(n, d, &n)) return false;
  int64_t b = 0;
  if (__builtin_mul_overflow(n, elem, &b)) return false;
  bytes = static_cast<uint64_t>(b);
  return true;
}

TensorInfo parse_entry(const std::string& name, const json& v, uint64_t data_size, const fs::path& path) {
  auto bad = [&](const std::string& what) { return InputError(path, "tensor '" + name + "': " + what); };
  if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
    throw bad("entry needs dtype, shape and data_offsets");
  TensorInfo ti;
  ti.name = name;
  if (!v["dtype"].is_string()) throw bad("dtype is not a string");
  const std::string dts = v["dtype"].get<std::string>();
  const auto known = std::find_if(std::begin(kDtypes), std::end(kDtypes), [&](const DtypeRow& r) { return dts == r.name; });
  if (known == std::end(kDtypes)) throw bad("unsupported dtype '" + dts + "'");
  ti.dtype = known->dt;
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
  uint64_t expect = 0;
  if (!checked_bytes(ti.shape, known->size, expect)) throw bad("shape's element count overflows 64 bits");
  if (expect != ti.nbytes())
    throw bad("shape × dtype size is " + std::to_string(expect) + " bytes but data_offsets span " +
              std::to_string(ti.nbytes()));
  return ti;
}

void parse_metadata(const json& v, std::map<std::string, std::string>& out, const fs::path& path) {
  if (!v.is_object()) throw InputError(path, "__metadata__ is not an object");
  for (auto m = v.begin(); m != v.end(); ++m) {
    if (!m.value().is_string()) throw InputError(path, "__metadata__ value of '" + m.key() + "' is not a string");
    out[m.key()] = m.value().get<std::string>();
  }
}

}  // namespace

const char* dtype_name(StDtype dt) { return row(dt).name; }
int64_t dtype_size(StDtype dt) { return row(dt).size; }

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

SafetensorsHeader parse_safetensors_header(const uint8_t* bytes, uint64_t size, const fs::path& path) {
  if (size < 8)
    throw InputError(path, "truncated: " + std::to_string(size) + " bytes, too short for the 8-byte header length");
  uint64_t header_len = 0;
  std::memcpy(&header_len, bytes, 8);  // little-endian on every platform we build for
  if (header_len > size - 8)
    throw InputError(path, "header length " + std::to_string(header_len) + " is larger than the file (" +
                               std::to_string(size) + " bytes); the file is truncated or not safetensors");
  if (header_len > kMaxHeader)
    throw InputError(path, "header length " + std::to_string(header_len) + " exceeds the 100 MB limit");
  SafetensorsHeader h;
  h.data_start = 8 + header_len;
  const uint64_t data_size = size - h.data_start;
  const json header = parse_unique_keys(bytes + 8, bytes + 8 + header_len, path);

  std::vector<const TensorInfo*> by_offset;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      parse_metadata(it.value(), h.metadata, path);
      continue;
    }
    auto [pos, inserted] = h.tensors.emplace(it.key(), parse_entry(it.key(), it.value(), data_size, path));
    by_offset.push_back(&pos->second);
  }
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
  uint64_t cursor = 0;
  for (const TensorInfo* t : by_offset) {
    if (t->begin < cursor) throw InputError(path, "tensor '" + t->name + "' overlaps the bytes of another tensor");
    cursor = std::max(cursor, t->end);
  }
  if (cursor != data_size)
    throw InputError(path, "data buffer holds " + std::to_string(data_size) + " bytes but tensors cover " +
                               std::to_string(cursor));
  return h;
}

}  // namespace apiq
