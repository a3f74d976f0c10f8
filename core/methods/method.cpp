// SPDX-License-Identifier: GPL-3.0-or-later
// What every method shares: the default block initialisation, the options' rules, and lookups in
// the method table (method_table.cpp).
#include "methods/method.h"

#include <algorithm>
#include <cmath>

#include "methods/block_context.h"
#include "model/linear_shapes.h"

namespace apiq {

QuantBlockLinears Method::init_block(const BlockContext& ctx, const BlockWeights& weights) const {
  const auto& o = ctx.opts;
  QuantBlockLinears qb;
  qb.norms = weights.norms.to(ctx.device, torch::kFloat);
  for (LinearKind k : kAllLinears) {
    QuantizerOptions qo = o.quant_for(ctx.block, k);  // a budget allocation may give this linear its own bits
    qo.learnable_clipping = learnable_clipping() && qo.format == QuantizerOptions::Format::Int && qo.learnable_clipping;
    QuantLinear& l = qb.at(k);
    const auto& src = weights.linear(k);
    // A bf16 source weight stays bf16 where only bf16 autocast and the fused fake-quantization read
    // it: both read it as exactly the float32 copy's values, and the steps move half the bytes.
    const bool keep_bf16 = o.is_target(k) && src.weight.scalar_type() == torch::kBFloat16 && o.mixed_precision &&
                           fused_fake_quant(qo, ctx.device);
    l.W = to_device_as(src.weight, ctx.device, keep_bf16 ? torch::kBFloat16 : torch::kFloat);
    if (src.bias.defined()) l.bias = to_device_as(src.bias, ctx.device, torch::kFloat);
    if (!o.is_target(k)) continue;  // stays Dense: W as is, no quantizer, no LoRA
    l.quantizer = GroupQuantizer(qo, l.W.size(0), l.W.size(1), ctx.device);
    if (has_adapter()) l.lora = LoraAdapter::init_default(l.W.size(0), l.W.size(1), o.lora, ctx.device);
    l.state = QuantLinear::State::Training;
  }
  return qb;
}

void Method::train_block(const BlockContext&, QuantBlockLinears&, const BlockStreams&, std::vector<double>&) const {}

const Method& find_method(const std::string& name) {
  for (const Method* m : method_table())
    if (name == m->name()) return *m;
  throw std::invalid_argument("unknown method '" + name + "' (use " + method_names_text(", ") + ")");
}

std::vector<std::string> method_names() {
  std::vector<std::string> out;
  for (const Method* m : method_table()) out.emplace_back(m->name());
  return out;
}

std::string method_names_text(const char* separator) {
  std::string out;
  for (const Method* m : method_table()) out += (out.empty() ? "" : separator) + std::string(m->name());
  return out;
}

namespace {
// --fisher N: a count of the run's own windows, for a method that reads the Fisher.
void add_fisher_problems(const CalibrationOptions& o, const Method& m, std::vector<std::string>& out) {
  if (o.fisher < 0) out.emplace_back("fisher windows must not be negative");
  if (o.fisher > 0 && !m.uses_fisher() && o.budget <= 0) {  // a budget allocation weights its costs with it
    std::string with;
    for (const Method* other : method_table())
      if (other->uses_fisher()) with += (with.empty() ? "" : ", ") + std::string(other->name());
    out.push_back("--fisher weights the decomposition of " + with + " only; " + m.name() + " does not use it");
  }
  if (o.fisher > o.nsamples)
    out.push_back("--fisher " + std::to_string(o.fisher) + " exceeds --nsamples " + std::to_string(o.nsamples) +
                  ": the Fisher is taken on the first N calibration windows");
}
}  // namespace

QuantSpec CalibrationOptions::spec() const {
  QuantSpec s = *this;
  const Method& m = find_method(method);
  if (!m.has_adapter()) s.lora.rank = 0;
  s.quant.learnable_clipping = m.learnable_clipping() && s.is_int() && quant.learnable_clipping;
  return s;
}


std::vector<std::string> CalibrationOptions::warnings(const LlamaConfig& c) const {
  std::vector<std::string> out;
  const Method& m = find_method(method);
  const CalibrationOptions& o = *this;
  int64_t narrowest = INT64_MAX, smallest = INT64_MAX;
  for (const auto& s : linear_shapes(c)) {
    narrowest = std::min(narrowest, s.in);
    smallest = std::min({smallest, s.in, s.out});
  }
  if (o.is_int() && o.quant.group_size > narrowest)
    out.push_back("group size " + std::to_string(o.quant.group_size) + " does not fit: the narrowest linear of this model has only " +
                  std::to_string(narrowest) + " input features; choose a group size of at most " + std::to_string(narrowest));
  if (m.has_adapter() && o.lora.rank > smallest)
    out.push_back("rank " + std::to_string(o.lora.rank) + " is larger than the smallest linear dimension of this model (" +
                  std::to_string(smallest) + "): a LoRA rank cannot exceed min(in, out); choose a rank of at most " +
                  std::to_string(smallest));
  return out;
}

std::vector<std::string> CalibrationOptions::problems() const {
  std::vector<std::string> out;
  const Method* m = nullptr;
  try {
    m = &find_method(method);
  } catch (const std::invalid_argument& e) {
    return {e.what()};
  }
  try {
    spec().validate();
  } catch (const std::invalid_argument& e) {
    out.emplace_back(e.what());
  }
  if (nsamples <= 0 || seq_len < 2 || epochs < 0)
    out.emplace_back("nsamples must be positive, seq-len at least 2, epochs not negative");
  if (loftq_iters < 1) out.emplace_back("loftq iterations must be at least 1");
  if (lq_iters < 1) out.emplace_back("lq-lora iterations must be at least 1");
  add_fisher_problems(*this, *m, out);
  if (!(clip_lr >= 0 && lora_lr >= 0 && weight_decay >= 0))
    out.emplace_back("learning rates and weight decay must not be negative");
  if (metric_batch < 1) out.emplace_back("the metric batch must be at least 1");
  if (metric_windows < 0) out.emplace_back("the metric windows must not be negative (0: all)");
  if (batch < 1) out.emplace_back("--batch must be at least 1");
  if (batch > 1 && method != "apiq-bw")
    out.push_back("--batch takes several windows per optimizer step in apiq-bw; " + method + " takes one");
  if (budget < 0 || !std::isfinite(budget)) out.emplace_back("the budget must be a positive number of bits per parameter");
  for (int b : budget_bits)
    if (!(b == 2 || b == 3 || b == 4 || b == 8)) out.push_back("budget bit widths must be 2, 3, 4 or 8, got " + std::to_string(b));
  if (budget > 0 && budget_bits.empty()) out.emplace_back("the budget needs at least one bit width to choose from");
  if (budget > 0 && !is_int() && std::none_of(budget_bits.begin(), budget_bits.end(), [](int b) { return b >= 2 && b <= 4; }))
    out.emplace_back("--budget with the nf format chooses among 2, 3 and 4 bits (NF has no 8-bit levels): give one of them");
  if (m->has_adapter()) {
    if (lora.rank < 1) out.push_back(std::string(m->name()) + " trains LoRA factors: the rank must be at least 1");
    if (!(lora.alpha > 0)) out.emplace_back("LoRA alpha must be positive");
  }
  if (m->learnable_clipping() && !is_int()) {
    std::string without;
    for (const Method* other : method_table())
      if (!other->learnable_clipping()) without += (without.empty() ? "" : ", ") + std::string(other->name());
    out.push_back("the nf format has no learnable clipping, which " + std::string(m->name()) +
                  " trains on integer groups: choose the int format, or one of " + without);
  }
  m->add_problems(*this, out);
  return out;
}

void CalibrationOptions::validate() const {
  const auto p = problems();
  if (!p.empty()) throw std::invalid_argument(p.front());
}

}  // namespace apiq
