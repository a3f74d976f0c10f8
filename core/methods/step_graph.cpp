// SPDX-License-Identifier: GPL-3.0-or-later
#include "methods/step_graph.h"

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#ifdef APIQ_WITH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace apiq {

#ifdef APIQ_WITH_CUDA
struct StepGraph::Cuda {
  Cuda(c10::cuda::CUDAStream caller_stream, c10::cuda::CUDAStream side_stream)
      : caller(caller_stream), side(side_stream) {}
  c10::cuda::CUDAStream caller, side;
  std::optional<c10::cuda::CUDAStreamGuard> on_side;
  std::optional<at::cuda::CUDAGraph> graph;
  torch::Tensor loss;  // the graph's output, rewritten by every replay
  int64_t eager = 0;
  bool captured = false, failed = false;

  // After an exception inside the capture: end it if the stream still captures (the graph is
  // invalid then and capture_end throws), make sure the allocator no longer routes this thread's
  // allocations to the graph's pool (some LibTorch versions throw from capture_end before they
  // tell it; a second end is refused with an error, caught), and clear the error a refused
  // CUDA call left behind.
  void abandon_capture(c10::DeviceIndex index) {
    cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
    if (cudaStreamIsCapturing(side.stream(), &status) == cudaSuccess && status != cudaStreamCaptureStatusNone) {
      try {
        graph->capture_end();
      } catch (const std::exception&) {  // expected: the capture was invalidated
      }
    }
    try {
      c10::cuda::CUDACachingAllocator::endAllocateToPool(index, graph->pool());
    } catch (const std::exception&) {  // already ended
    }
    (void)cudaGetLastError();
    graph.reset();
    failed = true;
  }
};
#else
struct StepGraph::Cuda {};
#endif

#ifdef APIQ_WITH_CUDA
namespace {
// One side stream per thread and device, the same for every StepGraph of the thread: a parameter
// trained by several StepGraphs in turn (the benchmark's repeated train_block) keeps the stream
// autograd recorded for it. Created, not taken from LibTorch's shared pool, so that two threads
// (two calibrations in the GUI) never capture on one stream.
struct SideStreams {
  std::vector<cudaStream_t> streams;
  ~SideStreams() {
    for (auto s : streams)
      if (s) cudaStreamDestroy(s);
  }
};

c10::cuda::CUDAStream side_stream(c10::DeviceIndex index) {
  thread_local SideStreams mine;
  if (mine.streams.size() <= static_cast<size_t>(index)) mine.streams.resize(static_cast<size_t>(index) + 1, nullptr);
  auto& s = mine.streams[static_cast<size_t>(index)];
  if (!s) {
    c10::cuda::CUDAGuard on(index);
    const auto rc = cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
    if (rc != cudaSuccess) throw std::runtime_error(std::string("CUDA stream for graph capture: ") + cudaGetErrorString(rc));
  }
  return c10::cuda::getStreamFromExternal(s, index);
}
}  // namespace
#endif

StepGraph::StepGraph(torch::Device device, bool enabled, ProgressObserver* obs, std::string what)
    : obs_(obs), what_(std::move(what)) {
#ifdef APIQ_WITH_CUDA
  if (!enabled || !device.is_cuda()) return;
  const auto index = device.has_index() ? device.index() : c10::cuda::current_device();
  cuda_ = std::make_unique<Cuda>(c10::cuda::getCurrentCUDAStream(index), side_stream(index));
  at::cuda::CUDAEvent ready;  // the side stream starts after what the caller queued (caches, parameters)
  ready.record(cuda_->caller);
  ready.block(cuda_->side);
  cuda_->on_side.emplace(cuda_->side);
#else
  (void)device;
  (void)enabled;
#endif
}

StepGraph::~StepGraph() {
#ifdef APIQ_WITH_CUDA
  if (!cuda_) return;
  cuda_->graph.reset();
  at::cuda::CUDAEvent done;  // the caller's later work sees every step's result
  done.record(cuda_->side);
  done.block(cuda_->caller);
  cuda_->on_side.reset();
#endif
}

namespace {
std::string first_line(const char* text) {
  std::string s(text);
  return s.substr(0, s.find('\n'));
}
}  // namespace

torch::Tensor StepGraph::run(const std::function<torch::Tensor()>& body, bool replayable) {
#ifdef APIQ_WITH_CUDA
  if (!cuda_ || cuda_->failed || !replayable) return body();
  Cuda& c = *cuda_;
  if (!c.captured) {
    if (c.eager < eager_before_capture_) {
      ++c.eager;
      return body();
    }
    // As torch.cuda.graph does: settle the warm-up steps, and hand the cache back to the driver.
    // Memory cannot be freed during a capture, and without this the pools of earlier blocks'
    // graphs (free but still cached) pile up until a capture runs out of memory (seen at block
    // 23 of a 7B-shaped model on an 80 GB GPU).
    c.side.synchronize();
    try {
      c10::cuda::CUDACachingAllocator::emptyCache();
    } catch (const std::exception&) {  // refused while another thread captures: its cache stays
    }
    c.graph.emplace();
    try {
      // Thread-local mode: a GUI thread's CUDA calls cannot invalidate the capture.
      c.graph->capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
      c.loss = body();
      c.graph->capture_end();
      c.captured = true;
    } catch (const std::exception& e) {
      c.abandon_capture(c.side.device_index());
      if (obs_) obs_->on_message(what_ + ": CUDA graph capture failed, steps run eagerly: " + first_line(e.what()));
      return body();  // nothing of the capture ran: this step is taken afresh
    }
  }
  c.graph->replay();
  ++replays_;
  return c.loss;
#else
  (void)replayable;
  return body();
#endif
}

}  // namespace apiq
