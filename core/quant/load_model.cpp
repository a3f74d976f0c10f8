// SPDX-License-Identifier: GPL-3.0-or-later
#include "quant/load_model.h"

#include "base/errors.h"
#include "quant/quantized_checkpoint.h"

namespace apiq {
namespace fs = std::filesystem;

LlamaModel load_model(const fs::path& dir, const ModelOptions& opts, ProgressObserver* obs) {
  if (!fs::is_directory(dir)) throw InputError(dir, "model folder does not exist");
  const LlamaConfig cfg = LlamaConfig::from_file(dir / "config.json");
  if (!cfg.raw.contains("quantization_config")) return LlamaModel::load(dir, opts, obs);
  QuantizedCheckpoint ck = QuantizedCheckpoint::open(dir);
  LlamaModel model = LlamaModel::load_parts(ck.cfg, ck.store, opts, /*with_linears=*/false, obs);
  for (int64_t b = 0; b < ck.cfg.num_hidden_layers; ++b)
    model.set_block_linears(b, load_quantized_block(ck.store, ck.cfg, ck.spec, b, opts.device, opts.packed_only),
                            /*quantized=*/true);
  return model;
}

}  // namespace apiq
