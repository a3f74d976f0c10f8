// SPDX-License-Identifier: GPL-3.0-or-later
// A training step replayed as a CUDA graph. Within a block every ApiQ-bw step has the same shapes
// and the same host work (re-quantize, forward, backward, fused AdamW), so after two eager steps the
// third is captured once and then replayed for every further step: one launch instead of several
// hundred, which on CUDA is what bounds a step of a small model and part of a 7B one.
//
// Contract for `body`: it runs one whole step (zero_grad, forward, backward, optimizer step) and
// returns the loss; what it reads must be at the same addresses at every call (static input
// buffers the caller refills before run(), parameters, optimizer state). The body is called on a
// side stream, as capture requires; the StepGraph makes that stream wait for the caller's stream
// when it is built and the caller's stream wait for it when it is destroyed.
//
// Where capture fails (an operation a graph cannot hold), the failed capture is ended, the reason
// reported once through `obs`, and every step from then on runs eagerly. On the CPU, or disabled,
// run() is body().
#pragma once
#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>

#include "base/progress.h"

namespace apiq {

class StepGraph {
 public:
  StepGraph(torch::Device device, bool enabled, ProgressObserver* obs, std::string what);
  ~StepGraph();
  StepGraph(const StepGraph&) = delete;
  StepGraph& operator=(const StepGraph&) = delete;

  // One step. `replayable` false (a step of another shape, e.g. a short last batch) runs eagerly
  // without touching the captured graph. Returns the step's loss tensor (on the device; for a
  // replayed step the graph's own output, overwritten by the next replay — read it, or copy it,
  // before that on the same stream).
  torch::Tensor run(const std::function<torch::Tensor()>& body, bool replayable = true);

  int64_t replays() const { return replays_; }  // steps taken by replaying the graph

 private:
  struct Cuda;
  std::unique_ptr<Cuda> cuda_;  // null on the CPU or when disabled
  ProgressObserver* obs_;
  std::string what_;
  int64_t eager_before_capture_ = 2;  // warm-up steps: cuBLAS and attention set up their workspaces
  int64_t replays_ = 0;
};

}  // namespace apiq
