// SPDX-License-Identifier: GPL-3.0-or-later
// Packing of the GPTQ and compressed-tensors exports against the published test vectors
// (formats-and-qt.md §1.1, §1.2): the 16 codes [0,1,2,3]×4 along the input dimension give the
// word 0xE4E4E4E4 in both formats; zero points packed along the output dimension.
#include <cstdint>
#include <vector>

#include "export/export_packed.h"
#include "quant/packing.h"
#include "test_util.h"

using namespace apiq;

namespace {
uint32_t word(const torch::Tensor& t, int64_t r, int64_t c) { return static_cast<uint32_t>(t[r][c].item<int32_t>()); }

// [0,1,2,3]×4
std::vector<int64_t> codes_0123x4() {
  std::vector<int64_t> v;
  for (int i = 0; i < 16; ++i) v.push_back(i % 4);
  return v;
}
}  // namespace

TEST(ExportPacking, CompressedTensorsWeightPackedAlongInput) {
  // weight_packed is [out, in/16]: one output row of 16 input codes is one word.
  const auto codes = torch::tensor(codes_0123x4(), torch::kLong).view({1, 16});
  const auto w = pack_codes(codes, 2);
  ASSERT_EQ(w.sizes(), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(word(w, 0, 0), 0xE4E4E4E4u);
  EXPECT_EQ(w[0][0].item<int32_t>(), -454761244);
}

TEST(ExportPacking, GptqQweightPackedAlongInput) {
  // qweight is [in/16, out]: the 16 codes of one output column down the input dimension.
  const auto codes_kn = torch::tensor(codes_0123x4(), torch::kLong).view({16, 1});
  const auto w = pack_along_rows(codes_kn, 2);
  ASSERT_EQ(w.sizes(), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(word(w, 0, 0), 0xE4E4E4E4u);
  // Two output columns stay separate words of the same row.
  const auto two = pack_along_rows(torch::stack({codes_kn.view({16}), torch::full({16}, 3, torch::kLong)}, 1), 2);
  ASSERT_EQ(two.sizes(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(word(two, 0, 0), 0xE4E4E4E4u);
  EXPECT_EQ(word(two, 0, 1), 0xFFFFFFFFu);
}

TEST(ExportPacking, GptqZeroPointVectors) {
  // qzeros [groups, out/16]: 16 output columns of one group in one word.
  const auto z2 = torch::full({1, 16}, 2, torch::kLong);
  EXPECT_EQ(word(pack_codes(z2, 2), 0, 0), 0xAAAAAAAAu);      // v2 stores Z = 2
  EXPECT_EQ(word(pack_codes(z2 - 1, 2), 0, 0), 0x55555555u);  // v1 stores Z − 1
  EXPECT_EQ(word(pack_codes(torch::ones({1, 16}, torch::kLong) - 1, 2), 0, 0), 0x00000000u);  // ApiQ-sym Z = 1, v1
  std::vector<int64_t> z = {0, 1, 2, 3};
  z.resize(16, 1);
  EXPECT_EQ(word(pack_codes(torch::tensor(z, torch::kLong).view({1, 16}), 2), 0, 0), 0x555555E4u);  // correct v2
}

TEST(ExportPacking, CompressedTensorsZeroPointAlongOutput) {
  // weight_zero_point [ceil(out/16), groups]: zeros of 16 output rows of one group in one word;
  // 17 rows need a second word whose unused fields are 0.
  std::vector<int64_t> z = {0, 1, 2, 3};
  z.resize(16, 1);
  z.push_back(3);
  const auto zp = pack_along_rows(torch::tensor(z, torch::kLong).view({17, 1}), 2);
  ASSERT_EQ(zp.sizes(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(word(zp, 0, 0), 0x555555E4u);
  EXPECT_EQ(word(zp, 1, 0), 0x00000003u);
}
