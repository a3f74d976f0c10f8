// SPDX-License-Identifier: GPL-3.0-or-later
// The status bar's device line: "CPU only" with the host memory (checked against /proc/meminfo)
// on a machine without a GPU, each GPU's name and free memory otherwise; refreshed on its timer.
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QtTest>

#include "base/device_info.h"
#include "device_status_label.h"

using apiq::widgets::DeviceSnapshot;
using apiq::widgets::DeviceStatusLabel;

class TstDeviceStatusLabel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void showsTheDevicesOfThisMachine() {
    DeviceStatusLabel label(nullptr, 60000);
    QSignalSpy refreshed(&label, &DeviceStatusLabel::refreshed);
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 1, 30000);
    QVERIFY2(label.snapshot().error.isEmpty(), qPrintable(label.snapshot().error));
    const int gpus = apiq::cuda_device_count();
    QCOMPARE(label.snapshot().gpus.size(), gpus);
    if (gpus == 0) {
      QVERIFY2(label.text().startsWith(QStringLiteral("CPU only")), qPrintable(label.text()));
      // MemTotal from /proc/meminfo, read here, in GiB with one decimal.
      QFile f(QStringLiteral("/proc/meminfo"));
      QVERIFY(f.open(QIODevice::ReadOnly));
      const auto m = QRegularExpression(QStringLiteral("MemTotal:\\s+(\\d+) kB")).match(QString::fromLatin1(f.readAll()));
      QVERIFY(m.hasMatch());
      const QString total = QLocale().toString(m.captured(1).toDouble() / (1 << 20), 'f', 1);
      QVERIFY2(label.text().contains(QStringLiteral(" of %1 GiB").arg(total)), qPrintable(label.text()));
    } else {
      const auto first = apiq::cuda_memory_info(0);
      QVERIFY(label.text().contains(QString::fromStdString(first.name)));
      QVERIFY(first.memory.total_bytes > 0 && first.memory.free_bytes <= first.memory.total_bytes);
    }
  }

  void describesGpus() {
    DeviceSnapshot s;
    s.gpus.push_back({0, QStringLiteral("NVIDIA H100"), qint64(70) << 30, qint64(80) << 30});
    s.gpus.push_back({1, QStringLiteral("NVIDIA H100"), qint64(3) << 29, qint64(80) << 30});
    QCOMPARE(DeviceStatusLabel::describe(s),
             QStringLiteral("GPU 0 NVIDIA H100: 70.0 of 80.0 GiB free · GPU 1 NVIDIA H100: 1.5 of 80.0 GiB free"));
    DeviceSnapshot cpu;
    cpu.hostFreeBytes = qint64(3) << 30;
    cpu.hostTotalBytes = qint64(16) << 30;
    QCOMPARE(DeviceStatusLabel::describe(cpu), QStringLiteral("CPU only — 3.0 of 16.0 GiB RAM free"));
  }

  void refreshesOnItsTimer() {
    DeviceStatusLabel label(nullptr, 50);
    QSignalSpy refreshed(&label, &DeviceStatusLabel::refreshed);
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 3, 30000);
  }
};

QTEST_MAIN(TstDeviceStatusLabel)
#include "tst_device_status_label.moc"
