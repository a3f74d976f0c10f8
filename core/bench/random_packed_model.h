// SPDX-License-Identifier: GPL-3.0-or-later
// A model of a given shape with random packed b-bit linears (codes, fp16 scales, mid-range int32
// zeros), LoRA factors and random dense embeddings/head, built directly on the device. For
// benchmarks (finetuning memory/throughput, decode speed) at shapes we have no weights for.
#pragma once
#include <cstdint>

#include "model/llama_model.h"
#include "quant/packing.h"
#include "base/progress.h"

namespace apiq {

// Random codes packed into words (bits above the last whole code cleared), scales around 0.01 and
// the mid-range zero point, so Ŵ has the scale of a trained weight.
// `float_zeros`: fractional float32 zero points, as apiq merge writes them (a merged QA-HiRA model).
PackedLinear random_packed_linear(int64_t out, int64_t in, int bits, int64_t group, torch::Device device,
                                  bool float_zeros = false);

struct RandomPackedModelOptions {
  int bits = 2;
  int64_t group_size = 64;
  int64_t rank = 64;  // LoRA rank (0: no adapters)
  // LoRA B random too (PEFT's initial B = 0 changes nothing) and norm weights around 1: every part
  // then shows in the output (tests).
  bool perturbed = false;
  bool float_zeros = false;  // float32 zero points (a model with a QA-HiRA adapter merged in)
  torch::ScalarType dtype = torch::kBFloat16;  // embeddings, norms, head
  torch::Device device = torch::kCPU;
};

struct RandomPackedModel {
  LlamaModel model;
  int64_t packed_bytes = 0;  // codes + scales + zeros of all linears
  int64_t dense_bytes = 0;   // embeddings, head, norms
};

RandomPackedModel make_random_packed_model(const LlamaConfig& cfg, const RandomPackedModelOptions& o,
                                           ProgressObserver* obs = nullptr);

}  // namespace apiq
