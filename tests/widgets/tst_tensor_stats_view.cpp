// SPDX-License-Identifier: GPL-3.0-or-later
// The statistics pane: a tiny safetensors written here with hand-computed min/max/mean/std, NaN
// count and histogram; a real quantized linear whose code histogram is counted by unpacking the
// stored words by hand and whose LoRA A/B statistics are recomputed with plain loops; a newer
// request supersedes an older one; selecting a linear in the main window's tree shows Q, A, B.
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeView>
#include <QtTest>
#include <cmath>
#include <limits>

#include "main_window.h"
#include "model_tree_model.h"
#include "quantized_fixture.h"
#include "tensor_stats_view.h"

using apiq::widgets::TensorStatsView;

namespace {
// Mean, population std, min and max with a plain loop.
struct Moments {
  double min = std::numeric_limits<double>::infinity(), max = -std::numeric_limits<double>::infinity(), mean = 0, std = 0;
};
Moments moments(const std::vector<float>& v) {
  Moments m;
  double sum = 0;
  for (float x : v) {
    m.min = std::min(m.min, double(x));
    m.max = std::max(m.max, double(x));
    sum += x;
  }
  m.mean = sum / v.size();
  double sq = 0;
  for (float x : v) sq += (x - m.mean) * (x - m.mean);
  m.std = std::sqrt(sq / v.size());
  return m;
}
}  // namespace

class TstTensorStatsView : public QObject {
  Q_OBJECT
  QTemporaryDir work_;
  QString quantized_;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(work_.isValid());
    // w = [[-2, -1, 0, 0.5], [1, 3, 4, NaN]] (f32), codes = [0, 1, 1, 3, 3] (i32)
    const float nan = std::numeric_limits<float>::quiet_NaN();
    QVERIFY(QDir(work_.path()).mkpath(QStringLiteral("dense")));
    apiq::write_safetensors(work_.filePath(QStringLiteral("dense/model.safetensors")).toStdString(),
                            {{"w", torch::tensor({-2.f, -1.f, 0.f, 0.5f, 1.f, 3.f, 4.f, nan}).view({2, 4})},
                             {"codes", torch::tensor({0, 1, 1, 3, 3}, torch::kInt)}});
    if (fixture::available()) {
      quantized_ = work_.filePath(QStringLiteral("q"));
      const QString err = fixture::makeQuantized(quantized_);
      QVERIFY2(err.isEmpty(), qPrintable(err));
    }
  }

  void denseTensorMatchesHandComputedStats() {
    TensorStatsView view;
    view.setBins(4);
    QSignalSpy ready(&view, &TensorStatsView::statsReady);
    view.showTensor(work_.filePath(QStringLiteral("dense")), QStringLiteral("w"));
    QTRY_COMPARE(ready.count(), 1);
    QCOMPARE(view.result().panels.size(), 1);
    const auto& p = view.result().panels[0];
    // Finite values -2, -1, 0, 0.5, 1, 3, 4: sum 5.5, sum of squares 4+1+0+0.25+1+9+16 = 31.25.
    const double mean = 5.5 / 7, stdev = std::sqrt(31.25 / 7 - mean * mean);
    QCOMPARE(p.count, qint64(8));
    QCOMPARE(p.nanCount, qint64(1));
    QCOMPARE(p.min, -2.0);
    QCOMPARE(p.max, 4.0);
    QCOMPARE(p.absMax, 4.0);
    QVERIFY(std::abs(p.mean - mean) < 1e-12);
    QVERIFY(std::abs(p.std - stdev) < 1e-12);
    // 4 bins of width 1.5 over [-2, 4]: {-2, -1}, {0, 0.5}, {1}, {3, 4}.
    QCOMPARE(view.histogramCounts(0), (QVector<double>{2, 2, 1, 2}));
    QCOMPARE(view.histogramCounts(1), QVector<double>{});  // one panel only
    QCOMPARE(view.table()->rowCount(), 1);
    QCOMPARE(view.table()->item(0, TensorStatsView::NaNs)->text(), QStringLiteral("1"));
    QCOMPARE(view.table()->item(0, TensorStatsView::Max)->text(), QStringLiteral("4"));
  }

  void integerTensorGetsOneBarPerValue() {
    TensorStatsView view;
    QSignalSpy ready(&view, &TensorStatsView::statsReady);
    view.showTensor(work_.filePath(QStringLiteral("dense")), QStringLiteral("codes"));
    QTRY_COMPARE(ready.count(), 1);
    const auto& p = view.result().panels[0];
    QVERIFY(p.integerBins);
    QCOMPARE(p.binCenters, (QVector<double>{0, 1, 2, 3}));
    QCOMPARE(view.histogramCounts(0), (QVector<double>{1, 2, 0, 2}));
    QCOMPARE(p.mean, 8.0 / 5);
  }

  void missingTensorReportsAnError() {
    TensorStatsView view;
    QSignalSpy failed(&view, &TensorStatsView::failed);
    view.showTensor(work_.filePath(QStringLiteral("dense")), QStringLiteral("nope"));
    QTRY_COMPARE(failed.count(), 1);
    QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("nope")));
  }

  void newerRequestSupersedesOlder() {
    TensorStatsView view;
    QSignalSpy ready(&view, &TensorStatsView::statsReady);
    view.showTensor(work_.filePath(QStringLiteral("dense")), QStringLiteral("w"));
    view.showTensor(work_.filePath(QStringLiteral("dense")), QStringLiteral("codes"));
    QTRY_COMPARE(ready.count(), 1);
    QCOMPARE(view.result().subject, QStringLiteral("codes"));
    QTest::qWait(200);
    QCOMPARE(ready.count(), 1);
  }

  void quantizedLinearShowsCodesAndLoraFactors() {
    if (quantized_.isEmpty()) QSKIP("../shared/models/babyllama-tok105 is not available");
    const std::string m = "model.layers.0.self_attn.q_proj";
    TensorStatsView view;
    QSignalSpy ready(&view, &TensorStatsView::statsReady);
    view.showLinear(quantized_, QString::fromStdString(m));
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
    const auto& panels = view.result().panels;
    QCOMPARE(panels.size(), 3);
    QCOMPARE(panels[0].title, QStringLiteral("Q (codes)"));
    QCOMPARE(panels[1].title, QStringLiteral("LoRA A"));
    QCOMPARE(panels[2].title, QStringLiteral("LoRA B"));

    // Codes: 2-bit fields of the stored words, lowest bits first; in = 128 fills 8 words per row.
    int64_t counts[4] = {0, 0, 0, 0};
    for (int32_t w : fixture::rawInts(quantized_, m + ".qweight"))
      for (int j = 0; j < 16; ++j) ++counts[(static_cast<uint32_t>(w) >> (2 * j)) & 3u];
    QCOMPARE(counts[0] + counts[1] + counts[2] + counts[3], int64_t(128 * 128));
    QCOMPARE(panels[0].count, qint64(128 * 128));
    QVector<double> expected;
    for (int c = int(panels[0].min); c <= int(panels[0].max); ++c) expected << double(counts[c]);
    for (int c = 0; c < 4; ++c)
      if (c < panels[0].min || c > panels[0].max) QCOMPARE(counts[c], int64_t(0));
    QCOMPARE(view.histogramCounts(0), expected);

    for (int i : {1, 2}) {
      const auto raw = fixture::rawFloats(quantized_, m + (i == 1 ? ".lora_A" : ".lora_B"));
      const Moments ref = moments(raw);
      const auto& p = panels[i];
      QCOMPARE(p.dtype, QStringLiteral("F32"));
      QCOMPARE(p.count, qint64(raw.size()));
      QCOMPARE(p.nanCount, qint64(0));
      QCOMPARE(p.min, ref.min);
      QCOMPARE(p.max, ref.max);
      QVERIFY(std::abs(p.mean - ref.mean) <= 1e-9 * std::max(1.0, std::abs(ref.mean)));
      QVERIFY(std::abs(p.std - ref.std) <= 1e-9 * std::max(1.0, ref.std));
      QVERIFY2(ref.max > ref.min, "LoftQ leaves non-constant factors");
      double total = 0;
      for (double c : view.histogramCounts(i)) total += c;
      QCOMPARE(total, double(raw.size()));
    }
  }

  void selectingALinearInTheMainWindow() {
    if (quantized_.isEmpty()) QSKIP("../shared/models/babyllama-tok105 is not available");
    apiq::app::MainWindow w;
    QSignalSpy loaded(&w, &apiq::app::MainWindow::modelLoaded);
    w.openModel(quantized_);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    auto* tree = w.treeModel();
    QStandardItem* block0 = tree->blocksItem()->child(0);
    QStandardItem* up = block0->child(1)->child(1);  // MLP → up_proj
    QCOMPARE(up->text(), QStringLiteral("up_proj"));
    QSignalSpy ready(w.statsView(), &TensorStatsView::statsReady);
    w.treeView()->setCurrentIndex(up->index());
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, 30000);
    QCOMPARE(w.statsView()->result().subject, QStringLiteral("model.layers.0.mlp.up_proj"));
    QCOMPARE(w.statsView()->result().panels.size(), 3);
  }
};

QTEST_MAIN(TstTensorStatsView)
#include "tst_tensor_stats_view.moc"
