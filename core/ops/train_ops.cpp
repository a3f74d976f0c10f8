// SPDX-License-Identifier: GPL-3.0-or-later
#include "ops/train_ops.h"

#include <ATen/autocast_mode.h>
#include <torch/autograd.h>
#include <torch/types.h>

#include "ops/cuda_ops.h"

#ifdef APIQ_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>

#include "ops/kernel_dispatch.h"
#endif

namespace apiq {

namespace {

#ifdef APIQ_WITH_CUDA
bool autocast_kernels(const torch::Tensor& x) {
  return x.is_cuda() && cuda_kernels_enabled() && at::autocast::is_autocast_enabled(at::kCUDA);
}

torch::ScalarType autocast_dtype() { return at::autocast::get_autocast_dtype(at::kCUDA); }

bool half_type(torch::ScalarType t) { return t == torch::kBFloat16 || t == torch::kHalf; }

using detail::check_launch;
using detail::elem_type;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct RmsNormAutocastFn : torch::autograd::Function<RmsNormAutocastFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& weight, double eps,
                               c10::ScalarType out_dtype) {
    auto xc = x.contiguous();
    auto w = weight.to(torch::kFloat).contiguous();
    const int64_t cols = xc.size(-1), rows = xc.numel() / cols;
    auto y = torch::empty(xc.sizes(), xc.options().dtype(out_dtype));
    auto rstd = torch::empty({rows}, xc.options().dtype(torch::kFloat));
    c10::cuda::CUDAGuard guard(x.device());
    check_launch(kernels::launch_rms_norm_train_forward(xc.data_ptr(), elem_type(xc.scalar_type(), "rms_norm"),
                                                        w.data_ptr<float>(), y.data_ptr(),
                                                        elem_type(out_dtype, "rms_norm"), rstd.data_ptr<float>(), rows,
                                                        cols, static_cast<float>(eps), detail::current_stream()),
                 "rms_norm forward");
    ctx->save_for_backward({xc, w, rstd});
    return y;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &w = saved[1], &rstd = saved[2];
    auto dy = grads[0].contiguous();
    auto dx = torch::empty_like(x);
    const int64_t cols = x.size(-1);
    c10::cuda::CUDAGuard guard(x.device());
    check_launch(kernels::launch_rms_norm_train_backward(x.data_ptr(), elem_type(x.scalar_type(), "rms_norm"),
                                                         w.data_ptr<float>(), rstd.data_ptr<float>(), dy.data_ptr(),
                                                         elem_type(dy.scalar_type(), "rms_norm grad"), dx.data_ptr(),
                                                         x.numel() / cols, cols, detail::current_stream()),
                 "rms_norm backward");
    return {dx, {}, {}, {}};
  }
};

torch::Tensor rotary_kernel(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin, bool backward) {
  auto xc = x.contiguous();
  auto y = torch::empty_like(xc);
  const int64_t T = xc.size(1), H = xc.size(2), D = xc.size(3);
  c10::cuda::CUDAGuard guard(x.device());
  check_launch(kernels::launch_rotary(xc.data_ptr(), y.data_ptr(), cos.data_ptr<float>(), sin.data_ptr<float>(),
                                      xc.numel() / D, H, T, D, elem_type(xc.scalar_type(), "rotary"), backward,
                                      detail::current_stream()),
               backward ? "rotary backward" : "rotary forward");
  return y;
}

struct RotaryFn : torch::autograd::Function<RotaryFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x, const torch::Tensor& cos,
                               const torch::Tensor& sin) {
    ctx->save_for_backward({cos, sin});
    return rotary_kernel(x, cos, sin, false);
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    return {rotary_kernel(grads[0], saved[0], saved[1], true), {}, {}};
  }
};

struct SiluMulFn : torch::autograd::Function<SiluMulFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& gate, const torch::Tensor& up) {
    auto g = gate.contiguous(), u = up.contiguous();
    auto out = torch::empty_like(g);
    c10::cuda::CUDAGuard guard(g.device());
    check_launch(kernels::launch_silu_mul_forward(g.data_ptr(), u.data_ptr(), out.data_ptr(), g.numel(),
                                                  elem_type(g.scalar_type(), "silu_mul"), detail::current_stream()),
                 "silu_mul forward");
    ctx->save_for_backward({g, u});
    return out;
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &g = saved[0], &u = saved[1];
    auto d = grads[0].to(g.scalar_type()).contiguous();
    auto dg = torch::empty_like(g), du = torch::empty_like(u);
    c10::cuda::CUDAGuard guard(g.device());
    check_launch(kernels::launch_silu_mul_backward(g.data_ptr(), u.data_ptr(), d.data_ptr(), dg.data_ptr(),
                                                   du.data_ptr(), g.numel(), elem_type(g.scalar_type(), "silu_mul"),
                                                   detail::current_stream()),
                 "silu_mul backward");
    return {dg, du};
  }
};
#endif

}  // namespace

bool rms_norm_autocast_applies(const torch::Tensor& x, const torch::Tensor& weight) {
#ifdef APIQ_WITH_CUDA
  return autocast_kernels(x) && x.scalar_type() == torch::kFloat && half_type(autocast_dtype()) && x.dim() >= 1 &&
         weight.dim() == 1 && weight.numel() == x.size(-1) && weight.is_cuda() && !weight.requires_grad();
#else
  (void)x, (void)weight;
  return false;
#endif
}

torch::Tensor rms_norm_autocast(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
#ifdef APIQ_WITH_CUDA
  TORCH_CHECK(rms_norm_autocast_applies(x, weight), "rms_norm_autocast: needs float32 CUDA input under autocast");
  return RmsNormAutocastFn::apply(x, weight, eps, autocast_dtype());
#else
  (void)x, (void)weight, (void)eps;
  TORCH_CHECK(false, "this build has no CUDA kernels (APIQ_WITH_CUDA=OFF)");
#endif
}

torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  auto x1 = x.narrow(-1, 0, half);
  auto x2 = x.narrow(-1, half, half);
  auto rotated = torch::cat({-x2, x1}, -1);
  return x * cos + rotated * sin;
}

torch::Tensor rotate_heads(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
#ifdef APIQ_WITH_CUDA
  const bool fused = autocast_kernels(x) && x.dim() == 4 && x.scalar_type() == autocast_dtype() &&
                     half_type(x.scalar_type()) && x.is_contiguous() && x.size(3) % 2 == 0 &&
                     cos.scalar_type() == torch::kFloat && sin.scalar_type() == torch::kFloat && cos.is_contiguous() &&
                     sin.is_contiguous() && cos.dim() == 2 && cos.sizes() == sin.sizes() && cos.size(0) == x.size(1) &&
                     cos.size(1) == x.size(3) && cos.is_cuda() && sin.is_cuda();
  if (fused) return RotaryFn::apply(x, cos, sin).transpose(1, 2);
#endif
  return apply_rotary(x.transpose(1, 2), cos, sin);
}

torch::Tensor silu_mul_dispatch(const torch::Tensor& gate, const torch::Tensor& up) {
#ifdef APIQ_WITH_CUDA
  if (autocast_kernels(gate) && half_type(gate.scalar_type()) && up.scalar_type() == gate.scalar_type() &&
      up.sizes() == gate.sizes() && up.is_cuda())
    return SiluMulFn::apply(gate, up);
#endif
  return torch::silu(gate) * up;
}

}  // namespace apiq
