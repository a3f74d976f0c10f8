// SPDX-License-Identifier: GPL-3.0-or-later
// Division of 32-bit unsigned integers by a run-time constant without a divide instruction: one
// multiply-high, one add and one shift (Granlund & Montgomery, "Division by invariant integers
// using multiplication", 1994). Exact for every n < 2^31 and 1 ≤ d < 2^31. Usable from host
// code too, so it is tested on the CPU (tests/core/test_fast_divmod.cpp).
#pragma once
#include <cstdint>

#if defined(__CUDACC__)
#define APIQ_HD __host__ __device__ __forceinline__
#else
#define APIQ_HD inline
#endif

namespace apiq::kernels {

struct FastDivmod {
  uint32_t d = 1;
  uint32_t m = 0;  // magic multiplier
  uint32_t s = 0;  // shift

  FastDivmod() = default;
  explicit FastDivmod(uint32_t divisor) : d(divisor) {
    // s = ceil(log2 d); m = floor(2^32 (2^s − d) / d) + 1, so that q = (mulhi(n, m) + n) >> s.
    while ((uint64_t{1} << s) < d) ++s;
    m = static_cast<uint32_t>(((uint64_t{1} << 32) * ((uint64_t{1} << s) - d)) / d + 1);
  }

  APIQ_HD uint32_t div(uint32_t n) const {
#if defined(__CUDA_ARCH__)
    const uint32_t hi = __umulhi(n, m);
#else
    const uint32_t hi = static_cast<uint32_t>((static_cast<uint64_t>(n) * m) >> 32);
#endif
    return (hi + n) >> s;  // hi + n < 2^32 for n < 2^31
  }
  APIQ_HD uint32_t mod(uint32_t n) const { return n - div(n) * d; }
};

}  // namespace apiq::kernels
