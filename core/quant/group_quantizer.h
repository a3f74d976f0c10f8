// SPDX-License-Identifier: GPL-3.0-or-later
// Uniform integer weight quantization per group of g consecutive input columns of each output row,
// with ApiQ/OmniQuant's learnable weight clipping (LWC). Everything is composed from LibTorch ops
// so autograd reaches γ and β (through the scale) and, by the straight-through estimator, W.
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "ops/packed_layout.h"  // num_groups
#include "quant/quantizer_options.h"

namespace apiq {

// Integer codes of one weight with what is needed to rebuild it: Ŵ = (codes − zeros)·scales,
// zeros and scales broadcast over the columns of their group.
struct QuantizedCodes {
  torch::Tensor codes;   // [out, in] uint8, each in [0, 2^bits − 1]
  torch::Tensor scales;  // [out, n_groups] float32 (float64 when W is float64)
  torch::Tensor zeros;   // [out, n_groups] int32; may lie outside [0, 2^bits − 1] (see the .cpp)
  int bits = 0;
  int64_t group_size = 0;
};

// Rounds half to even forward; the backward pass is the identity.
torch::Tensor round_ste(const torch::Tensor& x);

// [out, n_groups] -> [out, in]: each group's value repeated over its columns (differentiable).
torch::Tensor expand_groups(const torch::Tensor& per_group, int64_t in, int64_t group_size);

// Ŵ = (clamp(round_ste(W/s) + z, 0, 2^b − 1) − z)·s with per-group s, z ([out, n_groups]).
// Computed in float32 (float64 for float64 W), returned in W's dtype.
torch::Tensor fake_quant_groups(const torch::Tensor& W, const torch::Tensor& scale, const torch::Tensor& zero,
                                int bits, int64_t group_size);

// Rebuilds Ŵ from codes: (codes − zeros)·scales, in the scales' dtype promoted to at least float32.
torch::Tensor dequantize(const torch::Tensor& codes, const torch::Tensor& scales, const torch::Tensor& zeros,
                         int64_t group_size);

// Whether fake-quantization with options `q` on `device` runs the fused kernel (learnable asymmetric
// int on CUDA with the kernels on). That kernel reads W in any float dtype, so a bf16 source can stay bf16.
bool fused_fake_quant(const QuantizerOptions& q, torch::Device device);

// W-independent options plus the clipping parameters of one [out, in] weight.
struct GroupQuantizer {
  QuantizerOptions opts;
  int64_t out = 0;
  int64_t in = 0;
  torch::Tensor gamma;  // "upbound" logits [out, n_groups], requires grad; undefined without LWC
  torch::Tensor beta;   // "lowbound" logits [out, n_groups], requires grad; undefined without LWC

  GroupQuantizer() = default;
  GroupQuantizer(const QuantizerOptions& o, int64_t out_features, int64_t in_features,
                 torch::Device device = torch::kCPU, torch::ScalarType param_dtype = torch::kFloat);
  // (Re)creates γ and β at opts.clip_init for a weight of shape [out, in].
  void init(int64_t out_features, int64_t in_features, torch::Device device = torch::kCPU,
            torch::ScalarType param_dtype = torch::kFloat);

  int64_t n_groups() const { return num_groups(in, opts.group_size); }
  bool learnable() const { return opts.format == QuantizerOptions::Format::Int && opts.learnable_clipping; }
  std::vector<torch::Tensor> parameters() const;  // {γ, β}, or empty

  // Int: per-group scale (differentiable in γ, β and W) and zero point (rounded, no gradient),
  // both [out, n_groups] in the compute dtype.
  std::pair<torch::Tensor, torch::Tensor> scale_and_zero(const torch::Tensor& W) const;
  // The differentiable fake-quantized weight Ŵ: in the autocast dtype under CUDA autocast on the
  // fused kernel, else in float32 (or W's dtype where that is wider). NF: no gradient (see nf_quantizer.h).
  torch::Tensor fake_quant(const torch::Tensor& W) const;
  // Int only (NF weights go through nf_quantize): the integer codes of W, no gradient.
  QuantizedCodes quantize(const torch::Tensor& W) const;

 private:
  void check_weight(const torch::Tensor& W) const;
};

}  // namespace apiq
