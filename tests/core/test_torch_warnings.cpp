// SPDX-License-Identifier: GPL-3.0-or-later
// LibTorch's warnings go through our handler once installed: one "apiq: warning:" line with the
// message's first line, on the thread that installed it; the autograd engine's re-emitted
// warnings (the path that crashed the GPU benchmark) included.
#include <torch/autograd.h>
#include <torch/types.h>

#include "base/torch_warnings.h"
#include "test_util.h"

namespace {
// An autograd function whose backward warns: the engine collects the warning on its worker
// and re-emits it on the thread that called backward().
struct WarnInBackward : torch::autograd::Function<WarnInBackward> {
  static torch::Tensor forward(torch::autograd::AutogradContext*, const torch::Tensor& x) { return x * 2; }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext*, torch::autograd::tensor_list g) {
    TORCH_WARN("warned in backward\nsecond line");
    return {g[0] * 2};
  }
};
}  // namespace

TEST(TorchWarnings, PrintedAsOneLineOfOurs) {
  apiq::print_torch_warnings_on_this_thread();
  testing::internal::CaptureStderr();
  TORCH_WARN("plain warning ", 42);
  auto x = torch::ones({3}, torch::requires_grad());
  WarnInBackward::apply(x).sum().backward();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("apiq: warning: plain warning 42\n"), std::string::npos) << err;
  EXPECT_NE(err.find("apiq: warning: warned in backward\n"), std::string::npos) << err;
  EXPECT_EQ(err.find("second line"), std::string::npos) << err;
  EXPECT_TRUE(x.grad().equal(torch::full({3}, 2.0)));
}
