// SPDX-License-Identifier: GPL-3.0-or-later
// The one-row form (gemv_mma_groups.cuh) with its block's weights copied into shared memory in bulk
// (sm_90: cp.async.bulk, completion counted by an mbarrier per ring slot). Opt-in (GemvPath::GroupsBulk)
// until a GPU has run its tests and measured it against the register loads.
//
// Why: in the register form each warp keeps two items' loads in flight, and at decode's shapes a
// warp has only two or three items in all, so a product is a few rounds of full memory latency;
// measured, it streams at ~70 % of a plain read kernel's rate. Here one thread requests whole tiles
// (16 rows × all columns: codes, zero points and scales) of the block's contiguous tile range when
// the kernel starts — before the programmatic-dependent-launch wait, since weights never depend on
// the previous kernel — into a ring of slots in shared memory, so a block has up to ~200 KB in
// flight without holding any of it in registers. The warps then read their items from shared
// memory and compute exactly as the register form does (the same values in the same order: the
// results are bit for bit equal). The last warp to finish an item of a slot's tile (a counter per
// slot) requests the tile `slots` further on into it; warps take items in increasing order, so the
// lowest unfinished item can always proceed (no deadlock). A warp waits for a slot's count to show
// the previous tile finished before its parity wait (see compute).
//
// Slot layout of a tile: codes [16][n_words] words, zero points [16][n_groups], scales [16][n_groups],
// each part 16-byte aligned; a tile's rows are two halves of 8 consecutive rows (ItemArgs::row_step,
// half_step), one copy per half and part. The host checks that every copy is whole 16-byte units.
#pragma once
#include <cstdint>

#include "gemv_mma_groups.cuh"

namespace apiq::kernels {

// Bytes of one ring slot and of its parts, on the host (planning) and in the kernel alike.
struct BulkTile {
  int64_t words = 0, zeros = 0, scales = 0, slot = 0;  // rounded parts; slot: all three, 128-aligned
  int64_t copied = 0;                                   // bytes actually copied per tile
  __host__ __device__ static int64_t up(int64_t v, int64_t a) { return (v + a - 1) / a * a; }
  __host__ __device__ BulkTile(int64_t n_words, int64_t n_groups, int64_t zero_size)
      : words(16 * n_words * 4), zeros(up(16 * n_groups * zero_size, 16)), scales(up(16 * n_groups * 2, 16)),
        slot(up(words + zeros + scales, 128)), copied(16 * (n_words * 4 + n_groups * (zero_size + 2))) {}
  // The ring's head (a barrier and a counter per slot) before the slots.
  __host__ __device__ static int64_t head(int slots) { return up(12 * int64_t{slots}, 128); }
};

namespace {

__device__ __forceinline__ uint32_t smem_addr(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// The PTX of the bulk path exists from sm_90; the host offers the form only there.
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
#define APIQ_BULK(...) asm volatile(__VA_ARGS__)
#else
#define APIQ_BULK(...) __trap()
#endif

__device__ __forceinline__ void mbar_init(uint64_t* bar, uint32_t count) {
  APIQ_BULK("mbarrier.init.shared::cta.b64 [%0], %1;" ::"r"(smem_addr(bar)), "r"(count) : "memory");
}
// The barriers' initialisation visible to the async proxy (the bulk copies complete on them).
__device__ __forceinline__ void mbar_init_fence() { APIQ_BULK("fence.mbarrier_init.release.cluster;" ::: "memory"); }
__device__ __forceinline__ void mbar_expect_bytes(uint64_t* bar, uint32_t bytes) {
  APIQ_BULK("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(smem_addr(bar)), "r"(bytes) : "memory");
}
__device__ __forceinline__ void mbar_wait(uint64_t* bar, uint32_t parity) {
  APIQ_BULK(
      "{\n .reg .pred done;\n WAIT:\n mbarrier.try_wait.parity.shared::cta.b64 done, [%0], %1;\n @!done bra WAIT;\n}" ::"r"(
          smem_addr(bar)),
      "r"(parity)
      : "memory");
}
// Generic-proxy reads of a slot ordered before the async-proxy writes that refill it.
__device__ __forceinline__ void fence_proxy_async() { APIQ_BULK("fence.proxy.async.shared::cta;" ::: "memory"); }
__device__ __forceinline__ void bulk_copy(void* dst, const void* src, uint32_t bytes, uint64_t* bar) {
  APIQ_BULK("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];" ::"r"(
                smem_addr(dst)),
            "l"(src), "r"(bytes), "r"(smem_addr(bar))
            : "memory");
}
#undef APIQ_BULK

template <int BITS, typename TT, typename ZZ>
struct GroupsInColumnsBulk : GroupsInColumns<BITS, TT, ZZ> {
  using Base = GroupsInColumns<BITS, TT, ZZ>;
  using typename Base::G, typename Base::Slot, typename Base::Z;
  using Base::a, Base::g, Base::t, Base::chunks, Base::GW, Base::COLS;
  static constexpr bool kBulk = true;
  BulkTile tile;
  uint64_t* full;  // [slots]: one phase per fill
  int* taken;      // [slots]: items finished in the slot, over all its fills
  unsigned char* slots;

  __device__ GroupsInColumnsBulk(const ItemArgs<Z>& args)
      : Base(args), tile(args.n_words, args.n_groups, sizeof(Z)), full(reinterpret_cast<uint64_t*>(args.ring)),
        taken(reinterpret_cast<int*>(full + args.ring_slots)), slots(args.ring + BulkTile::head(args.ring_slots)) {}

  // Thread 0 initialises the ring and requests the first tiles; the skeleton's __syncthreads after
  // staging x orders this before any wait.
  __device__ void start() {
    if (threadIdx.x != 0) return;
    for (int s = 0; s < a.ring_slots; ++s) mbar_init(full + s, 1), taken[s] = 0;
    mbar_init_fence();
    fence_proxy_async();  // the initialised barriers, before this thread's first copies complete on them
    for (int lt = 0; lt < a.ring_slots && lt < a.n_tiles; ++lt) request(lt);
  }
  __device__ void load(const Cursor&, Slot&) const {}  // the weights arrive in bulk

  __device__ void compute(const Cursor& c, Slot& L) const {
    const int lt = c.tile - a.t_begin, s = lt % a.ring_slots, fill = lt / a.ring_slots;
    // A parity wait cannot tell fill f from fill f − 2: a warp may reach tile lt while the slot's
    // previous tile lt − S is still in flight (completions come in any order). Once every item of
    // that tile is counted, fill f is requested or about to be, and the parity then means f.
    while (*reinterpret_cast<volatile const int*>(taken + s) < fill * chunks) {
    }
    __threadfence_block();  // acquire, pairing with finish()'s release: the phase of tile lt − S is seen as complete
    mbar_wait(full + s, fill & 1);
    read(slots + s * tile.slot, c.chunk, L);
    Base::compute(c, L);
    finish(lt);
  }

 private:
  // Tile lt of the block (its two halves of 8 rows) into slot lt % slots, counted on that slot's barrier.
  __device__ void request(int lt) const {
    const int s = lt % a.ring_slots;
    unsigned char* dst = slots + s * tile.slot;
    uint64_t* bar = full + s;
    mbar_expect_bytes(bar, static_cast<uint32_t>(tile.copied));
    const int zs = static_cast<int>(sizeof(Z)), n_words = a.n_words, n_groups = a.n_groups;
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int row0 = (a.t_begin + lt) * a.row_step + h * a.half_step;  // 8 consecutive rows
      bulk_copy(dst + h * 8 * n_words * 4, a.words + row0 * n_words, 8 * n_words * 4, bar);
      bulk_copy(dst + tile.words + h * 8 * n_groups * zs, a.zeros + row0 * n_groups, 8 * n_groups * zs, bar);
      bulk_copy(dst + tile.words + tile.zeros + h * 8 * n_groups * 2, a.scales + row0 * n_groups, 8 * n_groups * 2,
                bar);
    }
  }
  // The lane's words, zero points and scales of its two rows × two groups, as Base::load reads them.
  __device__ void read(const unsigned char* slot, int chunk, Slot& L) const {
    const auto* zeros = reinterpret_cast<const Z*>(slot + tile.words);
    const auto* scales = reinterpret_cast<const unsigned short*>(slot + tile.words + tile.zeros);
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const int r16 = g + 8 * h;
      uint32_t sh[2];
#pragma unroll
      for (int k = 0; k < 2; ++k) {
        const int grp = chunk * COLS + t + 4 * k;
        const bool ok = grp < a.n_groups;  // the last chunk of a row may hold fewer than eight groups
        const int at = r16 * a.n_groups + grp;
        const uint4 v = ok ? *reinterpret_cast<const uint4*>(slot + (r16 * a.n_words + grp * GW) * 4)
                           : make_uint4(0u, 0u, 0u, 0u);
        L.w[h][k][0] = v.x, L.w[h][k][1] = v.y, L.w[h][k][2] = v.z, L.w[h][k][3] = v.w;
        L.z[h][k][0] = ok ? static_cast<uint32_t>(zeros[at]) : 0u;
        sh[k] = ok ? scales[at] : 0u;  // +0.0: no output
      }
      L.s[h] = sh[0] | (sh[1] << 16);
    }
  }
  // One of the warp's items of tile lt is done: the last one of the slot's current fill refills it.
  __device__ void finish(int lt) const {
    __syncwarp();
    if (threadIdx.x % 32 != 0) return;
    const int s = lt % a.ring_slots, fill = lt / a.ring_slots;
    __threadfence_block();  // release: this warp's reads of the slot, before its count
    if (atomicAdd(taken + s, 1) + 1 == (fill + 1) * chunks && lt + a.ring_slots < a.n_tiles) {
      __threadfence_block();  // acquire: every warp's reads, before the refill
      fence_proxy_async();
      request(lt + a.ring_slots);
    }
  }
};

}  // namespace
}  // namespace apiq::kernels
