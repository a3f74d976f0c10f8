// SPDX-License-Identifier: GPL-3.0-or-later
// Planning and launch of the tensor-core packed product (the kernel, and why it is built so:
// gemv_mma_kernel.cuh): grid, shared memory, rows split in two launches.
#include <algorithm>
#include <atomic>
#include <cstdint>

#include "gemv_mma_kernel.cuh"

namespace apiq::kernels {
namespace {

template <class F>
int launch(const void* x, const int32_t* words, const void* scales, const void* zeros, const void* res, void* y,
           int M, int rows, int cols, size_t smem, int blocks, bool overlap, bool fz, const GemvPrologue& pro,
           const GemvLora& lora, int pair_rows, int ring_slots, cudaStream_t stream) {
  using T = typename F::T;
  using Z = typename F::Z;
  if (pair_rows && !F::kMayPair) return static_cast<int>(cudaErrorInvalidValue);
  auto kernel = gemv_mma_kernel<F>;
  // Beyond the default 48 KiB the limit must be raised, per instantiation and device, once each.
  static std::atomic<size_t> raised[64] = {};
  int dev = 0;
  if (const auto e = cudaGetDevice(&dev); e != cudaSuccess) return static_cast<int>(e);
  auto& limit = raised[dev & 63];
  if (smem > 48 * 1024 && smem > limit.load()) {
    const auto e = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(smem));
    if (e != cudaSuccess) return static_cast<int>(e);
    limit.store(smem);
  }
  const int tiles = (rows + 15) / 16;
  return launch_kernel(kernel, static_cast<unsigned>(blocks), kWarps * 32, smem, stream, overlap,
                       static_cast<const T*>(x), reinterpret_cast<const uint32_t*>(words),
                       static_cast<const __half*>(scales), static_cast<const Z*>(zeros), static_cast<const T*>(res),
                       static_cast<T*>(y), M, rows, cols, tiles / blocks, tiles % blocks, fz, pro, lora, pair_rows,
                       pair_rows ? 8 : 16, pair_rows ? pair_rows : 8,  // ItemArgs::row_step, half_step
                       ring_slots);
}

template <class F>
struct FormTag {
  using type = F;
};

// How one product would run: grid, shared memory and group shape; qpg 0 when the kernel does not apply.
struct Plan {
  int qpg = 0, blocks = 0, nt = 1;  // nt: mma N tiles of 8 activation rows
  bool groups = false;              // GroupsInColumns (one activation row) instead of RowsInColumns
  int ring_slots = 0;               // > 0: GroupsInColumnsBulk with a ring of that many tiles
  size_t smem = 0;
};

size_t zero_bytes(ZeroType z) { return z == ZeroType::UInt8 ? 1 : 4; }

__global__ void arch_probe_kernel() {}

// Whether this unit's code for the current device was compiled for sm_90 or newer: a build for sm_80
// alone runs on an H100 as sm_80 PTX compiled at load, in which the bulk form's instructions are
// traps. That binary is sm_90 (binaryVersion 90); the architecture the code was written for, the one
// __CUDA_ARCH__ saw, is ptxVersion.
bool bulk_code_on(const DeviceLimits& d) {
  static std::atomic<int> known[64] = {};  // 0: not asked yet, 1: no, 2: yes
  auto& k = known[d.index & 63];
  int v = k.load();
  if (v == 0) {
    cudaFuncAttributes fa{};
    const bool asked = cudaFuncGetAttributes(&fa, arch_probe_kernel) == cudaSuccess;
    if (!asked) (void)cudaGetLastError();  // not left for the next launch's check to report
    v = asked && fa.ptxVersion >= 90 ? 2 : 1;
    k.store(v);
  }
  return v == 2;
}

// The bulk form (gemv_mma_bulk.cuh) where it applies: sm_90 code, whole tiles (every copy is 8 whole rows),
// 16-byte aligned zero points and scales (the words were checked), and room for at least two tiles'
// slots, or the block's only one, beside what the kernel already keeps in shared memory.
void plan_ring(Plan& p, const DeviceLimits& d, int64_t rows, int64_t n_words, int64_t n_groups, ZeroType zt,
               const void* scales, const void* zeros) {
  const int64_t tiles = rows / 16;
  if (d.major < 9 || !bulk_code_on(d) || rows % 16 != 0 || reinterpret_cast<uintptr_t>(zeros) % 16 != 0 || reinterpret_cast<uintptr_t>(scales) % 16 != 0)
    return;
  const BulkTile tile(n_words, n_groups, static_cast<int64_t>(zero_bytes(zt)));
  // Each copy moves 8 rows of a part; all three must be whole 16-byte units.
  if ((8 * n_words * 4) % 16 != 0 || (8 * n_groups * static_cast<int64_t>(zero_bytes(zt))) % 16 != 0 ||
      (8 * n_groups * 2) % 16 != 0 || tile.copied >= (int64_t{1} << 20))  // an mbarrier counts < 2^20 bytes
    return;
  constexpr int kMaxSlots = 32;
  const int64_t per_block = (tiles + p.blocks - 1) / p.blocks, head = BulkTile::up(static_cast<int64_t>(p.smem), 128);
  int64_t slots = std::min<int64_t>(per_block, kMaxSlots);
  while (slots > 0 && head + BulkTile::head(static_cast<int>(slots)) + slots * tile.slot > static_cast<int64_t>(d.smem_optin))
    --slots;
  if (slots < std::min<int64_t>(per_block, 2)) return;
  p.ring_slots = static_cast<int>(slots);
  p.smem = static_cast<size_t>(head + BulkTile::head(p.ring_slots) + slots * tile.slot);
}

Plan plan(int bits, ElemType x_type, int64_t m, int64_t rows, int64_t cols, int64_t group, const void* scales,
          const void* zeros, ZeroType zt, const void* words = nullptr, GemvPath path = GemvPath::Auto) {
  if ((bits != 2 && bits != 4) || x_type == ElemType::F32 || m < 1 || m > 16 || rows < 1) return {};
  const int64_t quad_cols = 4 * (32 / bits), q = group % quad_cols == 0 ? group / quad_cols : 0;
  if (q != 1 && q != 2 && q != 4) return {};
  const int qpg = static_cast<int>(q);
  // Whole chunks of 16 words per row, and 32-bit element offsets inside the kernel.
  if (cols % (4 * quad_cols) != 0 || m * cols >= (int64_t{1} << 31) || rows * cols / (32 / bits) >= (int64_t{1} << 31))
    return {};
  // Zeros and scales of a chunk are read as one vector of 4/qpg elements.
  const int gpc = 4 / qpg;
  if (reinterpret_cast<uintptr_t>(zeros) % (zero_bytes(zt) * gpc) != 0 ||
      reinterpret_cast<uintptr_t>(scales) % (2 * gpc) != 0)
    return {};
  const DeviceLimits* d = current_device();
  if (!d || d->major < 8) return {};
  const int64_t tiles = (rows + 15) / 16;
  Plan p;
  const int64_t slots = int64_t{d->sms} * kBlocksPerSm;
  p.blocks = static_cast<int>(tiles < slots ? tiles : slots);
  // Shared memory as the kernel lays it out: x in pairs (+ row padding), the per-group sums (at most
  // one group per quad), each warp's partial sums for up to tiles/blocks + 1 tiles, and RMSNorm's
  // per-row statistics.
  const int64_t row_u32 = cols / 2 + (bits == 2 ? 4 : 16), group_sums = 2 * m * (cols / quad_cols);
  p.smem = static_cast<size_t>(4 * (kStagedWords + m * row_u32 + group_sums + kWarps * (tiles / p.blocks + 1) * 16 * m +
                                    kNormFloats));
  if (p.smem > d->smem_optin) return {};
  p.qpg = qpg;
  p.nt = m > 8 ? 2 : 1;
  // One row, one quad per group, each group's four words one 16-byte load.
  p.groups = m == 1 && qpg == 1 && path != GemvPath::RowsInColumns && words &&
             reinterpret_cast<uintptr_t>(words) % 16 == 0;
  if (p.groups && path == GemvPath::GroupsBulk) plan_ring(p, *d, rows, cols / (32 / bits), cols / group, zt, scales, zeros);
  return p;
}

// 9 to 16 rows whose activations do not fit in shared memory at once (long rows, e.g. a down
// projection) run as two products over rows 0–7 and 8–M−1 of x: the weights are read twice,
// still far fewer instructions per weight than the CUDA-core kernel.
bool split_rows(int bits, ElemType x_type, int64_t m, int64_t rows, int64_t cols, int64_t group, const void* scales,
                const void* zeros, ZeroType zt) {
  return m > 8 && plan(bits, x_type, m, rows, cols, group, scales, zeros, zt).qpg == 0 &&
         plan(bits, x_type, 8, rows, cols, group, scales, zeros, zt).qpg != 0 &&
         plan(bits, x_type, m - 8, rows, cols, group, scales, zeros, zt).qpg != 0;
}

}  // namespace

bool packed_gemv_mma_supported(int bits, ElemType x_type, int64_t m, int64_t rows, int64_t cols, int64_t group,
                               const void* scales, const void* zeros, ZeroType zt) {
  return plan(bits, x_type, m, rows, cols, group, scales, zeros, zt).qpg != 0 ||
         split_rows(bits, x_type, m, rows, cols, group, scales, zeros, zt);
}

bool packed_gemv_mma_groups_in_columns(int bits, ElemType x_type, int64_t m, int64_t rows, int64_t cols, int64_t group,
                                       const void* scales, const void* zeros, ZeroType zt, const void* words,
                                       GemvPath path) {
  return plan(bits, x_type, m, rows, cols, group, scales, zeros, zt, words, path).groups;
}

int packed_gemv_mma_bulk_slots(int bits, ElemType x_type, int64_t m, int64_t rows, int64_t cols, int64_t group,
                               const void* scales, const void* zeros, ZeroType zt, const void* words, GemvPath path) {
  return plan(bits, x_type, m, rows, cols, group, scales, zeros, zt, words, path).ring_slots;
}

int launch_packed_gemv_mma(const void* x, ElemType x_type, const int32_t* words, const void* scales_f16,
                           const void* zeros, void* y, int64_t m, int64_t rows, int64_t cols, int64_t group,
                           int bits, void* stream, bool overlap_previous, ZeroType zt, const void* residual,
                           const GemvPrologue& pro, const GemvLora& lora, GemvPath path, GemvOutput output) {
  if (pro.input == GemvInput::RmsNorm && !pro.norm_weight) return static_cast<int>(cudaErrorInvalidValue);
  // SiLU·mul output: whole 8-row halves of tiles, nothing to add, x in one launch (≤ 8 rows: the
  // forms that may pair, F::kMayPair; so never split below); y has rows/2 columns.
  const bool silu_out = output == GemvOutput::SiluMul;
  if (silu_out && (rows % 16 != 0 || residual || m > 8)) return static_cast<int>(cudaErrorInvalidValue);
  if (lora.b && (!lora.u || lora.rank < 1 || rows * lora.rank >= (int64_t{1} << 31) ||
                 m * static_cast<int64_t>(lora.u_stride) >= (int64_t{1} << 31)))
    return static_cast<int>(cudaErrorInvalidValue);
  if (split_rows(bits, x_type, m, rows, cols, group, scales_f16, zeros, zt)) {
    const int e = launch_packed_gemv_mma(x, x_type, words, scales_f16, zeros, y, 8, rows, cols, group, bits, stream,
                                         overlap_previous, zt, residual, pro, lora, path, output);
    if (e != 0) return e;
    // x and y are 16-bit: rows 8… start 8 input rows (of 2·cols with SiLU·mul) and 8·rows elements in.
    GemvLora later = lora;
    if (later.u) later.u += 8 * later.u_stride;
    const int64_t x_row = pro.input == GemvInput::SiluMul ? 2 * cols : cols;
    return launch_packed_gemv_mma(static_cast<const uint16_t*>(x) + 8 * x_row, x_type, words, scales_f16, zeros,
                                  static_cast<uint16_t*>(y) + 8 * rows, m - 8, rows, cols, group, bits, stream,
                                  overlap_previous, zt, residual ? static_cast<const uint16_t*>(residual) + 8 * rows : nullptr,
                                  pro, later, path, output);
  }
  const Plan pl = plan(bits, x_type, m, rows, cols, group, scales_f16, zeros, zt, words, path);
  if (pl.qpg == 0) return static_cast<int>(cudaErrorInvalidValue);
  const auto s = static_cast<cudaStream_t>(stream);
  const int M = static_cast<int>(m), R = static_cast<int>(rows), C = static_cast<int>(cols);
  const bool ov = overlap_previous, fz = zt == ZeroType::Float32;  // launch_kernel checks sm_90+
  auto by_zero = [&](auto t, auto bits_c, auto qpg_c, auto nt_c) {
    using T = decltype(t);
    constexpr int B = decltype(bits_c)::value, Q = decltype(qpg_c)::value, N = decltype(nt_c)::value;
    auto with = [&](auto z) {
      using Z = decltype(z);
      auto run = [&](auto form) {
        return launch<typename decltype(form)::type>(x, words, scales_f16, zeros, residual, y, M, R, C, pl.smem, pl.blocks, ov, fz,
                                      pro, lora, silu_out ? R / 2 : 0, pl.ring_slots, s);
      };
      if constexpr (Q == 1 && N == 1) {
        if (pl.ring_slots) return run(FormTag<GroupsInColumnsBulk<B, T, Z>>{});
        if (pl.groups) return run(FormTag<GroupsInColumns<B, T, Z>>{});
      }
      return run(FormTag<RowsInColumns<B, T, Q, N, Z>>{});
    };
    return zt == ZeroType::UInt8 ? with(uint8_t{}) : with(int32_t{});
  };
  auto by_nt = [&](auto t, auto bits_c, auto qpg_c) {
    if (pl.nt == 2) return by_zero(t, bits_c, qpg_c, std::integral_constant<int, 2>{});
    return by_zero(t, bits_c, qpg_c, std::integral_constant<int, 1>{});
  };
  auto by_qpg = [&](auto t, auto bits_c) {
    switch (pl.qpg) {
      case 1: return by_nt(t, bits_c, std::integral_constant<int, 1>{});
      case 2: return by_nt(t, bits_c, std::integral_constant<int, 2>{});
      default: return by_nt(t, bits_c, std::integral_constant<int, 4>{});
    }
  };
  auto by_bits = [&](auto t) {
    return bits == 2 ? by_qpg(t, std::integral_constant<int, 2>{}) : by_qpg(t, std::integral_constant<int, 4>{});
  };
  return x_type == ElemType::F16 ? by_bits(__half{}) : by_bits(__nv_bfloat16{});
}

}  // namespace apiq::kernels
