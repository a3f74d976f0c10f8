// SPDX-License-Identifier: GPL-3.0-or-later
#include "model/fused_decode.h"

#include <cmath>

#include "ops/cuda_ops.h"
#include "ops/decode_ops.h"

namespace apiq {
namespace {

// The tensors of consecutive rows of one allocation as one [rows, cols] view, or undefined.
torch::Tensor span_rows(const std::vector<torch::Tensor>& parts) {
  const torch::Tensor& first = parts.front();
  int64_t rows = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const torch::Tensor& t = parts[i];
    if (t.dim() != 2 || !t.is_contiguous() || t.size(1) != first.size(1) || !t.is_alias_of(first)) return {};
    if (i > 0) {
      const auto& prev = parts[i - 1];
      const auto* end = static_cast<const char*>(prev.data_ptr()) + prev.numel() * prev.element_size();
      if (end != t.data_ptr()) return {};
    }
    rows += t.size(0);
  }
  return first.as_strided({rows, first.size(1)}, {first.size(1), 1}, first.storage_offset());
}

// One product over a group's adjacent packed rows; nullopt where bits, groups, inputs or storage differ.
std::optional<PackedLinear> span_group(const std::vector<PackedProduct>& parts) {
  const PackedLinear& f = *parts.front().packed;
  PackedLinear all = f;
  all.out = 0;
  std::vector<torch::Tensor> packed, scales, zeros;
  for (const auto& p : parts) {
    const PackedLinear& l = *p.packed;
    if (l.bits != f.bits || l.group_size != f.group_size || l.in != f.in || l.float_zeros() != f.float_zeros())
      return std::nullopt;
    packed.push_back(l.packed);
    scales.push_back(l.scales);
    zeros.push_back(l.zeros);
    all.out += l.out;
  }
  all.packed = span_rows(packed);
  all.scales = span_rows(scales);
  all.zeros = span_rows(zeros);
  if (!all.packed.defined() || !all.scales.defined() || !all.zeros.defined()) return std::nullopt;
  return all;
}

// The group's product with its LoRA terms in FusedDecodeBlocks::Product's form.
FusedDecodeBlocks::Product with_lora(const PackedLinear& packed, const std::vector<PackedProduct>& parts,
                                     torch::ScalarType dt, bool in_kernel) {
  FusedDecodeBlocks::Product prod{packed, {}, {}};
  int64_t rank = 0, o0 = 0;
  for (size_t j = 0; j < parts.size(); ++j) {
    rank = std::max<int64_t>(rank, parts[j].lora ? parts[j].lora->A.size(0) : 0);
    o0 += parts[j].packed->out;
    if (j == 0 && parts.size() > 1) prod.split0 = o0;
    if (j == 1 && parts.size() > 2) prod.split1 = o0;
  }
  if (rank == 0) return prod;
  const auto opts = packed.packed.options().dtype(dt);
  const auto n = static_cast<int64_t>(parts.size());
  prod.lora_in_kernel = in_kernel && packed.in % 8 == 0 && packed_gemv_input_op_supported(packed, 1, dt, {});
  prod.A = torch::zeros({n * rank, packed.in}, opts);
  // In the product: B [out, R]; for two dense products: block-diagonal [out, n·R], linear j in columns j·R….
  prod.B = torch::zeros({packed.out, prod.lora_in_kernel ? rank : n * rank}, opts);
  o0 = 0;
  for (int64_t j = 0; j < n; ++j) {
    const auto& p = parts[static_cast<size_t>(j)];
    if (p.lora) {
      const int64_t r = p.lora->A.size(0);
      prod.A.narrow(0, j * rank, r).copy_(p.lora->A);
      prod.B.narrow(0, o0, p.packed->out).narrow(1, prod.lora_in_kernel ? 0 : j * rank, r).copy_(p.lora->B * p.lora->scaling);
    }
    o0 += p.packed->out;
  }
  return prod;
}

// A uint8 copy of the product's int32 zero points where all lie in 0..255 and the tensor-core kernel
// takes them (one host sync per product, at build); false where the product keeps its own.
bool narrow_zeros(FusedDecodeBlocks::Product& p, const torch::Tensor& probe) {
  const auto& z = p.packed.zeros;
  if (z.scalar_type() != torch::kInt || z.numel() == 0) return false;
  const auto [lo, hi] = torch::aminmax(z);
  if (lo.item<int32_t>() < 0 || hi.item<int32_t>() > 255) return false;
  PackedLinear narrowed = p.packed;
  narrowed.zeros = z.to(torch::kByte).contiguous();
  if (!packed_gemv_uses_tensor_cores(narrowed, probe.new_empty({1, p.packed.in}))) return false;
  p.packed = narrowed;
  return true;
}

}  // namespace

// Which norms and SiLU·mul of the block run inside the products (each inside the one product that
// reads it, and inside its LoRA's first half); counts them.
void FusedDecodeBlocks::fold_inputs(Block& blk, torch::ScalarType dt, bool silu_after_gate_up) {
  auto takes = [&](const std::vector<Product>& ps, const GemvInputOp& op, GemvOutputOp out = GemvOutputOp::Plain) {
    const Product& p = ps.front();
    return ps.size() == 1 && (!p.A.defined() || p.lora_in_kernel) &&
           packed_gemv_input_op_supported(p.packed, 1, dt, op, out);
  };
  const GemvInputOp mlp_norm{GemvInputOp::Kind::RmsNorm, blk.mlp_norm, eps_};
  blk.norm_in_qkv = takes(blk.qkv, {GemvInputOp::Kind::RmsNorm, blk.attn_norm, eps_});
  blk.norm_in_gate_up = takes(blk.gate_up, mlp_norm);
  // SiLU·mul after gate/up needs gate and up as one product of two equal halves.
  blk.silu_after_gate_up = silu_after_gate_up && blk.norm_in_gate_up &&
                           blk.gate_up.front().split0 * 2 == blk.gate_up.front().packed.out &&
                           takes(blk.gate_up, mlp_norm, GemvOutputOp::SiluMul);
  blk.silu_in_down = !blk.silu_after_gate_up && takes({blk.down}, {GemvInputOp::Kind::SiluMul, {}, 0.0});
  silu_after_gate_up_ += blk.silu_after_gate_up;
  inputs_in_products_ += int64_t{blk.norm_in_qkv} + blk.norm_in_gate_up + (blk.silu_in_down || blk.silu_after_gate_up);
}

std::unique_ptr<FusedDecodeBlocks> FusedDecodeBlocks::build(const LlamaModel& model, int64_t capacity,
                                                            std::string* why, const FusedDecodeOptions& options) {
  const auto& cfg = model.config();
  const auto dev = model.options().device;
  const auto dt = model.weights().embed.scalar_type();
  auto fail = [&](const std::string& reason) -> std::unique_ptr<FusedDecodeBlocks> {
    if (why) *why = reason;
    return nullptr;
  };
  if (!dev.is_cuda() || !cuda_kernels_enabled()) return fail("not on a CUDA device with our kernels");
  if (model.options().stream_blocks) return fail("blocks are streamed from the host");
  if (!decode_step_kernels_support(dt, cfg.num_attention_heads, cfg.num_key_value_heads, cfg.head_dim, capacity))
    return fail("the decode kernels do not take these head sizes, dtype or " + std::to_string(capacity) +
                " positions");
  std::unique_ptr<FusedDecodeBlocks> f(new FusedDecodeBlocks());
  f->heads_ = cfg.num_attention_heads;
  f->rope_in_attention_ = options.rope_in_attention;
  f->groups_in_columns_ = options.groups_in_columns;
  f->bulk_weights_ = options.bulk_weights;
  f->eps_ = cfg.rms_norm_eps;
  f->scale_ = 1.0 / std::sqrt(static_cast<double>(cfg.head_dim));
  const auto probe = torch::empty({1, cfg.hidden_size}, torch::TensorOptions().device(dev).dtype(dt));
  for (int64_t b = 0; b < model.num_blocks(); ++b) {
    const BlockLinears* linears = model.block_linears(b);
    const BlockNorms& norms = model.weights().blocks.at(static_cast<size_t>(b)).norms;
    const std::string where = "block " + std::to_string(b) + ": ";
    if (!linears) return fail(where + "dense linears");
    if (norms[NormKind::Q].defined() || norms[NormKind::K].defined()) return fail(where + "per-head q/k norms");
    auto product_of = [&](LinearKind k) -> std::optional<PackedProduct> {
      auto p = linears->packed_product(k);
      if (!p || !p->packed->packed.is_cuda()) return std::nullopt;
      const auto x = torch::empty({1, p->packed->in}, probe.options());
      if (!packed_gemv_kernel_supports(*p->packed, x)) return std::nullopt;
      return p;
    };
    auto group = [&](std::initializer_list<LinearKind> kinds, std::vector<Product>& out) -> bool {
      std::vector<PackedProduct> parts;
      for (LinearKind k : kinds) {
        auto p = product_of(k);
        if (!p) return false;
        parts.push_back(*p);
      }
      if (auto spanned = span_group(parts)) {
        out.push_back(with_lora(*spanned, parts, dt, options.lora_in_products));
        if (parts.size() > 1) ++f->fused_groups_;
        return true;
      }
      for (const auto& p : parts) out.push_back(with_lora(*p.packed, {p}, dt, options.lora_in_products));
      return true;
    };
    Block blk;
    std::vector<Product> o, down;
    if (!group({LinearKind::Q, LinearKind::K, LinearKind::V}, blk.qkv) || !group({LinearKind::O}, o) ||
        !group({LinearKind::Gate, LinearKind::Up}, blk.gate_up) || !group({LinearKind::Down}, down))
      return fail(where + "a linear is not a packed product the kernels take (bias, adapter, dense or its bits)");
    blk.attn_norm = norms[NormKind::Attn].to(dev, dt).contiguous();
    blk.mlp_norm = norms[NormKind::Mlp].to(dev, dt).contiguous();
    if (options.byte_zeros) {
      for (auto* ps : {&blk.qkv, &blk.gate_up, &o, &down})
        for (auto& p : *ps)
          if (narrow_zeros(p, probe)) {
            ++f->byte_zero_products_;
            f->byte_zero_bytes_ += p.packed.zeros.numel();
          }
    }
    blk.o = o.front();
    blk.down = down.front();
    for (const auto* ps : {&blk.qkv, &blk.gate_up, &o, &down})
      for (const auto& p : *ps) f->lora_in_kernel_ += p.A.defined() && p.lora_in_kernel;
    if (options.inputs_in_products) f->fold_inputs(blk, dt, options.silu_after_gate_up);
    f->blocks_.push_back(std::move(blk));
  }
  return f;
}

namespace {

// op(x) Ŵᵀ (+ the LoRA term) (+ residual), the additions folded into the product's output; op is
// inside the product (the caller checked), or Plain.
torch::Tensor run(const FusedDecodeBlocks::Product& p, const torch::Tensor& x, const torch::Tensor& residual,
                  const GemvInputOp& op = {}, GemvOutputOp out = GemvOutputOp::Plain) {
  auto x2 = x.reshape({1, -1});
  const auto res = residual.defined() ? residual.reshape({1, -1}) : residual;
  if (p.A.defined() && p.lora_in_kernel)
    return packed_gemv_with_input_op(x2, p.packed, op, res, {p.B, lora_down_kernel(x2, p.A, op), p.split0, p.split1},
                                     out);
  if (op.kind != GemvInputOp::Kind::Plain || out != GemvOutputOp::Plain)
    return packed_gemv_with_input_op(x2, p.packed, op, res, {}, out);
  if (!p.A.defined()) return packed_gemv_kernel(x2, p.packed, true, res);
  // Two dense products (B block-diagonal here, see with_lora), their sum added by the product.
  const auto u = torch::mm(x2, p.A.t());
  return packed_gemv_kernel(x2, p.packed, true, res.defined() ? torch::addmm(res, u, p.B.t()) : torch::mm(u, p.B.t()));
}

torch::Tensor run_group(const std::vector<FusedDecodeBlocks::Product>& ps, const torch::Tensor& x) {
  if (ps.size() == 1) return run(ps.front(), x, {});
  std::vector<torch::Tensor> ys;
  for (const auto& p : ps) ys.push_back(run(p, x, {}));
  return torch::cat(ys, 1);
}

}  // namespace

torch::Tensor FusedDecodeBlocks::step(int64_t b, const torch::Tensor& x, const torch::Tensor& cos,
                                      const torch::Tensor& sin, const torch::Tensor& pos, StaticKV& kv) const {
  const Block& w = blocks_.at(static_cast<size_t>(b));
  // This model's choice of product form, whatever the caller's scope.
  ScopedGemvForm form(!groups_in_columns_ ? GemvForm::RowsInColumns
                      : bulk_weights_     ? GemvForm::GroupsBulk
                                          : GemvForm::Best);
  // The normalized group products: inside the product, or a separate norm first.
  auto normed = [&](const std::vector<Product>& ps, bool inside, const torch::Tensor& in, const torch::Tensor& nw) {
    if (inside) return run(ps.front(), in, {}, {GemvInputOp::Kind::RmsNorm, nw, eps_});
    return run_group(ps, rms_norm_kernel(in, nw, eps_));
  };
  const auto qkv = normed(w.qkv, w.norm_in_qkv, x, w.attn_norm);
  const auto attn = rope_in_attention_
                        ? rope_attention_kernel(qkv, cos, sin, pos, kv.k, kv.v, heads_, scale_)
                        : decode_attention_kernel(rope_kv_write_kernel(qkv, cos, sin, pos, kv.k, kv.v, heads_), kv.k,
                                                  kv.v, pos, scale_);
  auto x1 = run(w.o, attn, x);
  if (w.silu_after_gate_up) {
    const GemvInputOp norm{GemvInputOp::Kind::RmsNorm, w.mlp_norm, eps_};
    const auto act = run(w.gate_up.front(), x1, {}, norm, GemvOutputOp::SiluMul);  // SiLU(gate)·up
    return run(w.down, act, x1).view(x.sizes());
  }
  auto gu = normed(w.gate_up, w.norm_in_gate_up, x1, w.mlp_norm);
  if (w.silu_in_down) return run(w.down, gu, x1, {GemvInputOp::Kind::SiluMul, {}, 0.0}).view(x.sizes());
  return run(w.down, silu_mul_kernel(gu), x1).view(x.sizes());
}

}  // namespace apiq
