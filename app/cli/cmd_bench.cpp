// SPDX-License-Identifier: GPL-3.0-or-later
// apiq bench: kernel timings against the composed LibTorch references, as a table or JSON.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "bench/kernel_bench.h"
#include "commands.h"
#include "terminal_progress.h"

namespace apiq::cli {

namespace {

struct BenchArgs {
  std::string device = "cuda";
  std::string shapes = "llama2-7b";
  int runs = 20;
  int warmup = 3;
  bool no_e2e = false;
  int64_t seq_len = 2048;
  int64_t rank = 64;
  bool json = false;
  std::string only;
};

void print_table(const BenchReport& rep) {
  std::printf("device %s, measured copy bandwidth %.0f GB/s (read + write)\n\n", rep.device.c_str(), rep.copy_gbps);
  std::printf("%-36s %-24s %10s %10s %8s %8s %7s %8s %10s  %s\n", "kernel", "shape", "ms", "ref ms", "speedup",
              "GB/s", "%copy", "TFLOP/s", "max err", "note");
  for (const auto& r : rep.rows) {
    char speed[16] = "-", gbps[16] = "-", pct[16] = "-", tf[16] = "-", ref[16] = "-";
    if (r.ref_ms > 0) {
      std::snprintf(speed, sizeof speed, "%.2fx", r.ref_ms / r.ms);
      std::snprintf(ref, sizeof ref, "%.4f", r.ref_ms);
    }
    if (r.gbps > 0) std::snprintf(gbps, sizeof gbps, "%.0f", r.gbps);
    if (r.pct_copy > 0) std::snprintf(pct, sizeof pct, "%.1f", r.pct_copy);
    if (r.tflops > 0) std::snprintf(tf, sizeof tf, "%.1f", r.tflops);
    std::printf("%-36s %-24s %10.4f %10s %8s %8s %7s %8s %10.3g  %s\n", r.kernel.c_str(), r.shape.c_str(), r.ms, ref,
                speed, gbps, pct, tf, r.max_err, r.note.c_str());
  }
}

void print_json(const BenchReport& rep) {
  nlohmann::ordered_json j = {{"device", rep.device}, {"copy_gbps", rep.copy_gbps}, {"rows", nlohmann::json::array()}};
  for (const auto& r : rep.rows)
    j["rows"].push_back({{"kernel", r.kernel}, {"shape", r.shape}, {"ms", r.ms}, {"ref_ms", r.ref_ms},
                         {"speedup", r.ref_ms > 0 ? r.ref_ms / r.ms : 0.0}, {"gbps", r.gbps},
                         {"pct_copy", r.pct_copy}, {"tflops", r.tflops}, {"max_err", r.max_err}, {"note", r.note}});
  std::printf("%s\n", j.dump(1).c_str());
}

}  // namespace

void add_bench(CLI::App& app) {
  auto a = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "time the CUDA kernels against the composed LibTorch reference");
  cmd->add_option("--device", a->device, "cuda[:N] or cpu")->capture_default_str();
  cmd->add_option("--shapes", a->shapes, "llama2-7b, llama2-70b, or M,N,K triples separated by ';'")->capture_default_str();
  cmd->add_option("--runs", a->runs, "timed runs per row (median reported)")->capture_default_str()->check(CLI::Range(1, 100000));
  cmd->add_option("--warmup", a->warmup, "untimed runs first")->capture_default_str()->check(CLI::Range(0, 1000));
  cmd->add_option("--seq-len", a->seq_len, "sequence length of the ApiQ-bw step and of the large-batch rows")
      ->capture_default_str()->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--rank", a->rank, "LoRA rank of the ApiQ-bw step")->capture_default_str()->check(CLI::Range(1, 4096));
  cmd->add_flag("--no-e2e", a->no_e2e, "skip the end-to-end rows");
  cmd->add_option("--only", a->only, "comma list of the parts to run: kernels, step, decode (default: all)");
  cmd->add_flag("--json", a->json, "print JSON");
  cmd->callback([a] {
    BenchOptions o;
    o.device = parse_device(a->device);
    o.shapes = a->shapes;
    o.runs = a->runs;
    o.warmup = a->warmup;
    o.end_to_end = !a->no_e2e;
    o.e2e_seq_len = a->seq_len;
    o.e2e_rank = a->rank;
    o.only = a->only;
    parse_bench_shapes(o.shapes);  // reject bad shapes and parts before any work
    parse_bench_sections(o.only);
    const auto rep = [&] {
      TerminalProgress progress;  // its line ends before the table
      return run_bench(o, &progress);
    }();
    if (a->json) print_json(rep);
    else print_table(rep);
  });
}

}  // namespace apiq::cli
