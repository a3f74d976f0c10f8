// SPDX-License-Identifier: GPL-3.0-or-later
// apiq-bw: ApiQ block by block (the paper's default). γ, β, A and B of all seven linears are
// trained jointly on MSE(block_q(X^q), Y), one window per step in a fixed order (--batch N: N).
#include <algorithm>
#include <torch/nn/functional.h>

#include "methods/apiq_training.h"
#include "methods/method.h"
#include "methods/step_graph.h"
#include "ops/autocast.h"

namespace apiq {
namespace F = torch::nn::functional;

namespace {

// `Yq` (optional) is block_fp(X^q) for the augmented loss. On CUDA the steps are replayed from a
// CUDA graph (step_graph.h) unless --no-cuda-graph; their inputs are copied into fixed buffers.
void train_blockwise(const BlockContext& ctx, QuantBlockLinears& qb, const torch::Tensor& Xq, const torch::Tensor& Y,
                    const torch::Tensor& Yq, std::vector<double>& losses) {
  const auto& o = ctx.opts;
  auto clip = qb.clip_parameters();
  auto lora = qb.lora_parameters();
  auto opt = make_apiq_optimizer(o, clip, lora);
  const int64_t n = Xq.size(0), width = std::min(o.batch, n);
  {
    StepGraph graph(ctx.device, o.cuda_graph, ctx.obs, "block " + std::to_string(ctx.block));
    StepLossReader reader(ctx, -1, "", losses);
    const auto f32 = torch::TensorOptions().device(ctx.device).dtype(torch::kFloat);
    const auto xs = torch::empty({width, Xq.size(1), Xq.size(2)}, f32), ys = torch::empty({width, Y.size(1), Y.size(2)}, f32);
    const auto yqs = Yq.defined() ? torch::empty_like(ys) : torch::Tensor();
    int64_t step = 0;
    for (int64_t e = 0; e < o.epochs; ++e) {
      for (int64_t j = 0; j < n; j += o.batch) {  // fixed order, o.batch windows per step (1: the paper's)
        const int64_t count = std::min(o.batch, n - j);
        checkpoint(ctx.cancel);
        const auto x = xs.narrow(0, 0, count), y = ys.narrow(0, 0, count);
        const auto yq = Yq.defined() ? yqs.narrow(0, 0, count) : torch::Tensor();
        x.copy_(Xq.narrow(0, j, count), /*non_blocking=*/true);
        y.copy_(Y.narrow(0, j, count), /*non_blocking=*/true);
        if (yq.defined()) yq.copy_(Yq.narrow(0, j, count), /*non_blocking=*/true);
        const auto body = [&] {
          opt->zero_grad();
          {
            // Re-quantize every weight with the current γ, β (in the autocast dtype, see fake_quant).
            AutocastScope autocast(ctx.device.is_cuda() && o.mixed_precision);
            qb.prepare();
          }
          const auto out = run_block(ctx, qb, qb, x).to(torch::kFloat);
          // The mean over every element: with windows of equal length, the mean of their losses.
          auto loss = F::mse_loss(out, y);
          if (yq.defined()) loss = loss + F::mse_loss(out, yq);
          loss.backward();
          opt->step();
          return loss;
        };
        reader.add(graph.run(body, count == width), step++);  // a short last batch runs eagerly
      }
      reader.flush();
      report(ctx.obs, "block " + std::to_string(ctx.block) + " epochs", e + 1, o.epochs);
    }
    if (ctx.graph_steps) *ctx.graph_steps += graph.replays();
  }
  opt->zero_grad();  // the gradients may live in the graph's memory pool
  qb.prepare();
  freeze(clip);
  freeze(lora);
}

// block_fp(X^q): the same block with every linear dense, one window per forward.
torch::Tensor dense_on_quantized_stream(const BlockContext& ctx, const QuantBlockLinears& qb, const torch::Tensor& Xq) {
  torch::NoGradGuard ng;
  QuantBlockLinears dense = qb;
  for (auto& l : dense.linears) l.state = QuantLinear::State::Dense;
  dense.prepare();  // the copy carries the quantized Ŵ cached by the last measurement: use W
  const auto cache_device = ctx.opts.offload_activations ? torch::Device(torch::kCPU) : ctx.device;
  return run_block_batched(ctx, dense, Xq, 1, cache_device, cache_dtype(ctx.opts, ctx.device));
}

class ApiqBw final : public Method {
 public:
  const char* name() const override { return "apiq-bw"; }
  const char* summary() const override { return "ApiQ block by block (the paper's default)"; }
  bool trains() const override { return true; }
  bool learnable_clipping() const override { return true; }
  void train_block(const BlockContext& ctx, QuantBlockLinears& qb, const BlockStreams& s,
                   std::vector<double>& losses) const override {
    const torch::Tensor Yq = ctx.opts.aug_loss ? dense_on_quantized_stream(ctx, qb, s.Xq) : torch::Tensor();
    train_blockwise(ctx, qb, s.Xq, s.Y, Yq, losses);
  }
};

}  // namespace

const Method& apiq_bw_method() {
  static const ApiqBw m;
  return m;
}

}  // namespace apiq
