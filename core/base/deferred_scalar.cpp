// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/deferred_scalar.h"

#include <torch/types.h>

#include <stdexcept>
#include <string>

#ifdef APIQ_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace apiq {

DeferredScalar::DeferredScalar(const torch::Tensor& scalar) {
  auto s = scalar.detach().reshape({});
#ifdef APIQ_WITH_CUDA
  if (s.is_cuda()) {
    c10::cuda::CUDAGuard guard(s.device());
    host_ = torch::empty({}, torch::TensorOptions().dtype(s.scalar_type()).pinned_memory(true));
    host_.copy_(s, /*non_blocking=*/true);
    cudaEvent_t e = nullptr;
    if (cudaEventCreateWithFlags(&e, cudaEventDisableTiming) != cudaSuccess ||
        cudaEventRecord(e, c10::cuda::getCurrentCUDAStream(s.device().index()).stream()) != cudaSuccess) {
      if (e) cudaEventDestroy(e);
      throw std::runtime_error(std::string("DeferredScalar: CUDA event: ") + cudaGetErrorString(cudaGetLastError()));
    }
    event_ = e;
    return;
  }
#endif
  host_ = s;
}

DeferredScalar::~DeferredScalar() {
#ifdef APIQ_WITH_CUDA
  if (event_) cudaEventDestroy(static_cast<cudaEvent_t>(event_));
#endif
}

double DeferredScalar::value() {
#ifdef APIQ_WITH_CUDA
  if (event_) {
    const auto rc = cudaEventSynchronize(static_cast<cudaEvent_t>(event_));
    if (rc != cudaSuccess) throw std::runtime_error(std::string("DeferredScalar: ") + cudaGetErrorString(rc));
  }
#endif
  return host_.item<double>();
}

}  // namespace apiq
