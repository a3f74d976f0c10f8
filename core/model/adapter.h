// SPDX-License-Identifier: GPL-3.0-or-later
// What finetuning trains beside a frozen quantized linear: y = Ŵx + Δ(x). Each adapter kind is one
// file (model/adapters/<kind>.cpp) defining its AdapterKind and one row of adapter_table.cpp;
// the checkpoint reader, finetune, `apiq merge`, the exports and the front ends read the table.
#pragma once
#include <torch/types.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "model/adapter_options.h"
#include "model/lora.h"

namespace apiq {

// The linear an adapter sits beside.
struct AdapterShape {
  int64_t out = 0, in = 0;
  int64_t group_size = 0;  // the base quantizer's group along `in` (0: not group-quantized)
};

// Stored tensors by suffix after the module name: "qbara_A" → `<module>.qbara_A`.
using AdapterTensors = std::vector<std::pair<std::string, torch::Tensor>>;
using AdapterLookup = std::function<torch::Tensor(const std::string& suffix)>;  // undefined when absent

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual const char* kind() const = 0;
  // Δ(x) [..., out] for x [..., in], in x's dtype, with autograd to parameters().
  virtual torch::Tensor apply(const torch::Tensor& x) const = 0;
  // The dense ΔW [out, in] (float32) with Δ(x) = x ΔWᵀ.
  virtual torch::Tensor delta() const = 0;
  // What the optimizer trains (adapter weights, and gate parameters where the kind has them).
  virtual std::vector<torch::Tensor> parameters() const = 0;
  // The part of parameters() that are gates (Bayesian-LoRA's log α): trained at their own rate.
  virtual std::vector<torch::Tensor> gate_parameters() const { return {}; }
  // Added to the training loss once per optimizer step (undefined: nothing).
  virtual torch::Tensor penalty() const { return {}; }
  // After training: fix what training left stochastic (Bayesian-LoRA reads its gates off).
  virtual void finish() {}
  // The per-(row, group) constant ΔW [out, in / group] when ΔW is constant inside every group of
  // `group` inputs (then it folds exactly into the group offsets); undefined otherwise.
  virtual torch::Tensor group_delta(int64_t group) const { (void)group; return {}; }
  virtual AdapterTensors tensors() const = 0;
  // Per linear: {"trainable", "stored_bits", and the kind's own fields such as "rank", "bits"}.
  virtual nlohmann::json describe() const = 0;
};

class AdapterKind {
 public:
  virtual ~AdapterKind() = default;
  virtual const char* name() const = 0;     // "qbara"
  virtual const char* summary() const = 0;  // one line for help texts and the finetune page
  virtual bool mergeable() const { return false; }  // can fold into the packed model (apiq merge)
  // Why these options do not fit a linear of this shape (empty: they do).
  virtual std::string problem(const AdapterShape& s, const AdapterOptions& o) const = 0;
  // Trainable parameters for one linear (the finetune page's counts).
  virtual int64_t trainable(const AdapterShape& s, const AdapterOptions& o) const = 0;
  // A new adapter on `device` (float32, requiring grad). `base` holds the checkpoint's LoRA factors
  // (may be undefined); with o.fit_base the adapter starts from its best approximation of s·B·A.
  virtual std::unique_ptr<Adapter> create(const AdapterShape& s, const AdapterOptions& o, const LoraAdapter& base,
                                          torch::Device device) const = 0;
  // From stored tensors; std::invalid_argument naming the tensor that is missing or misshapen.
  virtual std::unique_ptr<Adapter> load(const AdapterShape& s, const AdapterOptions& o, const AdapterLookup& get,
                                        torch::Device device) const = 0;
};

// Every kind, in the order front ends list them ("lora" first).
const std::vector<const AdapterKind*>& adapter_table();
// The row named `name`; std::invalid_argument listing the names otherwise.
const AdapterKind& find_adapter_kind(const std::string& name);
std::vector<std::string> adapter_kind_names();

}  // namespace apiq
