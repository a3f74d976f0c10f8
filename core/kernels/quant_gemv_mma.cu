// SPDX-License-Identifier: GPL-3.0-or-later
// y[m, :] = x[m, :] Ŵᵀ for 1 ≤ M ≤ 8 activation rows, 2- or 4-bit codes, on the tensor cores.
//
// Why tensor cores for a memory-bound product: dequantizing and multiplying in float32 costs about
// six instructions per weight, which at 2 bits per weight is more than the SMs can issue in the time
// HBM delivers the codes. Here each pair of codes becomes a pair of 16-bit values with one shift and
// one LOP3 (the code lands in the mantissa of 128.0 / 1024.0), one FMA2 subtracts (magic + zero)
// exactly, and mma.m16n8k16 does the multiply-adds with float32 accumulation; the fp16 scale is
// applied in float32 once per group. Products of (q − z) and x are exact, so the result is as
// accurate as a float32 dot product.
//
// Fragment mapping: an mma sums over 16 k-slots held four by four by the lanes t = lane % 4. The
// k order inside a dot product is free, so lane t's slots are simply the codes of word t of a quad
// (four consecutive words of a row, which lie in one quantization group) in the order in which the
// shift-and-mask extraction produces them: pair j = codes (j, j + PER/2). The activations are staged
// once per block in shared memory in that same permuted order, so the A (weights, rows g and g+8)
// and B (activations, batch row g) fragments of a lane refer to the same columns.
//
// Work split: a tile is 16 rows (one mma M); an item is one tile × one chunk of four quads. Each
// block (one per SM, persistent) owns a contiguous range of tiles and its 16 warps take the items
// of that range in turn, keeping partial sums in registers and adding them to shared accumulators
// when the tile changes. Loads for two items are issued before either is used.
#include <cstdint>

#include "device_types.cuh"

namespace apiq::kernels {
namespace {

constexpr int kWarps = 16;
constexpr int kThreads = kWarps * 32;
constexpr int kItemsInFlight = 2;

template <typename T> struct Mma;
template <> struct Mma<__nv_bfloat16> {
  static constexpr uint32_t kMagic = 0x4300;  // bf16 128.0: integers 128..255 are exact, ulp 1
  // (128 + z) in both halves: exact for −384 ≤ z ≤ 128 (every zero an LWC fit of 2..4 bits makes
  // in practice); beyond that it rounds like the bf16 dequantized weight of the reference path.
  __device__ static uint32_t offset(int32_t z) {
    const __nv_bfloat16 v = __float2bfloat16_rn(128.f + static_cast<float>(z));
    const uint32_t u = *reinterpret_cast<const uint16_t*>(&v);
    return u | (u << 16);
  }
  __device__ static void run(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                 "{%0,%1,%2,%3};"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
  // v − zz on both halves, exact for small integers (an FMA2 with 1, native on sm_80 and later).
  __device__ static uint32_t sub(uint32_t v, uint32_t zz) {
    const __nv_bfloat162 r = __hfma2(*reinterpret_cast<const __nv_bfloat162*>(&v), __float2bfloat162_rn(1.f),
                                     __hneg2(*reinterpret_cast<const __nv_bfloat162*>(&zz)));
    return *reinterpret_cast<const uint32_t*>(&r);
  }
};
template <> struct Mma<__half> {
  static constexpr uint32_t kMagic = 0x6400;  // fp16 1024.0: integers 1024..2047 are exact, ulp 1
  __device__ static uint32_t offset(int32_t z) {  // exact for −3072 ≤ z ≤ 1024
    const __half v = __float2half_rn(1024.f + static_cast<float>(z));
    const uint32_t u = *reinterpret_cast<const uint16_t*>(&v);
    return u | (u << 16);
  }
  __device__ static void run(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                 "{%0,%1,%2,%3};"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
  __device__ static uint32_t sub(uint32_t v, uint32_t zz) {
    const __half2 r = __hsub2(*reinterpret_cast<const __half2*>(&v), *reinterpret_cast<const __half2*>(&zz));
    return *reinterpret_cast<const uint32_t*>(&r);
  }
};

// Geometry of one (bits, quads-per-group) instantiation.
template <int BITS, int QPG>
struct Geo {
  static constexpr int PER = 32 / BITS;          // codes per word
  static constexpr int PAIRS = PER / 2;          // 16-bit pairs per word
  static constexpr int MMAS = PER / 4;           // mma k-steps per quad (4 lanes × PER codes / 16)
  static constexpr int QUADS = 4;                // quads per chunk
  static constexpr int CHUNK_COLS = QUADS * 4 * PER;
  static constexpr int GPC = QUADS / QPG;        // groups per chunk
  static constexpr uint32_t MASK2 = ((1u << BITS) - 1u) * 0x10001u;
  static constexpr int PAD_U32 = BITS == 2 ? 4 : 16;  // row padding: conflict-free B loads for M > 1
};

template <int N> struct IntVec;
template <> struct IntVec<1> { using type = int; };
template <> struct IntVec<2> { using type = int2; };
template <> struct IntVec<4> { using type = int4; };

// Loads N consecutive 32-bit (or 16-bit, HALF) values as one vector; N ∈ {1, 2, 4}.
template <int N>
__device__ __forceinline__ void load_vec(const int32_t* p, int32_t (&out)[N]) {
  const auto v = __ldg(reinterpret_cast<const typename IntVec<N>::type*>(p));
  const int32_t* e = reinterpret_cast<const int32_t*>(&v);
#pragma unroll
  for (int i = 0; i < N; ++i) out[i] = e[i];
}
template <int N>
__device__ __forceinline__ void load_halves(const __half* p, float (&out)[N]) {
  if constexpr (N == 4) {
    const uint2 v = __ldg(reinterpret_cast<const uint2*>(p));
    const __half* e = reinterpret_cast<const __half*>(&v);
#pragma unroll
    for (int i = 0; i < 4; ++i) out[i] = __half2float(e[i]);
  } else if constexpr (N == 2) {
    const __half2 v = __ldg(reinterpret_cast<const __half2*>(p));
    out[0] = __low2float(v);
    out[1] = __high2float(v);
  } else {
    out[0] = __half2float(__ldg(p));
  }
}

// Everything one lane loads for one item: its word of each quad for rows g and g+8, and those rows'
// zeros and scales for the chunk's groups.
template <int BITS, int QPG>
struct ItemLoad {
  using G = Geo<BITS, QPG>;
  uint32_t w[2][G::QUADS];
  int32_t z[2][G::GPC];
  float s[2][G::GPC];
};

template <int BITS, typename T, int QPG>
__global__ void __launch_bounds__(kThreads, 1)
    gemv_mma_kernel(const T* __restrict__ x, const uint32_t* __restrict__ words, const __half* __restrict__ scales,
                    const int32_t* __restrict__ zeros, T* __restrict__ y, int M, int rows, int cols) {
  using G = Geo<BITS, QPG>;
  extern __shared__ uint32_t smem[];
  const int n_words = cols / G::PER, n_groups = cols / (QPG * 4 * G::PER), chunks = cols / G::CHUNK_COLS;
  const int row_u32 = cols / 2 + G::PAD_U32;  // one activation row, permuted into pairs
  uint32_t* xs = smem;
  float* acc_s = reinterpret_cast<float*>(smem + M * row_u32);

  const int n_tiles = (rows + 15) / 16;
  const int t_begin = static_cast<int>(static_cast<int64_t>(blockIdx.x) * n_tiles / gridDim.x);
  const int t_end = static_cast<int>(static_cast<int64_t>(blockIdx.x + 1) * n_tiles / gridDim.x);

  // Stage x: word w of row m holds codes' columns w·PER .. w·PER+PER−1; pair j = (j, j + PER/2).
  for (int i = threadIdx.x; i < M * n_words; i += kThreads) {
    const int m = i / n_words, wd = i - m * n_words;
    const T* src = x + static_cast<int64_t>(m) * cols + wd * G::PER;
    uint32_t* dst = xs + m * row_u32 + wd * G::PAIRS;
#pragma unroll
    for (int j = 0; j < G::PAIRS; ++j) {
      const T lo = src[j], hi = src[j + G::PAIRS];
      dst[j] = static_cast<uint32_t>(*reinterpret_cast<const uint16_t*>(&lo)) |
               (static_cast<uint32_t>(*reinterpret_cast<const uint16_t*>(&hi)) << 16);
    }
  }
  for (int i = threadIdx.x; i < (t_end - t_begin) * 16 * M; i += kThreads) acc_s[i] = 0.f;
  __syncthreads();

  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const int g = lane / 4, t = lane % 4;
  const int n_items = (t_end - t_begin) * chunks;

  auto load_item = [&](int item, ItemLoad<BITS, QPG>& L) {
    const int tile = t_begin + item / chunks, chunk = item - (item / chunks) * chunks;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row = tile * 16 + g + 8 * h;
      if (item < n_items && row < rows) {
        const uint32_t* wr = words + static_cast<int64_t>(row) * n_words + chunk * (G::QUADS * 4) + t;
#pragma unroll
        for (int q = 0; q < G::QUADS; ++q) L.w[h][q] = __ldg(wr + 4 * q);
        const int64_t gofs = static_cast<int64_t>(row) * n_groups + chunk * G::GPC;
        load_vec<G::GPC>(zeros + gofs, L.z[h]);
        load_halves<G::GPC>(scales + gofs, L.s[h]);
      } else {
#pragma unroll
        for (int q = 0; q < G::QUADS; ++q) L.w[h][q] = 0u;
#pragma unroll
        for (int k = 0; k < G::GPC; ++k) L.z[h][k] = 0, L.s[h][k] = 0.f;
      }
    }
  };

  float acc[4] = {0.f, 0.f, 0.f, 0.f};
  int acc_tile = -1;
  auto flush = [&] {
    if (acc_tile < 0) return;
    float* a = acc_s + (acc_tile - t_begin) * 16 * M;
    // c0, c1: row g, batch rows 2t, 2t+1; c2, c3: row g+8.
    if (2 * t < M) atomicAdd(a + (2 * t) * 16 + g, acc[0]), atomicAdd(a + (2 * t) * 16 + g + 8, acc[2]);
    if (2 * t + 1 < M) atomicAdd(a + (2 * t + 1) * 16 + g, acc[1]), atomicAdd(a + (2 * t + 1) * 16 + g + 8, acc[3]);
    acc[0] = acc[1] = acc[2] = acc[3] = 0.f;
  };

  auto compute_item = [&](int item, const ItemLoad<BITS, QPG>& L) {
    const int tile = t_begin + item / chunks, chunk = item - (item / chunks) * chunks;
    if (tile != acc_tile) {
      flush();
      acc_tile = tile;
    }
    const uint32_t* xrow = xs + g * row_u32;
#pragma unroll
    for (int gi = 0; gi < G::GPC; ++gi) {
      float c[4] = {0.f, 0.f, 0.f, 0.f};
      uint32_t zz[2];
#pragma unroll
      for (int h = 0; h < 2; ++h) zz[h] = Mma<T>::offset(L.z[h][gi]);
#pragma unroll
      for (int qq = 0; qq < QPG; ++qq) {
        const int q = gi * QPG + qq;
        // Activations of this lane's word of the quad (batch row g; zero beyond M).
        uint32_t b[G::PAIRS];
        const int wd = chunk * (G::QUADS * 4) + 4 * q + t;
        if (g < M) {
          const uint4* src = reinterpret_cast<const uint4*>(xrow + wd * G::PAIRS);
#pragma unroll
          for (int v = 0; v < G::PAIRS / 4; ++v) {
            const uint4 u = src[v];
            b[4 * v] = u.x, b[4 * v + 1] = u.y, b[4 * v + 2] = u.z, b[4 * v + 3] = u.w;
          }
        } else {
#pragma unroll
          for (int j = 0; j < G::PAIRS; ++j) b[j] = 0u;
        }
#pragma unroll
        for (int s = 0; s < G::MMAS; ++s) {
          uint32_t a[4];
#pragma unroll
          for (int h = 0; h < 2; ++h) {
            const uint32_t w = L.w[h][q];
            const uint32_t p0 = ((w >> (BITS * 2 * s)) & G::MASK2) | (Mma<T>::kMagic * 0x10001u);
            const uint32_t p1 = ((w >> (BITS * (2 * s + 1))) & G::MASK2) | (Mma<T>::kMagic * 0x10001u);
            a[h] = Mma<T>::sub(p0, zz[h]);      // a0a1 (row g) / a2a3 (row g+8): pair 2s
            a[2 + h] = Mma<T>::sub(p1, zz[h]);  // a4a5 / a6a7: pair 2s+1
          }
          Mma<T>::run(c, a, b[2 * s], b[2 * s + 1]);
        }
      }
      acc[0] = fmaf(c[0], L.s[0][gi], acc[0]);
      acc[1] = fmaf(c[1], L.s[0][gi], acc[1]);
      acc[2] = fmaf(c[2], L.s[1][gi], acc[2]);
      acc[3] = fmaf(c[3], L.s[1][gi], acc[3]);
    }
  };

  for (int base = warp; base < n_items; base += kWarps * kItemsInFlight) {
    ItemLoad<BITS, QPG> L[kItemsInFlight];
#pragma unroll
    for (int u = 0; u < kItemsInFlight; ++u) load_item(base + u * kWarps, L[u]);
#pragma unroll
    for (int u = 0; u < kItemsInFlight; ++u)
      if (base + u * kWarps < n_items) compute_item(base + u * kWarps, L[u]);
  }
  flush();
  __syncthreads();
  for (int i = threadIdx.x; i < (t_end - t_begin) * 16 * M; i += kThreads) {
    const int lt = i / (16 * M), r = i - lt * 16 * M, m = r / 16, row = (t_begin + lt) * 16 + r % 16;
    if (row < rows) y[static_cast<int64_t>(m) * rows + row] = from_f<T>(acc_s[i]);
  }
}

template <int BITS, typename T, int QPG>
int launch(const void* x, const int32_t* words, const void* scales, const int32_t* zeros, void* y, int M, int rows,
           int cols, size_t smem, int blocks, cudaStream_t stream) {
  auto kernel = gemv_mma_kernel<BITS, T, QPG>;
  // Beyond the default 48 KiB the limit must be raised, per device; remember what each allows.
  static thread_local size_t raised[64] = {};
  int dev = 0;
  if (const auto e = cudaGetDevice(&dev); e != cudaSuccess) return static_cast<int>(e);
  size_t& limit = raised[dev & 63];
  if (smem > 48 * 1024 && smem > limit) {
    const auto e = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(smem));
    if (e != cudaSuccess) return static_cast<int>(e);
    limit = smem;
  }
  kernel<<<blocks, kThreads, smem, stream>>>(static_cast<const T*>(x), reinterpret_cast<const uint32_t*>(words),
                                             static_cast<const __half*>(scales), zeros, static_cast<T*>(y), M, rows,
                                             cols);
  return static_cast<int>(cudaGetLastError());
}

constexpr size_t kMaxSmem = 200 * 1024;

int quads_per_group(int bits, int64_t group) {
  const int64_t quad_cols = 4 * (32 / bits);
  if (group % quad_cols != 0) return 0;
  const int64_t q = group / quad_cols;
  return q == 1 || q == 2 || q == 4 ? static_cast<int>(q) : 0;
}

size_t smem_bytes(int bits, int64_t m, int64_t rows, int64_t cols, int blocks) {
  const int64_t row_u32 = cols / 2 + (bits == 2 ? 4 : 16);
  const int64_t tiles = (rows + 15) / 16, max_tiles = (tiles + blocks - 1) / blocks;
  return static_cast<size_t>(4 * (m * row_u32 + max_tiles * 16 * m));
}

int grid_blocks(int64_t rows) {
  int dev = 0, sms = 0;
  if (cudaGetDevice(&dev) != cudaSuccess || cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess)
    sms = 1;
  const int64_t tiles = (rows + 15) / 16;
  return static_cast<int>(tiles < sms ? tiles : sms);
}

}  // namespace

bool packed_gemv_mma_supported(int bits, ElemType x_type, int64_t m, int64_t rows, int64_t cols, int64_t group,
                               const void* scales, const void* zeros) {
  if ((bits != 2 && bits != 4) || x_type == ElemType::F32 || m < 1 || m > 8 || rows < 1) return false;
  const int qpg = quads_per_group(bits, group);
  const int64_t chunk_cols = 16 * (32 / bits);
  if (qpg == 0 || cols % chunk_cols != 0 || cols > (int64_t{1} << 24) || rows > (int64_t{1} << 30)) return false;
  // Zeros and scales of a chunk are read as one vector of 4/qpg elements.
  const int gpc = 4 / qpg;
  if (reinterpret_cast<uintptr_t>(zeros) % (4 * gpc) != 0 || reinterpret_cast<uintptr_t>(scales) % (2 * gpc) != 0)
    return false;
  int dev = 0, major = 0;
  if (cudaGetDevice(&dev) != cudaSuccess || cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev) != cudaSuccess)
    return false;
  return major >= 8 && smem_bytes(bits, m, rows, cols, grid_blocks(rows)) <= kMaxSmem;
}

int launch_packed_gemv_mma(const void* x, ElemType x_type, const int32_t* words, const void* scales_f16,
                           const int32_t* zeros, void* y, int64_t m, int64_t rows, int64_t cols, int64_t group,
                           int bits, void* stream) {
  if (!packed_gemv_mma_supported(bits, x_type, m, rows, cols, group, scales_f16, zeros))
    return static_cast<int>(cudaErrorInvalidValue);
  const int blocks = grid_blocks(rows);
  const size_t smem = smem_bytes(bits, m, rows, cols, blocks);
  const auto s = static_cast<cudaStream_t>(stream);
  const int qpg = quads_per_group(bits, group);
  const int M = static_cast<int>(m), R = static_cast<int>(rows), C = static_cast<int>(cols);
  auto by_qpg = [&](auto t, auto bits_c) {
    using T = decltype(t);
    constexpr int B = decltype(bits_c)::value;
    switch (qpg) {
      case 1: return launch<B, T, 1>(x, words, scales_f16, zeros, y, M, R, C, smem, blocks, s);
      case 2: return launch<B, T, 2>(x, words, scales_f16, zeros, y, M, R, C, smem, blocks, s);
      default: return launch<B, T, 4>(x, words, scales_f16, zeros, y, M, R, C, smem, blocks, s);
    }
  };
  auto by_bits = [&](auto t) {
    return bits == 2 ? by_qpg(t, std::integral_constant<int, 2>{}) : by_qpg(t, std::integral_constant<int, 4>{});
  };
  return x_type == ElemType::F16 ? by_bits(__half{}) : by_bits(__nv_bfloat16{});
}

}  // namespace apiq::kernels
