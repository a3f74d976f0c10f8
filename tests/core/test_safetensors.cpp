// SPDX-License-Identifier: GPL-3.0-or-later
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "base/errors.h"
#include "io/finite_check.h"
#include "io/safetensors.h"
#include "io/safetensors_merge.h"
#include "test_util.h"

using namespace apiq;
using apiq::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Writes a raw safetensors file from a header string and `data_bytes` zero bytes.
void write_raw(const fs::path& p, const std::string& header, size_t data_bytes, int64_t claimed_len = -1) {
  std::ofstream out(p, std::ios::binary);
  const uint64_t n = claimed_len < 0 ? header.size() : static_cast<uint64_t>(claimed_len);
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << header;
  out << std::string(data_bytes, '\0');
}

// Expects opening `p` to fail with an InputError that names the file and contains `what`.
void expect_bad(const fs::path& p, const std::string& what) {
  try {
    SafetensorsFile::open(p);
    FAIL() << "no error for " << p;
  } catch (const InputError& e) {
    EXPECT_EQ(e.path(), p);
    EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line: " << e.what();
  }
}

}  // namespace

TEST(Safetensors, RoundTripEveryDtype) {
  TempDir d;
  NamedTensors ts;
  ts.emplace_back("f32", torch::randn({3, 5}));
  ts.emplace_back("f16", torch::randn({7}).to(torch::kHalf));
  ts.emplace_back("bf16", torch::randn({2, 2, 3}).to(torch::kBFloat16));
  ts.emplace_back("i8", torch::randint(-128, 127, {9}, torch::kInt8));
  ts.emplace_back("u8", torch::randint(0, 255, {4, 1}, torch::kUInt8));
  ts.emplace_back("i32", torch::randint(-1000000, 1000000, {6}, torch::kInt32));
  ts.emplace_back("i64", torch::randint(-1000000, 1000000, {2, 3}, torch::kInt64));
  ts.emplace_back("empty", torch::zeros({0, 4}));
  ts.emplace_back("scalar", torch::tensor(3.5f).reshape({}));
  write_safetensors(d.path / "a.safetensors", ts, {{"format", "pt"}});
  auto f = SafetensorsFile::open(d.path / "a.safetensors");
  EXPECT_EQ(f->metadata().at("format"), "pt");
  ASSERT_EQ(f->tensors().size(), ts.size());
  for (const auto& [name, t] : ts) {
    auto back = f->load(name);
    EXPECT_EQ(back.scalar_type(), t.scalar_type()) << name;
    EXPECT_EQ(back.sizes(), t.sizes()) << name;
    EXPECT_TRUE(torch::equal(back, t)) << name;
  }
  // Header padded with spaces to a multiple of 8; no temp file left behind.
  const std::string bytes = slurp(d.path / "a.safetensors");
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ(n % 8, 0u);
  EXPECT_FALSE(fs::exists(d.path / "a.safetensors.tmp"));
}

// Tensors are read in 8 MiB chunks on several threads: a tensor of several chunks and a ragged
// end, at an offset that is no multiple of the chunk, must come back byte for byte.
TEST(Safetensors, LoadsTensorsOfManyChunks) {
  TempDir d;
  NamedTensors ts;
  ts.emplace_back("a_small", torch::randn({3}));
  ts.emplace_back("b_big", torch::randint(0, 255, {(int64_t{8} << 20) * 3 + 12345}, torch::kUInt8));
  ts.emplace_back("c_big", torch::randn({1031, 4099}).to(torch::kBFloat16));
  write_safetensors(d.path / "m.safetensors", ts);
  auto f = SafetensorsFile::open(d.path / "m.safetensors");
  for (const auto& [name, t] : ts) EXPECT_TRUE(torch::equal(f->load(name), t)) << name;
}

// A file cut short after it was opened: the load fails with the file named, no crash.
TEST(SafetensorsBadInput, FileCutAfterOpen) {
  TempDir d;
  write_safetensors(d.path / "m.safetensors", {{"w", torch::randn({1 << 20})}});
  auto f = SafetensorsFile::open(d.path / "m.safetensors");
  fs::resize_file(d.path / "m.safetensors", 4096);
  try {
    f->load("w");
    FAIL() << "no error for a file that ends early";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("ends early"), std::string::npos) << e.what();
    EXPECT_EQ(e.path(), d.path / "m.safetensors");
  }
}

// Byte-exact vectors of the reference implementation's own tests (header lengths).
TEST(Safetensors, MatchesReferenceHeaderLengths) {
  TempDir d;
  auto header_len = [&](const NamedTensors& ts, const std::map<std::string, std::string>& md) {
    write_safetensors(d.path / "v.safetensors", ts, md);
    const std::string b = slurp(d.path / "v.safetensors");
    uint64_t n = 0;
    std::memcpy(&n, b.data(), 8);
    return n;
  };
  const auto z = torch::zeros({2, 2}, torch::kInt32);
  EXPECT_EQ(header_len({{"test", z}}, {}), 64u);
  EXPECT_EQ(header_len({{"test1", z}}, {{"framework", "pt"}}), 96u);
  // F16 inserted first still lands after I32.
  EXPECT_EQ(header_len({{"test2", torch::zeros({2, 2}, torch::kHalf)}, {"test1", z}}, {}), 128u);
  const std::string b = slurp(d.path / "v.safetensors");
  EXPECT_EQ(b.substr(8, 16), "{\"test1\":{\"dtype");
}

TEST(Safetensors, ShardedIndex) {
  TempDir d;
  auto a = torch::randn({4, 4}), b = torch::randn({3});
  write_safetensors(d.path / "model-00001-of-00002.safetensors", {{"x.weight", a}});
  write_safetensors(d.path / "model-00002-of-00002.safetensors", {{"y.weight", b}});
  nlohmann::json idx = {{"metadata", {{"total_size", 76}}},
                        {"weight_map", {{"x.weight", "model-00001-of-00002.safetensors"},
                                        {"y.weight", "model-00002-of-00002.safetensors"}}}};
  std::ofstream(d.path / "model.safetensors.index.json") << idx.dump(2);
  auto store = TensorStore::open_dir(d.path);
  EXPECT_EQ(store.names(), (std::vector<std::string>{"x.weight", "y.weight"}));
  EXPECT_TRUE(torch::equal(store.load("y.weight"), b));
  EXPECT_EQ(store.file_of("x.weight").filename(), "model-00001-of-00002.safetensors");

  fs::remove(d.path / "model-00002-of-00002.safetensors");
  try {
    TensorStore::open_dir(d.path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("model-00002-of-00002.safetensors"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos);
  }
}

TEST(Safetensors, RealShardedModel) {
  APIQ_REQUIRE_SHARED("models/mix8k-32M/model.safetensors.index.json");
  auto store = TensorStore::open_dir(apiq::test::shared("models/mix8k-32M"));
  EXPECT_EQ(store.files().size(), 5u);
  const auto& info = store.info("model.layers.0.self_attn.q_proj.weight");
  EXPECT_EQ(info.dtype, StDtype::BF16);
  EXPECT_EQ(info.shape, (std::vector<int64_t>{512, 512}));
}

TEST(SafetensorsBadInput, Truncated) {
  TempDir d;
  std::ofstream(d.path / "t.safetensors") << "abc";
  expect_bad(d.path / "t.safetensors", "truncated");
}

TEST(SafetensorsBadInput, HeaderLongerThanFile) {
  TempDir d;
  write_raw(d.path / "h.safetensors", "{}", 0, 4096);
  expect_bad(d.path / "h.safetensors", "larger than the file");
}

TEST(SafetensorsBadInput, InvalidJson) {
  TempDir d;
  write_raw(d.path / "j.safetensors", "{\"a\": [1, 2", 0);
  expect_bad(d.path / "j.safetensors", "invalid JSON");
}

TEST(SafetensorsBadInput, OverlappingOffsets) {
  TempDir d;
  write_raw(d.path / "o.safetensors",
            R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
            12);
  expect_bad(d.path / "o.safetensors", "overlaps");
}

TEST(SafetensorsBadInput, OffsetsOutsideFile) {
  TempDir d;
  write_raw(d.path / "r.safetensors", R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8);
  expect_bad(d.path / "r.safetensors", "outside the file");
}

TEST(SafetensorsBadInput, DtypeShapeSizeMismatch) {
  TempDir d;
  write_raw(d.path / "m.safetensors", R"({"a":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}})", 8);
  expect_bad(d.path / "m.safetensors", "shape × dtype size is 6 bytes");
}

TEST(SafetensorsBadInput, UnknownDtype) {
  TempDir d;
  write_raw(d.path / "u.safetensors", R"({"a":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]}})", 1);
  expect_bad(d.path / "u.safetensors", "unsupported dtype 'Q7'");
}

TEST(SafetensorsBadInput, MissingFile) {
  TempDir d;
  expect_bad(d.path / "nope.safetensors", "cannot open");
  try {
    TensorStore::open_dir(d.path);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no model.safetensors"), std::string::npos);
  }
}

TEST(FiniteCheck, AgreesWithIsfiniteOnEveryFloatType) {
  torch::manual_seed(8);
  for (auto dt : {torch::kFloat, torch::kDouble, torch::kHalf, torch::kBFloat16}) {
    // Large and tiny (subnormal) finite values, the type's largest finite value, and odd sizes.
    for (int64_t n : {1, 7, 70001, 300000}) {
      auto t = (torch::randn({n}, torch::kDouble) * 1e3).to(dt);
      t[0] = std::numeric_limits<float>::denorm_min();
      t[n - 1] = dt == torch::kHalf ? 65504.0 : dt == torch::kBFloat16 ? 3.3895313892515355e38 : 1e30;
      const std::string what = std::string(c10::toString(dt)) + " n=" + std::to_string(n);
      ASSERT_TRUE(torch::isfinite(t).all().item<bool>()) << what;
      EXPECT_TRUE(all_finite(t)) << what;
      for (double bad : {std::nan(""), -std::nan(""), HUGE_VAL, -HUGE_VAL}) {
        for (int64_t at : {int64_t{0}, n / 2, n - 1}) {
          auto u = t.clone();
          u[at] = bad;
          EXPECT_FALSE(all_finite(u)) << what << " bad " << bad << " at " << at;
        }
      }
    }
  }
  // Strided and integer tensors.
  auto m = torch::randn({64, 33}).t();
  EXPECT_TRUE(all_finite(m));
  m[5][7] = std::nan("");
  EXPECT_FALSE(all_finite(m));
  EXPECT_TRUE(all_finite(torch::arange(10)));
}

TEST(SafetensorsMerge, SameBytesAsWritingEverythingLoaded) {
  TempDir d;
  torch::manual_seed(5);
  // Two saved "block states": several dtypes, byte sizes that are not multiples of 8, an empty tensor,
  // and one of 12 MiB (more than one 8 MiB chunk).
  const NamedTensors a = {{"b0.w", torch::randn({3, 5})},
                          {"b0.z", torch::randint(0, 255, {7}, torch::kByte)},
                          {"b0.s", torch::randn({5, 3}).to(torch::kHalf)},
                          {"b0.big", torch::randn({3 * 1024 * 1024})}};
  const NamedTensors b = {{"b1.w", torch::randn({4, 4}).to(torch::kBFloat16)},
                          {"b1.q", torch::randint(-9, 9, {9}, torch::kInt)},
                          {"b1.e", torch::zeros({0})},
                          {"b1.h", torch::randint(-300, 300, {5}, torch::kShort)}};
  write_safetensors(d.path / "a.safetensors", a);
  write_safetensors(d.path / "b.safetensors", b);
  const NamedTensors mem = {{"embed", torch::randn({6, 3}).to(torch::kBFloat16)}, {"norm", torch::ones({3})}};
  const std::map<std::string, std::string> meta = {{"format", "pt"}};
  write_safetensors_merged(d.path / "merged.safetensors", mem, {d.path / "a.safetensors", d.path / "b.safetensors"}, meta);

  NamedTensors all = mem;
  for (const auto* part : {&a, &b}) all.insert(all.end(), part->begin(), part->end());
  write_safetensors(d.path / "ref.safetensors", all, meta);
  EXPECT_EQ(slurp(d.path / "merged.safetensors"), slurp(d.path / "ref.safetensors"));
  auto f = SafetensorsFile::open(d.path / "merged.safetensors");
  for (const auto& [name, t] : all) EXPECT_TRUE(torch::equal(f->load(name), t)) << name;
}

TEST(SafetensorsMergeBadInput, SourceProblemsNameTheSourceAndLeaveNothing) {
  TempDir d;
  write_safetensors(d.path / "a.safetensors", {{"x", torch::ones({4})}});
  std::ofstream(d.path / "cut.safetensors") << "abc";
  const fs::path out = d.path / "out.safetensors";
  for (const fs::path& bad : {d.path / "missing.safetensors", d.path / "cut.safetensors"}) {
    try {
      write_safetensors_merged(out, {{"y", torch::ones({2})}}, {d.path / "a.safetensors", bad});
      FAIL() << "no error for " << bad;
    } catch (const InputError& e) {
      EXPECT_EQ(e.path(), bad) << e.what();
    }
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(d.path / "out.safetensors.tmp"));
  }
  // A name both in memory and in a file is refused before anything is written.
  EXPECT_THROW(write_safetensors_merged(out, {{"x", torch::ones({2})}}, {d.path / "a.safetensors"}),
               std::invalid_argument);
  // Also where the two have different dtypes (they would not sort next to each other).
  EXPECT_THROW(write_safetensors_merged(out, {{"x", torch::ones({2}, torch::kBFloat16)}}, {d.path / "a.safetensors"}),
               std::invalid_argument);
  EXPECT_THROW(write_safetensors(out, {{"x", torch::ones({2}, torch::kByte)}, {"x", torch::ones({2})}}),
               std::invalid_argument);
  EXPECT_FALSE(fs::exists(out));
}
