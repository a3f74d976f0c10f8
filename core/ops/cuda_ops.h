// SPDX-License-Identifier: GPL-3.0-or-later
// LibTorch-facing dispatch to our CUDA kernels, with the composed LibTorch path as reference
// and as the fallback wherever CUDA (or our kernels) are absent.
#pragma once
#include <torch/types.h>

#include "ops/packed_layout.h"

namespace apiq {

// True when this build has our kernels and a CUDA device is visible.
bool cuda_kernels_available();

// Process-wide switch (default on) so benchmarks and tests can run the composed reference on
// CUDA too. cuda_kernels_enabled() implies cuda_kernels_available().
bool cuda_kernels_enabled();

// Sets the switch for a scope and restores the previous setting on exit (exceptions included).
class ScopedCudaKernels {
 public:
  explicit ScopedCudaKernels(bool on);
  ~ScopedCudaKernels();
  ScopedCudaKernels(const ScopedCudaKernels&) = delete;
  ScopedCudaKernels& operator=(const ScopedCudaKernels&) = delete;

 private:
  bool prev_;
};

// Within this scope, on this thread, packed GEMVs may start during the previous kernel's tail and
// request their weights before waiting for it (programmatic dependent launch, sm_90+; x is read
// only after the wait). Only where no kernel queued just before writes packed weights or LoRA A
// factors (lora_down_kernel reads them before its wait too): decode.
// The decode-step kernels (ops/decode_ops) are launched the same way in this scope.
class ScopedGemvOverlap {
 public:
  explicit ScopedGemvOverlap(bool on = true);
  ~ScopedGemvOverlap();
  ScopedGemvOverlap(const ScopedGemvOverlap&) = delete;
  ScopedGemvOverlap& operator=(const ScopedGemvOverlap&) = delete;

 private:
  bool prev_;
};
bool gemv_overlap_enabled();

// Which form a tensor-core product takes within a ScopedGemvForm, on this thread, where several
// apply (benchmarks and tests compare them): the default (for one activation row the one-row form,
// gemv_mma_groups.cuh, loading its weights through registers); the multi-row form (activation rows
// in the mma columns) even for one row; or the one-row form copying its weights into shared memory
// in bulk (gemv_mma_bulk.cuh, sm_90; opt-in until measured on a GPU).
enum class GemvForm { Best, RowsInColumns, GroupsBulk };
class ScopedGemvForm {
 public:
  explicit ScopedGemvForm(GemvForm form);
  ~ScopedGemvForm();
  ScopedGemvForm(const ScopedGemvForm&) = delete;
  ScopedGemvForm& operator=(const ScopedGemvForm&) = delete;

 private:
  GemvForm prev_;
};
GemvForm gemv_form();

// Fused fake-quantization with learnable clipping (asymmetric int, group-wise): the same value and
// gradients (γ, β and, when W requires grad, W) as GroupQuantizer's composed ops, in one pass each
// way. γ, β float32 [out, n_groups]; Ŵ in `out_dtype`. CUDA only.
torch::Tensor fake_quant_lwc_kernel(const torch::Tensor& W, const torch::Tensor& gamma, const torch::Tensor& beta,
                                    int bits, int64_t group_size, torch::ScalarType out_dtype);

// Packing kernels with packing.h's layout (CUDA tensors only).
torch::Tensor pack_codes_kernel(const torch::Tensor& codes, int bits);
torch::Tensor unpack_codes_kernel(const torch::Tensor& packed, int bits, int64_t in);
// Ŵ = (codes − zeros)·scales from a packed linear on CUDA, in `dtype`.
torch::Tensor dequantize_kernel(const PackedLinear& p, torch::ScalarType dtype);
// y = x Ŵᵀ reading packed codes directly; x [..., in] fp16/bf16 with at most kernels::kMaxGemvRows (16) rows.
bool packed_gemv_kernel_supports(const PackedLinear& p, const torch::Tensor& x);
// Whether packed_gemv_kernel(x, p) takes the tensor-core kernel (2/4-bit, ≤ 16 rows, compatible group).
bool packed_gemv_uses_tensor_cores(const PackedLinear& p, const torch::Tensor& x);
// Whether it takes that kernel's one-row form (one row of x, one quad of codes per group; not
// inside a ScopedGemvForm(RowsInColumns)), and the ring slots of that form's bulk copies (0: none;
// only inside a ScopedGemvForm(GroupsBulk)).
bool packed_gemv_uses_one_row_form(const PackedLinear& p, const torch::Tensor& x);
int packed_gemv_bulk_slots(const PackedLinear& p, const torch::Tensor& x);
// tensor_cores = false forces the CUDA-core kernel even where the tensor-core one applies.
// `residual` (optional, the output's shape and dtype) is added in the kernel: x Ŵᵀ + residual.
torch::Tensor packed_gemv_kernel(const torch::Tensor& x, const PackedLinear& p, bool tensor_cores = true,
                                 const torch::Tensor& residual = {});

// What the tensor-core product does to its stored input before multiplying, so that decode needs
// no separate kernel for it: RMSNorm of x [..., in] with norm_weight [in] (x's dtype) and eps, the
// same roundings as rms_norm_kernel; or SiLU·mul of x [..., 2·in] (gate, then up) as silu_mul_kernel.
struct GemvInputOp {
  enum class Kind { Plain, RmsNorm, SiluMul } kind = Kind::Plain;
  torch::Tensor norm_weight;
  double eps = 0.0;
};
// What the tensor-core product does with its outputs: store them, or, for a gate/up pair (p's rows
// gate then up, equally many), store silu(gate)·up [..., out / 2] as silu_mul_kernel would from the
// stored product (the same roundings); no residual then.
enum class GemvOutputOp { Plain, SiluMul };
// Whether the tensor-core kernel takes `rows` rows of this input op (fp16/bf16, its shapes, a norm
// weight of `in` elements in that dtype on p's device) and output op (SiluMul: out a multiple of 16,
// at most 8 rows).
bool packed_gemv_input_op_supported(const PackedLinear& p, int64_t rows, torch::ScalarType dtype,
                                    const GemvInputOp& op, GemvOutputOp out = GemvOutputOp::Plain);
// An unmerged LoRA that the tensor-core product adds to its output (before the residual): rows of
// a fused group's linears at [0, split0), [split0, split1), [split1, out) read their own rank-sized
// slice of u. b [out, rank] in x's dtype with the scaling folded in; u float32 [rows, ≥ linears·rank]
// from lora_down_kernel with the linears' A factors stacked.
struct GemvLoraTerm {
  torch::Tensor b, u;
  int64_t split0 = 0x7fffffff, split1 = 0x7fffffff;
};
torch::Tensor packed_gemv_with_input_op(const torch::Tensor& x, const PackedLinear& p, const GemvInputOp& op,
                                        const torch::Tensor& residual = {}, const GemvLoraTerm& lora = {},
                                        GemvOutputOp out = GemvOutputOp::Plain);
// u [rows, n] float32 = op(x) Aᵀ for A [n, in] in x's dtype (fp16/bf16, in a multiple of 8): the first
// half of an unmerged LoRA in decode, with op's roundings (lora_decode.cu).
torch::Tensor lora_down_kernel(const torch::Tensor& x, const torch::Tensor& A, const GemvInputOp& op = {});

}  // namespace apiq
