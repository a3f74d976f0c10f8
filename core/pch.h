// SPDX-License-Identifier: GPL-3.0-or-later
// Precompiled for every target that links apiq_core. LibTorch's headers dominate build time, and most of
// it is spent instantiating their templates again in every file (a PCH saves the parse, not that): the
// whole <torch/torch.h> costs ~13 s a file, the tensor API below ~7 s. So files include the narrow
// headers they use (<torch/types.h>, and <torch/optim/adamw.h> or <torch/nn/functional.h> where needed),
// never <torch/torch.h>.
#pragma once
#include <torch/autograd.h>
#include <torch/cuda.h>
#include <torch/types.h>
#include <torch/utils.h>
#include <nlohmann/json.hpp>
