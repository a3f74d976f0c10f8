// SPDX-License-Identifier: GPL-3.0-or-later
// Back-of-the-envelope sizes for the job wizard: the compressed checkpoint of a Llama model under
// given quantizer and LoRA options, and the calibration's peak memory. Pure arithmetic on the
// config, no tensors are touched.
#pragma once
#include <QStringList>
#include <array>
#include <cstdint>
#include <vector>

#include "io/config.h"
#include "io/tensor_names.h"
#include "model/linear_shapes.h"
#include "quant/group_quantizer.h"

namespace apiq::widgets {

int64_t narrowest_in_features(const LlamaConfig& c);
int64_t smallest_linear_dim(const LlamaConfig& c);  // min over the linears of min(in, out): the largest usable rank
int64_t parameter_count(const LlamaConfig& c);
int64_t dtype_bytes(const std::string& dtype);      // float32 → 4, bf16/fp16 → 2

struct SizeEstimate {
  double originalBytes = 0;  // every parameter in the config's dtype
  double codeBytes = 0;      // packed codes, bits·params/8
  double scaleBytes = 0;     // int: fp16 scales + int32 zeros per group; nf: fp32 absmax per block
  double loraBytes = 0;      // fp32 A and B: r·(in + out) each linear
  double denseBytes = 0;     // embeddings, norms, head and untargeted linears in the config's dtype
  double compressedBytes() const { return codeBytes + scaleBytes + loraBytes + denseBytes; }
};

// `targets` holds linear short names; linears not named stay dense. `withLora` false for rtn.
SizeEstimate estimate_size(const LlamaConfig& c, const QuantizerOptions& q, int64_t rank, bool withLora,
                           const QStringList& targets);

// What a --budget allocation can reach over the linears named in `targets`: every linear at its
// smallest and at its largest configuration of budget_candidates(bitWidths, base's format), storage
// as the checkpoint writes it (candidate_storage_bits); `loraRank` 0 where the LoRA factors do not count.
struct BudgetRange {
  int64_t params = 0;                   // weights of the quantized linears
  int64_t leastBits = 0, mostBits = 0;  // storage of the smallest / largest choice for every linear
  double leastPerParam() const { return params ? static_cast<double>(leastBits) / static_cast<double>(params) : 0; }
  double mostPerParam() const { return params ? static_cast<double>(mostBits) / static_cast<double>(params) : 0; }
};
BudgetRange budget_range(const LlamaConfig& c, const QStringList& targets, int64_t loraRank,
                         const std::vector<int>& bitWidths = {2, 3, 4, 8}, const QuantizerOptions& base = {});

// ≈ one block's fp32 weights + three activation caches (X, X^q, the block target) N·L·hidden·4
// + one sample's intermediate activations, ~20·L·max(hidden, intermediate)·4.
double estimate_peak_memory(const LlamaConfig& c, int64_t nsamples, int64_t seqLen);

}  // namespace apiq::widgets
