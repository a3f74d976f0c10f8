// SPDX-License-Identifier: GPL-3.0-or-later
#include "tensor_stats_loader.h"

#include <torch/types.h>

#include <QCoreApplication>

#include "io/config.h"
#include "quant/packing.h"
#include "quant/quantized_checkpoint.h"
#include "io/safetensors.h"
#include "io/tensor_names.h"
#include "io/tensor_stats.h"
#include "model/linear_shapes.h"

namespace apiq::widgets {

namespace {
struct Tr {
  Q_DECLARE_TR_FUNCTIONS(TensorStats)
};

StatsPanel toPanel(const QString& title, const QString& tensor, const apiq::TensorInfo& info, const apiq::TensorStats& s) {
  StatsPanel p;
  p.title = title;
  p.tensor = tensor;
  p.dtype = QString::fromLatin1(apiq::dtype_name(info.dtype));
  for (auto d : info.shape) p.shape << d;
  p.count = s.count;
  p.nanCount = s.nan_count;
  p.infCount = s.inf_count;
  p.min = s.min;
  p.max = s.max;
  p.mean = s.mean;
  p.std = s.std;
  p.absMax = s.abs_max;
  p.binWidth = s.histogram.bin_width();
  p.integerBins = s.histogram.integer;
  for (size_t i = 0; i < s.histogram.counts.size(); ++i) {
    p.binCenters << s.histogram.bin_center(i);
    p.counts << static_cast<double>(s.histogram.counts[i]);
  }
  return p;
}

// The integer codes of a packed `<module>.qweight`: [out, in] in [0, 2^bits).
torch::Tensor unpackedCodes(const std::filesystem::path& dir, const apiq::TensorStore& store, const std::string& module) {
  const auto cfg = apiq::LlamaConfig::from_file(dir / "config.json");
  if (!apiq::is_quantized_config(cfg))
    throw std::runtime_error(dir.string() + ": " + module + ".qweight but config.json has no apiq-studio quantization_config");
  const auto spec = apiq::quant_spec_of(cfg, dir / "config.json");
  // The linear's own bits (a budget run mixes them) and input width, found by its name.
  const auto& names = apiq::tensor_names_for(cfg.model_type);
  const auto shapes = apiq::linear_shapes(cfg);
  for (int64_t b = 0; b < cfg.num_hidden_layers; ++b)
    for (apiq::LinearKind k : apiq::kAllLinears)
      if (apiq::linear_module(names, b, k) == module)
        return apiq::unpack_codes(store.load(module + ".qweight"), spec.quant_for(b, k).bits,
                                  shapes[static_cast<int>(k)].in);
  throw std::runtime_error(dir.string() + ": " + module + " is not a linear of this " + cfg.model_type + " model");
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Runs fn(result, folder's tensors) and turns any exception into result.error.
template <class Fn>
TensorStatsResult guarded(const QString& folder, const QString& subject, Fn fn) {
  TensorStatsResult r;
  r.subject = subject;
  try {
    const std::filesystem::path dir = folder.toStdString();
    fn(r, dir, apiq::TensorStore::open_dir(dir));
  } catch (const std::exception& e) {
    r.panels.clear();
    r.error = QString::fromStdString(e.what());
  }
  return r;
}

}  // namespace

TensorStatsResult computeTensorStats(const QString& folder, const QString& tensor, int bins) {
  return guarded(folder, tensor, [&](TensorStatsResult& r, const std::filesystem::path& dir, const apiq::TensorStore& store) {
    const std::string name = tensor.toStdString();
    if (!store.contains(name)) throw std::runtime_error(dir.string() + ": no tensor " + name);
    const auto& info = store.info(name);
    if (endsWith(name, ".qweight")) {
      const std::string module = name.substr(0, name.size() - 8);
      r.panels << toPanel(Tr::tr("Q (codes)"), tensor, info, apiq::tensor_stats(unpackedCodes(dir, store, module), bins));
    } else {
      r.panels << toPanel(tensor, tensor, info, apiq::tensor_stats(store.load(name), bins));
    }
  });
}

TensorStatsResult computeLinearStats(const QString& folder, const QString& module, int bins) {
  return guarded(folder, module, [&](TensorStatsResult& r, const std::filesystem::path& dir, const apiq::TensorStore& store) {
    const std::string m = module.toStdString();
    if (!store.contains(m + ".qweight")) {
      r = computeTensorStats(folder, module + QStringLiteral(".weight"), bins);
      return;
    }
    r.panels << toPanel(Tr::tr("Q (codes)"), module + QStringLiteral(".qweight"), store.info(m + ".qweight"),
                        apiq::tensor_stats(unpackedCodes(dir, store, m), bins));
    for (const auto& [suffix, title] : {std::pair{".lora_A", Tr::tr("LoRA A")}, std::pair{".lora_B", Tr::tr("LoRA B")}})
      if (store.contains(m + suffix))
        r.panels << toPanel(title, module + QLatin1String(suffix), store.info(m + suffix),
                            apiq::tensor_stats(store.load(m + suffix), bins));
  });
}

}  // namespace apiq::widgets
