// SPDX-License-Identifier: GPL-3.0-or-later
// The tensor-core product's item form for 1 to 16 activation rows: activation rows in the mma
// columns (gemv_mma_kernel.cuh explains the arithmetic).
//
// Fragment mapping: an mma sums over 16 k-slots held four by four by the lanes t = lane % 4. The
// k order inside a dot product is free, so lane t's slots are the codes of word t of a quad (four
// consecutive words of a row, which lie in one quantization group) in the order in which the masks
// extract them: pair j = codes (j, j + PER/2). The staged activations are in that same order, so the
// A (weights, rows g and g+8) and B (activations, batch row g) fragments of a lane refer to the same
// columns. Up to 8 activation rows are one mma N; 9 to 16 rows take NT = 2 mma per k-step that share
// the weight fragment (its LOP3s and its loads). An item is one 16-row tile × one chunk of four quads.
#pragma once
#include <cstdint>

#include "gemv_mma_stage.cuh"

namespace apiq::kernels {
namespace {

template <int BITS, typename TT, int QPG, int NT, typename ZZ>
struct RowsInColumns : ItemFormBase<ZZ> {
  using T = TT;
  using Z = ZZ;
  using G = Geo<BITS, QPG>;
  using Slot = gemv_mma::Slot<BITS, QPG, NT, Z>;
  static constexpr bool kMayPair = NT == 1;  // may store a SiLU·mul output: up to 8 rows (gemv_mma_kernel.cuh)
  using ItemFormBase<Z>::a, ItemFormBase<Z>::g, ItemFormBase<Z>::t, ItemFormBase<Z>::n_items;
  const uint32_t* xrow[NT];  // this lane's activation row in each mma N (batch rows g, 8 + g), clamped
  int m0[NT], m1[NT];        // batch rows of c0/c2 and c1/c3
  uint32_t magic[G::KP];

  __device__ explicit RowsInColumns(const ItemArgs<Z>& args)
      : ItemFormBase<Z>(args, args.n_words / G::CHUNK_WORDS) {}

  __device__ void load(const Cursor& c, Slot& L) const {
    if (c.item >= n_items) return;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row = this->row(c.tile, h);
      const bool ok = row < a.rows;
      // 32-bit offsets: rows × words per row stays far below 2^31 for any layer (checked on the host).
      const uint32_t* wr = a.words + (ok ? row * a.n_words + c.chunk * G::CHUNK_WORDS + t : 0);
#pragma unroll
      for (int q = 0; q < G::QUADS; ++q) L.w[h][q] = ok ? __ldg(wr + 4 * q) : 0u;
      const int gofs = ok ? row * a.n_groups + c.chunk * G::GPC : 0;
      load_zeros<G::GPC>(a.zeros + gofs, L.z[h]);
      load_scales<G::GPC>(a.scales + gofs, L.s[h]);
      if (!ok) {
#pragma unroll
        for (int k = 0; k < (G::GPC + 1) / 2; ++k) L.s[h][k] = 0u;  // +0.0 in fp16
      }
    }
  }

  // After staging: the row pointers and the magic numbers.
  __device__ void prepare() {
#pragma unroll
    for (int n = 0; n < NT; ++n) {
      xrow[n] = a.xs + min(8 * n + g, a.M - 1) * a.row_u32;
      m0[n] = min(8 * n + 2 * t, a.M - 1);
      m1[n] = min(8 * n + 2 * t + 1, a.M - 1);
    }
    load_magic<G, T>(magic);
  }

  __device__ void flush(Slot& L) const {
    if (L.acc_tile < 0) return;
    float* p = a.my_part + (L.acc_tile - a.t_begin) * 16 * a.M;
    // c0, c1: row g, batch rows 8n+2t, 8n+2t+1; c2, c3: row g+8. Only this lane writes these addresses.
#pragma unroll
    for (int n = 0; n < NT; ++n) {
      const int r0 = 8 * n + 2 * t, r1 = r0 + 1;
      if (r0 < a.M) p[r0 * 16 + g] += L.acc[n][0], p[r0 * 16 + g + 8] += L.acc[n][2];
      if (r1 < a.M) p[r1 * 16 + g] += L.acc[n][1], p[r1 * 16 + g + 8] += L.acc[n][3];
#pragma unroll
      for (int k = 0; k < 4; ++k) L.acc[n][k] = 0.f;
    }
  }

  __device__ void compute(const Cursor& c, Slot& L) const {
    if (c.tile != L.acc_tile) {
      flush(L);
      L.acc_tile = c.tile;
    }
#pragma unroll
    for (int gi = 0; gi < G::GPC; ++gi) {
      float acc[NT][4] = {};
#pragma unroll
      for (int qq = 0; qq < QPG; ++qq) {
        const int q = gi * QPG + qq;
        uint32_t bx[NT][G::PAIRS];  // this lane's activation pairs for its word of the quad (zero beyond M)
#pragma unroll
        for (int n = 0; n < NT; ++n) {
          if (8 * n + g < a.M) {
            const uint4* src =
                reinterpret_cast<const uint4*>(xrow[n] + (c.chunk * G::CHUNK_WORDS + 4 * q + t) * G::PAIRS);
#pragma unroll
            for (int v = 0; v < G::PAIRS / 4; ++v) {
              const uint4 u = src[v];
              bx[n][4 * v] = u.x, bx[n][4 * v + 1] = u.y, bx[n][4 * v + 2] = u.z, bx[n][4 * v + 3] = u.w;
            }
          } else {
#pragma unroll
            for (int j = 0; j < G::PAIRS; ++j) bx[n][j] = 0u;
          }
        }
#pragma unroll
        for (int s = 0; s < G::MMAS; ++s) {
          uint32_t f[4];
#pragma unroll
          for (int h = 0; h < 2; ++h) {
            f[h] = unpack_pair<G>(L.w[h][q], 2 * s, magic);          // a0a1 (row g) / a2a3 (row g+8): pair 2s
            f[2 + h] = unpack_pair<G>(L.w[h][q], 2 * s + 1, magic);  // a4a5 / a6a7: pair 2s+1
          }
#pragma unroll
          for (int n = 0; n < NT; ++n) Mma<T>::run(acc[n], f, bx[n][2 * s], bx[n][2 * s + 1]);
        }
      }
      const int grp = c.chunk * G::GPC + gi;
#pragma unroll
      for (int n = 0; n < NT; ++n) {
        const float2 x0 = a.sums[grp * a.M + m0[n]], x1 = a.sums[grp * a.M + m1[n]];
#pragma unroll
        for (int h = 0; h < 2; ++h) {
          const float z = zero_at(L.z[h], gi, a.fz, a.zeros), sc = scale_at(L.s[h], gi);
          L.acc[n][2 * h] = fmaf(sc, acc[n][2 * h] - fmaf(z, x0.x, x0.y), L.acc[n][2 * h]);
          L.acc[n][2 * h + 1] = fmaf(sc, acc[n][2 * h + 1] - fmaf(z, x1.x, x1.y), L.acc[n][2 * h + 1]);
        }
      }
    }
  }
};

}  // namespace
}  // namespace apiq::kernels
