// SPDX-License-Identifier: GPL-3.0-or-later
#include "linear_bits.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLocale>
#include <cmath>

#include "calibration/run_summary.h"
#include "io/config.h"
#include "linear_heat_map.h"

namespace apiq::widgets {

namespace {
// report.json's "budget" section, if the folder has a readable one. A run without a report (a
// converted or merged checkpoint) simply has no budget to show, so nothing here throws.
void readBudget(const QString& dir, LinearBits& bits) {
  QFile f(QDir(dir).filePath(QStringLiteral("report.json")));
  if (!f.open(QIODevice::ReadOnly)) return;
  const auto report = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
  if (!report.is_object() || !report.contains("budget") || !report["budget"].is_object()) return;
  const auto& b = report["budget"];
  if (b.contains("bits_per_param") && b["bits_per_param"].is_number()) bits.budget = b["bits_per_param"].get<double>();
  if (b.contains("counts_lora") && b["counts_lora"].is_boolean()) bits.budgetCountsLora = b["counts_lora"].get<bool>();
}
}  // namespace

nlohmann::json linear_bits_entries(const QuantSpec& spec, int64_t blocks) {
  nlohmann::json out = nlohmann::json::array();
  for (int64_t b = 0; b < blocks; ++b)
    for (LinearKind k : kAllLinears) {
      if (!spec.is_target(k)) continue;
      const QuantizerOptions q = spec.quant_for(b, k);
      nlohmann::json e = {{"block", b}, {"linear", linear_short_name(k)}, {"bits", q.bits}};
      // NF blocks are not groups of a row: that format has no group size to show.
      if (q.format == QuantizerOptions::Format::Int) e["group_size"] = q.group_size;
      out.push_back(std::move(e));
    }
  return out;
}

std::optional<LinearBits> read_linear_bits(const QString& dir) {
  const std::filesystem::path config = std::filesystem::path(dir.toStdString()) / "config.json";
  const LlamaConfig cfg = LlamaConfig::from_file(config);
  if (!is_quantized_config(cfg)) return std::nullopt;
  const QuantSpec spec = quant_spec_of(cfg, config);
  LinearBits bits;
  bits.linears = linear_bits_entries(spec, cfg.num_hidden_layers);
  bits.mixed = spec.mixed();
  bits.storedBitsPerParam = count_stored_bytes(dir.toStdString()).bits_per_param();
  readBudget(dir, bits);
  return bits;
}

QString linearBitsNote(const LinearBits& bits) {
  QString note = std::isfinite(bits.storedBitsPerParam)
                     ? QCoreApplication::translate("apiq::widgets::LinearBits",
                                                   "%1 stored bits per parameter (codes, scales, zero points and LoRA factors)")
                           .arg(QLocale().toString(bits.storedBitsPerParam, 'f', 3))
                     : QCoreApplication::translate("apiq::widgets::LinearBits", "no quantized linears");
  if (bits.budget) {
    const QString lora = bits.budgetCountsLora.value_or(true) ? QCoreApplication::translate("apiq::widgets::LinearBits", "LoRA counted")
                                                              : QCoreApplication::translate("apiq::widgets::LinearBits", "LoRA not counted");
    note += QStringLiteral(" · ") + QCoreApplication::translate("apiq::widgets::LinearBits", "budget %1 bits per parameter, %2")
                                        .arg(QLocale().toString(*bits.budget, 'g', 6), lora);
  } else if (!bits.mixed) {
    note += QStringLiteral(" · ") + QCoreApplication::translate("apiq::widgets::LinearBits", "uniform");
  }
  return note;
}

void showLinearBits(LinearHeatMap* map, const LinearBits& bits, const QString& title) {
  map->setLinears(bits.linears, title, linearBitsNote(bits),
                  QCoreApplication::translate("apiq::widgets::LinearBits", "not quantized (stored dense)"));
  map->setQuantity(QStringLiteral("bits"));
}

}  // namespace apiq::widgets
