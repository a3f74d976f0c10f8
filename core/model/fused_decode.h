// SPDX-License-Identifier: GPL-3.0-or-later
// One block's batch-1 decode step in five kernels where the model allows it: q/k/v as one packed
// product that normalizes its input (RMSNorm), attention over the cache that first rotates q and k and
// writes k and v into the cache, o_proj with the residual added in the product, gate/up as one
// normalizing product that stores SiLU(gate)·up, and down_proj adding the residual. The composed path
// (decoder_block_step) runs ~50 kernels per block; replayed from a CUDA graph a kernel costs a few
// microseconds whatever it does, so at batch 1 the count sets the token time. An unmerged LoRA runs
// inside the products: one small kernel per fused group for its first half (u = op(x) Aᵀ, its factors
// concatenated), its second half in the product's epilogue; FusedDecodeOptions keeps the older forms
// (the rotation as its own kernel, the LoRA as two dense products, norms and SiLU·mul as kernels).
#pragma once
#include <torch/types.h>

#include <memory>
#include <string>
#include <vector>

#include "model/llama_model.h"

namespace apiq {

struct FusedDecodeOptions {
  bool inputs_in_products = true;  // RMSNorm and SiLU·mul inside the next product (and its LoRA's first half)
  // An unmerged LoRA as lora_down_kernel + the product's epilogue (and the norms and SiLU·mul inside
  // the products with it), instead of two dense products per linear (H100: 251 against 190 tokens/s).
  bool lora_in_products = true;
  bool byte_zeros = true;          // uint8 copies of int32 zero points that all lie in 0..255: a quarter of
                                   // their bytes per token (the model's own int32 ones stay for other paths)
  bool rope_in_attention = true;   // the rotation and cache write inside the attention kernel: one launch fewer per block
  bool groups_in_columns = true;   // the products' one-row form (gemv_mma_groups.cuh); false: their multi-row form
  bool bulk_weights = false;       // that form's weights copied into shared memory in bulk (sm_90, gemv_mma_bulk.cuh;
                                   // off until a GPU has measured it)
  // With inputs_in_products: SiLU·mul in the gate/up product's epilogue (it stores half the outputs);
  // false: in the down product's prologue, which then builds it from both halves in every block.
  bool silu_after_gate_up = true;
};

class FusedDecodeBlocks {
 public:
  // Null, with the reason in *why, unless every block's seven linears are packed products
  // (BlockLinears::packed_product) on a CUDA device with our kernels, activations are fp16/bf16,
  // blocks are resident (not streamed), there are no per-head q/k norms, and the decode kernels
  // take the head sizes and `capacity`.
  static std::unique_ptr<FusedDecodeBlocks> build(const LlamaModel& model, int64_t capacity, std::string* why = nullptr,
                                                  const FusedDecodeOptions& options = {});

  // Block b: x [1, 1, hidden] -> the block's output; k and v of position pos ([1] int64 on the
  // device) go into kv; cos, sin [capacity, head_dim] tables in the activations' dtype.
  torch::Tensor step(int64_t b, const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin,
                     const torch::Tensor& pos, StaticKV& kv) const;

  // Linears multiplied as one product with their group (q/k/v, gate/up), over all blocks; the rest
  // run one product each (their bits, group sizes or storage differ).
  int64_t fused_groups() const { return fused_groups_; }
  // Norms and SiLU·mul computed inside a product, over all blocks (three per block at most).
  int64_t inputs_in_products() const { return inputs_in_products_; }
  // Of those, SiLU·mul computed in the gate/up product's epilogue (one per block at most).
  int64_t silu_after_gate_up() const { return silu_after_gate_up_; }
  // Products reading uint8 zero points, and the bytes those copies hold.
  int64_t byte_zero_products() const { return byte_zero_products_; }
  // Products whose LoRA runs as lora_down_kernel + the product's epilogue (not two dense products).
  int64_t lora_products_in_kernel() const { return lora_in_kernel_; }
  int64_t byte_zero_bytes() const { return byte_zero_bytes_; }

  // A LoRA, or A and B undefined: the group's A factors stacked [linears·R, in] and scaling·B
  // [out, R], each row its own linear's (zeros where a linear has a smaller rank or none); rows
  // [0, split0), [split0, split1), [split1, out) are linears 0, 1, 2 of the group. lora_in_kernel:
  // the product adds it (lora_down_kernel + its epilogue); else two dense products, with B
  // block-diagonal [out, linears·R].
  struct Product {
    PackedLinear packed;
    torch::Tensor A, B;
    int64_t split0 = 0x7fffffff, split1 = 0x7fffffff;
    bool lora_in_kernel = false;
  };

 private:
  struct Block {
    std::vector<Product> qkv, gate_up;  // one product where the group is adjacent in memory, else one per linear
    Product o, down;
    torch::Tensor attn_norm, mlp_norm;
    bool norm_in_qkv = false, norm_in_gate_up = false, silu_in_down = false, silu_after_gate_up = false;
  };
  FusedDecodeBlocks() = default;
  void fold_inputs(Block& blk, torch::ScalarType dt, bool silu_after_gate_up);

  std::vector<Block> blocks_;
  int64_t heads_ = 0;
  bool rope_in_attention_ = true;
  bool groups_in_columns_ = true, bulk_weights_ = false;
  double eps_ = 0.0, scale_ = 0.0;
  int64_t fused_groups_ = 0, inputs_in_products_ = 0, byte_zero_products_ = 0, byte_zero_bytes_ = 0;
  int64_t lora_in_kernel_ = 0, silu_after_gate_up_ = 0;
};

}  // namespace apiq
