// SPDX-License-Identifier: GPL-3.0-or-later
#include "finetune/finetune_model.h"

#include <sys/resource.h>

#include <cmath>
#include <cstdint>

#include "ops/autocast.h"
#include "ops/cuda_ops.h"
#include "quant/quant_linear.h"
#include "quant/quantized_checkpoint.h"
#include "io/tensor_names.h"
#include "model/linear_shapes.h"

namespace apiq {

namespace {

// One decoder block whose activations are not kept: forward runs without autograd and saves only
// the block's input; backward re-runs the block with autograd (under the same autocast setting)
// and back-propagates through that recomputation. The LoRA factors are inputs so that their
// gradients reach them.
struct CheckpointedBlock : torch::autograd::Function<CheckpointedBlock> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               torch::TensorList lora, int64_t block, int64_t model_address,
                               bool autocast) {
    (void)lora;
    ctx->saved_data["block"] = block;
    ctx->saved_data["model"] = model_address;
    ctx->saved_data["autocast"] = autocast;
    ctx->save_for_backward({x});
    const auto* model = reinterpret_cast<const LlamaModel*>(static_cast<intptr_t>(model_address));
    AutocastScope scope(autocast);
    return model->block_forward(block, x);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto* model = reinterpret_cast<const LlamaModel*>(static_cast<intptr_t>(ctx->saved_data["model"].toInt()));
    const int64_t block = ctx->saved_data["block"].toInt();
    const bool autocast = ctx->saved_data["autocast"].toBool();
    const auto params = block_adapter_parameters(*model, block);
    const bool x_grad = ctx->needs_input_grad(0);
    auto x = ctx->get_saved_variables()[0].detach().requires_grad_(x_grad);
    torch::Tensor y;
    {
      torch::AutoGradMode on(true);
      AutocastScope scope(autocast);
      y = model->block_forward(block, x);
    }
    std::vector<torch::Tensor> inputs;
    if (x_grad) inputs.push_back(x);
    for (const auto& p : params)
      if (p.requires_grad()) inputs.push_back(p);
    auto g = torch::autograd::grad({y}, inputs, {grads[0]}, /*retain_graph=*/false, /*create_graph=*/false,
                                   /*allow_unused=*/true);
    torch::autograd::variable_list out;
    size_t next = 0;
    out.push_back(x_grad ? g[next++] : torch::Tensor());
    for (const auto& p : params) out.push_back(p.requires_grad() ? g[next++] : torch::Tensor());
    out.insert(out.end(), 3, torch::Tensor());  // block, model, autocast
    return out;
  }
};

const QuantBlockLinears& quant_block(const LlamaModel& model, int64_t block) {
  const auto* qb = dynamic_cast<const QuantBlockLinears*>(model.block_linears(block));
  if (!qb) throw std::invalid_argument("block " + std::to_string(block) + " is not quantized");
  return *qb;
}

}  // namespace

std::vector<torch::Tensor> block_adapter_parameters(const LlamaModel& model, int64_t block) {
  const auto& qb = quant_block(model, block);
  std::vector<torch::Tensor> out;
  for (LinearKind k : kAllLinears) {
    const auto& l = qb.at(k);
    if (l.state == QuantLinear::State::Dense) continue;  // not a target: full precision, nothing to train
    if (l.adapter) {
      for (const auto& p : l.adapter->parameters()) out.push_back(p);
      continue;
    }
    if (!l.lora.defined())
      throw std::invalid_argument("block " + std::to_string(block) + " " + linear_short_name(k) + " has no LoRA adapter");
    out.push_back(l.lora.A);
    out.push_back(l.lora.B);
  }
  return out;
}

std::vector<torch::Tensor> model_adapter_parameters(const LlamaModel& model) {
  std::vector<torch::Tensor> out;
  for (int64_t b = 0; b < model.num_blocks(); ++b)
    for (auto& p : block_adapter_parameters(model, b)) out.push_back(p);
  return out;
}

AdapterOptions resolve_adapter(const LlamaConfig& cfg, const QuantSpec& spec, AdapterOptions o) {
  const AdapterKind& kind = find_adapter_kind(o.kind);
  if (o.rank == 0) o.rank = spec.adapter ? spec.adapter->rank : spec.lora.rank;
  if (o.in_pool == 0 && o.kind == "qahira" && spec.is_int()) o.in_pool = spec.quant.group_size;
  if (spec.adapter && spec.adapter->kind != o.kind)
    throw std::invalid_argument("the checkpoint holds a " + spec.adapter->kind + " adapter; finetune its base for " + o.kind);
  if (spec.adapter) o = *spec.adapter;  // go on training the stored adapter as it was made
  o.validate();
  const auto& names = tensor_names_for(cfg.model_type);
  const auto shapes = linear_shapes(cfg);
  for (LinearKind k : kAllLinears) {  // every block has the same shapes
    if (!spec.is_target(k)) continue;
    const auto [out, in] = shapes[static_cast<int>(k)];
    if (const auto why = kind.problem(AdapterShape{out, in, spec.is_int() ? spec.quant_for(0, k).group_size : 0}, o); !why.empty())
      throw std::invalid_argument(linear_module(names, 0, k) + ": " + why);
  }
  return o;
}

AdapterOptions attach_adapters(LlamaModel& model, const QuantSpec& spec, AdapterOptions o) {
  o = resolve_adapter(model.config(), spec, o);
  const AdapterKind& kind = find_adapter_kind(o.kind);
  const auto shapes = linear_shapes(model.config());
  for (int64_t b = 0; b < model.num_blocks(); ++b) {
    auto qb = std::make_shared<QuantBlockLinears>(quant_block(model, b));
    for (LinearKind k : kAllLinears) {
      auto& l = qb->at(k);
      if (l.state == QuantLinear::State::Dense) continue;
      const auto [out, in] = shapes[static_cast<int>(k)];
      const AdapterShape shape{out, in, spec.is_int() ? spec.quant_for(b, k).group_size : 0};
      if (!l.adapter) l.adapter = std::shared_ptr<Adapter>(kind.create(shape, o, l.lora, model.options().device));
      else if (l.adapter->parameters().empty())
        throw std::invalid_argument("the checkpoint's " + o.kind + " adapter is read off and final; finetune its base");
      l.lora = LoraAdapter();
    }
    model.set_block_linears(b, qb, /*quantized=*/true);
  }
  return o;
}

std::vector<std::shared_ptr<Adapter>> model_adapters(const LlamaModel& model) {
  std::vector<std::shared_ptr<Adapter>> out;
  for (int64_t b = 0; b < model.num_blocks(); ++b)
    for (const auto& l : quant_block(model, b).linears)
      if (l.adapter) out.push_back(l.adapter);
  return out;
}

nlohmann::json adapter_report(const LlamaModel& model, const AdapterOptions& o) {
  nlohmann::json linears = nlohmann::json::array();
  int64_t trainable = 0, bits = 0;
  for (int64_t b = 0; b < model.num_blocks(); ++b)
    for (LinearKind k : kAllLinears) {
      const auto& a = quant_block(model, b).at(k).adapter;
      if (!a) continue;
      nlohmann::json d = a->describe();
      trainable += d.value("trainable", int64_t{0});
      bits += d.value("stored_bits", int64_t{0});
      d["block"] = b;
      d["linear"] = linear_short_name(k);
      linears.push_back(std::move(d));
    }
  return {{"kind", o.kind}, {"options", o.to_json()}, {"trainable", trainable}, {"stored_bits", bits}, {"linears", linears}};
}

std::vector<std::string> lora_parameter_names(const LlamaConfig& cfg) {
  const auto& names = tensor_names_for(cfg.model_type);
  const QuantSpec info = quant_spec_of(cfg, "config.json");
  std::vector<std::string> out;
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b)
    for (LinearKind k : kAllLinears) {
      if (!info.is_target(k)) continue;
      const std::string m = linear_module(names, b, k);
      out.push_back(m + ".lora_A");
      out.push_back(m + ".lora_B");
    }
  return out;
}

torch::Tensor train_forward(const LlamaModel& model, const torch::Tensor& ids, const TrainForwardOptions& opts) {
  AutocastScope scope(opts.autocast);
  auto h = model.embed(ids);
  const auto address = static_cast<int64_t>(reinterpret_cast<intptr_t>(&model));
  for (int64_t b = 0; b < model.num_blocks(); ++b) {
    if (opts.checkpointing) {
      const auto lora = block_adapter_parameters(model, b);  // inputs of the node, so gradients reach them
      h = CheckpointedBlock::apply(h, torch::TensorList(lora), b, address, opts.autocast);
    }
    else
      h = model.block_forward(b, h);
  }
  return model.head(h);
}

HeldOutLoss held_out_loss(const LlamaModel& model, const std::vector<SftExample>& examples, int64_t batch,
                          int64_t pad_id, bool autocast, ProgressObserver* obs, const CancelToken* cancel) {
  torch::NoGradGuard no_grad;
  AutocastScope scope(autocast);
  const auto n = static_cast<int64_t>(examples.size());
  const int64_t batches = (n + batch - 1) / batch;
  double sum = 0;
  HeldOutLoss r;
  for (int64_t i = 0; i < batches; ++i) {
    checkpoint(cancel);
    std::vector<int64_t> idx;
    for (int64_t j = i * batch; j < std::min(n, (i + 1) * batch); ++j) idx.push_back(j);
    const SftBatch b = make_batch(examples, idx, pad_id);
    sum += masked_nll_sum(model.forward(b.ids), b.labels).item<double>();
    r.tokens += b.predicted_tokens;
    report(obs, "eval", i + 1, batches);
  }
  r.nll = r.tokens ? sum / static_cast<double>(r.tokens) : 0.0;
  r.ppl = std::exp(r.nll);
  return r;
}

}  // namespace apiq
