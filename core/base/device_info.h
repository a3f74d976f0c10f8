// SPDX-License-Identifier: GPL-3.0-or-later
// What the devices have free right now: host RAM and, in a CUDA build with a GPU, each GPU's
// memory as the driver reports it (cudaMemGetInfo: every process's allocations counted).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <c10/core/Device.h>

namespace apiq {

struct MemoryInfo {
  int64_t free_bytes = 0;
  int64_t total_bytes = 0;
};

struct CudaDeviceInfo {
  int index = 0;
  std::string name;  // e.g. "NVIDIA H100 80GB HBM3"
  int major = 0, minor = 0, sms = 0;  // compute capability and multiprocessor count
  MemoryInfo memory;
};

// Number of usable GPUs; 0 in a build without CUDA or on a machine without a GPU.
int cuda_device_count();
// Free and total memory of GPU `device`; throws std::out_of_range for a device that does not exist.
CudaDeviceInfo cuda_memory_info(int device);
// Every GPU, in index order (empty: CPU only).
std::vector<CudaDeviceInfo> cuda_devices();
// Available and total host memory (/proc/meminfo MemAvailable, else sysinfo's free RAM).
MemoryInfo host_memory_info();

// Peak memory of the work on `device` since the last reset: on CUDA the bytes LibTorch's caching
// allocator held at most, on the CPU the process's peak resident set (which cannot be reset).
double peak_memory_bytes(c10::Device device);
// What a report says the work ran on: "cpu (N threads)" or "cuda:I (GPU name)".
std::string describe_device(c10::Device device);
void reset_peak_memory(c10::Device device);

}  // namespace apiq
