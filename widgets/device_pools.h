// SPDX-License-Identifier: GPL-3.0-or-later
// One single-worker QThreadPool per device: one for the CPU and one per GPU, so jobs on
// different devices run side by side and jobs on one device run one after another.
#pragma once
#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <map>
#include <memory>

namespace apiq::widgets {

class DevicePools {
 public:
  // `gpus`: number of GPUs to give a pool up front (default: what the machine has).
  explicit DevicePools(int gpus = -1);
  ~DevicePools();

  // "cpu", "cuda" (= "cuda:0") or "cuda:N"; a GPU pool not made up front is made on first use
  // (a job for a missing GPU then fails inside the job with core's message).
  QThreadPool* poolFor(const QString& device);
  // The device key a pool is filed under: "cpu" or "cuda:N".
  static QString canonicalDevice(const QString& device);
  QStringList devices() const;  // sorted keys
  void waitForDone();

 private:
  std::map<QString, std::unique_ptr<QThreadPool>> pools_;
};

}  // namespace apiq::widgets
