// SPDX-License-Identifier: GPL-3.0-or-later
// Tensor-level dispatch to the quantization kernels (fake_quant.cu, quant_pack.cu, quant_gemv.cu).
#include <torch/autograd.h>
#include <torch/types.h>

#include "ops/cuda_ops.h"

#ifdef APIQ_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "ops/kernel_dispatch.h"
#endif

namespace apiq {

#ifdef APIQ_WITH_CUDA
namespace {

using detail::check_launch;
using detail::elem_type;
void* stream() { return detail::current_stream(); }

// The zero points as the kernels read them: int32 words, float32 bits (float_zeros()) or uint8.
const void* zero_data(const PackedLinear& p) {
  TORCH_CHECK(p.zeros.is_contiguous(), "packed zeros must be contiguous");
  return p.zeros.data_ptr();
}
kernels::ZeroType zero_type(const PackedLinear& p) {
  if (p.zeros.scalar_type() == torch::kByte) return kernels::ZeroType::UInt8;
  return p.float_zeros() ? kernels::ZeroType::Float32 : kernels::ZeroType::Int32;
}

void check_packed(const PackedLinear& p, const char* what) {
  TORCH_CHECK(p.packed.is_cuda() && p.scales.is_cuda() && p.zeros.is_cuda(), what, " needs CUDA tensors");
  TORCH_CHECK(p.packed.scalar_type() == torch::kInt &&
                  (p.zeros.scalar_type() == torch::kInt || p.zeros.scalar_type() == torch::kFloat ||
                   p.zeros.scalar_type() == torch::kByte) &&
                  p.scales.scalar_type() == torch::kHalf,
              what, ": packed must be int32, zeros int32, float32 or uint8 and scales fp16");
  TORCH_CHECK(p.packed.size(0) == p.out && p.packed.size(1) == packed_words(p.in, p.bits), what,
              ": packed words do not match [out, in]");
  TORCH_CHECK(p.scales.size(0) == p.out && p.scales.size(1) == p.n_groups() && p.zeros.sizes() == p.scales.sizes(),
              what, ": scales/zeros do not match [out, n_groups]");
}

struct FakeQuantLwcFn : torch::autograd::Function<FakeQuantLwcFn> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& W,
                               const torch::Tensor& gamma, const torch::Tensor& beta, int64_t bits, int64_t group,
                               c10::ScalarType out_dtype) {
    ctx->saved_data["bits"] = bits;
    ctx->saved_data["group"] = group;
    auto Wc = W.contiguous();
    auto g = gamma.contiguous(), b = beta.contiguous();
    ctx->save_for_backward({Wc, g, b});
    auto out = torch::empty(Wc.sizes(), Wc.options().dtype(out_dtype));
    c10::cuda::CUDAGuard guard(W.device());
    check_launch(kernels::launch_fake_quant_forward(Wc.data_ptr(), elem_type(Wc.scalar_type(), "fake_quant"),
                                                    g.data_ptr<float>(), b.data_ptr<float>(), out.data_ptr(),
                                                    elem_type(out_dtype, "fake_quant"), Wc.size(0), Wc.size(1), group,
                                                    static_cast<int>(bits), stream()),
                 "fake_quant forward");
    return out;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &W = saved[0], &g = saved[1], &b = saved[2];
    auto go = grads[0].contiguous();
    auto dg = torch::empty_like(g), db = torch::empty_like(b);
    torch::Tensor dW;
    if (ctx->needs_input_grad(0)) dW = torch::empty_like(W);
    c10::cuda::CUDAGuard guard(W.device());
    check_launch(kernels::launch_fake_quant_backward(
                     W.data_ptr(), elem_type(W.scalar_type(), "fake_quant"), g.data_ptr<float>(), b.data_ptr<float>(),
                     go.data_ptr(), elem_type(go.scalar_type(), "fake_quant grad"), dg.data_ptr<float>(),
                     db.data_ptr<float>(), dW.defined() ? dW.data_ptr() : nullptr, W.size(0), W.size(1),
                     ctx->saved_data["group"].toInt(), static_cast<int>(ctx->saved_data["bits"].toInt()), stream()),
                 "fake_quant backward");
    return {dW, dg, db, {}, {}, {}};
  }
};

}  // namespace

torch::Tensor fake_quant_lwc_kernel(const torch::Tensor& W, const torch::Tensor& gamma, const torch::Tensor& beta,
                                    int bits, int64_t group_size, torch::ScalarType out_dtype) {
  TORCH_CHECK(W.is_cuda() && gamma.is_cuda() && beta.is_cuda(), "fake_quant_lwc_kernel needs CUDA tensors");
  TORCH_CHECK(W.dim() == 2 && group_size > 0, "fake_quant_lwc_kernel: W must be [out, in] and the group positive");
  const int64_t G = num_groups(W.size(1), group_size);
  TORCH_CHECK(gamma.scalar_type() == torch::kFloat && beta.scalar_type() == torch::kFloat,
              "fake_quant_lwc_kernel: γ and β must be float32");
  TORCH_CHECK(gamma.size(0) == W.size(0) && gamma.size(1) == G && beta.sizes() == gamma.sizes(),
              "fake_quant_lwc_kernel: γ, β must be [out, n_groups]");
  return FakeQuantLwcFn::apply(W, gamma, beta, bits, group_size, out_dtype);
}

torch::Tensor pack_codes_kernel(const torch::Tensor& codes, int bits) {
  TORCH_CHECK(codes.is_cuda() && codes.dim() == 2, "pack_codes_kernel needs [rows, in] CUDA codes");
  auto c = codes.to(torch::kByte).contiguous();
  auto words = torch::empty({c.size(0), packed_words(c.size(1), bits)}, c.options().dtype(torch::kInt));
  c10::cuda::CUDAGuard guard(c.device());
  check_launch(kernels::launch_pack_codes(c.data_ptr<uint8_t>(), words.data_ptr<int32_t>(), c.size(0), c.size(1), bits,
                                          stream()),
               "pack");
  return words;
}

torch::Tensor unpack_codes_kernel(const torch::Tensor& packed, int bits, int64_t in) {
  TORCH_CHECK(packed.is_cuda() && packed.dim() == 2 && packed.scalar_type() == torch::kInt,
              "unpack_codes_kernel needs [rows, words] int32 CUDA words");
  TORCH_CHECK(packed.size(1) == packed_words(in, bits), "unpack_codes_kernel: word count does not match ", in, " codes");
  auto w = packed.contiguous();
  auto codes = torch::empty({w.size(0), in}, w.options().dtype(torch::kByte));
  c10::cuda::CUDAGuard guard(w.device());
  check_launch(kernels::launch_unpack_codes(w.data_ptr<int32_t>(), codes.data_ptr<uint8_t>(), w.size(0), in, bits,
                                            stream()),
               "unpack");
  return codes;
}

torch::Tensor dequantize_kernel(const PackedLinear& p, torch::ScalarType dtype) {
  check_packed(p, "dequantize_kernel");
  TORCH_CHECK(p.zeros.scalar_type() != torch::kByte, "dequantize_kernel reads int32 or float32 zero points");
  auto out = torch::empty({p.out, p.in}, p.packed.options().dtype(dtype));
  c10::cuda::CUDAGuard guard(p.packed.device());
  check_launch(kernels::launch_dequantize(p.packed.contiguous().data_ptr<int32_t>(), p.scales.contiguous().data_ptr(),
                                          static_cast<const int32_t*>(zero_data(p)), out.data_ptr(),
                                          elem_type(dtype, "dequantize"), p.out, p.in, p.group_size, p.bits, stream(),
                                          p.float_zeros()),
               "dequantize");
  return out;
}

bool packed_gemv_kernel_supports(const PackedLinear& p, const torch::Tensor& x) {
  if (!x.is_cuda() || !p.packed.is_cuda() || x.size(-1) != p.in) return false;
  if (x.scalar_type() != torch::kHalf && x.scalar_type() != torch::kBFloat16) return false;
  return kernels::packed_gemv_supported(p.bits, elem_type(x.scalar_type(), "gemv"), x.numel() / std::max<int64_t>(p.in, 1));
}

bool packed_gemv_uses_tensor_cores(const PackedLinear& p, const torch::Tensor& x) {
  if (!packed_gemv_kernel_supports(p, x)) return false;
  c10::cuda::CUDAGuard guard(x.device());
  return kernels::packed_gemv_mma_supported(p.bits, elem_type(x.scalar_type(), "gemv"), x.numel() / p.in, p.out, p.in,
                                            p.group_size, p.scales.data_ptr(), p.zeros.data_ptr(), zero_type(p));
}

namespace {
// The kernels' path for this thread's ScopedGemvForm.
kernels::GemvPath form_path() {
  switch (gemv_form()) {
    case GemvForm::RowsInColumns: return kernels::GemvPath::RowsInColumns;
    case GemvForm::GroupsBulk: return kernels::GemvPath::GroupsBulk;
    default: return kernels::GemvPath::Auto;
  }
}
}  // namespace

bool packed_gemv_uses_one_row_form(const PackedLinear& p, const torch::Tensor& x) {
  if (!packed_gemv_uses_tensor_cores(p, x)) return false;
  c10::cuda::CUDAGuard guard(x.device());
  return kernels::packed_gemv_mma_groups_in_columns(p.bits, elem_type(x.scalar_type(), "gemv"), x.numel() / p.in, p.out,
                                                    p.in, p.group_size, p.scales.data_ptr(), p.zeros.data_ptr(),
                                                    zero_type(p), p.packed.contiguous().data_ptr(), form_path());
}

int packed_gemv_bulk_slots(const PackedLinear& p, const torch::Tensor& x) {
  if (!packed_gemv_uses_tensor_cores(p, x)) return 0;
  c10::cuda::CUDAGuard guard(x.device());
  return kernels::packed_gemv_mma_bulk_slots(p.bits, elem_type(x.scalar_type(), "gemv"), x.numel() / p.in, p.out, p.in,
                                             p.group_size, p.scales.contiguous().data_ptr(), zero_data(p), zero_type(p),
                                             p.packed.contiguous().data_ptr(), form_path());
}

namespace {

// y [rows, out] = op(xc) Ŵᵀ (+ residual) for the rows of the product's input xc, on xc's stream.
torch::Tensor launch_gemv(const torch::Tensor& xc, const PackedLinear& p, kernels::GemvPath path,
                          const torch::Tensor& residual, const kernels::GemvPrologue& pro,
                          const kernels::GemvLora& lora = {}, GemvOutputOp out = GemvOutputOp::Plain) {
  const int64_t m = xc.size(0);
  const bool silu_out = out == GemvOutputOp::SiluMul;
  TORCH_CHECK(!silu_out || !residual.defined(), "packed gemv: the SiLU·mul output takes no residual");
  auto y = torch::empty({m, silu_out ? p.out / 2 : p.out}, xc.options());
  torch::Tensor res;
  if (residual.defined()) {
    TORCH_CHECK(residual.numel() == y.numel() && residual.size(-1) == p.out && residual.scalar_type() == y.scalar_type() &&
                    residual.device() == y.device(),
                "packed_gemv_kernel: the residual must have the output's shape, dtype and device");
    res = residual.reshape(y.sizes()).contiguous();
  }
  c10::cuda::CUDAGuard guard(xc.device());
  if (path == kernels::GemvPath::Auto) path = form_path();
  check_launch(kernels::launch_packed_gemv(xc.data_ptr(), elem_type(xc.scalar_type(), "gemv"),
                                           p.packed.contiguous().data_ptr<int32_t>(), p.scales.contiguous().data_ptr(),
                                           zero_data(p), y.data_ptr(), m, p.out, p.in, p.group_size, p.bits, stream(),
                                           path, gemv_overlap_enabled(), zero_type(p),
                                           res.defined() ? res.data_ptr() : nullptr, pro, lora,
                                           silu_out ? kernels::GemvOutput::SiluMul : kernels::GemvOutput::Plain),
               "packed gemv");
  return y;
}

// The kernels' form of an input op; `held` keeps the contiguous norm weight alive.
kernels::GemvPrologue prologue_of(const GemvInputOp& op, torch::Tensor& held) {
  kernels::GemvPrologue pro;
  pro.input = op.kind == GemvInputOp::Kind::RmsNorm   ? kernels::GemvInput::RmsNorm
              : op.kind == GemvInputOp::Kind::SiluMul ? kernels::GemvInput::SiluMul
                                                      : kernels::GemvInput::Plain;
  if (pro.input == kernels::GemvInput::RmsNorm) {
    TORCH_CHECK(op.norm_weight.defined(), "gemv input op: RMSNorm without a norm weight");
    held = op.norm_weight.contiguous();
    pro.norm_weight = held.data_ptr();
    pro.eps = static_cast<float>(op.eps);
  }
  return pro;
}

// The kernel's view of a LoRA term, checked against the product's rows and input rows.
kernels::GemvLora lora_of(const GemvLoraTerm& t, const PackedLinear& p, const torch::Tensor& xc) {
  kernels::GemvLora l;
  if (!t.b.defined()) return l;
  TORCH_CHECK(t.b.dim() == 2 && t.b.size(0) == p.out && t.b.is_contiguous() && t.b.scalar_type() == xc.scalar_type() &&
                  t.b.device() == xc.device(),
              "packed gemv LoRA: b must be a contiguous [", p.out, ", rank] tensor in x's dtype on its device");
  const int64_t linears = 1 + (t.split0 < p.out) + (t.split1 < p.out);
  TORCH_CHECK(t.u.defined() && t.u.dim() == 2 && t.u.size(0) == xc.size(0) && t.u.is_contiguous() &&
                  t.u.scalar_type() == torch::kFloat && t.u.device() == xc.device() &&
                  t.u.size(1) >= linears * t.b.size(1) && t.split0 <= t.split1,
              "packed gemv LoRA: u must be float32 [rows, linears · rank] on x's device, splits in order");
  l.b = t.b.data_ptr();
  l.u = t.u.data_ptr<float>();
  l.rank = static_cast<int>(t.b.size(1));
  l.u_stride = static_cast<int>(t.u.size(1));
  l.split0 = static_cast<int>(std::min<int64_t>(t.split0, 0x7fffffff));
  l.split1 = static_cast<int>(std::min<int64_t>(t.split1, 0x7fffffff));
  return l;
}

}  // namespace

torch::Tensor packed_gemv_kernel(const torch::Tensor& x, const PackedLinear& p, bool tensor_cores,
                                 const torch::Tensor& residual) {
  check_packed(p, "packed_gemv_kernel");
  TORCH_CHECK(packed_gemv_kernel_supports(p, x), "packed_gemv_kernel: unsupported input (needs fp16/bf16 CUDA x with ",
              "at most ", kernels::kMaxGemvRows, " rows of ", p.in, " features and 2/3/4-bit codes)");
  TORCH_CHECK(tensor_cores || p.zeros.scalar_type() != torch::kByte,
              "packed_gemv_kernel: uint8 zero points are read by the tensor-core kernel only");
  auto xc = x.reshape({-1, p.in}).contiguous();
  auto out_sizes = x.sizes().vec();
  out_sizes.back() = p.out;
  const auto path = tensor_cores ? kernels::GemvPath::Auto : kernels::GemvPath::CudaCores;
  return launch_gemv(xc, p, path, residual, {}).view(out_sizes);
}

bool packed_gemv_input_op_supported(const PackedLinear& p, int64_t rows, torch::ScalarType dtype,
                                    const GemvInputOp& op, GemvOutputOp out) {
  if (!p.packed.is_cuda() || (dtype != torch::kHalf && dtype != torch::kBFloat16)) return false;
  // Gate and up rows pair within tiles; up to 8 activation rows (the kernel's one-mma forms).
  if (out == GemvOutputOp::SiluMul && (p.out % 16 != 0 || rows > 8)) return false;
  // The kernel indexes x [rows, 2·in] with 32-bit offsets under SiLU·mul.
  if (op.kind == GemvInputOp::Kind::SiluMul && 2 * rows * p.in >= (int64_t{1} << 31)) return false;
  if (op.kind == GemvInputOp::Kind::RmsNorm &&
      (!op.norm_weight.defined() || op.norm_weight.numel() != p.in || op.norm_weight.scalar_type() != dtype ||
       op.norm_weight.device() != p.packed.device()))
    return false;
  c10::cuda::CUDAGuard guard(p.packed.device());
  return kernels::packed_gemv_mma_supported(p.bits, elem_type(dtype, "gemv"), rows, p.out, p.in, p.group_size,
                                            p.scales.data_ptr(), p.zeros.data_ptr(), zero_type(p));
}

torch::Tensor packed_gemv_with_input_op(const torch::Tensor& x, const PackedLinear& p, const GemvInputOp& op,
                                        const torch::Tensor& residual, const GemvLoraTerm& lora, GemvOutputOp out) {
  check_packed(p, "packed_gemv_with_input_op");
  const int64_t width = op.kind == GemvInputOp::Kind::SiluMul ? 2 * p.in : p.in;
  TORCH_CHECK(x.is_cuda() && x.size(-1) == width && x.device() == p.packed.device(),
              "packed_gemv_with_input_op: x must be a tensor of ", width, " features on the weights' device");
  auto xc = x.reshape({-1, width}).contiguous();
  TORCH_CHECK(packed_gemv_input_op_supported(p, xc.size(0), xc.scalar_type(), op, out),
              "packed_gemv_with_input_op: the tensor-core product does not take this input or output (shape, dtype or "
              "norm weight)");
  torch::Tensor w;
  const auto pro = prologue_of(op, w);
  auto out_sizes = x.sizes().vec();
  out_sizes.back() = out == GemvOutputOp::SiluMul ? p.out / 2 : p.out;
  return launch_gemv(xc, p, kernels::GemvPath::Auto, residual, pro, lora_of(lora, p, xc), out).view(out_sizes);
}

torch::Tensor lora_down_kernel(const torch::Tensor& x, const torch::Tensor& A, const GemvInputOp& op) {
  const int64_t in = A.size(-1), width = op.kind == GemvInputOp::Kind::SiluMul ? 2 * in : in;
  TORCH_CHECK(x.is_cuda() && A.dim() == 2 && x.size(-1) == width && A.device() == x.device() &&
                  A.scalar_type() == x.scalar_type(),
              "lora_down_kernel: x [..., ", width, "] and A [n, ", in, "] on one CUDA device in one dtype");
  auto xc = x.reshape({-1, width}).contiguous();
  auto Ac = A.contiguous();
  torch::Tensor w;
  const auto pro = prologue_of(op, w);
  TORCH_CHECK(!w.defined() || (w.numel() == in && w.scalar_type() == x.scalar_type() && w.device() == x.device()),
              "lora_down_kernel: the norm weight must have ", in, " elements in x's dtype on its device");
  auto u = torch::empty({xc.size(0), A.size(0)}, xc.options().dtype(torch::kFloat));
  c10::cuda::CUDAGuard guard(x.device());
  check_launch(kernels::launch_lora_down(xc.data_ptr(), elem_type(xc.scalar_type(), "lora_down"), Ac.data_ptr(),
                                         u.data_ptr<float>(), xc.size(0), A.size(0), in, pro, stream(),
                                         gemv_overlap_enabled()),
               "lora down");
  return u;
}

#else  // no CUDA kernels in this build

namespace {
[[noreturn]] void no_kernels() { TORCH_CHECK(false, "this build has no CUDA kernels (APIQ_WITH_CUDA=OFF)"); }
}  // namespace
torch::Tensor fake_quant_lwc_kernel(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&, int, int64_t,
                                    torch::ScalarType) { no_kernels(); }
torch::Tensor pack_codes_kernel(const torch::Tensor&, int) { no_kernels(); }
torch::Tensor unpack_codes_kernel(const torch::Tensor&, int, int64_t) { no_kernels(); }
torch::Tensor dequantize_kernel(const PackedLinear&, torch::ScalarType) { no_kernels(); }
bool packed_gemv_kernel_supports(const PackedLinear&, const torch::Tensor&) { return false; }
bool packed_gemv_uses_tensor_cores(const PackedLinear&, const torch::Tensor&) { return false; }
bool packed_gemv_uses_one_row_form(const PackedLinear&, const torch::Tensor&) { return false; }
torch::Tensor packed_gemv_kernel(const torch::Tensor&, const PackedLinear&, bool, const torch::Tensor&) { no_kernels(); }
bool packed_gemv_input_op_supported(const PackedLinear&, int64_t, torch::ScalarType, const GemvInputOp&,
                                    GemvOutputOp) {
  return false;
}
torch::Tensor packed_gemv_with_input_op(const torch::Tensor&, const PackedLinear&, const GemvInputOp&,
                                        const torch::Tensor&, const GemvLoraTerm&, GemvOutputOp) {
  no_kernels();
}
torch::Tensor lora_down_kernel(const torch::Tensor&, const torch::Tensor&, const GemvInputOp&) { no_kernels(); }

#endif

}  // namespace apiq
