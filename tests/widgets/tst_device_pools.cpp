// SPDX-License-Identifier: GPL-3.0-or-later
// One single-worker pool per device: device names map to their pool, work on one device runs
// one task at a time, and work on two devices runs side by side.
#include <QSemaphore>
#include <QtConcurrent/QtConcurrentRun>
#include <QtTest>
#include <atomic>

#include "device_pools.h"

using apiq::widgets::DevicePools;

class TstDevicePools : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void namesMapToOnePoolPerDevice() {
    DevicePools pools(2);
    QCOMPARE(pools.devices(), (QStringList{QStringLiteral("cpu"), QStringLiteral("cuda:0"), QStringLiteral("cuda:1")}));
    QCOMPARE(pools.poolFor(QStringLiteral("cuda")), pools.poolFor(QStringLiteral("cuda:0")));
    QCOMPARE(pools.poolFor(QStringLiteral("CPU")), pools.poolFor(QStringLiteral("cpu")));
    QVERIFY(pools.poolFor(QStringLiteral("cpu")) != pools.poolFor(QStringLiteral("cuda:0")));
    QVERIFY(pools.poolFor(QStringLiteral("cuda:0")) != pools.poolFor(QStringLiteral("cuda:1")));
    for (const QString& d : pools.devices()) QCOMPARE(pools.poolFor(d)->maxThreadCount(), 1);
    pools.poolFor(QStringLiteral("cuda:3"));  // made on first use
    QCOMPARE(pools.devices().size(), 4);
  }

  void oneDeviceRunsOneTaskAtATime() {
    DevicePools pools(1);
    std::atomic<int> running{0}, most{0};
    auto task = [&] {
      const int now = ++running;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {}
      QThread::msleep(50);
      --running;
    };
    for (int i = 0; i < 4; ++i) (void)QtConcurrent::run(pools.poolFor(QStringLiteral("cpu")), task);
    // Not QFuture::waitForFinished: Qt 6 runs a still-queued task in the waiting thread.
    pools.poolFor(QStringLiteral("cpu"))->waitForDone();
    QCOMPARE(most.load(), 1);
  }

  void twoDevicesRunSideBySide() {
    DevicePools pools(1);
    QSemaphore cpuStarted, gpuStarted;
    std::atomic<bool> cpuOk{false}, gpuOk{false};
    QThread* gui = QThread::currentThread();
    // Each task waits for the other to start: they can both succeed only when they overlap,
    // each on its own pool's worker.
    (void)QtConcurrent::run(pools.poolFor(QStringLiteral("cpu")), [&] {
      cpuStarted.release();
      cpuOk = gpuStarted.tryAcquire(1, 10000) && QThread::currentThread() != gui;
    });
    (void)QtConcurrent::run(pools.poolFor(QStringLiteral("cuda:0")), [&] {
      gpuStarted.release();
      gpuOk = cpuStarted.tryAcquire(1, 10000) && QThread::currentThread() != gui;
    });
    pools.waitForDone();
    QVERIFY(cpuOk);
    QVERIFY(gpuOk);
  }
};

QTEST_MAIN(TstDevicePools)
#include "tst_device_pools.moc"
