// SPDX-License-Identifier: GPL-3.0-or-later
// The export dialog on a real quantized checkpoint: each format is written off the GUI thread
// into a real folder whose files exist and whose config says that format; GPTQ v1 shows the
// zero-point census (counted here from the stored zeros), is refused without the clamp option
// and reports the changed groups with it; progress arrives per block and a cancel leaves a
// consistent state; File → Export… opens it on the loaded model.
#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "export/export.h"
#include "export_dialog.h"
#include "file_menu_action.h"
#include "main_window.h"
#include "quantized_fixture.h"

using apiq::widgets::ExportDialog;

namespace {

using fixture::readJson;
}  // namespace

class TstExportDialog : public QObject {
  Q_OBJECT
  QTemporaryDir work_;
  QString quantized_;
  qint64 zeroGroups_ = 0, groups_ = 0, v1Unstorable_ = 0;  // counted from the stored zeros

  // Runs one export through the dialog's button; returns (ok, message).
  std::pair<bool, QString> exportWith(ExportDialog& d, const QString& f, const QString& out, bool force = false) {
    d.setFormat(f);
    d.setForce(force);
    d.setOutputDir(out);
    QSignalSpy done(&d, &ExportDialog::exportFinished);
    d.exportButton()->click();
    if (!d.isExporting()) return {false, d.statusText()};
    if (!QTest::qWaitFor([&] { return done.count() == 1; }, 120000)) return {false, QStringLiteral("timed out")};
    return {done.at(0).at(0).toBool(), done.at(0).at(1).toString()};
  }

  void openSource(ExportDialog& d) {
    QSignalSpy analyzed(&d, &ExportDialog::sourceAnalyzed);
    d.setSourceDir(quantized_);
    QVERIFY(analyzed.wait(30000));
    QVERIFY2(d.source().error.isEmpty(), qPrintable(d.source().error));
  }

 private Q_SLOTS:
  void initTestCase() {
    if (!fixture::available()) QSKIP("../shared/models/babyllama-tok105 is not available");
    quantized_ = work_.filePath(QStringLiteral("q"));
    const QString err = fixture::makeQuantized(quantized_, {{"model.layers.1.self_attn.v_proj", 3}});
    QVERIFY2(err.isEmpty(), qPrintable(err));
    const auto& names = apiq::tensor_names_for("llama");
    for (int b = 0; b < 5; ++b)
      for (auto k : apiq::kAllLinears)
        for (int32_t z : fixture::rawInts(quantized_, apiq::linear_module(names, b, k) + ".zeros")) {
          ++groups_;
          zeroGroups_ += z == 0;
          v1Unstorable_ += z < 1 || z > 4;  // v1 stores z − 1 in 2 bits: only 1…4 fit
        }
    QVERIFY(zeroGroups_ >= 3);
  }

  void offersEveryFormatWithEnginesAndLoss() {
    ExportDialog d;
    QStringList offered;
    for (int i = 0; i < d.formatCombo()->count(); ++i) offered << d.formatCombo()->itemText(i);
    offered.sort();
    QCOMPARE(offered, (QStringList{QStringLiteral("compressed-tensors"), QStringLiteral("gptq"), QStringLiteral("gptq-v2"),
                                   QStringLiteral("hf-dequantized"), QStringLiteral("peft")}));
    d.setFormat(QStringLiteral("compressed-tensors"));
    QVERIFY(d.enginesText().contains(QStringLiteral("vLLM")) && d.enginesText().contains(QStringLiteral("llm-compressor")));
    d.setFormat(QStringLiteral("gptq"));
    QVERIFY(d.enginesText().contains(QStringLiteral("GPTQModel")) && d.enginesText().contains(QStringLiteral("AutoGPTQ")));
    d.setFormat(QStringLiteral("peft"));
    QVERIFY(d.enginesText().contains(QStringLiteral("PEFT")));
    d.setFormat(QStringLiteral("hf-dequantized"));
    QVERIFY(d.lossText().contains(QStringLiteral("f32")));
  }

  void gptqV1ShowsTheCensusRefusesThenClamps() {
    ExportDialog d;
    openSource(d);
    d.setFormat(QStringLiteral("gptq"));
    const QString census = QStringLiteral("%1 of %2 groups").arg(QLocale().toString(zeroGroups_), QLocale().toString(groups_));
    QVERIFY2(d.lossText().contains(census), qPrintable(d.lossText()));
    const QString out = work_.filePath(QStringLiteral("gptq"));
    auto [ok, message] = exportWith(d, QStringLiteral("gptq"), out);
    QVERIFY(!ok);
    QVERIFY2(message.contains(QString::number(v1Unstorable_) + QStringLiteral(" of ") + QString::number(groups_)), qPrintable(message));
    QVERIFY(!QFileInfo::exists(out));
    std::tie(ok, message) = exportWith(d, QStringLiteral("gptq"), out, /*force=*/true);
    QVERIFY2(ok, qPrintable(message));
    QVERIFY2(d.notesText().contains(QStringLiteral("LOSSY")) &&
                 d.notesText().contains(QString::number(v1Unstorable_) + QStringLiteral(" groups changed")),
             qPrintable(d.notesText()));
    const auto qc = readJson(out + QStringLiteral("/config.json")).value(QStringLiteral("quantization_config")).toObject();
    QCOMPARE(qc.value(QStringLiteral("quant_method")).toString(), QStringLiteral("gptq"));
    QCOMPARE(qc.value(QStringLiteral("checkpoint_format")).toString(), QStringLiteral("gptq"));
    QCOMPARE(qc.value(QStringLiteral("bits")).toInt(), 2);
    QVERIFY(QFileInfo::exists(out + QStringLiteral("/quantize_config.json")));
    const auto store = apiq::TensorStore::open_dir(out.toStdString());
    QVERIFY(store.contains("model.layers.1.self_attn.v_proj.qzeros"));
  }

  void everyOtherFormatWritesItsFolder() {
    ExportDialog d;
    openSource(d);
    struct Case {
      QString format;
      const char* name;
    };
    for (const Case c : {Case{QStringLiteral("compressed-tensors"), "ct"}, Case{QStringLiteral("gptq-v2"), "gptq-v2"},
                         Case{QStringLiteral("peft"), "peft"}, Case{QStringLiteral("hf-dequantized"), "hf"}}) {
      const QString out = work_.filePath(QLatin1String(c.name));
      const auto [ok, message] = exportWith(d, c.format, out);
      QVERIFY2(ok, qPrintable(QLatin1String(c.name) + QStringLiteral(": ") + message));
      QVERIFY(message.contains(out));
      QVERIFY(QFileInfo::exists(out + QStringLiteral("/tokenizer.model")));
      QVERIFY(!QFileInfo::exists(out + QStringLiteral(".tmp-%1").arg(QCoreApplication::applicationPid())));
      const auto adapter = readJson(out + QStringLiteral("/adapter_config.json"));
      QCOMPARE(adapter.value(QStringLiteral("peft_type")).toString(), QStringLiteral("LORA"));
      QCOMPARE(adapter.value(QStringLiteral("r")).toInt(), 8);
      if (c.format == QStringLiteral("peft")) {
        QVERIFY(QFileInfo::exists(out + QStringLiteral("/adapter_model.safetensors")));
        QVERIFY(!QFileInfo::exists(out + QStringLiteral("/model.safetensors")));
        continue;
      }
      const auto cfg = readJson(out + QStringLiteral("/config.json"));
      const auto qc = cfg.value(QStringLiteral("quantization_config")).toObject();
      const auto store = apiq::TensorStore::open_dir(out.toStdString());
      const std::string q = "model.layers.0.self_attn.q_proj";
      if (c.format == QStringLiteral("compressed-tensors")) {
        QCOMPARE(qc.value(QStringLiteral("quant_method")).toString(), QStringLiteral("compressed-tensors"));
        QCOMPARE(qc.value(QStringLiteral("format")).toString(), QStringLiteral("pack-quantized"));
        const auto w = qc.value(QStringLiteral("config_groups")).toObject().value(QStringLiteral("group_0")).toObject()
                           .value(QStringLiteral("weights")).toObject();
        QCOMPARE(w.value(QStringLiteral("num_bits")).toInt(), 2);
        QCOMPARE(w.value(QStringLiteral("group_size")).toInt(), 32);
        QVERIFY(store.contains(q + ".weight_packed") && store.contains(q + ".weight_zero_point"));
      } else if (c.format == QStringLiteral("gptq-v2")) {
        QCOMPARE(qc.value(QStringLiteral("checkpoint_format")).toString(), QStringLiteral("gptq_v2"));
        QVERIFY(store.contains(q + ".qweight") && store.contains(q + ".g_idx"));
      } else {
        QVERIFY(!cfg.contains(QStringLiteral("quantization_config")));
        QCOMPARE(store.info(q + ".weight").shape, (std::vector<int64_t>{128, 128}));
      }
    }
  }

  // One progress step per decoder block and one for the write, in order, on the GUI thread; the
  // bar ends at its maximum and the cancel button is shown only while exporting.
  void reportsProgressPerBlock() {
    ExportDialog d;
    openSource(d);
    QSignalSpy progress(&d, &ExportDialog::exportProgress);
    int barMaxSeen = 0;
    bool cancelShown = false;
    connect(&d, &ExportDialog::exportProgress, &d, [&] {
      barMaxSeen = std::max(barMaxSeen, d.progressBar()->maximum());
      cancelShown = cancelShown || d.cancelButton()->isVisible() || !d.cancelButton()->isHidden();
    });
    QVERIFY(d.cancelButton()->isHidden());
    const auto [ok, message] = exportWith(d, QStringLiteral("hf-dequantized"), work_.filePath(QStringLiteral("hf-progress")));
    QVERIFY2(ok, qPrintable(message));
    QCOMPARE(progress.count(), 7);  // babyllama-tok105: 0, five blocks, the write
    for (int i = 0; i < progress.count(); ++i) {
      QCOMPARE(progress.at(i).at(0).toInt(), i);
      QCOMPARE(progress.at(i).at(1).toInt(), 6);
    }
    QVERIFY(cancelShown);
    QVERIFY(d.cancelButton()->isHidden());
    QVERIFY(barMaxSeen == 0 || barMaxSeen == 6);  // busy (0) until the first report is applied
  }

  // Cancel as soon as the first report reaches the GUI thread: either the export stopped (no
  // folder, no temporary folder, the message says so) or it had already finished (complete
  // folder); never anything in between.
  void cancelLeavesAConsistentState() {
    ExportDialog d;
    openSource(d);
    const QString out = work_.filePath(QStringLiteral("hf-cancelled"));
    connect(&d, &ExportDialog::exportProgress, &d, [&d] { d.cancelExport(); });
    const auto [ok, message] = exportWith(d, QStringLiteral("hf-dequantized"), out);
    QVERIFY(!QFileInfo::exists(out + QStringLiteral(".tmp-%1").arg(QCoreApplication::applicationPid())));
    if (ok) {
      QVERIFY(QFileInfo::exists(out + QStringLiteral("/model.safetensors")));
    } else {
      QVERIFY2(message.contains(QStringLiteral("cancelled")), qPrintable(message));
      QVERIFY(!QFileInfo::exists(out));
    }
    QVERIFY(d.exportButton()->isEnabled());
  }

  void refusesAnExistingOutputFolder() {
    ExportDialog d;
    openSource(d);
    const auto [ok, message] = exportWith(d, QStringLiteral("gptq-v2"), quantized_);
    QVERIFY(!ok);
    QVERIFY(message.contains(QStringLiteral("already exists")));
  }

  void fileExportOpensOnTheLoadedModel() {
    apiq::app::MainWindow w;
    QSignalSpy loaded(&w, &apiq::app::MainWindow::modelLoaded);
    w.openModel(quantized_);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QAction* action = fixture::fileMenuAction(w, QStringLiteral("&Export…"));
    QVERIFY(action);
    action->trigger();
    auto* d = w.findChild<ExportDialog*>();
    QVERIFY(d);
    QSignalSpy analyzed(d, &ExportDialog::sourceAnalyzed);
    QVERIFY(analyzed.wait(30000));
    QCOMPARE(d->source().folder, quantized_);
    QCOMPARE(d->source().bits, 2);
    QCOMPARE(d->source().census.totalZeroGroups(), zeroGroups_);
    d->close();
  }
};

QTEST_MAIN(TstExportDialog)
#include "tst_export_dialog.moc"
