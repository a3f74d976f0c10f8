// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/device_info.h"

#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <torch/cuda.h>
#include <torch/types.h>
#include <ATen/Parallel.h>

#include <fstream>
#include <string>
#include <stdexcept>

#ifdef APIQ_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif

namespace apiq {

int cuda_device_count() {
#ifdef APIQ_WITH_CUDA
  return torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
#else
  return 0;
#endif
}

CudaDeviceInfo cuda_memory_info(int device) {
  if (device < 0 || device >= cuda_device_count())
    throw std::out_of_range("no CUDA device " + std::to_string(device));
  CudaDeviceInfo info;
  info.index = device;
#ifdef APIQ_WITH_CUDA
  const c10::cuda::CUDAGuard guard(static_cast<c10::DeviceIndex>(device));
  size_t free = 0, total = 0;
  C10_CUDA_CHECK(cudaMemGetInfo(&free, &total));
  cudaDeviceProp prop{};
  C10_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  info.name = prop.name;
  info.major = prop.major, info.minor = prop.minor, info.sms = prop.multiProcessorCount;
  info.memory = {static_cast<int64_t>(free), static_cast<int64_t>(total)};
#endif
  return info;
}

std::vector<CudaDeviceInfo> cuda_devices() {
  std::vector<CudaDeviceInfo> out;
  for (int d = 0, n = cuda_device_count(); d < n; ++d) out.push_back(cuda_memory_info(d));
  return out;
}

MemoryInfo host_memory_info() {
  MemoryInfo m;
  struct sysinfo si {};
  if (sysinfo(&si) == 0) {
    m.total_bytes = static_cast<int64_t>(si.totalram) * si.mem_unit;
    m.free_bytes = static_cast<int64_t>(si.freeram) * si.mem_unit;
  }
  // MemAvailable counts reclaimable page cache, which is what a new allocation can get.
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);)
    if (line.rfind("MemAvailable:", 0) == 0) {
      m.free_bytes = std::stoll(line.substr(13)) * 1024;  // "MemAvailable:   123456 kB"
      break;
    }
  return m;
}

double peak_memory_bytes(c10::Device device) {
#ifdef APIQ_WITH_CUDA
  if (device.is_cuda()) {
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.has_index() ? device.index() : 0);
    return static_cast<double>(stats.allocated_bytes[0].peak);  // aggregate over pool types
  }
#endif
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) * 1024.0;
}

void reset_peak_memory(c10::Device device) {
#ifdef APIQ_WITH_CUDA
  if (!device.is_cuda()) return;
  torch::empty({1}, torch::TensorOptions().device(device));  // the allocator initialises lazily
  c10::cuda::CUDACachingAllocator::resetPeakStats(device.has_index() ? device.index() : 0);
#else
  (void)device;
#endif
}

std::string describe_device(c10::Device device) {
  if (device.is_cuda()) {
    const int index = device.has_index() ? device.index() : 0;
    std::string name;
    try {
      name = cuda_memory_info(index).name;
    } catch (const std::exception&) {  // a report is still worth writing without the name
    }
    return "cuda:" + std::to_string(index) + (name.empty() ? "" : " (" + name + ")");
  }
  const int n = at::get_num_threads();
  return "cpu (" + std::to_string(n) + (n == 1 ? " thread)" : " threads)");
}

}  // namespace apiq
