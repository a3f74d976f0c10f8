// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/packed_matmul.h"

#include <torch/autograd.h>
#include <torch/types.h>
#include <torch/utils.h>

#include "ops/cuda_ops.h"

namespace apiq {

namespace {

PackedLinear packed_from(const torch::autograd::AutogradContext* ctx, const torch::Tensor& packed,
                         const torch::Tensor& scales, const torch::Tensor& zeros) {
  PackedLinear p;
  p.bits = static_cast<int>(ctx->saved_data.at("bits").toInt());
  p.out = ctx->saved_data.at("out").toInt();
  p.in = ctx->saved_data.at("in").toInt();
  p.group_size = ctx->saved_data.at("group").toInt();
  p.packed = packed;
  p.scales = scales;
  p.zeros = zeros;
  return p;
}

// Only the packed tensors are saved; Ŵ is rebuilt in backward.
struct PackedMatmulFn : torch::autograd::Function<PackedMatmulFn> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& packed, const torch::Tensor& scales, const torch::Tensor& zeros,
                               int64_t bits, int64_t out, int64_t in, int64_t group) {
    ctx->saved_data["bits"] = bits;
    ctx->saved_data["out"] = out;
    ctx->saved_data["in"] = in;
    ctx->saved_data["group"] = group;
    ctx->save_for_backward({packed, scales, zeros});
    const PackedLinear p = packed_from(ctx, packed, scales, zeros);
    return packed_matmul_forward(x, p);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const PackedLinear p = packed_from(ctx, saved[0], saved[1], saved[2]);
    const auto& dy = grads[0];
    const auto w = dequantize_packed(p, dy.scalar_type());
    return {dy.matmul(w), {}, {}, {}, {}, {}, {}, {}};
  }
};

}  // namespace

torch::Tensor dequantize_packed(const PackedLinear& p, torch::ScalarType dtype) {
  if (p.packed.is_cuda() && cuda_kernels_enabled()) return dequantize_kernel(p, dtype);
  return dequantize(p, dtype);
}

torch::Tensor packed_matmul_reference(const torch::Tensor& x, const PackedLinear& p) {
  return x.matmul(dequantize(p, torch::kFloat).to(x.scalar_type()).t());
}

torch::Tensor packed_matmul_forward(const torch::Tensor& x, const PackedLinear& p) {
  TORCH_CHECK(x.size(-1) == p.in, "packed_matmul: input has ", x.size(-1), " features, the weight expects ", p.in);
  if (x.is_cuda() && cuda_kernels_enabled() && packed_gemv_kernel_supports(p, x)) return packed_gemv_kernel(x, p);
  return x.matmul(dequantize_packed(p, x.scalar_type()).t());
}

torch::Tensor packed_matmul(const torch::Tensor& x, const PackedLinear& p) {
  if (!(torch::GradMode::is_enabled() && x.requires_grad())) return packed_matmul_forward(x, p);
  return PackedMatmulFn::apply(x, p.packed, p.scales, p.zeros, p.bits, p.out, p.in, p.group_size);
}

}  // namespace apiq
