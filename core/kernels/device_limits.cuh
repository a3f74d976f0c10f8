// SPDX-License-Identifier: GPL-3.0-or-later
// Per-device limits the launchers need, looked up once per device: the packed product runs per
// linear per token in decode, so these queries would otherwise sit on its hot path.
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <mutex>

namespace apiq::kernels {

struct DeviceLimits {
  int index = -1, sms = 1, major = 0;
  size_t smem_optin = 0;
};

// The current device's limits, or nullptr where they cannot be read.
inline DeviceLimits* current_device() {
  constexpr int kMaxDevices = 64;
  static DeviceLimits table[kMaxDevices];
  static std::once_flag once[kMaxDevices];
  int dev = 0;
  if (cudaGetDevice(&dev) != cudaSuccess || dev < 0 || dev >= kMaxDevices) return nullptr;
  std::call_once(once[dev], [dev] {
    DeviceLimits& d = table[dev];
    int smem = 0;
    if (cudaDeviceGetAttribute(&d.sms, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess ||
        cudaDeviceGetAttribute(&d.major, cudaDevAttrComputeCapabilityMajor, dev) != cudaSuccess ||
        cudaDeviceGetAttribute(&smem, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev) != cudaSuccess)
      return;  // index stays −1: the kernel is not offered
    d.smem_optin = static_cast<size_t>(smem);
    d.index = dev;
  });
  return table[dev].index < 0 ? nullptr : &table[dev];
}

}  // namespace apiq::kernels
