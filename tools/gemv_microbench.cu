// SPDX-License-Identifier: GPL-3.0-or-later
// Diagnostic, not part of the build: the tensor-core GEMV next to the simplest kernels of the same
// traffic (a read-only pass over the codes, a device copy, an empty launch), single and back to
// back, without LibTorch, so it compiles in seconds on the GPU machine:
//   nvcc -O3 -std=c++17 -arch=sm_90 --expt-relaxed-constexpr -Icore/kernels \
//     tools/gemv_microbench.cu core/kernels/spin.cu -o gemv_microbench && ./gemv_microbench
// (docs/performance.md quotes its output.)
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>
#include "quant_gemv_mma.cu"
#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { std::printf("CUDA %s at %d\n", cudaGetErrorString(e_), __LINE__); std::exit(1); } } while (0)
using namespace apiq::kernels;

__global__ void ref_kernel(const __nv_bfloat16* x, const uint32_t* w, const __half* s, const int32_t* z, float* y, int rows, int cols, int group) {
  int r = blockIdx.x * blockDim.x + threadIdx.x;
  if (r >= rows) return;
  int nw = cols / 16, ng = cols / group;
  double acc = 0;
  for (int c = 0; c < cols; ++c) {
    uint32_t q = (w[(size_t)r * nw + c / 16] >> (2 * (c % 16))) & 3u;
    int gi = c / group;
    acc += (double)((int)q - z[(size_t)r * ng + gi]) * (double)__half2float(s[(size_t)r * ng + gi]) * (double)__bfloat162float(x[c]);
  }
  y[r] = (float)acc;
}
__global__ void read_kernel(const uint4* p, size_t n, uint32_t* out) {
  uint32_t a = 0;
  for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
    uint4 v = __ldg(p + i);
    a ^= v.x ^ v.y ^ v.z ^ v.w;
  }
  if (a == 0x12345678u) out[0] = a;
}
__global__ void empty_kernel() {}

struct Mat { uint32_t* w; __half* s; int32_t* z; uint8_t* z8; };
static float median(std::vector<float> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; }

// The bulk-copied one-row form (GemvPath::GroupsBulk) against the register form on the same random W2 g64 weights (int32
// and uint8 zero points, one row of x): the same arithmetic on the same values, so equal bit for bit.
static void compare_forms(int rows, int cols, const __nv_bfloat16* x, __nv_bfloat16* y, cudaStream_t st) {
  const int group = 64;
  const size_t nw = (size_t)rows * cols / 16, ng = (size_t)rows * cols / group;
  std::mt19937 rng(rows + cols);
  std::vector<uint32_t> hw(nw); std::vector<__half> hs(ng); std::vector<int32_t> hz(ng);
  for (auto& v : hw) v = rng();
  for (auto& v : hs) v = __float2half(0.01f + (rng() % 1000) * 1e-4f);
  for (auto& v : hz) v = rng() % 4;
  std::vector<uint8_t> hz8(hz.begin(), hz.end());
  uint32_t* w; __half* sc; int32_t* z; uint8_t* z8; __nv_bfloat16* y2;
  CK(cudaMalloc(&w, nw * 4)); CK(cudaMalloc(&sc, ng * 2)); CK(cudaMalloc(&z, ng * 4)); CK(cudaMalloc(&z8, ng)); CK(cudaMalloc(&y2, rows * 2));
  CK(cudaMemcpy(w, hw.data(), nw * 4, cudaMemcpyHostToDevice)); CK(cudaMemcpy(sc, hs.data(), ng * 2, cudaMemcpyHostToDevice));
  CK(cudaMemcpy(z, hz.data(), ng * 4, cudaMemcpyHostToDevice)); CK(cudaMemcpy(z8, hz8.data(), ng, cudaMemcpyHostToDevice));
  for (int u8 = 0; u8 < 2; ++u8) {
    const void* zp = u8 ? (const void*)z8 : (const void*)z;
    const ZeroType zt = u8 ? ZeroType::UInt8 : ZeroType::Int32;
    const int slots = packed_gemv_mma_bulk_slots(2, ElemType::BF16, 1, rows, cols, group, sc, zp, zt, w, GemvPath::GroupsBulk);
    int e = launch_packed_gemv_mma(x, ElemType::BF16, (const int32_t*)w, sc, zp, y, 1, rows, cols, group, 2, st, false, zt,
                                   nullptr, {}, {}, GemvPath::GroupsBulk);
    e = e ? e : launch_packed_gemv_mma(x, ElemType::BF16, (const int32_t*)w, sc, zp, y2, 1, rows, cols, group, 2, st, false, zt);
    if (e) { std::printf("launch error %d\n", e); std::exit(1); }
    CK(cudaStreamSynchronize(st));
    std::vector<uint16_t> a(rows), b(rows);
    CK(cudaMemcpy(a.data(), y, rows * 2, cudaMemcpyDeviceToHost)); CK(cudaMemcpy(b.data(), y2, rows * 2, cudaMemcpyDeviceToHost));
    int diff = 0;
    for (int r = 0; r < rows; ++r) diff += a[r] != b[r];
    std::printf("bulk vs registers %dx%d %s zeros: %d ring slots, %d of %d outputs differ\n", rows, cols, u8 ? "uint8" : "int32",
                slots, diff, rows);
  }
  CK(cudaFree(w)); CK(cudaFree(sc)); CK(cudaFree(z)); CK(cudaFree(z8)); CK(cudaFree(y2));
}

int main(int argc, char** argv) {
  int dev = 0; CK(cudaSetDevice(dev));
  cudaDeviceProp prop; CK(cudaGetDeviceProperties(&prop, dev));
  size_t l2 = prop.l2CacheSize;
  cudaStream_t st; CK(cudaStreamCreate(&st));
  cudaEvent_t e0, e1; CK(cudaEventCreate(&e0)); CK(cudaEventCreate(&e1));
  char* flush; size_t flush_bytes = 4 * l2; CK(cudaMalloc(&flush, flush_bytes));
  // copy bandwidth, 256 MiB
  size_t cb = 256u << 20; char *ca, *cbuf; CK(cudaMalloc(&ca, cb)); CK(cudaMalloc(&cbuf, cb));
  std::vector<float> t;
  for (int i = 0; i < 23; ++i) { CK(cudaEventRecord(e0, st)); CK(cudaMemcpyAsync(cbuf, ca, cb, cudaMemcpyDeviceToDevice, st)); CK(cudaEventRecord(e1, st)); CK(cudaEventSynchronize(e1)); float ms; CK(cudaEventElapsedTime(&ms, e0, e1)); if (i >= 3) t.push_back(ms); }
  double copy_gbps = 2.0 * cb / (median(t) * 1e-3) / 1e9;
  std::printf("copy 256MiB: %.0f GB/s, L2 %zu MiB, SMs %d\n", copy_gbps, l2 >> 20, prop.multiProcessorCount);
  std::printf("register depth %d\n", kDepth);
  int shapes[3][2] = {{4096, 4096}, {11008, 4096}, {4096, 11008}};
  const int group = 64;
  uint32_t* sink; CK(cudaMalloc(&sink, 64));
  __nv_bfloat16* x; CK(cudaMalloc(&x, 16 * 11008 * 2));
  __nv_bfloat16* y; CK(cudaMalloc(&y, 16 * 11008 * 2));
  float* yr; CK(cudaMalloc(&yr, 11008 * 4));
  std::mt19937 rng(1);
  {
    std::vector<__nv_bfloat16> hx(16 * 11008);
    std::normal_distribution<float> nd;
    for (auto& v : hx) v = __float2bfloat16(nd(rng));
    CK(cudaMemcpy(x, hx.data(), hx.size() * 2, cudaMemcpyHostToDevice));
  }
  for (auto& sh : std::vector<std::array<int, 2>>{{32768, 4096}, {2048, 11008}, {16, 512}, {4096, 4096}})
    compare_forms(sh[0], sh[1], x, y, st);
  for (auto& sh : shapes) {
    int rows = sh[0], cols = sh[1];
    size_t nw = (size_t)rows * cols / 16, ng = (size_t)rows * cols / group;
    size_t bytes = nw * 4 + ng * 2 + ng * 4 + cols * 2 + rows * 2;
    int count = (int)std::max<size_t>(2, (3 * l2 + bytes - 1) / bytes);
    std::vector<Mat> mats(count);
    std::vector<uint32_t> hw(nw); std::vector<__half> hs(ng); std::vector<int32_t> hz(ng);
    for (int c = 0; c < count; ++c) {
      for (auto& v : hw) v = rng();
      for (auto& v : hs) v = __float2half(0.01f + (rng() % 1000) * 1e-4f);
      for (auto& v : hz) v = rng() % 4;
      CK(cudaMalloc(&mats[c].w, nw * 4)); CK(cudaMalloc(&mats[c].s, ng * 2)); CK(cudaMalloc(&mats[c].z, ng * 4));
      CK(cudaMemcpy(mats[c].w, hw.data(), nw * 4, cudaMemcpyHostToDevice));
      CK(cudaMemcpy(mats[c].s, hs.data(), ng * 2, cudaMemcpyHostToDevice));
      CK(cudaMemcpy(mats[c].z, hz.data(), ng * 4, cudaMemcpyHostToDevice));
      std::vector<uint8_t> hz8(hz.begin(), hz.end());
      CK(cudaMalloc(&mats[c].z8, ng));
      CK(cudaMemcpy(mats[c].z8, hz8.data(), ng, cudaMemcpyHostToDevice));
    }
    bool overlap = false, u8 = false;
    GemvPath path = GemvPath::Auto;
    auto gemv = [&](int c, int m) {
      int e = u8 ? launch_packed_gemv_mma(x, ElemType::BF16, (const int32_t*)mats[c].w, mats[c].s, mats[c].z8, y, m, rows, cols, group, 2, st, overlap, ZeroType::UInt8, nullptr, {}, {}, path)
                 : launch_packed_gemv_mma(x, ElemType::BF16, (const int32_t*)mats[c].w, mats[c].s, mats[c].z, y, m, rows, cols, group, 2, st, overlap, ZeroType::Int32, nullptr, {}, {}, path);
      if (e) { std::printf("launch error %d\n", e); std::exit(1); }
    };
    // correctness vs float64 reference, M=1
    gemv(0, 1);
    ref_kernel<<<(rows + 127) / 128, 128, 0, st>>>(x, mats[0].w, mats[0].s, mats[0].z, yr, rows, cols, group);
    CK(cudaStreamSynchronize(st));
    std::vector<__nv_bfloat16> hy(rows); std::vector<float> hr(rows);
    CK(cudaMemcpy(hy.data(), y, rows * 2, cudaMemcpyDeviceToHost)); CK(cudaMemcpy(hr.data(), yr, rows * 4, cudaMemcpyDeviceToHost));
    double maxd = 0, maxr = 0;
    for (int r = 0; r < rows; ++r) { maxd = std::max(maxd, (double)std::fabs(__bfloat162float(hy[r]) - hr[r])); maxr = std::max(maxr, (double)std::fabs(hr[r])); }
    auto single = [&](auto&& f) {
      std::vector<float> tt;
      for (int i = 0; i < 23; ++i) {
        CK(cudaMemsetAsync(flush, i, flush_bytes, st));
        launch_spin(200000, st);
        CK(cudaEventRecord(e0, st)); f(0); CK(cudaEventRecord(e1, st)); CK(cudaEventSynchronize(e1));
        float ms; CK(cudaEventElapsedTime(&ms, e0, e1)); if (i >= 3) tt.push_back(ms);
      }
      return median(tt) * 1e3;  // µs
    };
    auto b2b = [&](auto&& f) {
      std::vector<float> tt;
      for (int i = 0; i < 23; ++i) {
        CK(cudaMemsetAsync(flush, i, flush_bytes, st));
        launch_spin(2000000, st);
        CK(cudaEventRecord(e0, st)); for (int c = 0; c < count; ++c) f(c); CK(cudaEventRecord(e1, st)); CK(cudaEventSynchronize(e1));
        float ms; CK(cudaEventElapsedTime(&ms, e0, e1)); if (i >= 3) tt.push_back(ms);
      }
      return median(tt) * 1e3 / count;
    };
    auto pct = [&](double us) { return 100.0 * bytes / (us * 1e-6) / 1e9 / copy_gbps; };
    auto rd = [&](int c) { read_kernel<<<prop.multiProcessorCount * 8, 256, 0, st>>>((const uint4*)mats[c].w, nw * 4 / 16, sink); read_kernel<<<prop.multiProcessorCount * 4, 256, 0, st>>>((const uint4*)mats[c].z, ng * 4 / 16, sink); };
    auto rd1 = [&](int c) { read_kernel<<<prop.multiProcessorCount * 8, 256, 0, st>>>((const uint4*)mats[c].w, nw * 4 / 16, sink); };
    auto cp = [&](int c) { CK(cudaMemcpyAsync(cbuf, mats[c].w, bytes / 2, cudaMemcpyDeviceToDevice, st)); };
    std::printf("\n%dx%d W2 g64 bf16: %zu B, x%d b2b; max err %.3g (|ref| max %.3g)\n", rows, cols, bytes, count, maxd, maxr);
    for (int m : {1, 4, 8}) {
      double s1 = single([&](int c) { gemv(c, m); }), bb = b2b([&](int c) { gemv(c, m); });
      std::printf("  gemv M=%d          single %7.2f us %5.1f%%   b2b %7.2f us %5.1f%%\n", m, s1, pct(s1), bb, pct(bb));
      overlap = true;
      bb = b2b([&](int c) { gemv(c, m); });
      std::printf("  gemv M=%d PDL                                 b2b %7.2f us %5.1f%%\n", m, bb, pct(bb));
      u8 = true;
      bb = b2b([&](int c) { gemv(c, m); });
      std::printf("  gemv M=%d PDL uint8 zeros                     b2b %7.2f us %5.1f%%\n", m, bb, pct(bb));
      if (m == 1) {
        path = GemvPath::RowsInColumns;  // the multi-row form for one row, as before the one-row form
        bb = b2b([&](int c) { gemv(c, m); });
        std::printf("  gemv M=1 PDL uint8 zeros, multi-row form      b2b %7.2f us %5.1f%%\n", bb, pct(bb));
        path = GemvPath::GroupsBulk;  // the one-row form with its weights copied in bulk
        bb = b2b([&](int c) { gemv(c, m); });
        std::printf("  gemv M=1 PDL uint8 zeros, bulk copies         b2b %7.2f us %5.1f%%\n", bb, pct(bb));
        path = GemvPath::Auto;
      }
      overlap = u8 = false;
    }
    double s1 = single(rd1), bb = b2b(rd1);
    std::printf("  read codes only     single %7.2f us %5.1f%%   b2b %7.2f us %5.1f%%  (pct of all bytes)\n", s1, pct(s1), bb, pct(bb));
    s1 = single(rd); bb = b2b(rd);
    std::printf("  read codes+zeros    single %7.2f us %5.1f%%   b2b %7.2f us %5.1f%%  (2 kernels)\n", s1, pct(s1), bb, pct(bb));
    s1 = single(cp); bb = b2b(cp);
    std::printf("  copy same bytes     single %7.2f us %5.1f%%   b2b %7.2f us %5.1f%%\n", s1, pct(s1), bb, pct(bb));
    bb = b2b([&](int) { empty_kernel<<<prop.multiProcessorCount, 512, 0, st>>>(); });
    std::printf("  empty kernel        b2b %7.2f us\n", bb);
    for (auto& mm : mats) { cudaFree(mm.w); cudaFree(mm.s); cudaFree(mm.z); cudaFree(mm.z8); }
  }
  CK(cudaGetLastError());
  return 0;
}
