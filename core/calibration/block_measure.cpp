// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/block_measure.h"

namespace apiq {
namespace F = torch::nn::functional;

BlockMeasurement measure_block(const BlockContext& ctx, const QuantBlockLinears& qb, const torch::Tensor& X,
                               const torch::Tensor& Xq, const torch::Tensor& Y, bool keep_output) {
  torch::NoGradGuard ng;
  BlockMeasurement m;
  const int64_t n = X.size(0), bs = std::max<int64_t>(1, ctx.opts.metric_batch);
  qb.prepare();
  // Dense view of the same block for the full-precision side.
  QuantBlockLinears dense;
  dense.norms = qb.norms;
  for (int i = 0; i < kNumLinears; ++i) {
    dense.linears[i].W = qb.linears[i].W;
    dense.linears[i].bias = qb.linears[i].bias;
  }
  std::array<double, kNumLinears> err_sum{};
  double mse_sum = 0;
  int64_t tokens = 0;
  std::vector<torch::Tensor> outs, outs_fp;
  for (int64_t b = 0; b < n; b += bs) {
    const int64_t c = std::min(bs, n - b);
    RecordingLinears rf(dense), rq(qb);
    auto out_fp = run_block(ctx, dense, rf, X.narrow(0, b, c));
    auto out_q = run_block(ctx, qb, rq, Xq.narrow(0, b, c));
    auto ref = Y.defined() ? batch_slice(Y, b, c, ctx.device) : out_fp.to(torch::kFloat);
    mse_sum += F::mse_loss(out_q.to(torch::kFloat), ref, F::MSELossFuncOptions(torch::kSum)).item<double>();
    for (int i = 0; i < kNumLinears; ++i) {
      const auto& l = qb.linears[i];
      auto target = F::linear(rf.inputs[i].to(torch::kFloat), l.W);
      auto got = l.forward(rq.inputs[i].to(torch::kFloat), l.current_weight_hat());
      if (l.bias.defined()) got = got - l.bias;
      err_sum[i] += (target - got).norm(2, {-1}).sum().item<double>();  // per-token L2 norms
    }
    tokens += c * X.size(1);
    if (keep_output) outs.push_back(out_q.to(Xq.device(), Xq.scalar_type()));
    if (keep_output && !Y.defined()) outs_fp.push_back(out_fp.to(X.device(), X.scalar_type()));
  }
  for (int i = 0; i < kNumLinears; ++i) {
    m.act_err[i] = err_sum[i] / static_cast<double>(tokens);
    const auto& l = qb.linears[i];
    auto eff = l.current_weight_hat();
    if (l.state != QuantLinear::State::Dense && l.adapter) eff = eff + l.adapter->delta().to(eff.scalar_type());
    else if (l.state != QuantLinear::State::Dense && l.lora.defined()) eff = eff + l.lora.delta();
    m.weight_err[i] = (l.W - eff).norm().item<double>();
  }
  m.out_mse = mse_sum / static_cast<double>(X.numel());
  if (keep_output) m.out_q = torch::cat(outs, 0);
  if (!outs_fp.empty()) m.out_fp = torch::cat(outs_fp, 0);
  return m;
}

}  // namespace apiq
