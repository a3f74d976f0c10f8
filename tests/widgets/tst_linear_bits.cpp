// SPDX-License-Identifier: GPL-3.0-or-later
// The bits-per-linear map against a real --budget checkpoint of stories260K (core's
// calibrate_model, rtn, 2-bit group 64 as the base, budget 3 bits per parameter): every cell equals
// config.json's quantization_config.module_overrides read with Qt's own JSON parser, the uniform run
// shows its one configuration, the stored bits per parameter equal report.json's budget section,
// and the Comparison tab and the main window's "Bits per linear" tab show the same map.
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "calibration/calibration.h"
#include "comparison_summary_model.h"
#include "linear_bits.h"
#include "linear_heat_map.h"
#include "main_window.h"
#include "quantized_fixture.h"
#include "run_comparison.h"

using apiq::widgets::LinearHeatMap;

namespace {

using fixture::kLinears;
using fixture::readJson;

QString makeRun(const QString& out, double budget) {
  apiq::CalibrationOptions o;
  o.method = "rtn";
  o.quant.bits = 2;
  o.quant.group_size = 64;
  o.lora.rank = 0;
  o.budget = budget;
  o.nsamples = 2;
  o.seq_len = 64;
  try {
    apiq::calibrate_model(fixture::shared(QStringLiteral("models/stories260K")).toStdString(),
                          fixture::shared(QStringLiteral("data/tinystories-sample.txt")).toStdString(), out.toStdString(), o);
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

// Every cell of bits and group size equals the config's override of that linear, or the run's
// own bits and group size where it lists none.
void compareWithConfig(LinearHeatMap& map, const QString& dir) {
  const QJsonObject q = readJson(dir + QStringLiteral("/config.json"))[QStringLiteral("quantization_config")].toObject();
  const QJsonObject overrides = q[QStringLiteral("module_overrides")].toObject();
  QCOMPARE(map.blockCount(), 5);
  for (const auto& [key, field] : {std::pair{QStringLiteral("bits"), QStringLiteral("bits")},
                                   std::pair{QStringLiteral("group_size"), QStringLiteral("group_size")}}) {
    map.setQuantity(key);
    QCOMPARE(map.quantity(), key);
    for (int b = 0; b < 5; ++b)
      for (int k = 0; k < 7; ++k) {
        const QString module = QStringLiteral("layers.%1.%2").arg(b).arg(kLinears[k]);
        const QJsonValue want = overrides.contains(module) ? overrides[module].toObject()[field] : q[field];
        QVERIFY2(want.isDouble(), qPrintable(module));
        const auto got = map.value(b, k);
        QVERIFY2(got && *got == want.toDouble(), qPrintable(QStringLiteral("%1 %2").arg(module, key)));
      }
  }
  map.setQuantity(QStringLiteral("bits"));
}

}  // namespace

class TstLinearBits : public QObject {
  Q_OBJECT
  QTemporaryDir work_;
  QString budgetRun_, uniformRun_;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, work_.filePath(QStringLiteral("settings")));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, work_.filePath(QStringLiteral("settings")));
    if (!QFileInfo::exists(fixture::shared(QStringLiteral("models/stories260K/model.safetensors"))))
      QSKIP("../shared/models/stories260K is not available");
    budgetRun_ = work_.filePath(QStringLiteral("budget"));
    uniformRun_ = work_.filePath(QStringLiteral("uniform"));
    QString err = makeRun(budgetRun_, 3.0);
    QVERIFY2(err.isEmpty(), qPrintable(err));
    err = makeRun(uniformRun_, 0);
    QVERIFY2(err.isEmpty(), qPrintable(err));
  }

  void cellsEqualTheConfigsOverrides() {
    const QJsonObject q = readJson(budgetRun_ + QStringLiteral("/config.json"))[QStringLiteral("quantization_config")].toObject();
    QCOMPARE(q[QStringLiteral("module_overrides")].toObject().size(), 35);  // every linear chosen by the allocation
    const auto bits = apiq::widgets::read_linear_bits(budgetRun_);
    QVERIFY(bits && bits->mixed);
    LinearHeatMap map;
    apiq::widgets::showLinearBits(&map, *bits, QStringLiteral("budget"));
    QCOMPARE(map.quantity(), QStringLiteral("bits"));
    QCOMPARE(map.quantities(), (QStringList{QStringLiteral("bits"), QStringLiteral("group_size")}));
    compareWithConfig(map, budgetRun_);

    // The stored bits per parameter, counted from the files, are what the allocation chose.
    const QJsonObject budget = readJson(budgetRun_ + QStringLiteral("/report.json"))[QStringLiteral("budget")].toObject();
    QCOMPARE(bits->budget.value_or(0), 3.0);
    QCOMPARE(bits->storedBitsPerParam, budget[QStringLiteral("storage_bits_per_param")].toDouble());
    QVERIFY(bits->storedBitsPerParam <= 3.0);
    QVERIFY2(map.noteText().contains(QLocale().toString(bits->storedBitsPerParam, 'f', 3)), qPrintable(map.noteText()));

    map.resize(800, 500);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    const QString hover = map.hoverText(map.pixelOf(0, 6));
    QVERIFY2(hover.startsWith(QStringLiteral("block 0 down — Bits: ")), qPrintable(hover));
  }

  void uniformRunShowsItsBits() {
    const auto bits = apiq::widgets::read_linear_bits(uniformRun_);
    QVERIFY(bits && !bits->mixed && !bits->budget);
    LinearHeatMap map;
    apiq::widgets::showLinearBits(&map, *bits, QStringLiteral("uniform"));
    compareWithConfig(map, uniformRun_);
    QCOMPARE(*map.value(3, 4), 2.0);
    // A dense model has no bits to show.
    QVERIFY(!apiq::widgets::read_linear_bits(fixture::shared(QStringLiteral("models/stories260K"))));
  }

  // The Comparison tab: the map follows the selected run; the reference row has none.
  void comparisonTab() {
    apiq::widgets::RunComparisonWidget w;
    QVERIFY(w.setRunDirs({uniformRun_, budgetRun_}));
    LinearHeatMap* map = w.bitsMap();
    compareWithConfig(*map, uniformRun_);  // no row selected: the first run
    w.summaryView()->setCurrentIndex(w.summary()->index(w.summary()->rowOf(budgetRun_), 0));
    compareWithConfig(*map, budgetRun_);
    const auto& rows = w.summary()->rows();
    const auto reference = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.reference; });
    QVERIFY(reference != rows.end());  // the runs name stories260K as their model
    w.summaryView()->setCurrentIndex(w.summary()->index(static_cast<int>(reference - rows.begin()), 0));
    QVERIFY(map->quantities().isEmpty());
    QCOMPARE(map->noteText(), QStringLiteral("The full-precision model is not quantized."));
  }

  // The model browser: opening the checkpoint fills the "Bits per linear" tab; a dense model clears it.
  void mainWindowTab() {
    apiq::app::MainWindow w;
    QSignalSpy loaded(&w, &apiq::app::MainWindow::modelLoaded);
    w.openModel(budgetRun_);
    QTRY_COMPARE(loaded.count(), 1);
    QCOMPARE(w.tabs()->tabText(w.tabs()->indexOf(w.bitsMap())), QStringLiteral("Bits per linear"));
    compareWithConfig(*w.bitsMap(), budgetRun_);
    w.openModel(fixture::shared(QStringLiteral("models/stories260K")));
    QTRY_COMPARE(loaded.count(), 2);
    QVERIFY(w.bitsMap()->quantities().isEmpty());
    QVERIFY(w.bitsMap()->noteText().contains(QStringLiteral("not a quantized checkpoint")));
  }
};

QTEST_MAIN(TstLinearBits)
#include "tst_linear_bits.moc"
