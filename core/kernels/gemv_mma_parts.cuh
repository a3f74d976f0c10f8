// SPDX-License-Identifier: GPL-3.0-or-later
// Building blocks of the tensor-core packed product (quant_gemv_mma.cu): the mma wrappers with their
// magic numbers, the geometry of a (bits, quads-per-group) instantiation, the per-lane load slot and
// the loads of words, zero points (int32 or uint8), scales and activations.
#pragma once
#include <cstdint>
#include <type_traits>

#include "device_types.cuh"

namespace apiq::kernels::gemv_mma {

template <typename T> struct Mma;
template <> struct Mma<__nv_bfloat16> {
  // Bits of the bf16 power of two 2^(7−p): a code at mantissa bits p, p+1, … adds q · 1.
  static constexpr uint32_t magic_bits(int p) { return static_cast<uint32_t>(134 - p) << 7; }
  static constexpr float magic_value(int p) { return static_cast<float>(1 << (7 - p)); }
  __device__ static void run(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                 "{%0,%1,%2,%3};"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};
template <> struct Mma<__half> {
  static constexpr uint32_t magic_bits(int p) { return static_cast<uint32_t>(25 - p) << 10; }  // 2^(10−p)
  static constexpr float magic_value(int p) { return static_cast<float>(1 << (10 - p)); }
  __device__ static void run(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                 "{%0,%1,%2,%3};"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
};

// Geometry of one (bits, quads-per-group) instantiation.
template <int BITS, int QPG>
struct Geo {
  static constexpr int PER = 32 / BITS;    // codes per word
  static constexpr int PAIRS = PER / 2;    // 16-bit pairs per word: pair j = codes (j, j + PAIRS)
  static constexpr int MMAS = PER / 4;     // mma k-steps per quad (4 lanes × PER codes / 16)
  static constexpr int QUADS = 4;          // quads per chunk
  static constexpr int CHUNK_WORDS = QUADS * 4;
  static constexpr int GPC = QUADS / QPG;  // groups per chunk
  static constexpr int GROUP_WORDS = QPG * 4;
  // Pairs read from one shifted copy of the word: the codes must stay inside the 7-bit bf16
  // mantissa, so 2-bit codes at bits 0, 2, 4 and 4-bit codes at bit 0 only.
  static constexpr int KP = BITS == 2 ? 3 : 1;
  static constexpr int shift(int j) { return BITS * KP * (j / KP); }
  static constexpr int pos(int j) { return BITS * (j % KP); }
  static constexpr uint32_t mask(int j) { return (((1u << BITS) - 1u) << pos(j)) * 0x10001u; }
  static constexpr int PAD_U32 = BITS == 2 ? 4 : 16;  // row padding: conflict-free B loads for M > 1
};

// N consecutive zero points in one load, kept as loaded (converted only where used, so issuing the
// load never waits for it): int32 (or float32 bits) as N words; uint8 (a quarter of the bytes; the
// decoder converts where every zero fits) as one word holding N bytes, which also saves registers.
template <typename Z, int N> constexpr int zero_words() { return std::is_same_v<Z, uint8_t> ? 1 : N; }
template <int N>
__device__ __forceinline__ void load_zeros(const int32_t* p, uint32_t (&out)[N]) {
  using V = std::conditional_t<N == 1, uint32_t, std::conditional_t<N == 2, uint2, uint4>>;
  const V v = __ldg(reinterpret_cast<const V*>(p));
  const uint32_t* e = reinterpret_cast<const uint32_t*>(&v);
#pragma unroll
  for (int i = 0; i < N; ++i) out[i] = e[i];
}
template <int N>
__device__ __forceinline__ void load_zeros(const uint8_t* p, uint32_t (&out)[1]) {
  using V = std::conditional_t<N == 1, uint8_t, std::conditional_t<N == 2, uint16_t, uint32_t>>;
  out[0] = *reinterpret_cast<const V*>(p);  // __ldg has no 8-bit overload; the pointer is __restrict__ const
}
template <int N>
__device__ __forceinline__ float zero_at(const uint32_t (&w)[N], int i, bool float_zeros, const int32_t*) {
  return zero_value(static_cast<int32_t>(w[i]), float_zeros);
}
__device__ __forceinline__ float zero_at(const uint32_t (&w)[1], int i, bool, const uint8_t*) {
  return static_cast<float>((w[0] >> (8 * i)) & 0xffu);
}

// N consecutive fp16 scales in one load, kept as (N + 1) / 2 words; scale_at converts one.
template <int N>
__device__ __forceinline__ void load_scales(const __half* p, uint32_t (&out)[(N + 1) / 2]) {
  if constexpr (N == 4) {
    const uint2 v = __ldg(reinterpret_cast<const uint2*>(p));
    out[0] = v.x, out[1] = v.y;
  } else if constexpr (N == 2) {
    out[0] = __ldg(reinterpret_cast<const unsigned int*>(p));
  } else {
    out[0] = __ldg(reinterpret_cast<const unsigned short*>(p));
  }
}
template <int W>
__device__ __forceinline__ float scale_at(const uint32_t (&w)[W], int i) {
  return __half2float(__ushort_as_half(static_cast<unsigned short>(w[i / 2] >> (16 * (i % 2)))));
}

// (v & mask) | bits in one LOP3.
__device__ __forceinline__ uint32_t and_or(uint32_t v, uint32_t mask, uint32_t bits) {
  uint32_t r;
  asm("lop3.b32 %0, %1, %2, %3, 0xEA;" : "=r"(r) : "r"(v), "r"(mask), "r"(bits));
  return r;
}
// Pair j of a packed word as two 16-bit numbers M_p + q: the shift brings the pair into the
// mantissa, one LOP3 masks it and inserts M_p's bits (magic[j % KP], in both halves).
template <class G>
__device__ __forceinline__ uint32_t unpack_pair(uint32_t w, int j, const uint32_t (&magic)[G::KP]) {
  return and_or(w >> G::shift(j), G::mask(j), magic[j % G::KP]);
}
// A value the compiler cannot fold into an immediate.
__device__ __forceinline__ uint32_t keep_in_register(uint32_t v) {
  asm volatile("mov.b32 %0, %0;" : "+r"(v));
  return v;
}
// The magic numbers of unpack_pair in registers, so that mask-and-insert is one LOP3 (it takes one
// immediate).
template <class G, typename T>
__device__ __forceinline__ void load_magic(uint32_t (&magic)[G::KP]) {
#pragma unroll
  for (int k = 0; k < G::KP; ++k) magic[k] = keep_in_register(Mma<T>::magic_bits(G::pos(k)) * 0x10001u);
}

// One warp's position in its block's items (tile-major), advanced without divisions.
struct Cursor {
  int item, tile, chunk;
  __device__ void advance(int by, int chunks) {
    item += by;
    chunk += by;
    while (chunk >= chunks) chunk -= chunks, ++tile;
  }
};

// What one lane loads for one item: its word of each quad for rows g and g+8, and those rows'
// zeros and scales for the chunk's groups, raw; plus its partial sums for the item's tile.
template <int BITS, int QPG, int NT, typename Z>
struct Slot {
  using G = Geo<BITS, QPG>;
  uint32_t w[2][G::QUADS];
  uint32_t z[2][zero_words<Z, G::GPC>()];
  uint32_t s[2][(G::GPC + 1) / 2];
  float acc[NT][4] = {};
  int acc_tile = -1;
};

// N consecutive values of x as stored: 16-byte loads where `vec` (the caller checked alignment).
template <typename T, int N>
__device__ __forceinline__ void load_raw(const T* src, bool vec, T (&v)[N]) {
  static_assert(N % 8 == 0, "whole 16-byte vectors");
  if (vec) {
#pragma unroll
    for (int k = 0; k < N / 8; ++k) {
      const uint4 u = __ldg(reinterpret_cast<const uint4*>(src) + k);
      const T* e = reinterpret_cast<const T*>(&u);
#pragma unroll
      for (int i = 0; i < 8; ++i) v[8 * k + i] = e[i];
    }
  } else {
#pragma unroll
    for (int k = 0; k < N; ++k) v[k] = src[k];
  }
}

}  // namespace apiq::kernels::gemv_mma
