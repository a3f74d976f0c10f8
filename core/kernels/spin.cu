// SPDX-License-Identifier: GPL-3.0-or-later
// A single-thread busy wait that keeps a stream occupied (benchmark timing).
#include <cuda_runtime.h>

#include "launchers.h"

namespace apiq::kernels {

namespace {
__global__ void spin_kernel(int64_t ns) {
  const auto t0 = clock64();
  // clock64 counts SM cycles; assume ≥ 1 GHz, so this spins at least `ns` nanoseconds.
  while (clock64() - t0 < ns) {
  }
}
}  // namespace

int launch_spin(int64_t ns, void* stream) {
  spin_kernel<<<1, 1, 0, static_cast<cudaStream_t>(stream)>>>(ns);
  return static_cast<int>(cudaGetLastError());
}

}  // namespace apiq::kernels
