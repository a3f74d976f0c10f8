// SPDX-License-Identifier: GPL-3.0-or-later
// Precompiled for every target that links apiq_core: LibTorch's headers dominate build time.
#pragma once
#include <torch/torch.h>
#include <nlohmann/json.hpp>
