// SPDX-License-Identifier: GPL-3.0-or-later
// Timing for `apiq bench`: the median of individually timed runs after warm-up (CUDA events on a
// GPU, a steady clock on the CPU), with the L2 cache flushed before each timed GPU run so every
// run reads its operands from device memory, as one layer of a real model would.
#pragma once
#include <torch/types.h>

#include <functional>
#include <vector>

namespace apiq {

struct TimingOptions {
  int warmup = 3;
  int runs = 20;
  bool flush_l2 = true;  // CUDA only
  // CUDA: queue the timed work behind a 0.2 ms spin kernel, so the events time the GPU work and
  // not the host's dispatch of it (kernel rows); off for end-to-end rows, which include it.
  bool queue_behind_spin = true;
  int64_t spin_ns = 200000;  // long enough for the host to queue the timed work
};

class BenchTimer {
 public:
  explicit BenchTimer(torch::Device device, TimingOptions opts = {});
  ~BenchTimer();
  BenchTimer(const BenchTimer&) = delete;
  BenchTimer& operator=(const BenchTimer&) = delete;

  // Median milliseconds of `fn` over opts.runs timed runs.
  double median_ms(const std::function<void()>& fn);
  // Device-to-device copy of a large buffer, bytes read + written per second (GB/s = 1e9 B/s).
  double copy_bandwidth_gbps();
  torch::Device device() const { return device_; }
  const TimingOptions& options() const { return opts_; }
  int64_t l2_bytes() const { return l2_bytes_; }  // 0 on the CPU

 private:
  torch::Device device_;
  TimingOptions opts_;
  torch::Tensor flush_;  // larger than the L2 cache
  int64_t l2_bytes_ = 0;
  void* start_ = nullptr;
  void* stop_ = nullptr;
};

double median(std::vector<double> v);

}  // namespace apiq
