// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  torch::manual_seed(0);
  return RUN_ALL_TESTS();
}
