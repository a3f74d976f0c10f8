// SPDX-License-Identifier: GPL-3.0-or-later
// The parts of the tensor-core packed product (gemv_mma_kernel.cuh) that do not depend on how a
// block walks its weights: staging the activations in shared memory (with the RMSNorm or SiLU·mul
// prologue and the per-group sums), and summing the warps' partial outputs into y (with the LoRA
// epilogue and the residual).
#pragma once
#include <cstdint>

#include "device_types.cuh"
#include "gemv_mma_parts.cuh"

namespace apiq::kernels {
namespace {

#ifndef APIQ_GEMV_WARPS
#define APIQ_GEMV_WARPS 16
#endif
constexpr int kWarps = APIQ_GEMV_WARPS;
constexpr int kBlocksPerSm = 16 / kWarps;  // register-limited: 512 threads per SM
constexpr int kMaxRows = static_cast<int>(kMaxGemvRows);
constexpr int kNormFloats = kMaxRows * (kWarps + 1);  // RMSNorm: rstd [m] and sums of squares [m][warp]
// Shared memory starts with 32 zero words at kZeroWords (what the one-row form's idle lanes read as
// activations) and the staged x at kStagedWords: the offsets keep the two in different banks.
constexpr int kZeroWords = 4;
constexpr int kStagedWords = 40;

using namespace gemv_mma;

// Stages x: word wd of row m covers columns wd·PER … wd·PER+PER−1 and is stored as PAIRS words,
// pair j = (j, j + PAIRS), at xs + m·row_u32 + wd·PAIRS. A lane reads its word's PER values with
// 16-byte loads (whole sectors: every block reads all of x, so partial-sector reads would queue on
// the few L2 lines that hold it). The prologue turns the stored input into the product's x as the
// separate kernel would, with its roundings: RMSNorm (rms_norm.cu) or SiLU·mul of a [M, 2·cols]
// gate/up (decode_step.cu). The pass also sums each group's x and M_p·x into sums [group][m]:
// consecutive lanes hold consecutive words, and a group's words (4, 8 or 16) never straddle a row,
// so a shuffle over the group's lanes finishes the sums. Called by every thread of the block.
template <class G, typename T>
__device__ void stage_activations(const T* __restrict__ x, int M, int cols, const GemvPrologue& pro, uint32_t* xs,
                                  int row_u32, float2* sums, float* rstd, float* sq) {
  constexpr int W = kWarps, NTH = W * 32;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const int n_words = cols / G::PER, staged = M * n_words;
  const bool silu = pro.input == GemvInput::SiluMul, norm = pro.input == GemvInput::RmsNorm;
  const int x_stride = silu ? 2 * cols : cols;
  const T* nw = static_cast<const T*>(pro.norm_weight);
  const bool x_vec = reinterpret_cast<uintptr_t>(x) % 16 == 0 && (!norm || reinterpret_cast<uintptr_t>(nw) % 16 == 0);
  if (norm) {
    // RMSNorm's statistics first: each row's sum of squares over the block (x is a few KiB in L2).
    for (int m = 0; m < M; ++m) {
      float ss = 0.f;
      for (int c0 = threadIdx.x * G::PER; c0 < cols; c0 += NTH * G::PER) {
        T v[G::PER];
        load_raw(x + m * cols + c0, x_vec, v);
#pragma unroll
        for (int k = 0; k < G::PER; ++k) ss = fmaf(to_f(v[k]), to_f(v[k]), ss);
      }
      ss = warp_sum(ss);
      if (lane == 0) sq[m * W + warp] = ss;
    }
    __syncthreads();
    if (threadIdx.x < M) {
      float s2 = 0.f;
      for (int w = 0; w < W; ++w) s2 += sq[threadIdx.x * W + w];
      rstd[threadIdx.x] = rsqrtf(s2 / static_cast<float>(cols) + pro.eps);
    }
    __syncthreads();
  }
  auto load_x = [&](int i, T (&v)[G::PER]) {
    if (i >= staged) return;
    const int m = i / n_words, col0 = (i - m * n_words) * G::PER;
    const T* src = x + m * x_stride + col0;
    load_raw(src, x_vec, v);
    if (silu) {
      T up[G::PER];
      load_raw(src + cols, x_vec, up);
#pragma unroll
      for (int k = 0; k < G::PER; ++k) v[k] = from_f<T>(silu_times(to_f(v[k]), to_f(up[k])));
    } else if (norm) {
      T w[G::PER];
      load_raw(nw + col0, x_vec, w);
      const float r = rstd[m];
#pragma unroll
      for (int k = 0; k < G::PER; ++k) v[k] = from_f<T>(rms_normed(v[k], r, w[k]));
    }
  };
  for (int i0 = warp * 32; i0 < staged; i0 += NTH) {
    const int i = i0 + lane;
    T xv[G::PER];
    load_x(i, xv);
    float sx = 0.f, sm = 0.f;
    if (i < staged) {
      const int m = i / n_words, wd = i - m * n_words;
      uint32_t* dst = xs + m * row_u32 + wd * G::PAIRS;
#pragma unroll
      for (int j = 0; j < G::PAIRS; ++j) {
        dst[j] = static_cast<uint32_t>(*reinterpret_cast<const uint16_t*>(&xv[j])) |
                 (static_cast<uint32_t>(*reinterpret_cast<const uint16_t*>(&xv[j + G::PAIRS])) << 16);
        const float a2 = to_f(xv[j]) + to_f(xv[j + G::PAIRS]);
        sx += a2;
        sm = fmaf(Mma<T>::magic_value(G::pos(j)), a2, sm);
      }
    }
#pragma unroll
    for (int off = 1; off < G::GROUP_WORDS; off *= 2) {
      sx += __shfl_xor_sync(0xffffffffu, sx, off);
      sm += __shfl_xor_sync(0xffffffffu, sm, off);
    }
    if (i < staged && lane % G::GROUP_WORDS == 0) {
      const int m = i / n_words, gi = (i - m * n_words) / G::GROUP_WORDS;
      sums[gi * M + m] = make_float2(sx, sm);
    }
  }
}

// y = the sum of the W warps' partials part [warp][tile][m][16] (+ LoRA terms) (+ residual); with
// pair_rows, y [m, pair_rows] = silu(gate)·up of each tile's row pairs (r16, r16 + 8), each rounded to
// T first as the separate kernels store them. W consecutive lanes take one output each and share its
// LoRA terms (rank r ≡ w mod W). Called by every thread of the block after the partials are complete.
// PER outputs per tile: 16, or 8 SiLU·mul pairs (a constant, so the index arithmetic is shifts).
template <int PER, typename T>
__device__ void store_outputs(const float* part, int part_warp, int n_tiles, int t_begin, int M, int rows,
                              int pair_rows, const GemvLora& lora, const T* __restrict__ residual,
                              T* __restrict__ y) {
  constexpr int W = kWarps, NTH = W * 32;
  const int lane = threadIdx.x % 32;
  const T* lora_b = static_cast<const T*>(lora.b);
  // The whole sum of output `o` (index into a warp's partials) of row `row`, in every lane of its W.
  auto total = [&](int o, int row, int m, int w, bool ok) {
    float v = ok ? part[w * part_warp + o] : 0.f;
    if (lora_b && ok && row < rows) {
      const float* u = lora.u + m * lora.u_stride + ((row >= lora.split0) + (row >= lora.split1)) * lora.rank;
      const T* b = lora_b + row * lora.rank;  // 32-bit: rows · rank < 2^31 (checked on the host)
      for (int k = w; k < lora.rank; k += W) v = fmaf(to_f(b[k]), u[k], v);
    }
#pragma unroll
    for (int off = 1; off < W; off *= 2) v += __shfl_xor_sync(0xffffffffu, v, off);
    return v;
  };
  for (int i0 = threadIdx.x - lane; i0 < n_tiles * PER * M * W; i0 += NTH) {
    const int i = i0 + lane, o = i / W, w = i % W;
    const bool ok = o < n_tiles * PER * M;
    const int lt = o / (PER * M), r = o - lt * PER * M, m = r / PER, r16 = r % PER;
    const int at = lt * 16 * M + m * 16 + r16, row = (t_begin + lt) * PER + r16;  // gate row if PER = 8
    const float v = total(at, row, m, w, ok);
    if constexpr (PER == 8) {
      const float up = total(at + 8, row + pair_rows, m, w, ok);
      if (ok && w == 0)
        y[static_cast<int64_t>(m) * pair_rows + row] = from_f<T>(silu_times(to_f(from_f<T>(v)), to_f(from_f<T>(up))));
    } else if (ok && w == 0 && row < rows) {
      const int64_t at_y = static_cast<int64_t>(m) * rows + row;
      y[at_y] = from_f<T>(residual ? v + to_f(residual[at_y]) : v);  // read after the PDL wait: it may be x's producer's output
    }
  }
}
// What an item form (gemv_mma_rows.cuh, gemv_mma_groups.cuh) needs of its block's product.
template <typename Z>
struct ItemArgs {
  const uint32_t* words;
  const __half* scales;
  const Z* zeros;
  int rows, n_words, n_groups, M, t_begin, n_tiles, row_u32;
  // Row r16 (0-15) of a tile = tile · row_step + r16 % 8 + (r16 / 8) · half_step: 16 and 8 (consecutive
  // rows), or for a SiLU·mul output 8 and the number of gate rows (gate rows 8·tile… in tile rows 0-7,
  // the matching up rows in 8-15).
  int row_step, half_step;
  bool fz;                 // int32 zero points hold float32 bits
  const uint32_t* xs;      // staged x
  const uint32_t* zero_x;  // 32 zero words
  const float2* sums;      // [group][m]: Σx, Σ M_p·x
  float* my_part;          // this warp's partial sums [tile][m][16]
  unsigned char* ring;     // the bulk form's ring of tiles (gemv_mma_bulk.cuh), ring_slots of them
  int ring_slots;
};

// What both item forms hold: the arguments, the lane's place in the mma fragments (g = lane / 4,
// t = lane % 4), the chunks per tile and the block's item count.
template <typename Z>
struct ItemFormBase {
  ItemArgs<Z> a;
  int g, t, chunks, n_items;
  __device__ ItemFormBase(const ItemArgs<Z>& args, int chunks_per_tile)
      : a(args), g(threadIdx.x % 32 / 4), t(threadIdx.x % 4), chunks(chunks_per_tile),
        n_items(args.n_tiles * chunks_per_tile) {}
  // Row g + 8h of `tile` (ItemArgs::row_step): the steps are kernel parameters, so this costs one IMAD.
  __device__ int row(int tile, int h) const { return tile * a.row_step + g + h * a.half_step; }
  __device__ void start() {}  // before the first loads (the bulk form requests its first tiles)
};

}  // namespace
}  // namespace apiq::kernels
