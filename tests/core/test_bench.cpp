// SPDX-License-Identifier: GPL-3.0-or-later
// `apiq bench` plumbing on the CPU: shape parsing, and every kernel row produced with its
// reference agreeing (the CUDA numbers themselves come from the GPU machine).
#include "bench/bench_timer.h"
#include "bench/kernel_bench.h"
#include "test_util.h"

using namespace apiq;

TEST(Bench, ParsesPresetsAndTriplesAndRejectsBadShapes) {
  EXPECT_EQ(parse_bench_shapes("llama2-7b").size(), 3u);
  const auto s = parse_bench_shapes("1,4096,4096; 16,11008,4096");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].m, 16);
  EXPECT_EQ(s[1].n, 11008);
  EXPECT_EQ(s[1].k, 4096);
  for (const char* bad : {"", "1,2", "1,2,x", "0,4,4", "1;2;3"}) EXPECT_THROW(parse_bench_shapes(bad), std::invalid_argument) << bad;
}

TEST(Bench, OnlyRunsTheNamedParts) {
  const auto all = parse_bench_sections("");
  EXPECT_TRUE(all.kernels && all.step && all.decode);
  const auto two = parse_bench_sections("decode,step");
  EXPECT_TRUE(!two.kernels && two.step && two.decode);
  EXPECT_THROW(parse_bench_sections("decode,gemv"), std::invalid_argument);
  BenchOptions o;
  o.shapes = "1,64,128";
  o.runs = 1;
  o.warmup = 0;
  o.only = "step";  // CUDA only: nothing on the CPU
  EXPECT_TRUE(run_bench(o).rows.empty());
  o.only = "kernels";
  EXPECT_FALSE(run_bench(o).rows.empty());
}

TEST(Bench, MedianOfOddAndEvenCounts) {
  EXPECT_EQ(median({3, 1, 2}), 2);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
}

TEST(Bench, CpuRowsAgreeWithTheirReferences) {
  BenchOptions o;
  o.shapes = "2,96,320";
  o.runs = 2;
  o.warmup = 0;
  o.e2e_seq_len = 8;
  const auto rep = run_bench(o);
  EXPECT_GT(rep.copy_gbps, 0);
  ASSERT_GE(rep.rows.size(), 9u);
  for (const auto& r : rep.rows) {
    EXPECT_GT(r.ms, 0) << r.kernel;
    EXPECT_GT(r.ref_ms, 0) << r.kernel;
    EXPECT_LT(r.max_err, 1e-6) << r.kernel;  // on the CPU both sides run the same reference ops
  }
}
