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

// One random W2 weight matrix on the device: codes, fp16 scales, int32 and uint8 zero points.
struct Mat {
  uint32_t* w; __half* s; int32_t* z; uint8_t* z8;
  static Mat random(int rows, int cols, int group, std::mt19937& rng) {
    const size_t nw = (size_t)rows * cols / 16, ng = (size_t)rows * cols / group;
    std::vector<uint32_t> hw(nw); std::vector<__half> hs(ng); std::vector<int32_t> hz(ng);
    for (auto& v : hw) v = rng();
    for (auto& v : hs) v = __float2half(0.01f + (rng() % 1000) * 1e-4f);
    for (auto& v : hz) v = rng() % 4;
    std::vector<uint8_t> hz8(hz.begin(), hz.end());
    Mat m;
    CK(cudaMalloc(&m.w, nw * 4)); CK(cudaMalloc(&m.s, ng * 2)); CK(cudaMalloc(&m.z, ng * 4)); CK(cudaMalloc(&m.z8, ng));
    CK(cudaMemcpy(m.w, hw.data(), nw * 4, cudaMemcpyHostToDevice)); CK(cudaMemcpy(m.s, hs.data(), ng * 2, cudaMemcpyHostToDevice));
    CK(cudaMemcpy(m.z, hz.data(), ng * 4, cudaMemcpyHostToDevice)); CK(cudaMemcpy(m.z8, hz8.data(), ng, cudaMemcpyHostToDevice));
    return m;
  }
  void release() { CK(cudaFree(w)); CK(cudaFree(s)); CK(cudaFree(z)); CK(cudaFree(z8)); }
  const void* zeros(bool u8) const { return u8 ? (const void*)z8 : (const void*)z; }
};
static float median(std::vector<float> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; }

// The product of one row block of x with m: W2, bf16, the given zero-point type and form.
static int gemv(const Mat& m, const __nv_bfloat16* x, __nv_bfloat16* y, int rows_x, int rows, int cols, int group,
                cudaStream_t st, bool overlap, bool u8, GemvPath path) {
  return launch_packed_gemv_mma(x, ElemType::BF16, (const int32_t*)m.w, m.s, m.zeros(u8), y, rows_x, rows, cols, group, 2,
                                st, overlap, u8 ? ZeroType::UInt8 : ZeroType::Int32, nullptr, {}, {}, path);
}

// The bulk-copied one-row form (GemvPath::GroupsBulk) against the register form on the same random W2 g64 weights (int32
// and uint8 zero points, one row of x): the same arithmetic on the same values, so equal bit for bit.
static void compare_forms(int rows, int cols, const __nv_bfloat16* x, __nv_bfloat16* y, cudaStream_t st) {
  const int group = 64;
  std::mt19937 rng(rows + cols);
  Mat m = Mat::random(rows, cols, group, rng);
  __nv_bfloat16* y2; CK(cudaMalloc(&y2, rows * 2));
  for (int u8 = 0; u8 < 2; ++u8) {
    const int slots = packed_gemv_mma_bulk_slots(2, ElemType::BF16, 1, rows, cols, group, m.s, m.zeros(u8),
                                                 u8 ? ZeroType::UInt8 : ZeroType::Int32, m.w, GemvPath::GroupsBulk);
    int e = gemv(m, x, y, 1, rows, cols, group, st, false, u8, GemvPath::GroupsBulk);
    e = e ? e : gemv(m, x, y2, 1, rows, cols, group, st, false, u8, GemvPath::Auto);
    if (e) { std::printf("launch error %d\n", e); std::exit(1); }
    CK(cudaStreamSynchronize(st));
    std::vector<uint16_t> a(rows), b(rows);
    CK(cudaMemcpy(a.data(), y, rows * 2, cudaMemcpyDeviceToHost)); CK(cudaMemcpy(b.data(), y2, rows * 2, cudaMemcpyDeviceToHost));
    int diff = 0;
    for (int r = 0; r < rows; ++r) diff += a[r] != b[r];
    std::printf("bulk vs registers %dx%d %s zeros: %d ring slots, %d of %d outputs differ\n", rows, cols, u8 ? "uint8" : "int32",
                slots, diff, rows);
  }
  m.release();
  CK(cudaFree(y2));
}

// Event timing on one stream, medians of 20 runs after 3 warm-ups; the L2 cache is flushed and the
// stream held by a spin kernel before each run, so the host has queued the whole run when it starts.
struct Timer {
  cudaStream_t st;
  size_t l2;
  cudaEvent_t e0, e1;
  char* flush;
  Timer(cudaStream_t s, size_t l2_bytes) : st(s), l2(l2_bytes) {
    CK(cudaEventCreate(&e0)); CK(cudaEventCreate(&e1)); CK(cudaMalloc(&flush, 4 * l2));
  }
  // Milliseconds of one run of f (spin_ns 0: no flush or spin, as for the copy rate).
  template <typename F>
  float median_ms(F&& f, long spin_ns) {
    std::vector<float> tt;
    for (int i = 0; i < 23; ++i) {
      if (spin_ns > 0) {
        CK(cudaMemsetAsync(flush, i, 4 * l2, st));
        launch_spin(spin_ns, st);
      }
      CK(cudaEventRecord(e0, st)); f(); CK(cudaEventRecord(e1, st)); CK(cudaEventSynchronize(e1));
      float ms; CK(cudaEventElapsedTime(&ms, e0, e1)); if (i >= 3) tt.push_back(ms);
    }
    return median(tt);
  }
};

// Float64 reference of one product of one row of x (the correctness line of each shape).
static void reference_error(const Mat& m, const __nv_bfloat16* x, __nv_bfloat16* y, float* yr, int rows, int cols, int group,
                            cudaStream_t st, double& maxd, double& maxr) {
  if (int e = gemv(m, x, y, 1, rows, cols, group, st, false, false, GemvPath::Auto)) { std::printf("launch error %d\n", e); std::exit(1); }
  ref_kernel<<<(rows + 127) / 128, 128, 0, st>>>(x, m.w, m.s, m.z, yr, rows, cols, group);
  CK(cudaStreamSynchronize(st));
  std::vector<__nv_bfloat16> hy(rows); std::vector<float> hr(rows);
  CK(cudaMemcpy(hy.data(), y, rows * 2, cudaMemcpyDeviceToHost)); CK(cudaMemcpy(hr.data(), yr, rows * 4, cudaMemcpyDeviceToHost));
  maxd = maxr = 0;
  for (int r = 0; r < rows; ++r) { maxd = std::max(maxd, (double)std::fabs(__bfloat162float(hy[r]) - hr[r])); maxr = std::max(maxr, (double)std::fabs(hr[r])); }
}

struct Buffers { __nv_bfloat16* x; __nv_bfloat16* y; float* yr; uint32_t* sink; char* copy_dst; };

// Every line of one shape: the product single and back to back (with PDL, uint8 zeros, the other
// forms at one row), then the plain kernels of the same traffic.
static void bench_shape(int rows, int cols, Timer& tm, const Buffers& b, const cudaDeviceProp& prop, double copy_gbps, std::mt19937& rng) {
  const int group = 64;
  const cudaStream_t st = tm.st;
  const size_t nw = (size_t)rows * cols / 16, ng = (size_t)rows * cols / group;
  const size_t bytes = nw * 4 + ng * 2 + ng * 4 + cols * 2 + rows * 2;
  const int count = (int)std::max<size_t>(2, (3 * tm.l2 + bytes - 1) / bytes);
  std::vector<Mat> mats;
  for (int c = 0; c < count; ++c) mats.push_back(Mat::random(rows, cols, group, rng));
  double maxd, maxr;
  reference_error(mats[0], b.x, b.y, b.yr, rows, cols, group, st, maxd, maxr);
  auto single = [&](auto&& f) { return tm.median_ms([&] { f(0); }, 200000) * 1e3; };  // µs
  auto b2b = [&](auto&& f) { return tm.median_ms([&] { for (int c = 0; c < count; ++c) f(c); }, 2000000) * 1e3 / count; };
  auto pct = [&](double us) { return 100.0 * bytes / (us * 1e-6) / 1e9 / copy_gbps; };
  std::printf("\n%dx%d W2 g64 bf16: %zu B, x%d b2b; max err %.3g (|ref| max %.3g)\n", rows, cols, bytes, count, maxd, maxr);
  for (int m : {1, 4, 8}) {
    auto run = [&](bool overlap, bool u8, GemvPath path) {
      return [&, overlap, u8, path](int c) {
        if (int e = gemv(mats[c], b.x, b.y, m, rows, cols, group, st, overlap, u8, path)) { std::printf("launch error %d\n", e); std::exit(1); }
      };
    };
    double s1 = single(run(false, false, GemvPath::Auto)), bb = b2b(run(false, false, GemvPath::Auto));
    std::printf("  gemv M=%d          single %7.2f us %5.1f%%   b2b %7.2f us %5.1f%%\n", m, s1, pct(s1), bb, pct(bb));
    bb = b2b(run(true, false, GemvPath::Auto));
    std::printf("  gemv M=%d PDL                                 b2b %7.2f us %5.1f%%\n", m, bb, pct(bb));
    bb = b2b(run(true, true, GemvPath::Auto));
    std::printf("  gemv M=%d PDL uint8 zeros                     b2b %7.2f us %5.1f%%\n", m, bb, pct(bb));
    if (m != 1) continue;
    bb = b2b(run(true, true, GemvPath::RowsInColumns));  // the multi-row form for one row, as before the one-row form
    std::printf("  gemv M=1 PDL uint8 zeros, multi-row form      b2b %7.2f us %5.1f%%\n", bb, pct(bb));
    bb = b2b(run(true, true, GemvPath::GroupsBulk));  // the one-row form with its weights copied in bulk
    std::printf("  gemv M=1 PDL uint8 zeros, bulk copies         b2b %7.2f us %5.1f%%\n", bb, pct(bb));
  }
  const int sms = prop.multiProcessorCount;
  auto rd1 = [&](int c) { read_kernel<<<sms * 8, 256, 0, st>>>((const uint4*)mats[c].w, nw * 4 / 16, b.sink); };
  auto rd = [&](int c) { rd1(c); read_kernel<<<sms * 4, 256, 0, st>>>((const uint4*)mats[c].z, ng * 4 / 16, b.sink); };
  auto cp = [&](int c) { CK(cudaMemcpyAsync(b.copy_dst, mats[c].w, bytes / 2, cudaMemcpyDeviceToDevice, st)); };
  double s1 = single(rd1), bb = b2b(rd1);
  std::printf("  read codes only     single %7.2f us %5.1f%%   b2b %7.2f us %5.1f%%  (pct of all bytes)\n", s1, pct(s1), bb, pct(bb));
  s1 = single(rd); bb = b2b(rd);
  std::printf("  read codes+zeros    single %7.2f us %5.1f%%   b2b %7.2f us %5.1f%%  (2 kernels)\n", s1, pct(s1), bb, pct(bb));
  s1 = single(cp); bb = b2b(cp);
  std::printf("  copy same bytes     single %7.2f us %5.1f%%   b2b %7.2f us %5.1f%%\n", s1, pct(s1), bb, pct(bb));
  bb = b2b([&](int) { empty_kernel<<<sms, 512, 0, st>>>(); });
  std::printf("  empty kernel        b2b %7.2f us\n", bb);
  for (auto& mm : mats) mm.release();
}

int main() {
  CK(cudaSetDevice(0));
  cudaDeviceProp prop; CK(cudaGetDeviceProperties(&prop, 0));
  cudaStream_t st; CK(cudaStreamCreate(&st));
  Timer tm(st, prop.l2CacheSize);
  // The large-copy rate every percentage refers to: 256 MiB device to device.
  const size_t cb = 256u << 20;
  char *ca, *cbuf; CK(cudaMalloc(&ca, cb)); CK(cudaMalloc(&cbuf, cb));
  const double copy_gbps = 2.0 * cb / (tm.median_ms([&] { CK(cudaMemcpyAsync(cbuf, ca, cb, cudaMemcpyDeviceToDevice, st)); }, 0) * 1e-3) / 1e9;
  std::printf("copy 256MiB: %.0f GB/s, L2 %zu MiB, SMs %d\n", copy_gbps, tm.l2 >> 20, prop.multiProcessorCount);
  std::printf("register depth %d\n", kDepth);
  Buffers b{nullptr, nullptr, nullptr, nullptr, cbuf};
  CK(cudaMalloc(&b.sink, 64)); CK(cudaMalloc(&b.x, 16 * 11008 * 2)); CK(cudaMalloc(&b.y, 16 * 11008 * 2)); CK(cudaMalloc(&b.yr, 11008 * 4));
  std::mt19937 rng(1);
  {
    std::vector<__nv_bfloat16> hx(16 * 11008);
    std::normal_distribution<float> nd;
    for (auto& v : hx) v = __float2bfloat16(nd(rng));
    CK(cudaMemcpy(b.x, hx.data(), hx.size() * 2, cudaMemcpyHostToDevice));
  }
  for (auto& sh : std::vector<std::array<int, 2>>{{32768, 4096}, {2048, 11008}, {16, 512}, {4096, 4096}})
    compare_forms(sh[0], sh[1], b.x, b.y, st);
  for (auto& sh : std::vector<std::array<int, 2>>{{4096, 4096}, {11008, 4096}, {4096, 11008}})
    bench_shape(sh[0], sh[1], tm, b, prop, copy_gbps, rng);
  CK(cudaGetLastError());
  return 0;
}
