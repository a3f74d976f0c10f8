// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/bench_timer.h"

#include <torch/types.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

#ifdef APIQ_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>

#include "launchers.h"
#endif

namespace apiq {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

#ifdef APIQ_WITH_CUDA
namespace {
void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}
}  // namespace
#endif

BenchTimer::BenchTimer(torch::Device device, TimingOptions opts) : device_(device), opts_(opts) {
#ifdef APIQ_WITH_CUDA
  if (device_.is_cuda()) {
    c10::cuda::CUDAGuard guard(device_);
    cudaEvent_t a, b;
    check(cudaEventCreate(&a), "cudaEventCreate");
    check(cudaEventCreate(&b), "cudaEventCreate");
    start_ = a;
    stop_ = b;
    int l2 = 0;
    check(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device_.has_index() ? device_.index() : 0),
          "cudaDeviceGetAttribute");
    l2_bytes_ = l2;
    if (opts_.flush_l2) flush_ = torch::empty({std::max<int64_t>(4 * l2_bytes_, 1 << 20)}, torch::TensorOptions().device(device_).dtype(torch::kByte));
  }
#endif
}

BenchTimer::~BenchTimer() {
#ifdef APIQ_WITH_CUDA
  if (start_) cudaEventDestroy(static_cast<cudaEvent_t>(start_));
  if (stop_) cudaEventDestroy(static_cast<cudaEvent_t>(stop_));
#endif
}

double BenchTimer::median_ms(const std::function<void()>& fn) {
  for (int i = 0; i < opts_.warmup; ++i) fn();
  std::vector<double> times;
#ifdef APIQ_WITH_CUDA
  if (device_.is_cuda()) {
    c10::cuda::CUDAGuard guard(device_);
    const auto stream = c10::cuda::getCurrentCUDAStream().stream();
    const auto a = static_cast<cudaEvent_t>(start_), b = static_cast<cudaEvent_t>(stop_);
    for (int i = 0; i < opts_.runs; ++i) {
      if (flush_.defined()) flush_.zero_();
      if (opts_.queue_behind_spin) check(static_cast<cudaError_t>(kernels::launch_spin(opts_.spin_ns, stream)), "spin kernel");
      check(cudaEventRecord(a, stream), "cudaEventRecord");
      fn();
      check(cudaEventRecord(b, stream), "cudaEventRecord");
      check(cudaEventSynchronize(b), "cudaEventSynchronize");
      float ms = 0;
      check(cudaEventElapsedTime(&ms, a, b), "cudaEventElapsedTime");
      times.push_back(ms);
    }
    return median(times);
  }
#endif
  for (int i = 0; i < opts_.runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  return median(times);
}

double BenchTimer::copy_bandwidth_gbps() {
  // 256 MiB each way (64 MiB on the CPU): far beyond any cache.
  const int64_t bytes = device_.is_cuda() ? (int64_t{256} << 20) : (int64_t{64} << 20);
  auto src = torch::ones({bytes}, torch::TensorOptions().device(device_).dtype(torch::kByte));
  auto dst = torch::empty_like(src);
  const double ms = median_ms([&] { dst.copy_(src); });
  return 2.0 * static_cast<double>(bytes) / (ms * 1e-3) / 1e9;
}

}  // namespace apiq
