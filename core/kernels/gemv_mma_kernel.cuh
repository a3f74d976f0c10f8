// SPDX-License-Identifier: GPL-3.0-or-later
// The tensor-core packed product's kernel; its planning and launch: quant_gemv_mma.cu.
// y[m, :] = x[m, :] Ŵᵀ for 1 ≤ M ≤ 16 activation rows, 2- or 4-bit codes, on the tensor cores.
//
// Why tensor cores for a memory-bound product: dequantizing and multiplying in float32 costs about
// six instructions per weight, more than the SMs can issue in the time HBM delivers 2-bit codes.
// Here one LOP3 turns a pair of codes q into the pair of 16-bit numbers M_p + q (the code lands in
// the mantissa of a power of two M_p chosen so that its unit is 1), mma.m16n8k16 multiplies them by
// x with float32 sums, and per group the exact correction is applied in float32:
//   Σ_k (q_k − z)·x_k = Σ_k (M_p(k) + q_k)·x_k − Σ_k M_p(k)·x_k − z·Σ_k x_k,
// where the two sums over x alone are computed once per block. The fp16 scale multiplies the result.
//
// Two item forms walk the weights (a template argument of the kernel): RowsInColumns
// (gemv_mma_rows.cuh) puts up to 8 activation rows in an mma's columns (9 to 16: two mma per
// k-step); GroupsInColumns (gemv_mma_groups.cuh), for one activation row, puts eight quantization
// groups in the columns so that the per-group corrections are shared eightfold; on sm_90 its
// weights come into shared memory by bulk copies (GroupsInColumnsBulk, gemv_mma_bulk.cuh).
//
// Work split: a tile is 16 rows (one mma M); an item is one tile × one chunk of its columns. Each
// block (one per SM, persistent) owns a contiguous range of tiles; its 16 warps take the items of
// that range in turn, kDepth in flight per warp (the next items' loads are issued while the other one
// is computed; the first ones before the activations are staged), keep partial sums in registers
// and add them to shared accumulators when the tile changes.
//
// With the SiLU·mul output (pair_rows, GemvOutput::SiluMul) a tile holds gate rows in its first
// eight rows and the matching up rows in its last eight, so the epilogue finds both sums of an
// output in its own block: decode's gate/up product then stores SiLU(gate)·up, half the outputs,
// and the down product reads it as it is instead of building it from both halves in every block.
//
// Zero points are read as int32 (or float32 bits) or as uint8 (a quarter of their bytes, which were
// ~18 % of a W2 g64 product's). The staging pass can also build x from the stored input (RMSNorm,
// SiLU·mul; GemvPrologue): every block reads all of x anyway, so decode saves those kernels.
#pragma once
#include <cstdint>

#include "device_limits.cuh"
#include "device_types.cuh"
#include "gemv_mma_bulk.cuh"
#include "gemv_mma_groups.cuh"
#include "gemv_mma_rows.cuh"
#include "gemv_mma_stage.cuh"

namespace apiq::kernels {
namespace {

#ifndef APIQ_GEMV_DEPTH
#define APIQ_GEMV_DEPTH 2
#endif
// Items whose loads a warp keeps in flight. Three fit without spills for ≤ 8 activation rows but
// measured no faster on the H200 (docs/performance.md); the switch stays for such experiments.
constexpr int kDepth = APIQ_GEMV_DEPTH;

// Block b owns tiles [b·base + min(b, rem), …): the host splits the tiles, so no 64-bit division here.
// F: the item form (RowsInColumns or GroupsInColumns).
template <class F>
__global__ void __launch_bounds__(kWarps * 32, kBlocksPerSm)
    gemv_mma_kernel(const typename F::T* __restrict__ x, const uint32_t* __restrict__ words,
                    const __half* __restrict__ scales, const typename F::Z* __restrict__ zeros,
                    const typename F::T* __restrict__ residual, typename F::T* __restrict__ y, int M, int rows,
                    int cols, int tiles_base, int tiles_rem, bool fz, GemvPrologue pro, GemvLora lora,
                    int pair_rows, int row_step, int half_step, int ring_slots) {
  using G = typename F::G;
  constexpr int W = kWarps, NTH = W * 32;
  extern __shared__ __align__(16) uint32_t smem[];  // 16-byte (uint4) reads
  const int b = static_cast<int>(blockIdx.x), warp = threadIdx.x / 32;
  ItemArgs<typename F::Z> a;
  a.words = words, a.scales = scales, a.zeros = zeros, a.fz = fz;
  a.rows = rows, a.M = M, a.n_words = cols / G::PER, a.n_groups = a.n_words / G::GROUP_WORDS;
  a.row_step = row_step, a.half_step = half_step;
  a.t_begin = b * tiles_base + min(b, tiles_rem);
  a.n_tiles = tiles_base + (b < tiles_rem ? 1 : 0);
  a.row_u32 = cols / 2 + G::PAD_U32;  // one activation row, permuted into pairs
  uint32_t* xs = smem + kStagedWords;
  float2* sums = reinterpret_cast<float2*>(xs + M * a.row_u32);  // [group][m]: Σx, Σ M_p·x
  float* part = reinterpret_cast<float*>(sums + a.n_groups * M);  // [warp][tile][m][16] partial sums
  const int part_warp = (tiles_base + 1) * 16 * M;
  float* rstd = part + W * part_warp;  // [m] for RmsNorm, after [m][warp] sums of squares
  a.xs = xs, a.zero_x = smem + kZeroWords, a.sums = sums, a.my_part = part + warp * part_warp;
  const auto ring_at = reinterpret_cast<unsigned char*>(rstd + kNormFloats) - reinterpret_cast<unsigned char*>(smem);
  a.ring = reinterpret_cast<unsigned char*>(smem) + BulkTile::up(ring_at, 128), a.ring_slots = ring_slots;
  F form(a);

  // Programmatic dependent launch (sm_90+, when the host asks for it): the next product on the
  // stream may be scheduled as soon as this one's blocks leave, and the weights never depend on
  // the previous kernel, so the first kDepth items' weights, zeros and scales are requested before
  // waiting for it; only x (its output) is read after the wait. Without the launch attribute both
  // instructions return at once.
  pdl_release_next();
  form.start();
  Cursor cur[kDepth];
  typename F::Slot slot[kDepth];
#pragma unroll
  for (int u = 0; u < kDepth; ++u) {
    const int item = warp + u * W;
    cur[u] = Cursor{item, a.t_begin + item / form.chunks, item % form.chunks};
    form.load(cur[u], slot[u]);
  }
  pdl_wait_previous();
  stage_activations<G>(x, M, cols, pro, xs, a.row_u32, sums, rstd, rstd + kMaxRows);
  for (int i = threadIdx.x; i < W * part_warp; i += NTH) part[i] = 0.f;
  if (threadIdx.x < kStagedWords) smem[threadIdx.x] = 0u;
  __syncthreads();
  form.prepare();

  // kDepth items in flight: while one is computed, the others' loads are outstanding.
  while (cur[0].item < form.n_items) {
#pragma unroll
    for (int u = 0; u < kDepth; ++u) {
      if (cur[u].item < form.n_items) {
        form.compute(cur[u], slot[u]);
        cur[u].advance(kDepth * W, form.chunks);
        form.load(cur[u], slot[u]);
      }
    }
  }
#pragma unroll
  for (int u = 0; u < kDepth; ++u) form.flush(slot[u]);
  __syncthreads();
  // Forms of up to 8 activation rows only (the host checks): the 16-row form has no registers to spare.
  if constexpr (F::kMayPair) {
    if (pair_rows) {
      store_outputs<8>(part, part_warp, a.n_tiles, a.t_begin, M, rows, pair_rows, lora, residual, y);
      return;
    }
  }
  store_outputs<16>(part, part_warp, a.n_tiles, a.t_begin, M, rows, 0, lora, residual, y);
}

}  // namespace
}  // namespace apiq::kernels
