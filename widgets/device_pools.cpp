// SPDX-License-Identifier: GPL-3.0-or-later
#include "device_pools.h"

#include "base/device_info.h"

namespace apiq::widgets {

DevicePools::DevicePools(int gpus) {
  if (gpus < 0) gpus = apiq::cuda_device_count();
  poolFor(QStringLiteral("cpu"));
  for (int d = 0; d < gpus; ++d) poolFor(QStringLiteral("cuda:%1").arg(d));
}

DevicePools::~DevicePools() { waitForDone(); }

QString DevicePools::canonicalDevice(const QString& device) {
  const QString d = device.trimmed().toLower();
  if (d == QLatin1String("cuda")) return QStringLiteral("cuda:0");
  if (d.startsWith(QLatin1String("cuda:"))) return QStringLiteral("cuda:%1").arg(d.mid(5).toInt());
  return QStringLiteral("cpu");
}

QThreadPool* DevicePools::poolFor(const QString& device) {
  auto& pool = pools_[canonicalDevice(device)];
  if (!pool) {
    pool = std::make_unique<QThreadPool>();
    pool->setMaxThreadCount(1);  // one worker per device
    pool->setExpiryTimeout(-1);  // keep the thread: LibTorch's per-thread CUDA state stays warm
  }
  return pool.get();
}

QStringList DevicePools::devices() const {
  QStringList keys;
  for (const auto& [k, p] : pools_) keys << k;
  return keys;
}

void DevicePools::waitForDone() {
  for (auto& [k, p] : pools_) p->waitForDone();
}

}  // namespace apiq::widgets
