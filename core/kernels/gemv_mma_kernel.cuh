// SPDX-License-Identifier: GPL-3.0-or-later
// The tensor-core packed product's kernel and its constants; its planning and launch: quant_gemv_mma.cu.
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
// Fragment mapping: an mma sums over 16 k-slots held four by four by the lanes t = lane % 4. The
// k order inside a dot product is free, so lane t's slots are the codes of word t of a quad (four
// consecutive words of a row, which lie in one quantization group) in the order in which the masks
// extract them: pair j = codes (j, j + PER/2). The activations are staged once per block in shared
// memory in that same order, so the A (weights, rows g and g+8) and B (activations, batch row g)
// fragments of a lane refer to the same columns. Up to 8 activation rows are one mma N; 9 to 16 rows
// take NT = 2 mma per k-step that share the weight fragment (its LOP3s and its loads).
//
// Work split: a tile is 16 rows (one mma M); an item is one tile × one chunk of four quads. Each
// block (one per SM, persistent) owns a contiguous range of tiles; its 16 warps take the items of
// that range in turn, kDepth in flight per warp (the next items' loads are issued while the other one
// is computed; the first ones before the activations are staged), keep partial sums in registers
// and add them to shared accumulators when the tile changes.
//
// Zero points are read as int32 (or float32 bits) or as uint8 (a quarter of their bytes, which were
// ~18 % of a W2 g64 product's). The staging pass can also build x from the stored input (RMSNorm,
// SiLU·mul; GemvPrologue): every block reads all of x anyway, so decode saves those kernels.
#pragma once
#include <cstdint>

#include "device_limits.cuh"
#include "device_types.cuh"
#include "gemv_mma_parts.cuh"

namespace apiq::kernels {
namespace {

#ifndef APIQ_GEMV_WARPS
#define APIQ_GEMV_WARPS 16
#endif
constexpr int kWarps = APIQ_GEMV_WARPS;
constexpr int kBlocksPerSm = 16 / kWarps;  // register-limited: 512 threads per SM
#ifndef APIQ_GEMV_DEPTH
#define APIQ_GEMV_DEPTH 2
#endif
// Items whose loads a warp keeps in flight. Three fit without spills for ≤ 8 activation rows but
// measured no faster on the H200 (docs/performance.md); the switch stays for such experiments.
constexpr int kDepth = APIQ_GEMV_DEPTH;
constexpr int kMaxRows = static_cast<int>(kMaxGemvRows);
constexpr int kNormFloats = kMaxRows * (kWarps + 1);  // RMSNorm: rstd [m] and sums of squares [m][warp]

using namespace gemv_mma;

// Block b owns tiles [b·base + min(b, rem), …): the host splits the tiles, so no 64-bit division here.
template <int BITS, typename T, int QPG, int NT, typename Z>
__global__ void __launch_bounds__(kWarps * 32, kBlocksPerSm)
    gemv_mma_kernel(const T* __restrict__ x, const uint32_t* __restrict__ words, const __half* __restrict__ scales,
                    const Z* __restrict__ zeros, const T* __restrict__ residual, T* __restrict__ y, int M,
                    int rows, int cols, int tiles_base, int tiles_rem, bool fz, GemvPrologue pro, GemvLora lora) {
  using G = Geo<BITS, QPG>;
  constexpr int W = kWarps, NTH = W * 32;
  extern __shared__ __align__(16) uint32_t smem[];  // 16-byte (uint4) reads
  const int n_words = cols / G::PER, n_groups = n_words / G::GROUP_WORDS, chunks = n_words / G::CHUNK_WORDS;
  const int b = static_cast<int>(blockIdx.x);
  const int t_begin = b * tiles_base + min(b, tiles_rem);
  const int n_tiles = tiles_base + (b < tiles_rem ? 1 : 0);
  const int n_items = n_tiles * chunks;
  const int row_u32 = cols / 2 + G::PAD_U32;  // one activation row, permuted into pairs
  uint32_t* xs = smem;
  float2* sums = reinterpret_cast<float2*>(smem + M * row_u32);  // [group][m]: Σx, Σ M_p·x
  float* part = reinterpret_cast<float*>(sums + n_groups * M);    // [warp][tile][m][16] partial sums
  const int part_warp = (tiles_base + 1) * 16 * M;
  float* rstd = part + W * part_warp;  // [m] for RmsNorm, after [m][warp] sums of squares
  float* sq = rstd + kMaxRows;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const int g = lane / 4, t = lane % 4;

  auto load = [&](const Cursor& c, Slot<BITS, QPG, NT, Z>& L) {
    if (c.item >= n_items) return;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row = c.tile * 16 + g + 8 * h;
      const bool ok = row < rows;
      // 32-bit offsets: rows × words per row stays far below 2^31 for any layer (checked on the host).
      const uint32_t* wr = words + (ok ? row * n_words + c.chunk * G::CHUNK_WORDS + t : 0);
#pragma unroll
      for (int q = 0; q < G::QUADS; ++q) L.w[h][q] = ok ? __ldg(wr + 4 * q) : 0u;
      const int gofs = ok ? row * n_groups + c.chunk * G::GPC : 0;
      load_zeros<G::GPC>(zeros + gofs, L.z[h]);
      load_scales<G::GPC>(scales + gofs, L.s[h]);
      if (!ok) {
#pragma unroll
        for (int k = 0; k < (G::GPC + 1) / 2; ++k) L.s[h][k] = 0u;  // +0.0 in fp16
      }
    }
  };

  // Stage x: word wd of row m covers columns wd·PER … wd·PER+PER−1; pair j = (j, j + PAIRS). A lane
  // reads its word's PER values with 16-byte loads (whole sectors: every block reads all of x, so
  // partial-sector reads would queue on the few L2 lines that hold it). The prologue turns the
  // stored input into the product's x as the separate kernel would, with its roundings: RMSNorm
  // (rms_norm.cu) or SiLU·mul of a [M, 2·cols] gate/up (decode_step.cu).
  const int staged = M * n_words;
  const bool silu = pro.input == GemvInput::SiluMul, norm = pro.input == GemvInput::RmsNorm;
  const int x_stride = silu ? 2 * cols : cols;
  const T* nw = static_cast<const T*>(pro.norm_weight);
  const bool x_vec = reinterpret_cast<uintptr_t>(x) % 16 == 0 && (!norm || reinterpret_cast<uintptr_t>(nw) % 16 == 0);
  auto load_x = [&](int i, T (&v)[G::PER]) {
    if (i >= staged) return;
    const int m = i / n_words, col0 = (i - m * n_words) * G::PER;
    const T* src = x + m * x_stride + col0;
    load_raw(src, x_vec, v);
    if (silu) {
      T up[G::PER];
      load_raw(src + cols, x_vec, up);
#pragma unroll
      for (int k = 0; k < G::PER; ++k) {
        v[k] = from_f<T>(silu_times(to_f(v[k]), to_f(up[k])));
      }
    } else if (norm) {
      T w[G::PER];
      load_raw(nw + col0, x_vec, w);
      const float r = rstd[m];
#pragma unroll
      for (int k = 0; k < G::PER; ++k) v[k] = from_f<T>(rms_normed(v[k], r, w[k]));
    }
  };
  // RMSNorm's statistics first: each row's sum of squares over the block (x is a few KiB in L2).
  auto row_rstd = [&] {
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
  };
  // Programmatic dependent launch (sm_90+, when the host asks for it): the next product on the
  // stream may be scheduled as soon as this one's blocks leave, and the weights never depend on
  // the previous kernel, so the first kDepth items' weights, zeros and scales are requested before
  // waiting for it; only x (its output) is read after the wait. Without the launch attribute both
  // instructions return at once.
  pdl_release_next();
  Cursor cur[kDepth];
  Slot<BITS, QPG, NT, Z> slot[kDepth];
#pragma unroll
  for (int u = 0; u < kDepth; ++u) {
    const int item = warp + u * W;
    cur[u] = Cursor{item, t_begin + item / chunks, item % chunks};
    load(cur[u], slot[u]);
  }
  pdl_wait_previous();
  if (norm) row_rstd();
  T xv[G::PER];
  load_x(warp * 32 + lane, xv);

  // The staging pass also sums each group's x and M_p·x: consecutive lanes hold consecutive words,
  // and a group's words (4, 8 or 16) never straddle a row, so a shuffle over the group's lanes
  // finishes the sums.
  for (int i0 = warp * 32; i0 < staged; i0 += NTH) {
    const int i = i0 + lane;
    if (i0 != warp * 32) load_x(i, xv);
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
  for (int i = threadIdx.x; i < W * part_warp; i += NTH) part[i] = 0.f;
  __syncthreads();

  float* my_part = part + warp * part_warp;
  auto flush = [&](Slot<BITS, QPG, NT, Z>& L) {
    if (L.acc_tile < 0) return;
    float* a = my_part + (L.acc_tile - t_begin) * 16 * M;
    // c0, c1: row g, batch rows 8n+2t, 8n+2t+1; c2, c3: row g+8. Only this lane writes these addresses.
#pragma unroll
    for (int n = 0; n < NT; ++n) {
      const int r0 = 8 * n + 2 * t, r1 = r0 + 1;
      if (r0 < M) a[r0 * 16 + g] += L.acc[n][0], a[r0 * 16 + g + 8] += L.acc[n][2];
      if (r1 < M) a[r1 * 16 + g] += L.acc[n][1], a[r1 * 16 + g + 8] += L.acc[n][3];
#pragma unroll
      for (int k = 0; k < 4; ++k) L.acc[n][k] = 0.f;
    }
  };

  // This lane's activation row in each mma N (batch rows g and 8 + g); clamped, read only below M.
  const uint32_t* xrow[NT];
  int m0[NT], m1[NT];  // batch rows of c0/c2 and c1/c3
#pragma unroll
  for (int n = 0; n < NT; ++n) {
    xrow[n] = xs + min(8 * n + g, M - 1) * row_u32;
    m0[n] = min(8 * n + 2 * t, M - 1);
    m1[n] = min(8 * n + 2 * t + 1, M - 1);
  }
  // The magic numbers live in registers so that mask-and-insert is one LOP3 (it takes one immediate).
  uint32_t magic[G::KP];
#pragma unroll
  for (int k = 0; k < G::KP; ++k) magic[k] = keep_in_register(Mma<T>::magic_bits(G::pos(k)) * 0x10001u);
  auto compute = [&](const Cursor& c, Slot<BITS, QPG, NT, Z>& L) {
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
          if (8 * n + g < M) {
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
          uint32_t a[4];
#pragma unroll
          for (int h = 0; h < 2; ++h) {
            const uint32_t w = L.w[h][q];
            auto lop = [&](uint32_t v, int j) { return and_or(v >> G::shift(j), G::mask(j), magic[j % G::KP]); };
            a[h] = lop(w, 2 * s);          // a0a1 (row g) / a2a3 (row g+8): pair 2s
            a[2 + h] = lop(w, 2 * s + 1);  // a4a5 / a6a7: pair 2s+1
          }
#pragma unroll
          for (int n = 0; n < NT; ++n) Mma<T>::run(acc[n], a, bx[n][2 * s], bx[n][2 * s + 1]);
        }
      }
      const int grp = c.chunk * G::GPC + gi;
#pragma unroll
      for (int n = 0; n < NT; ++n) {
        const float2 x0 = sums[grp * M + m0[n]], x1 = sums[grp * M + m1[n]];
#pragma unroll
        for (int h = 0; h < 2; ++h) {
          const float z = zero_at(L.z[h], gi, fz, zeros), sc = scale_at(L.s[h], gi);
          L.acc[n][2 * h] = fmaf(sc, acc[n][2 * h] - fmaf(z, x0.x, x0.y), L.acc[n][2 * h]);
          L.acc[n][2 * h + 1] = fmaf(sc, acc[n][2 * h + 1] - fmaf(z, x1.x, x1.y), L.acc[n][2 * h + 1]);
        }
      }
    }
  };

  // kDepth items in flight: while one is computed, the others' loads are outstanding.
  while (cur[0].item < n_items) {
#pragma unroll
    for (int u = 0; u < kDepth; ++u) {
      if (cur[u].item < n_items) {
        compute(cur[u], slot[u]);
        cur[u].advance(kDepth * W, chunks);
        load(cur[u], slot[u]);
      }
    }
  }
#pragma unroll
  for (int u = 0; u < kDepth; ++u) flush(slot[u]);
  __syncthreads();
  // Each output is the sum of the W warps' partials: W consecutive lanes take one output each, and
  // share its LoRA terms (rank r ≡ w mod W).
  const T* lora_b = static_cast<const T*>(lora.b);
  for (int i0 = threadIdx.x - lane; i0 < n_tiles * 16 * M * W; i0 += NTH) {
    const int i = i0 + lane, o = i / W, w = i % W;
    const bool ok = o < n_tiles * 16 * M;
    const int lt = o / (16 * M), r = o - lt * 16 * M, m = r / 16, row = (t_begin + lt) * 16 + r % 16;
    float v = ok ? part[w * part_warp + o] : 0.f;
    if (lora_b && ok && row < rows) {
      const float* u = lora.u + m * lora.u_stride + ((row >= lora.split0) + (row >= lora.split1)) * lora.rank;
      const T* b = lora_b + row * lora.rank;  // 32-bit: rows · rank < 2^31 (checked on the host)
      for (int k = w; k < lora.rank; k += W) v = fmaf(to_f(b[k]), u[k], v);
    }
#pragma unroll
    for (int off = 1; off < W; off *= 2) v += __shfl_xor_sync(0xffffffffu, v, off);
    if (ok && w == 0 && row < rows) {
      const int64_t at = static_cast<int64_t>(m) * rows + row;
      y[at] = from_f<T>(residual ? v + to_f(residual[at]) : v);  // read after the PDL wait: it may be x's producer's output
    }
  }
}

}  // namespace
}  // namespace apiq::kernels
