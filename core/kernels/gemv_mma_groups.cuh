// SPDX-License-Identifier: GPL-3.0-or-later
// The tensor-core product's item form for one activation row (decode at batch 1): quantization
// groups in the mma columns.
//
// With rows in the columns (gemv_mma_rows.cuh) one activation row uses one of an mma's eight
// columns, and every group's correction (zero point, scale, Σ M_p·x) is applied by every lane for
// outputs that mostly do not exist: about as many instructions as the unpacking. Here column n of
// the mma holds the sum over one group instead. Lane t holds, for rows g and g+8, the four words of
// group t ("A", in its a0/a1 k-slots) and of group t+4 ("B", in a2/a3) of the item's eight groups;
// the activation fragment is x where the column is that lane's group and zero elsewhere:
//   b0 of lane (g, t) = x of A's pair if g = 2t, b1 = x of B's pair if g = 2t+1,
// so C[r, 2t] sums row r over group t and C[r, 2t+1] over group t+4, and lane (g, t) receives
// exactly its own four sums (c0..c3: rows g, g+8 × groups t, t+4) to correct and scale, once per
// item of 16 rows × 8 groups. The unpacking and the mma count per code are those of the rows form;
// the per-group work drops eightfold and each weight load is 16 bytes. Idle lanes read their zero
// activations from a zero block in shared memory, so selecting them costs no instruction.
#pragma once
#include <cstdint>

#include "gemv_mma_stage.cuh"

namespace apiq::kernels {
namespace {

template <int BITS, typename TT, typename ZZ>
struct GroupsInColumns : ItemFormBase<ZZ> {
  using T = TT;
  using Z = ZZ;
  using G = Geo<BITS, 1>;                       // one quad (four words) per group
  static constexpr int GW = G::GROUP_WORDS;     // words per group
  static constexpr int COLS = 8;                // groups per item: one per mma column
  static constexpr bool kMayPair = true;        // may store a SiLU·mul output (gemv_mma_kernel.cuh)
  static_assert(G::PAIRS * GW <= 32, "idle lanes read at most the 32-word zero block");
  struct Slot {
    uint32_t w[2][2][GW];  // [row g, g+8][group A, B][word]
    uint32_t z[2][2][1];   // raw zero points (int32 bits or a uint8)
    uint32_t s[2];         // fp16 scales of A (low half) and B
    float acc[2] = {};     // rows g, g+8: this lane's part of the tile's outputs
    int acc_tile = -1;
  };
  using ItemFormBase<Z>::a, ItemFormBase<Z>::g, ItemFormBase<Z>::t, ItemFormBase<Z>::n_items;
  uint32_t magic[G::KP];

  // The last chunk of a row may hold fewer than eight groups.
  __device__ explicit GroupsInColumns(const ItemArgs<Z>& args)
      : ItemFormBase<Z>(args, (args.n_groups + COLS - 1) / COLS) {}

  __device__ void load(const Cursor& c, Slot& L) const {
    if (c.item >= n_items) return;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row = this->row(c.tile, h);
      uint32_t sh[2];
#pragma unroll
      for (int k = 0; k < 2; ++k) {
        const int grp = c.chunk * COLS + t + 4 * k;
        const bool ok = row < a.rows && grp < a.n_groups;
        // A group's words are 16-byte aligned (the host checked the base; rows hold whole groups).
        const uint4 v = ok ? __ldg(reinterpret_cast<const uint4*>(a.words + row * a.n_words + grp * GW))
                           : make_uint4(0u, 0u, 0u, 0u);
        L.w[h][k][0] = v.x, L.w[h][k][1] = v.y, L.w[h][k][2] = v.z, L.w[h][k][3] = v.w;
        const int gofs = ok ? row * a.n_groups + grp : 0;
        load_zeros<1>(a.zeros + gofs, L.z[h][k]);
        sh[k] = ok ? __ldg(reinterpret_cast<const unsigned short*>(a.scales + gofs)) : 0u;  // +0.0: no output
      }
      L.s[h] = sh[0] | (sh[1] << 16);
    }
  }

  __device__ void prepare() { load_magic<G, T>(magic); }

  // The four lanes t of row g hold parts of the same outputs: summed by shuffles, written by t = 0.
  __device__ void flush(Slot& L) const {
    if (L.acc_tile < 0) return;
    float r0 = L.acc[0], r1 = L.acc[1];
#pragma unroll
    for (int off = 1; off < 4; off *= 2) {
      r0 += __shfl_xor_sync(0xffffffffu, r0, off);
      r1 += __shfl_xor_sync(0xffffffffu, r1, off);
    }
    if (t == 0) {
      float* p = a.my_part + (L.acc_tile - a.t_begin) * 16;
      p[g] += r0, p[g + 8] += r1;
    }
    L.acc[0] = L.acc[1] = 0.f;
  }

  __device__ void compute(const Cursor& c, Slot& L) const {
    if (c.tile != L.acc_tile) {
      flush(L);
      L.acc_tile = c.tile;
    }
    const int grp_a = c.chunk * COLS + t, grp_b = grp_a + 4;
    const uint32_t* xa = g == 2 * t && grp_a < a.n_groups ? a.xs + grp_a * GW * G::PAIRS : a.zero_x;
    const uint32_t* xb = g == 2 * t + 1 && grp_b < a.n_groups ? a.xs + grp_b * GW * G::PAIRS : a.zero_x;
    float acc[4] = {};
#pragma unroll
    for (int i = 0; i < GW; ++i) {
      // B's words run one ahead of A's: their activations lie 4 groups apart, i.e. in the same banks.
      const int ib = (i + 1) % GW;
      uint32_t bx[2][G::PAIRS];
#pragma unroll
      for (int v = 0; v < G::PAIRS / 4; ++v) {
        const uint4 ua = reinterpret_cast<const uint4*>(xa + i * G::PAIRS)[v];
        const uint4 ub = reinterpret_cast<const uint4*>(xb + ib * G::PAIRS)[v];
        bx[0][4 * v] = ua.x, bx[0][4 * v + 1] = ua.y, bx[0][4 * v + 2] = ua.z, bx[0][4 * v + 3] = ua.w;
        bx[1][4 * v] = ub.x, bx[1][4 * v + 1] = ub.y, bx[1][4 * v + 2] = ub.z, bx[1][4 * v + 3] = ub.w;
      }
#pragma unroll
      for (int j = 0; j < G::PAIRS; ++j) {
        const uint32_t f[4] = {unpack_pair<G>(L.w[0][0][i], j, magic), unpack_pair<G>(L.w[1][0][i], j, magic),
                               unpack_pair<G>(L.w[0][1][ib], j, magic), unpack_pair<G>(L.w[1][1][ib], j, magic)};
        Mma<T>::run(acc, f, bx[0][j], bx[1][j]);
      }
    }
    // c0, c1: row g, groups A and B; c2, c3: row g+8. Groups past the row's end have scale 0.
    const float2 sa = a.sums[min(grp_a, a.n_groups - 1)], sb = a.sums[min(grp_b, a.n_groups - 1)];
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const float2 sc = __half22float2(__halves2half2(__ushort_as_half(static_cast<unsigned short>(L.s[h] & 0xffffu)),
                                                      __ushort_as_half(static_cast<unsigned short>(L.s[h] >> 16))));
      const float za = zero_at(L.z[h][0], 0, a.fz, a.zeros), zb = zero_at(L.z[h][1], 0, a.fz, a.zeros);
      L.acc[h] = fmaf(sc.x, acc[2 * h] - fmaf(za, sa.x, sa.y), L.acc[h]);
      L.acc[h] = fmaf(sc.y, acc[2 * h + 1] - fmaf(zb, sb.x, sb.y), L.acc[h]);
    }
  }
};

}  // namespace
}  // namespace apiq::kernels
