// SPDX-License-Identifier: GPL-3.0-or-later
#include "methods/block_context.h"

#include "ops/autocast.h"

namespace apiq {

torch::Tensor batch_slice(const torch::Tensor& t, int64_t begin, int64_t count, torch::Device device) {
  return to_device_as(t.narrow(0, begin, count), device, torch::kFloat);
}

torch::ScalarType cache_dtype(const CalibrationOptions& o, torch::Device device) {
  return device.is_cuda() && o.mixed_precision ? torch::kBFloat16 : torch::kFloat;
}

torch::Tensor run_block(const BlockContext& ctx, const QuantBlockLinears& qb, const BlockLinears& linears,
                        const torch::Tensor& x) {
  AutocastScope autocast(ctx.device.is_cuda() && ctx.opts.mixed_precision);
  auto xd = to_device_as(x, ctx.device, torch::kFloat);  // offloaded caches wait on the host in bf16
  const auto T = xd.size(1);
  return decoder_block_forward(ctx.cfg, qb.norms, linears, xd, ctx.cos.narrow(0, 0, T),
                               ctx.sin.narrow(0, 0, T));
}

torch::Tensor run_block_batched(const BlockContext& ctx, const QuantBlockLinears& qb, const torch::Tensor& x,
                                int64_t batch, torch::Device device, torch::ScalarType dtype) {
  torch::NoGradGuard ng;
  std::vector<torch::Tensor> ys;
  for (int64_t j = 0; j < x.size(0); j += batch)
    ys.push_back(run_block(ctx, qb, qb, x.narrow(0, j, std::min(batch, x.size(0) - j))).to(device, dtype));
  return torch::cat(ys, 0);
}

}  // namespace apiq
