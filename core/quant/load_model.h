// SPDX-License-Identifier: GPL-3.0-or-later
// One loader for every model folder the product reads: a dense Hugging Face checkpoint, or a
// native quantized one (its dense parts by LlamaModel, its linears attached from the packed codes).
#pragma once
#include <filesystem>

#include "base/progress.h"
#include "model/llama_model.h"

namespace apiq {

LlamaModel load_model(const std::filesystem::path& dir, const ModelOptions& opts = {}, ProgressObserver* obs = nullptr);

}  // namespace apiq
