// SPDX-License-Identifier: GPL-3.0-or-later
// apiq-lw: ApiQ layer by layer. Each linear's clipping γ, β and LoRA factors are trained so that
// x^q (Ŵ + sBA) matches x W of the full-precision model, one linear at a time in forward order.
#include <array>
#include <torch/nn/functional.h>

#include "methods/apiq_training.h"
#include "methods/method.h"
#include "methods/step_graph.h"
#include "ops/autocast.h"

namespace apiq {
namespace F = torch::nn::functional;

namespace {

void train_layerwise(const BlockContext& ctx, QuantBlockLinears& qb, const torch::Tensor& X, const torch::Tensor& Xq,
                     std::vector<double>& losses) {
  const auto& o = ctx.opts;
  const int64_t n = X.size(0);
  // Stages share an input: (q, k, v), (o), (gate, up), (down). Inputs of the full-precision
  // model come from one dense block pass; the partially quantized inputs are re-captured
  // before each stage, with the linears already trained in their final state.
  const std::vector<std::vector<LinearKind>> stages = {
      {LinearKind::Q, LinearKind::K, LinearKind::V}, {LinearKind::O}, {LinearKind::Gate, LinearKind::Up}, {LinearKind::Down}};
  for (auto& l : qb.linears) l.state = QuantLinear::State::Dense;
  std::array<std::vector<torch::Tensor>, kNumLinears> fp_in;
  {
    torch::NoGradGuard ng;
    qb.prepare();
    RecordingLinears rec(qb);
    for (int64_t j = 0; j < n; ++j) {
      run_block(ctx, qb, rec, X.narrow(0, j, 1));
      for (int i = 0; i < kNumLinears; ++i) fp_in[i].push_back(rec.inputs[i]);
    }
  }
  int64_t step = 0, trained = 0;
  const int total = count_targets(o.targets);
  for (const auto& full_stage : stages) {
    std::vector<LinearKind> stage;  // the stage's target linears; the others stay dense
    for (LinearKind k : full_stage)
      if (o.is_target(k)) stage.push_back(k);
    if (stage.empty()) continue;
    std::vector<torch::Tensor> q_in;
    {
      torch::NoGradGuard ng;
      qb.prepare();
      RecordingLinears rec(qb);
      for (int64_t j = 0; j < n; ++j) {
        run_block(ctx, qb, rec, Xq.narrow(0, j, 1));
        q_in.push_back(rec.inputs[static_cast<int>(stage.front())]);
      }
    }
    for (LinearKind k : stage) {
      const int i = static_cast<int>(k);
      QuantLinear& l = qb.at(k);
      l.state = QuantLinear::State::Training;
      auto opt = make_apiq_optimizer(o, l.clip_parameters(), l.lora.parameters());
      auto gen = torch::make_generator<torch::CPUGeneratorImpl>(o.seed * 7919 + ctx.block * kNumLinears + i);
      // Every step has the same shapes: on CUDA replayed from a graph (step_graph.h) over inputs
      // copied into fixed buffers, its loss read one step late.
      StepGraph graph(ctx.device, o.cuda_graph, ctx.obs, "block " + std::to_string(ctx.block) + " " + linear_short_name(k));
      StepLossReader reader(ctx, i, std::string(" ") + linear_short_name(k), losses);
      const auto xq = torch::empty_like(q_in[0]), xfp = torch::empty_like(fp_in[i][0]);
      const auto body = [&] {
        opt->zero_grad();
        AutocastScope autocast(ctx.device.is_cuda() && o.mixed_precision);
        torch::Tensor target;
        {
          torch::NoGradGuard ng;
          target = F::linear(xfp.to(torch::kFloat), l.W, l.bias.defined() ? l.bias : torch::Tensor());
        }
        auto out = l.forward(xq.to(torch::kFloat), l.current_weight_hat());
        auto loss = F::mse_loss(out.to(torch::kFloat), target.to(torch::kFloat));
        loss.backward();
        opt->step();
        return loss;
      };
      for (int64_t e = 0; e < o.epochs; ++e) {
        auto order = torch::randperm(n, gen, torch::kInt64);  // reshuffled every epoch
        for (int64_t t = 0; t < n; ++t) {
          checkpoint(ctx.cancel);
          const int64_t j = order[t].item<int64_t>();
          xq.copy_(q_in[j], /*non_blocking=*/true);
          xfp.copy_(fp_in[i][j], /*non_blocking=*/true);
          reader.add(graph.run(body), step++);
        }
      }
      reader.flush();
      if (ctx.graph_steps) *ctx.graph_steps += graph.replays();
      opt->zero_grad();  // the gradients may live in the graph's memory pool: free it with the graph
      freeze(l.clip_parameters());
      freeze(l.lora.parameters());
      l.finalize();
      report(ctx.obs, "block " + std::to_string(ctx.block) + " linears", ++trained, total);
    }
  }
}

class ApiqLw final : public Method {
 public:
  const char* name() const override { return "apiq-lw"; }
  const char* summary() const override {
    return "ApiQ layer by layer, learnable clipping and LoRA trained on activations";
  }
  bool trains() const override { return true; }
  bool learnable_clipping() const override { return true; }
  void train_block(const BlockContext& ctx, QuantBlockLinears& qb, const BlockStreams& s,
                   std::vector<double>& losses) const override {
    train_layerwise(ctx, qb, s.X, s.Xq, losses);
  }
};

}  // namespace

const Method& apiq_lw_method() {
  static const ApiqLw m;
  return m;
}

}  // namespace apiq
