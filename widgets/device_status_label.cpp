// SPDX-License-Identifier: GPL-3.0-or-later
#include "device_status_label.h"

#include <QLocale>
#include <QStringList>

#include "base/device_info.h"

namespace apiq::widgets {

namespace {
double gib(qint64 bytes) { return static_cast<double>(bytes) / (1ll << 30); }
}  // namespace

DeviceSnapshot readDeviceSnapshot() {
  DeviceSnapshot s;
  try {
    for (const auto& d : apiq::cuda_devices())
      s.gpus.push_back({d.index, QString::fromStdString(d.name), d.memory.free_bytes, d.memory.total_bytes});
    const auto host = apiq::host_memory_info();
    s.hostFreeBytes = host.free_bytes;
    s.hostTotalBytes = host.total_bytes;
  } catch (const std::exception& e) {
    s.error = QString::fromStdString(e.what());
  }
  return s;
}

DeviceStatusLabel::DeviceStatusLabel(QWidget* parent, int intervalMs) : QLabel(parent) {
  setText(tr("Reading devices…"));
  connect(&timer_, &QTimer::timeout, this, &DeviceStatusLabel::refresh);
  timer_.start(intervalMs);
  refresh();
}

DeviceStatusLabel::~DeviceStatusLabel() { task_.waitForFinished(); }

void DeviceStatusLabel::refresh() {
  if (task_.isRunning()) return;
  task_.start<DeviceSnapshot>(readDeviceSnapshot, [this](DeviceSnapshot s) {
    snapshot_ = std::move(s);
    setText(describe(snapshot_));
    setToolTip(snapshot_.error.isEmpty() ? tr("Free memory, refreshed every %n second(s)", nullptr, timer_.interval() / 1000)
                                         : snapshot_.error);
    Q_EMIT refreshed();
  });
}

QString DeviceStatusLabel::describe(const DeviceSnapshot& s) {
  if (!s.error.isEmpty()) return tr("Device: unknown (%1)").arg(s.error);
  const QLocale l;
  if (s.gpus.isEmpty())
    return tr("CPU only — %1 of %2 GiB RAM free").arg(l.toString(gib(s.hostFreeBytes), 'f', 1), l.toString(gib(s.hostTotalBytes), 'f', 1));
  QStringList parts;
  for (const auto& g : s.gpus)
    parts << tr("GPU %1 %2: %3 of %4 GiB free")
                 .arg(g.index)
                 .arg(g.name, l.toString(gib(g.freeBytes), 'f', 1), l.toString(gib(g.totalBytes), 'f', 1));
  return parts.join(QStringLiteral(" · "));
}

}  // namespace apiq::widgets
