// SPDX-License-Identifier: GPL-3.0-or-later
// A small real quantized checkpoint for the widget tests, made through core's calibration:
// babyllama-tok105 (hidden 128, FFN 352: every packed export fits) unless another model is named
// (the finetune tests use stories260K: hidden 64, FFN 172), LoftQ (so LoRA B is not zero) unless
// another method is named, 2-bit, group size 32, rank 8 (none for rtn). Optionally some zero points are set to 0 afterwards, so
// the census and the GPTQ v1 refusal have something to find. Also raw readers the tests use as
// independent references (plain loops over the stored bytes).
#pragma once
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <map>
#include <vector>

#include "calibration/calibration.h"
#include "io/safetensors.h"

namespace fixture {

// The seven linears' short names, in LinearKind order.
inline const QStringList kLinears = {QStringLiteral("q_proj"),    QStringLiteral("k_proj"),  QStringLiteral("v_proj"),
                                     QStringLiteral("o_proj"),    QStringLiteral("gate_proj"), QStringLiteral("up_proj"),
                                     QStringLiteral("down_proj")};

// A JSON file's top-level object; empty when it cannot be read.
inline QJsonObject readJson(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(f.readAll()).object();
}

inline QString shared(const QString& rel) { return QStringLiteral(APIQ_SHARED_DIR "/") + rel; }
inline bool available() { return QFileInfo::exists(shared(QStringLiteral("models/babyllama-tok105/model.safetensors"))); }

inline void plantZeroPoints(const QString& dir, const std::map<std::string, int>& counts);

// Writes the checkpoint of shared/`model` to `out` (which must not exist), then sets the first n
// zero points of each `<module>.zeros` named in `zeroPoints` to 0; returns an empty string on success.
inline QString makeQuantized(const QString& out, const std::map<std::string, int>& zeroPoints = {},
                             const QString& model = QStringLiteral("models/babyllama-tok105"),
                             const std::string& method = "loftq") {
  apiq::CalibrationOptions o;
  o.method = method;
  o.quant.bits = 2;
  o.quant.group_size = 32;
  o.lora.rank = method == "rtn" ? 0 : 8;
  o.nsamples = 4;
  o.seq_len = 32;
  o.epochs = 1;
  try {
    apiq::calibrate_model(shared(model).toStdString(),
                          shared(QStringLiteral("data/tinystories-sample.txt")).toStdString(), out.toStdString(), o);
    if (!zeroPoints.empty()) plantZeroPoints(out, zeroPoints);
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

// Sets the first n zero points of `<module>.zeros` to 0 and rewrites model.safetensors.
inline void plantZeroPoints(const QString& dir, const std::map<std::string, int>& counts) {
  const auto path = QDir(dir).filePath(QStringLiteral("model.safetensors")).toStdString();
  auto file = apiq::SafetensorsFile::open(path);
  apiq::NamedTensors all;
  for (const auto& [name, info] : file->tensors()) {
    auto t = file->load(name);
    if (auto it = counts.find(name.substr(0, name.size() - 6)); name.size() > 6 &&
                                                                 name.compare(name.size() - 6, 6, ".zeros") == 0 &&
                                                                 it != counts.end())
      t.view({-1}).narrow(0, 0, it->second).zero_();
    all.emplace_back(name, t);
  }
  const auto metadata = file->metadata();
  file.reset();
  apiq::write_safetensors(path, all, metadata);
}

// The integer values of a stored tensor (uint8, int16 or int32), read by hand from the file's bytes.
inline std::vector<int32_t> rawInts(const QString& dir, const std::string& name) {
  const auto t = apiq::TensorStore::open_dir(dir.toStdString()).load(name).contiguous();
  auto read = [&](const auto* p) { return std::vector<int32_t>(p, p + t.numel()); };
  switch (t.scalar_type()) {
    case torch::kUInt8: return read(static_cast<const uint8_t*>(t.data_ptr()));
    case torch::kInt16: return read(static_cast<const int16_t*>(t.data_ptr()));
    case torch::kInt: return read(static_cast<const int32_t*>(t.data_ptr()));
    default: throw std::runtime_error(name + " is not an integer tensor");
  }
}

inline std::vector<float> rawFloats(const QString& dir, const std::string& name) {
  const auto t = apiq::TensorStore::open_dir(dir.toStdString()).load(name).contiguous();
  const auto* p = static_cast<const float*>(t.data_ptr());
  return {p, p + t.numel()};
}

}  // namespace fixture
