// SPDX-License-Identifier: GPL-3.0-or-later
// The status bar's device line: each GPU's name and free memory, or "CPU only" with the free
// host memory; read off the GUI thread (core's apiq::cuda_devices) and refreshed on a timer.
#pragma once
#include <QLabel>
#include <QTimer>
#include <QVector>

#include "core_task.h"

namespace apiq::widgets {

struct DeviceSnapshot {
  struct Gpu {
    int index = 0;
    QString name;
    qint64 freeBytes = 0, totalBytes = 0;
  };
  QVector<Gpu> gpus;  // empty: CPU only
  qint64 hostFreeBytes = 0, hostTotalBytes = 0;
  QString error;
};

DeviceSnapshot readDeviceSnapshot();  // any thread

class DeviceStatusLabel : public QLabel {
  Q_OBJECT
 public:
  explicit DeviceStatusLabel(QWidget* parent = nullptr, int intervalMs = 5000);
  ~DeviceStatusLabel() override;

  void refresh();  // starts a read unless one is running
  static QString describe(const DeviceSnapshot& s);
  const DeviceSnapshot& snapshot() const { return snapshot_; }
  QTimer* timer() { return &timer_; }

 Q_SIGNALS:
  void refreshed();

 private:
  QTimer timer_;
  CoreTask task_;
  DeviceSnapshot snapshot_;
};

}  // namespace apiq::widgets
