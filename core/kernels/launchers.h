// SPDX-License-Identifier: GPL-3.0-or-later
// Plain launcher API of our CUDA kernels: raw pointers, sizes, a stream. No LibTorch here,
// so kernels build and test on their own; core/apiq/cuda_ops.cpp adapts tensors to them.
#pragma once
#include <cstdint>

namespace apiq::kernels {

enum class ElemType { F32 = 0, F16 = 1, BF16 = 2 };

// Returns a cudaError_t as int (0 = success) so callers need no CUDA headers.
// y[r, :] = w ⊙ cast(x[r, :] · rsqrt(mean(x[r, :]²) + eps)), statistics in float32.
int launch_rms_norm(const void* x, const void* w, void* y, int64_t rows, int64_t cols, float eps, ElemType type,
                    void* stream);

// Fused group fake-quantization with learnable clipping (see fake_quant.cu for the formula).
// W [rows, cols] (w_type), γ and β [rows, ceil(cols/group)] float32, out [rows, cols] (out_type).
int launch_fake_quant_forward(const void* W, ElemType w_type, const float* gamma, const float* beta, void* out,
                              ElemType out_type, int64_t rows, int64_t cols, int64_t group, int bits, void* stream);
// Gradients for γ and β from dL/dŴ (grad_type); dW (w_type, may be null) gets the input-side
// gradient: the straight-through path plus the max/min elements' share through the scale.
int launch_fake_quant_backward(const void* W, ElemType w_type, const float* gamma, const float* beta,
                               const void* grad, ElemType grad_type, float* dgamma, float* dbeta, void* dW,
                               int64_t rows, int64_t cols, int64_t group, int bits, void* stream);

// codes [rows, cols] uint8 <-> words [rows, ceil(cols / floor(32/bits))] int32 (packing.h layout).
int launch_pack_codes(const uint8_t* codes, int32_t* words, int64_t rows, int64_t cols, int bits, void* stream);
int launch_unpack_codes(const int32_t* words, uint8_t* codes, int64_t rows, int64_t cols, int bits, void* stream);
// out [rows, cols] = (code − zero)·scale with fp16 scales and zeros [rows, ceil(cols/group)]: int32,
// or with float_zeros the bits of float32 zero points (a merged adapter makes them fractional).
int launch_dequantize(const int32_t* words, const void* scales_f16, const int32_t* zeros, void* out, ElemType out_type,
                      int64_t rows, int64_t cols, int64_t group, int bits, void* stream, bool float_zeros = false);

// y [m, rows] = x [m, cols] Ŵᵀ from packed words, for 1 ≤ m ≤ kMaxGemvRows, bits 2/3/4,
// x and y in fp16 or bf16 (same type), float32 accumulation. Picks the tensor-core kernel
// (quant_gemv_mma.cu) where it applies, else the CUDA-core kernel (quant_gemv.cu);
// GemvPath::CudaCores forces the latter (benchmarks and tests compare the two), and
// GemvPath::RowsInColumns keeps a one-row product in the tensor-core kernel's multi-row form
// instead of its one-row form (gemv_mma_groups.cuh), for the same comparison. GemvPath::GroupsBulk has
// the one-row form copy its weights into shared memory in bulk (gemv_mma_bulk.cuh, sm_90) where that
// applies; opt-in until a GPU has measured it against the register loads. `residual`
// (optional, y's shape and type) is added before y's one rounding: x Ŵᵀ + r (a block's residual stream).
// Zero points [rows, ceil(cols/group)]: int32, the bits of float32 ones (a merged adapter made them
// fractional), or uint8 (a quarter of the bytes; tensor-core kernel only).
constexpr int64_t kMaxGemvRows = 16;
enum class GemvPath { Auto = 0, CudaCores = 1, RowsInColumns = 2, GroupsBulk = 3 };
enum class ZeroType { Int32 = 0, Float32 = 1, UInt8 = 2 };
// What the tensor-core kernel does to the stored input while staging it, with the separate
// kernel's roundings: RmsNorm: x [m, cols] -> norm_weight ⊙ cast(x · rsqrt(mean(x²) + eps))
// (launch_rms_norm; norm_weight [cols] in x's type); SiluMul: x [m, 2·cols] (gate, then up) ->
// silu(gate)·up (launch_silu_mul). Saves a kernel, and a graph node, per use in decode.
enum class GemvInput { Plain = 0, RmsNorm = 1, SiluMul = 2 };
// What the tensor-core kernel does with its outputs. SiluMul: the product's rows are a gate/up pair
// (gate rows [0, rows/2), then up rows), and y [m, rows/2] = silu(gate)·up with launch_silu_mul's
// roundings (gate and up each rounded to x's type first, as the two kernels would store them); no
// residual, rows/2 a multiple of 8, m ≤ 8. The kernel pairs gate row i with up row i in one 16-row tile
// (rows 0-7 gate, 8-15 up), so both sums meet in the block that owns the tile.
enum class GemvOutput { Plain = 0, SiluMul = 1 };
struct GemvPrologue {
  GemvInput input = GemvInput::Plain;
  const void* norm_weight = nullptr;
  float eps = 0.f;
};
// An unmerged LoRA added by the tensor-core product to each output before the residual:
// y[m, row] += Σ_r b[row, r] · u[m · u_stride + lin(row) · rank + r], lin(row) = (row ≥ split0) + (row ≥ split1)
// (the linear of a fused group that owns the row; with a SiLU·mul output, to each product row
// before the pairing); b [rows, rank] in x's type with the scaling folded in, u float32
// (launch_lora_down with the A factors of the group's linears stacked).
struct GemvLora {
  const void* b = nullptr;
  const float* u = nullptr;
  int rank = 0, u_stride = 0;
  int split0 = 0x7fffffff, split1 = 0x7fffffff;
};
// u [m, n] (float32) = in(x) Aᵀ, A [n, cols] in x's type (fp16/bf16), in(x) the prologue's op on x
// ([m, cols], or [m, 2·cols] for SiLU·mul) with the separate kernels' roundings; cols a multiple of 8.
// overlap_previous: as for the product, and A is read before the wait, so the kernels queued just
// before must not write A either.
int launch_lora_down(const void* x, ElemType x_type, const void* A, float* u, int64_t m, int64_t n, int64_t cols,
                     const GemvPrologue& prologue, void* stream, bool overlap_previous = false);
bool packed_gemv_supported(int bits, ElemType x_type, int64_t m);
int launch_packed_gemv(const void* x, ElemType x_type, const int32_t* words, const void* scales_f16, const void* zeros,
                       void* y, int64_t m, int64_t rows, int64_t cols, int64_t group, int bits, void* stream,
                       GemvPath path = GemvPath::Auto, bool overlap_previous = false,
                       ZeroType zero_type = ZeroType::Int32, const void* residual = nullptr,
                       const GemvPrologue& prologue = {}, const GemvLora& lora = {},
                       GemvOutput output = GemvOutput::Plain);
// The tensor-core kernel alone: bits 2 or 4, 1 ≤ m ≤ 16 (9–16 rows in two launches where x does not
// fit in shared memory at once), group = 1, 2 or 4 × (4 words of codes),
// cols a multiple of 16 words of codes, compute capability ≥ 8.0.
// overlap_previous: the kernels queued just before did not write words, scales or zeros, so on
// sm_90+ the launch may start during their tail and request the weights before waiting for them
// (programmatic dependent launch; x is read only after the wait). Decode of a loaded model.
bool packed_gemv_mma_supported(int bits, ElemType x_type, int64_t m, int64_t rows, int64_t cols, int64_t group,
                               const void* scales, const void* zeros, ZeroType zero_type = ZeroType::Int32);
// Whether such a launch takes the one-row form (quantization groups in the mma columns).
bool packed_gemv_mma_groups_in_columns(int bits, ElemType x_type, int64_t m, int64_t rows, int64_t cols, int64_t group,
                                       const void* scales, const void* zeros, ZeroType zero_type, const void* words,
                                       GemvPath path = GemvPath::Auto);
// Ring slots of the one-row form's bulk copies (GemvPath::GroupsBulk; sm_90, whole 16-row tiles, 16-byte
// aligned zero points and scales); 0 where that launch loads the weights through registers or takes another form.
int packed_gemv_mma_bulk_slots(int bits, ElemType x_type, int64_t m, int64_t rows, int64_t cols, int64_t group,
                               const void* scales, const void* zeros, ZeroType zero_type, const void* words,
                               GemvPath path = GemvPath::Auto);
int launch_packed_gemv_mma(const void* x, ElemType x_type, const int32_t* words, const void* scales_f16,
                           const void* zeros, void* y, int64_t m, int64_t rows, int64_t cols, int64_t group,
                           int bits, void* stream, bool overlap_previous = false, ZeroType zero_type = ZeroType::Int32,
                           const void* residual = nullptr, const GemvPrologue& prologue = {},
                           const GemvLora& lora = {}, GemvPath path = GemvPath::Auto,
                           GemvOutput output = GemvOutput::Plain);

// Fused batch-1 decode step (decode_step.cu); activations fp16/bf16, caches [kv_heads, capacity,
// head_dim], `pos` a device int64 (the new position, read by the kernels so a graph can replay them).
// overlap_previous: launched as a programmatic dependent launch (sm_90+), scheduled while the
// previous kernel runs and waiting for its output inside; they let the next kernel start early too.
// Whether the kernels below take these sizes (head_dim even and ≤ 256, the scores of
// `capacity` positions in 48 KiB of shared memory, heads a multiple of kv_heads).
bool decode_step_supported(ElemType type, int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t capacity);
// qkv [(heads + 2·kv_heads)·head_dim] from one fused product: rotates q and k at *pos (cos, sin
// [capacity, head_dim]), writes q to q_out [heads, head_dim] and k, v into the caches at *pos.
int launch_rope_kv_write(const void* qkv, const void* cos, const void* sin, const int64_t* pos, void* q_out,
                         void* k_cache, void* v_cache, int64_t heads, int64_t kv_heads, int64_t head_dim,
                         int64_t capacity, ElemType type, void* stream, bool overlap_previous = false);
// out [heads, head_dim] = softmax(scale · q Kᵀ) V over cache positions 0..*pos (grouped heads share a kv head).
int launch_decode_attention(const void* q, const void* k_cache, const void* v_cache, const int64_t* pos, void* out,
                            int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t capacity, float scale,
                            ElemType type, void* stream, bool overlap_previous = false);
// The two above in one kernel: qkv as for launch_rope_kv_write, out [heads, head_dim] the attention
// of the rotated q over positions 0..*pos, with k and v written into the caches at *pos; its results
// and cache contents equal the two kernels' bit for bit.
int launch_rope_attention(const void* qkv, const void* cos, const void* sin, const int64_t* pos, void* k_cache,
                          void* v_cache, void* out, int64_t heads, int64_t kv_heads, int64_t head_dim, int64_t capacity,
                          float scale, ElemType type, void* stream, bool overlap_previous = false);
// gate_up [rows, 2·inter] (gate columns first) -> out [rows, inter] = silu(gate)·up.
int launch_silu_mul(const void* gate_up, void* out, int64_t rows, int64_t inter, ElemType type, void* stream);

// The elementwise work of a training step (train_elementwise.cu), float32 arithmetic throughout.
// RMSNorm: y [rows, cols] (y_type) = cast_y(w · cast_x(x · r)), r = rsqrt(mean(x²) + eps) stored per
// row in rstd (float32); w float32. Backward: dx (x_type) = r·g − x·r³/cols·Σ g·x with g = dy·w.
int launch_rms_norm_train_forward(const void* x, ElemType x_type, const float* w, void* y, ElemType y_type,
                                  float* rstd, int64_t rows, int64_t cols, float eps, void* stream);
int launch_rms_norm_train_backward(const void* x, ElemType x_type, const float* w, const float* rstd, const void* dy,
                                   ElemType dy_type, void* dx, int64_t rows, int64_t cols, void* stream);
// Rotary embedding of x [rows, head_dim] (rows = batch·seq·heads in that order, contiguous), cos and
// sin float32 [seq, head_dim]: y = x·cos + (−x₂, x₁)·sin, or with `backward` its transpose (dy -> dx).
int launch_rotary(const void* x, void* y, const float* cos, const float* sin, int64_t rows, int64_t heads, int64_t seq,
                  int64_t head_dim, ElemType type, bool backward, void* stream);
// out = silu(gate)·up elementwise over n values, and its backward (dgate, dup from dout), rounded
// where the composed ops round.
int launch_silu_mul_forward(const void* gate, const void* up, void* out, int64_t n, ElemType type, void* stream);
int launch_silu_mul_backward(const void* gate, const void* up, const void* dout, void* dgate, void* dup, int64_t n,
                             ElemType type, void* stream);

// Keeps the stream busy for about `ns` nanoseconds (benchmarks queue the timed work behind it so
// host-side dispatch does not show up as GPU idle time between the events).
int launch_spin(int64_t ns, void* stream);

const char* error_string(int code);

}  // namespace apiq::kernels
