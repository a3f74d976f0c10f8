// SPDX-License-Identifier: GPL-3.0-or-later
// A calibration method behind one small interface, and the table of them. Each method is one
// file (methods/<name>.cpp) defining its Method and one row in method_table.cpp; the pipeline
// (calibration/), the CLI's --method and the wizard's list all read the table.
#pragma once
#include <torch/types.h>

#include <string>
#include <vector>

#include "methods/calibration_options.h"

namespace apiq {

struct BlockContext;
struct BlockWeights;
class QuantBlockLinears;

// The three activation streams of a block (methods/block_context.h): X the full-precision input,
// Xq the quantized model's input, Y = block_fp(X) the target.
struct BlockStreams {
  const torch::Tensor& X;
  const torch::Tensor& Xq;
  const torch::Tensor& Y;
};

class Method {
 public:
  virtual ~Method() = default;
  virtual const char* name() const = 0;     // "apiq-bw"
  virtual const char* summary() const = 0;  // one line for help texts and the wizard
  virtual bool trains() const { return false; }               // train_block optimizes something
  virtual bool has_adapter() const { return true; }           // writes LoRA factors
  virtual bool learnable_clipping() const { return false; }   // trains γ, β (int format only)
  virtual bool uses_fisher() const { return false; }          // reads BlockContext::fisher (--fisher N)
  // Problems specific to this method (the generic ones are CalibrationOptions::problems').
  virtual void add_problems(const CalibrationOptions& o, std::vector<std::string>& out) const { (void)o; (void)out; }
  // The block's linears from its dense weights, quantizers and adapters initialised; the target
  // linears are left in Training state (the pipeline finalizes them after train_block).
  virtual QuantBlockLinears init_block(const BlockContext& ctx, const BlockWeights& weights) const;
  // Trains the block's parameters (nothing for methods that do not train); `losses` gets one
  // value per optimizer step.
  virtual void train_block(const BlockContext& ctx, QuantBlockLinears& qb, const BlockStreams& streams,
                           std::vector<double>& losses) const;
};

// Every method, in the order front ends list them.
const std::vector<const Method*>& method_table();
// The row named `name`; std::invalid_argument listing the names otherwise.
const Method& find_method(const std::string& name);
std::vector<std::string> method_names();
std::string method_names_text(const char* separator = ", ");  // "rtn, qlora, …"

}  // namespace apiq
