// SPDX-License-Identifier: GPL-3.0-or-later
// ApiQ-bw (block-wise) and ApiQ-lw (layer-wise) training of clipping and LoRA parameters.
#include <cmath>

#include "apiq/block_calibrator.h"
#include "apiq/deferred_scalar.h"
#include "apiq/fused_adamw.h"

namespace apiq {
namespace F = torch::nn::functional;

namespace {

// AdamW with ApiQ's two groups: clipping parameters and LoRA factors.
std::unique_ptr<torch::optim::AdamW> make_optimizer(const CalibrationOptions& o, std::vector<torch::Tensor> clip,
                                                    std::vector<torch::Tensor> lora) {
  std::vector<torch::optim::OptimizerParamGroup> groups;
  for (auto& p : clip) p.set_requires_grad(true);
  for (auto& p : lora) p.set_requires_grad(true);
  if (!clip.empty())
    groups.emplace_back(clip, std::make_unique<torch::optim::AdamWOptions>(
                                  torch::optim::AdamWOptions(o.clip_lr).weight_decay(o.weight_decay)));
  if (!lora.empty())
    groups.emplace_back(lora, std::make_unique<torch::optim::AdamWOptions>(
                                  torch::optim::AdamWOptions(o.lora_lr).weight_decay(o.weight_decay)));
  return std::make_unique<FusedAdamW>(groups, torch::optim::AdamWOptions(o.lora_lr).weight_decay(o.weight_decay));
}

double checked_loss(double v, const BlockContext& ctx, const std::string& where, int64_t step) {
  if (ctx.block == ctx.opts.inject_nan_block && step == 1) v = std::nan("");
  if (!std::isfinite(v))
    throw NonFiniteLossError("non-finite loss (" + std::to_string(v) + ") in block " + std::to_string(ctx.block) +
                             where + " at step " + std::to_string(step));
  return v;
}

// One optimizer step on `loss`; returns its (checked) value. The loss is read only after the backward
// and the optimizer step are queued (DeferredScalar), so on a GPU the host dispatches them while the
// forward still runs. A non-finite loss is therefore found after the step has touched the
// parameters; the block is abandoned then anyway.
double optimizer_step(torch::optim::Optimizer& opt, const torch::Tensor& loss, const BlockContext& ctx,
                      const std::string& where, int64_t step) {
  DeferredScalar loss_on_host(loss);
  opt.zero_grad();
  loss.backward();
  opt.step();
  return checked_loss(loss_on_host.value(), ctx, where, step);
}

void freeze(std::vector<torch::Tensor> params) {
  for (auto& p : params) p.set_requires_grad(false);
}

}  // namespace

void train_block_bw(const BlockContext& ctx, QuantBlockLinears& qb, const torch::Tensor& Xq, const torch::Tensor& Y,
                    const torch::Tensor& Yq, std::vector<double>& losses) {
  const auto& o = ctx.opts;
  auto clip = qb.clip_parameters();
  auto lora = qb.lora_parameters();
  auto opt = make_optimizer(o, clip, lora);
  const int64_t n = Xq.size(0);
  int64_t step = 0;
  for (int64_t e = 0; e < o.epochs; ++e) {
    for (int64_t j = 0; j < n; ++j) {  // fixed order, batch 1
      checkpoint(ctx.cancel);
      {
        // Re-quantize every weight with the current γ, β (in the autocast dtype, see fake_quant).
        AutocastScope autocast(ctx.device.is_cuda() && o.mixed_precision);
        qb.prepare();
      }
      auto out = run_block(ctx, qb, qb, Xq.narrow(0, j, 1));
      out = out.to(torch::kFloat);
      auto loss = F::mse_loss(out, batch_slice(Y, j, 1, ctx.device));
      if (Yq.defined()) loss = loss + F::mse_loss(out, batch_slice(Yq, j, 1, ctx.device));
      const double v = optimizer_step(*opt, loss, ctx, "", step);
      losses.push_back(v);
      if (ctx.obs) ctx.obs->on_step(ctx.block, -1, step, v);
      ++step;
    }
    report(ctx.obs, "block " + std::to_string(ctx.block) + " epochs", e + 1, o.epochs);
  }
  qb.prepare();
  freeze(clip);
  freeze(lora);
}

void train_block_lw(const BlockContext& ctx, QuantBlockLinears& qb, const torch::Tensor& X, const torch::Tensor& Xq,
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
      auto opt = make_optimizer(o, l.clip_parameters(), l.lora.parameters());
      auto gen = torch::make_generator<torch::CPUGeneratorImpl>(o.seed * 7919 + ctx.block * kNumLinears + i);
      for (int64_t e = 0; e < o.epochs; ++e) {
        auto order = torch::randperm(n, gen, torch::kInt64);  // reshuffled every epoch
        for (int64_t t = 0; t < n; ++t) {
          checkpoint(ctx.cancel);
          const int64_t j = order[t].item<int64_t>();
          AutocastScope autocast(ctx.device.is_cuda() && o.mixed_precision);
          torch::Tensor target;
          {
            torch::NoGradGuard ng;
            target = F::linear(fp_in[i][j].to(torch::kFloat), l.W, l.bias.defined() ? l.bias : torch::Tensor());
          }
          auto out = l.forward(q_in[j].to(torch::kFloat), l.current_weight_hat());
          auto loss = F::mse_loss(out.to(torch::kFloat), target.to(torch::kFloat));
          const double v = optimizer_step(*opt, loss, ctx, std::string(" ") + linear_short_name(k), step);
          losses.push_back(v);
          if (ctx.obs) ctx.obs->on_step(ctx.block, i, step, v);
          ++step;
        }
      }
      freeze(l.clip_parameters());
      freeze(l.lora.parameters());
      l.finalize();
      report(ctx.obs, "block " + std::to_string(ctx.block) + " linears", ++trained, total);
    }
  }
}

BlockMeasurement measure_block(const BlockContext& ctx, const QuantBlockLinears& qb, const torch::Tensor& X,
                               const torch::Tensor& Xq, const torch::Tensor& Y, bool keep_output) {
  torch::NoGradGuard ng;
  BlockMeasurement m;
  const int64_t n = X.size(0), bs = std::max<int64_t>(1, ctx.opts.metric_batch);
  qb.prepare();
  // Dense view of the same block for the full-precision side.
  QuantBlockLinears dense;
  dense.attn_norm = qb.attn_norm;
  dense.mlp_norm = qb.mlp_norm;
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
    if (l.state != QuantLinear::State::Dense && l.lora.defined()) eff = eff + l.lora.delta();
    m.weight_err[i] = (l.W - eff).norm().item<double>();
  }
  m.out_mse = mse_sum / static_cast<double>(X.numel());
  if (keep_output) m.out_q = torch::cat(outs, 0);
  if (!outs_fp.empty()) m.out_fp = torch::cat(outs_fp, 0);
  return m;
}

}  // namespace apiq
