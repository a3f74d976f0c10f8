// SPDX-License-Identifier: GPL-3.0-or-later
#include "ops/cuda_ops.h"

#include <torch/cuda.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <atomic>

#include "ops/rms_norm.h"
#include "ops/train_ops.h"

#ifdef APIQ_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "ops/kernel_dispatch.h"
#endif

namespace apiq {

bool cuda_kernels_available() {
#ifdef APIQ_WITH_CUDA
  // Asked on every dispatch (each matmul, fake-quant, norm): look the devices up once.
  static const bool available = torch::cuda::is_available();
  return available;
#else
  return false;
#endif
}

namespace {
std::atomic<bool> g_kernels_enabled{true};
}

bool cuda_kernels_enabled() { return g_kernels_enabled && cuda_kernels_available(); }

ScopedCudaKernels::ScopedCudaKernels(bool on) : prev_(g_kernels_enabled.exchange(on)) {}
ScopedCudaKernels::~ScopedCudaKernels() { g_kernels_enabled = prev_; }

namespace {
thread_local bool t_gemv_overlap = false;  // per thread: another thread's kernels may be packing
}
ScopedGemvOverlap::ScopedGemvOverlap(bool on) : prev_(t_gemv_overlap) { t_gemv_overlap = on; }
ScopedGemvOverlap::~ScopedGemvOverlap() { t_gemv_overlap = prev_; }
bool gemv_overlap_enabled() { return t_gemv_overlap; }

namespace {
thread_local GemvForm t_gemv_form = GemvForm::Best;
}
ScopedGemvForm::ScopedGemvForm(GemvForm form) : prev_(t_gemv_form) { t_gemv_form = form; }
ScopedGemvForm::~ScopedGemvForm() { t_gemv_form = prev_; }
GemvForm gemv_form() { return t_gemv_form; }

torch::Tensor rms_norm_kernel(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
#ifdef APIQ_WITH_CUDA
  TORCH_CHECK(x.is_cuda() && weight.is_cuda(), "rms_norm_kernel needs CUDA tensors");
  TORCH_CHECK(weight.scalar_type() == x.scalar_type(), "rms_norm_kernel: weight and input dtypes differ");
  TORCH_CHECK(weight.numel() == x.size(-1), "rms_norm_kernel: weight size does not match the last dimension");
  const kernels::ElemType et = detail::elem_type(x.scalar_type(), "rms_norm_kernel");
  c10::cuda::CUDAGuard guard(x.device());
  auto xc = x.contiguous();
  auto wc = weight.contiguous();
  auto y = torch::empty_like(xc);
  const int64_t cols = x.size(-1);
  detail::check_launch(kernels::launch_rms_norm(xc.data_ptr(), wc.data_ptr(), y.data_ptr(), xc.numel() / cols, cols,
                                                static_cast<float>(eps), et, detail::current_stream()),
                       "rms_norm");
  return y;
#else
  (void)x; (void)weight; (void)eps;
  TORCH_CHECK(false, "this build has no CUDA kernels (APIQ_WITH_CUDA=OFF)");
#endif
}

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  auto xf = x.scalar_type() == torch::kDouble ? x : x.to(torch::kFloat);
  auto var = xf.pow(2).mean(-1, /*keepdim=*/true);
  return weight * (xf * torch::rsqrt(var + eps)).to(x.scalar_type());
}

torch::Tensor rms_norm_dispatch(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  // Under autocast (calibration steps and measurements) straight into the autocast dtype, with its
  // own backward; values equal the composed ops' after the linears' cast.
  if (rms_norm_autocast_applies(x, weight)) return rms_norm_autocast(x, weight, eps);
#ifdef APIQ_WITH_CUDA
  // Autograd needs the composed ops; the kernel serves inference.
  if (x.is_cuda() && cuda_kernels_enabled() && !(torch::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad())) &&
      x.scalar_type() == weight.scalar_type())
    return rms_norm_kernel(x, weight, eps);
#endif
  return rms_norm(x, weight, eps);
}

}  // namespace apiq
