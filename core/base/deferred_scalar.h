// SPDX-License-Identifier: GPL-3.0-or-later
// A device scalar read on the host without making the host wait for everything queued after it.
// Training reads each step's loss: `loss.item()` right after the forward would block the host until
// the forward finishes and leave the GPU idle while the backward is dispatched. DeferredScalar queues
// the copy (into pinned memory, followed by an event) and value() waits for that point only.
#pragma once
#include <torch/types.h>

namespace apiq {

class DeferredScalar {
 public:
  explicit DeferredScalar(const torch::Tensor& scalar);
  ~DeferredScalar();
  DeferredScalar(const DeferredScalar&) = delete;
  DeferredScalar& operator=(const DeferredScalar&) = delete;

  double value();

 private:
  torch::Tensor host_;
  void* event_ = nullptr;  // cudaEvent_t where the copy was queued; null on the CPU
};

}  // namespace apiq
