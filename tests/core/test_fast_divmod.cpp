// SPDX-License-Identifier: GPL-3.0-or-later
// FastDivmod (core/kernels/fast_divmod.cuh), which the packing and GEMV kernels use for group and
// row lookups, against the hardware division on the CPU: every n below 70 000 and random n up to
// 2^31 − 1, for every divisor up to 4 100 and a few large ones.
#include <random>

#include "fast_divmod.cuh"
#include "test_util.h"

using apiq::kernels::FastDivmod;

TEST(FastDivmod, MatchesDivisionForAllSmallAndRandomLargeNumerators) {
  std::mt19937 rng(7);
  for (uint32_t d = 1; d <= 4100; ++d) {
    const FastDivmod f(d);
    for (uint32_t n = 0; n < 70000; ++n) ASSERT_EQ(f.div(n), n / d) << n << " / " << d;
    for (int i = 0; i < 2000; ++i) {
      const uint32_t n = rng() & 0x7fffffffu;
      ASSERT_EQ(f.div(n), n / d) << n << " / " << d;
      ASSERT_EQ(f.mod(n), n % d) << n << " % " << d;
    }
    ASSERT_EQ(f.div(0x7fffffffu), 0x7fffffffu / d) << d;
  }
  for (uint32_t d : {1u << 20, (1u << 30) + 7, 0x7fffffffu, 12345678u}) {
    const FastDivmod f(d);
    for (int i = 0; i < 100000; ++i) {
      const uint32_t n = rng() & 0x7fffffffu;
      ASSERT_EQ(f.div(n), n / d) << n << " / " << d;
    }
  }
}
