// SPDX-License-Identifier: GPL-3.0-or-later
#include "bench/kernel_bench.h"

#include <torch/types.h>
#include <torch/utils.h>

#include <sstream>
#include <stdexcept>

#include "bench/bench_timer.h"
#include "ops/cuda_ops.h"
#include "quant/group_quantizer.h"
#include "quant/packed_matmul.h"
#include "quant/packing.h"
#include "bench/random_packed_model.h"


namespace apiq {

namespace {

std::string shape_name(const GemmShape& s) {
  return "M=" + std::to_string(s.m) + " N=" + std::to_string(s.n) + " K=" + std::to_string(s.k);
}

// Runs f with our kernels off: the composed LibTorch ops on the same device.
template <typename F>
auto reference(F&& f) {
  ScopedCudaKernels off(false);
  return f();
}

double ms_ref(BenchTimer& t, const std::function<void()>& fn) {
  return reference([&] { return t.median_ms(fn); });
}

double max_abs(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

int64_t bytes_of(const torch::Tensor& t) { return t.numel() * static_cast<int64_t>(t.element_size()); }

struct Ctx {
  BenchTimer& timer;
  double copy_gbps;
  std::vector<BenchRow>& rows;
  void add(BenchRow r, int64_t bytes, double flops = 0) {
    if (bytes > 0 && r.ms > 0) {
      r.gbps = static_cast<double>(bytes) / (r.ms * 1e-3) / 1e9;
      r.pct_copy = copy_gbps > 0 ? 100.0 * r.gbps / copy_gbps : 0;
    }
    if (flops > 0 && r.ms > 0) r.tflops = flops / (r.ms * 1e-3) / 1e12;
    rows.push_back(std::move(r));
  }
};

// What bench_gemv measured of one product: its input and output, names and traffic.
struct GemvRun {
  const torch::Tensor& x;
  const torch::Tensor& y;
  const std::string& kernel;
  const std::string& shape;
  int64_t bytes;        // the product's traffic: weights, x and y
  int64_t weight_bytes;  // the packed weights alone
  double flops;
};

// Time per product of the kernel run over every weight in ws in a row (one timed run).
double per_product_ms(BenchTimer& t, const std::vector<PackedLinear>& ws, const torch::Tensor& x) {
  return t.median_ms([&] {
           for (const auto& w : ws) packed_gemv_kernel(x, w);
         }) / static_cast<double>(ws.size());
}

// Back to back over distinct weights, as decode runs them: one timed run is `copies` products of
// different matrices (together 3× the L2 cache, so none is cached), per product = time / copies.
// This hides the fixed launch-to-first-byte latency that a single timed product includes.
void bench_gemv_back_to_back(Ctx& c, const GemmShape& s, int bits, int64_t group, const GemvRun& g) {
  const auto dev = c.timer.device();
  const auto& x = g.x;
  const int64_t copies = std::max<int64_t>(4, 3 * c.timer.l2_bytes() / std::max<int64_t>(g.weight_bytes, 1) + 1);
  std::vector<PackedLinear> ws;
  for (int64_t i = 0; i < copies; ++i) ws.push_back(random_packed_linear(s.n, s.k, bits, group, dev));
  TimingOptions to = c.timer.options();
  to.flush_l2 = false;
  to.spin_ns = 2000000;  // the host queues every product before the first starts
  BenchTimer stream_timer(dev, to);
  const std::string shape = g.shape + " x" + std::to_string(copies);
  BenchRow b{g.kernel + " back-to-back", shape};
  b.ms = per_product_ms(stream_timer, ws, x);
  b.note = "per product, " + std::to_string(copies) + " distinct weights in a row";
  c.add(b, g.bytes, g.flops);

  // The same with programmatic dependent launch, as decode queues them (ScopedGemvOverlap): each
  // product's weights are requested during the previous one's tail.
  ScopedGemvOverlap overlap;
  BenchRow bp{g.kernel + " back-to-back, PDL", shape};
  bp.ms = per_product_ms(stream_timer, ws, x);
  bp.note = "as above, each launch overlapping the previous one's tail (sm_90+)";
  c.add(bp, g.bytes, g.flops);

  // As decode reads them (FusedDecodeOptions::byte_zeros): uint8 zero points, a quarter of their bytes;
  // max err against the int32 product of the same weights (the same arithmetic: 0 expected).
  std::vector<PackedLinear> narrow = ws;
  for (auto& w : narrow) w.zeros = w.zeros.to(torch::kByte);
  if (!packed_gemv_uses_tensor_cores(narrow.front(), x)) return;
  const int64_t narrow_bytes = narrow.front().storage_bytes() + bytes_of(x) + bytes_of(g.y);
  BenchRow b8{g.kernel + " back-to-back, PDL, uint8 zeros", shape};
  b8.ms = per_product_ms(stream_timer, narrow, x);
  const auto b8_out = packed_gemv_kernel(x, narrow.front());
  b8.max_err = max_abs(b8_out, packed_gemv_kernel(x, ws.front()));
  b8.note = "as above, zero points read as uint8 (the bytes column counts them so)";
  c.add(b8, narrow_bytes, g.flops);
  if (s.m != 1 || group != 4 * (32 / bits)) return;

  // One activation row, one quad per group: the same in the other forms of the product.
  auto other_form = [&](GemvForm form, const char* name, const char* note) {
    ScopedGemvForm scope(form);
    BenchRow br{b8.kernel + name, shape};
    br.ms = per_product_ms(stream_timer, narrow, x);
    br.max_err = max_abs(packed_gemv_kernel(x, narrow.front()), b8_out);
    br.note = note;
    c.add(br, narrow_bytes, g.flops);
  };
  other_form(GemvForm::RowsInColumns, ", multi-row form",
             "activation rows in the mma columns (gemv_mma_rows.cuh); max err against the default");
  bool bulk = false;
  {
    ScopedGemvForm scope(GemvForm::GroupsBulk);
    bulk = packed_gemv_bulk_slots(narrow.front(), x) > 0;
  }
  if (bulk)
    other_form(GemvForm::GroupsBulk, ", bulk copies",
               "one-row form, weights copied to shared memory in bulk (gemv_mma_bulk.cuh); max err against the default");
}

void bench_gemv(Ctx& c, const GemmShape& s, int bits, int64_t group) {
  const auto dev = c.timer.device();
  auto p = random_packed_linear(s.n, s.k, bits, group, dev);
  auto x = torch::randn({s.m, s.k}, torch::TensorOptions().device(dev).dtype(torch::kBFloat16));
  torch::NoGradGuard ng;
  auto y = packed_matmul(x, p);
  auto yr = reference([&] { return packed_matmul(x, p); });
  BenchRow r{"gemv W" + std::to_string(bits) + " g" + std::to_string(group), shape_name(s)};
  r.ms = c.timer.median_ms([&] { packed_matmul(x, p); });
  r.ref_ms = ms_ref(c.timer, [&] { packed_matmul(x, p); });
  r.max_err = max_abs(y, yr);
  r.note = dev.is_cuda() ? "ref: LibTorch dequantize + matmul" : "CPU: reference path";
  const int64_t bytes = p.storage_bytes() + bytes_of(x) + bytes_of(y);
  const double flops = 2.0 * s.m * s.n * s.k;
  c.add(r, bytes, flops);
  if (!dev.is_cuda() || !packed_gemv_uses_tensor_cores(p, x)) return;

  // The CUDA-core kernel on the same input, for comparison with the tensor-core one above.
  BenchRow k{r.kernel + " (CUDA cores)", r.shape};
  k.ms = c.timer.median_ms([&] { packed_gemv_kernel(x, p, false); });
  k.ref_ms = r.ref_ms;
  k.max_err = max_abs(packed_gemv_kernel(x, p, false), yr);
  k.note = "quant_gemv.cu instead of quant_gemv_mma.cu";
  c.add(k, bytes, flops);

  // What a plain device-to-device copy moving the same number of bytes (read + written) achieves at
  // this size, timed the same way: the practical ceiling for one kernel of this much traffic.
  auto src = torch::ones({bytes / 2}, torch::TensorOptions().device(dev).dtype(torch::kByte));
  auto dst = torch::empty_like(src);
  BenchRow cp{"copy, same bytes as " + r.kernel, r.shape};
  cp.ms = c.timer.median_ms([&] { dst.copy_(src); });
  cp.note = "device copy of " + std::to_string(bytes / 2) + " B (read + write = the product's bytes)";
  c.add(cp, 2 * (bytes / 2));

  bench_gemv_back_to_back(c, s, bits, group, GemvRun{x, y, r.kernel, r.shape, bytes, p.storage_bytes(), flops});
}

void bench_dequant_matmul(Ctx& c, const GemmShape& s) {
  const auto dev = c.timer.device();
  auto p = random_packed_linear(s.n, s.k, 2, 64, dev);
  auto x = torch::randn({s.m, s.k}, torch::TensorOptions().device(dev).dtype(torch::kBFloat16));
  auto dy = torch::randn({s.m, s.n}, x.options());
  auto step = [&] {
    auto xi = x.detach().requires_grad_(true);
    auto y = packed_matmul(xi, p);
    y.backward(dy);
  };
  torch::Tensor y, yr;
  {
    torch::NoGradGuard ng;
    y = packed_matmul(x, p);
    yr = reference([&] { return packed_matmul(x, p); });
  }
  BenchRow r{"dequant+matmul fwd+bwd(x) W2 g64", shape_name(s)};
  r.ms = c.timer.median_ms(step);
  r.ref_ms = ms_ref(c.timer, step);
  r.max_err = max_abs(y, yr);
  r.note = "forward and input gradient; Ŵ rebuilt in backward";
  c.add(r, 0, 4.0 * s.m * s.n * s.k);
}

void bench_pack(Ctx& c, const GemmShape& s, int bits) {
  const auto dev = c.timer.device();
  auto codes = torch::randint(0, 1 << bits, {s.n, s.k}, torch::TensorOptions().device(dev).dtype(torch::kByte));
  auto words = pack_codes(codes, bits);
  auto words_ref = reference([&] { return pack_codes(codes, bits); });
  BenchRow r{"pack W" + std::to_string(bits), "N=" + std::to_string(s.n) + " K=" + std::to_string(s.k)};
  // The range check in pack_codes syncs; time the kernels themselves where we have them.
  const bool k = dev.is_cuda() && cuda_kernels_enabled();
  r.ms = c.timer.median_ms([&] { k ? pack_codes_kernel(codes, bits) : pack_codes(codes, bits); });
  r.ref_ms = ms_ref(c.timer, [&] { pack_codes(codes, bits); });
  r.max_err = words.equal(words_ref) ? 0 : 1;
  r.note = "max_err 0: identical words";
  c.add(r, bytes_of(codes) + bytes_of(words));

  BenchRow u{"unpack W" + std::to_string(bits), r.shape};
  u.ms = c.timer.median_ms([&] { unpack_codes(words, bits, s.k); });
  u.ref_ms = ms_ref(c.timer, [&] { unpack_codes(words, bits, s.k); });
  u.max_err = unpack_codes(words, bits, s.k).equal(codes) ? 0 : 1;
  u.note = r.note;
  c.add(u, bytes_of(codes) + bytes_of(words));
}

void bench_dequantize(Ctx& c, const GemmShape& s) {
  const auto dev = c.timer.device();
  auto p = random_packed_linear(s.n, s.k, 2, 64, dev);
  auto w = dequantize_packed(p, torch::kBFloat16);
  auto wr = reference([&] { return dequantize_packed(p, torch::kBFloat16); });
  BenchRow r{"dequantize W2 g64 -> bf16", "N=" + std::to_string(s.n) + " K=" + std::to_string(s.k)};
  r.ms = c.timer.median_ms([&] { dequantize_packed(p, torch::kBFloat16); });
  r.ref_ms = ms_ref(c.timer, [&] { dequantize_packed(p, torch::kBFloat16); });
  r.max_err = max_abs(w, wr);
  c.add(r, p.storage_bytes() + bytes_of(w));
}

void bench_fake_quant(Ctx& c, const GemmShape& s) {
  const auto dev = c.timer.device();
  GroupQuantizer q(QuantizerOptions().set_bits(2).set_group_size(64), s.n, s.k, dev);
  auto W = torch::randn({s.n, s.k}, torch::TensorOptions().device(dev)) * 0.02;
  auto R = torch::randn_like(W);
  auto step = [&] {
    auto y = q.fake_quant(W);
    y.backward(R);
  };
  auto y = q.fake_quant(W).detach();
  auto yr = reference([&] { return q.fake_quant(W).detach(); });
  BenchRow r{"fake-quant LWC fwd+bwd W2 g64", "N=" + std::to_string(s.n) + " K=" + std::to_string(s.k)};
  r.ms = c.timer.median_ms(step);
  r.ref_ms = ms_ref(c.timer, step);
  r.max_err = max_abs(y, yr);
  r.note = "float32 W; grads for γ, β";
  // Forward reads W and writes Ŵ; backward reads W and dŴ (γ, β are small).
  c.add(r, 4 * bytes_of(W));
}

}  // namespace

std::vector<GemmShape> parse_bench_shapes(const std::string& spec) {
  if (spec == "llama2-7b") return {{1, 4096, 4096}, {1, 11008, 4096}, {1, 4096, 11008}};
  if (spec == "llama2-70b") return {{1, 8192, 8192}, {1, 1024, 8192}, {1, 28672, 8192}, {1, 8192, 28672}};
  std::vector<GemmShape> out;
  std::string s = spec;
  for (char& ch : s)
    if (ch == ';') ch = ' ';
  std::istringstream in(s);
  std::string tok;
  while (in >> tok) {
    GemmShape sh;
    char c1 = 0, c2 = 0;
    std::istringstream t(tok);
    if (!(t >> sh.m >> c1 >> sh.n >> c2 >> sh.k) || c1 != ',' || c2 != ',' || sh.m <= 0 || sh.n <= 0 || sh.k <= 0)
      throw std::invalid_argument("bench shape '" + tok + "' is not M,N,K with positive integers (or llama2-7b / llama2-70b)");
    out.push_back(sh);
  }
  if (out.empty()) throw std::invalid_argument("no bench shapes in '" + spec + "'");
  return out;
}

BenchSections parse_bench_sections(const std::string& only) {
  if (only.empty()) return {};
  BenchSections s{false, false, false};
  std::string part;
  std::istringstream in(only);
  while (std::getline(in, part, ',')) {
    if (part == "kernels") s.kernels = true;
    else if (part == "step") s.step = true;
    else if (part == "decode") s.decode = true;
    else throw std::invalid_argument("bench part '" + part + "' is not one of kernels, step, decode");
  }
  return s;
}

BenchReport run_bench(const BenchOptions& o, ProgressObserver* obs) {
  const BenchSections parts = parse_bench_sections(o.only);
  BenchReport rep;
  rep.device = o.device.str();
  TimingOptions to;
  to.warmup = o.warmup;
  to.runs = o.runs;
  BenchTimer timer(o.device, to);
  rep.copy_gbps = timer.copy_bandwidth_gbps();
  Ctx c{timer, rep.copy_gbps, rep.rows};
  const auto shapes = parts.kernels ? parse_bench_shapes(o.shapes) : std::vector<GemmShape>{};
  const bool e2e = o.end_to_end && o.device.is_cuda();
  const int64_t total = static_cast<int64_t>(shapes.size()) + (e2e && parts.step ? 1 : 0) + (e2e && parts.decode ? 1 : 0);
  int64_t done = 0;
  torch::manual_seed(0);
  for (const auto& s : shapes) {
    if (obs) obs->on_progress("bench " + shape_name(s), done, total);
    for (int bits : {2, 3, 4}) bench_gemv(c, s, bits, bits == 2 ? 64 : 128);
    bench_gemv(c, {16, s.n, s.k}, 2, 64);
    bench_dequantize(c, s);
    bench_dequant_matmul(c, {o.e2e_seq_len, s.n, s.k});
    bench_pack(c, s, 2);
    bench_fake_quant(c, s);
    ++done;
  }
  if (e2e && parts.step) {
    if (obs) obs->on_progress("bench ApiQ-bw step", done++, total);
    bench_apiq_bw_step(o, rep.rows);
  }
  if (e2e && parts.decode) {
    if (obs) obs->on_progress("bench decode", done++, total);
    bench_decode(o, rep.rows);
  }
  if (obs) obs->on_progress("bench", total, total);
  return rep;
}

}  // namespace apiq
