// SPDX-License-Identifier: GPL-3.0-or-later
#include "calibration/block_measure.h"

#include <torch/nn/functional.h>

namespace apiq {
namespace F = torch::nn::functional;

namespace {

// Keeps every linear's output of the dense pass.
class OutputRecorder final : public BlockLinears {
 public:
  explicit OutputRecorder(const BlockLinears& inner) : inner_(inner) {}
  torch::Tensor apply(LinearKind k, const torch::Tensor& x) const override {
    auto y = inner_.apply(k, x);
    outputs[static_cast<int>(k)] = y;
    return y;
  }
  mutable std::array<torch::Tensor, kNumLinears> outputs;

 private:
  const BlockLinears& inner_;
};

// In the quantized pass, adds each linear's per-token ‖dense output − quantized output‖₂ to
// `sums[k]` (the biases cancel) and drops the dense output it used.
class OutputComparer final : public BlockLinears {
 public:
  OutputComparer(const BlockLinears& inner, OutputRecorder& reference, const torch::Tensor& sums)
      : inner_(inner), reference_(reference), sums_(sums) {}
  torch::Tensor apply(LinearKind k, const torch::Tensor& x) const override {
    auto y = inner_.apply(k, x);
    auto& ref = reference_.outputs[static_cast<int>(k)];
    sums_[static_cast<int>(k)].add_(torch::linalg_vector_norm(ref - y, 2, {-1}, false, torch::kFloat).sum().to(sums_.scalar_type()));
    ref = torch::Tensor();
    return y;
  }

 private:
  const BlockLinears& inner_;
  OutputRecorder& reference_;
  torch::Tensor sums_;
};

// Windows per forward: metric_batch, but at most kMeasureTokens tokens. Each linear's dense output
// is kept until the quantized pass reaches it, which at 7B and 8 × 2048 tokens is 1.4 GB.
constexpr int64_t kMeasureTokens = 4096;
int64_t forward_windows(int64_t seq_len, int64_t metric_batch) {
  return std::max<int64_t>(1, std::min(metric_batch, kMeasureTokens / std::max<int64_t>(1, seq_len)));
}

}  // namespace

int64_t measured_windows(int64_t n, int64_t seq_len, int64_t metric_batch, int64_t metric_windows) {
  if (metric_windows <= 0) return n;
  const int64_t bs = forward_windows(seq_len, metric_batch);
  return std::min(n, (metric_windows + bs - 1) / bs * bs);
}

BlockMeasurement measure_block(const BlockContext& ctx, const QuantBlockLinears& qb, const torch::Tensor& X,
                               const torch::Tensor& Xq, const torch::Tensor& Y, KeepOutputs keep,
                               int64_t metric_windows) {
  torch::NoGradGuard ng;
  BlockMeasurement m;
  const int64_t n = X.size(0);
  const int64_t bs = forward_windows(X.size(1), ctx.opts.metric_batch);
  const int64_t nm = measured_windows(n, X.size(1), ctx.opts.metric_batch, metric_windows);  // the errors' windows
  qb.prepare();
  // Dense view of the same block for the full-precision side.
  QuantBlockLinears dense;
  dense.norms = qb.norms;
  for (int i = 0; i < kNumLinears; ++i) {
    dense.linears[i].W = qb.linears[i].W;
    dense.linears[i].bias = qb.linears[i].bias;
  }
  // [0, 7): activation error sums per linear, 7: the output's squared error; float64 on the device.
  auto sums = torch::zeros({kNumLinears + 1}, torch::TensorOptions().device(ctx.device).dtype(torch::kDouble));
  // The kept outputs are written into their final tensors (no concatenation: at 7B with 128 windows
  // each is 2 GiB, and a cat would hold it twice).
  if (keep.quantized) m.out_q = torch::empty(Xq.sizes(), Xq.options());
  if (keep.full_precision && !Y.defined()) m.out_fp = torch::empty(X.sizes(), X.options());
  for (int64_t b = 0; b < n;) {
    if (b >= nm) {  // past the measured windows: only the outputs the next block reads
      const int64_t c = std::min(bs, n - b);
      if (m.out_fp.defined()) m.out_fp.narrow(0, b, c).copy_(run_block(ctx, dense, dense, X.narrow(0, b, c)));
      if (keep.quantized) m.out_q.narrow(0, b, c).copy_(run_block(ctx, qb, qb, Xq.narrow(0, b, c)));
      b += c;
      continue;
    }
    const int64_t c = std::min(bs, n - b);  // nm is a whole number of forwards (or n)
    OutputRecorder rf(dense);
    auto out_fp = run_block(ctx, dense, rf, X.narrow(0, b, c));
    auto out_q = run_block(ctx, qb, OutputComparer(qb, rf, sums), Xq.narrow(0, b, c));
    torch::Tensor ref;
    if (Y.defined()) {
      ref = batch_slice(Y, b, c, ctx.device);
    } else {
      // Rounded like X, as the next block will read it.
      auto cached = m.out_fp.defined() ? m.out_fp.narrow(0, b, c).copy_(out_fp) : out_fp.to(X.device(), X.scalar_type());
      ref = to_device_as(cached, ctx.device, torch::kFloat);
    }
    sums[kNumLinears].add_(F::mse_loss(out_q.to(torch::kFloat), ref, F::MSELossFuncOptions(torch::kSum)).to(torch::kDouble));
    if (keep.quantized) m.out_q.narrow(0, b, c).copy_(out_q);
    b += c;
  }
  std::vector<torch::Tensor> weight_err;
  for (const auto& l : qb.linears) {
    auto eff = l.current_weight_hat();
    if (l.state != QuantLinear::State::Dense && l.adapter) eff = eff + l.adapter->delta().to(eff.scalar_type());
    else if (l.state != QuantLinear::State::Dense && l.lora.defined()) eff = eff + l.lora.delta();
    weight_err.push_back((l.W - eff).norm().to(torch::kDouble).reshape({1}));
  }
  const auto host = torch::cat({sums, torch::cat(weight_err)}).cpu();  // the one read of the measurement
  const auto* v = host.data_ptr<double>();
  const double tokens = static_cast<double>(nm * X.size(1));
  for (int i = 0; i < kNumLinears; ++i) {
    m.act_err[i] = v[i] / tokens;
    m.weight_err[i] = v[kNumLinears + 1 + i];
  }
  m.out_mse = v[kNumLinears] / static_cast<double>(nm * X.numel() / std::max<int64_t>(n, 1));
  return m;
}

}  // namespace apiq
