// SPDX-License-Identifier: GPL-3.0-or-later
// `apiq bench`: each kernel against its composed LibTorch reference on model-shaped inputs, and
// end-to-end rows (an ApiQ-bw optimizer step on a Llama-2-7B-shaped block, 2-bit decode).
#pragma once
#include <torch/types.h>

#include <string>
#include <vector>

#include "base/progress.h"

namespace apiq {

struct BenchRow {
  std::string kernel;  // e.g. "gemv W2 g64"
  std::string shape;   // e.g. "M=1 N=4096 K=4096"
  double ms = 0;       // median, ours
  double ref_ms = 0;   // median, composed LibTorch reference (0: none)
  double gbps = 0;     // effective bytes moved / time (0: not memory bound)
  double pct_copy = 0; // gbps as a percentage of the measured copy bandwidth
  double tflops = 0;   // where it applies
  double max_err = 0;  // max |ours − reference| (relative where noted)
  std::string note{};
};

struct GemmShape {
  int64_t m = 1, n = 0, k = 0;  // x [m, k], W [n, k]
};

struct BenchOptions {
  torch::Device device = torch::kCPU;
  std::string shapes = "llama2-7b";  // llama2-7b | llama2-70b | "M,N,K;M,N,K…"
  int warmup = 3;
  int runs = 20;
  bool end_to_end = true;  // CUDA only: 7B-shaped work is impractical on a CPU
  int64_t e2e_seq_len = 2048;
  int64_t e2e_rank = 64;
  int64_t decode_layers = 32;  // 2-bit decode model depth
  // Which parts run: a comma list of kernels (the per-shape rows), step (ApiQ-bw step), decode;
  // empty: all. The last two run on CUDA only.
  std::string only;
};

struct BenchSections {
  bool kernels = true, step = true, decode = true;
};
// Parses BenchOptions::only; throws std::invalid_argument naming an unknown part.
BenchSections parse_bench_sections(const std::string& only);

// The (N, K) pairs of a preset, or explicit "M,N,K" triples separated by ';' or spaces.
std::vector<GemmShape> parse_bench_shapes(const std::string& spec);

struct BenchReport {
  std::string device;
  double copy_gbps = 0;
  std::vector<BenchRow> rows;
};

BenchReport run_bench(const BenchOptions& opts, ProgressObserver* obs = nullptr);

// Rows for the end-to-end measurements (bench_e2e.cpp).
void bench_apiq_bw_step(const BenchOptions& opts, std::vector<BenchRow>& rows);
void bench_decode(const BenchOptions& opts, std::vector<BenchRow>& rows);

}  // namespace apiq
