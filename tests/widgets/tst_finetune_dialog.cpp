// SPDX-License-Identifier: GPL-3.0-or-later
// The finetune dialog on a real quantized stories260K checkpoint: every adapter kind's trainable
// parameters equal a hand computation from the model's config; a kind that does not fit shows "—"
// and core's reason; core's refusals show as one line and write nothing; a real finetune runs off
// the GUI thread, reports its steps and held-out perplexity, writes the folder whose report the
// dialog's numbers and map match; a cancel writes no output folder; File → Finetune… opens on the
// loaded model, and the finetuned and merged QA-HiRA runs join the comparison.
#include <QAction>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <map>

#include "linear_heat_map.h"
#include "comparison_summary_model.h"
#include "finetune_dialog.h"
#include "file_menu_action.h"
#include "main_window.h"
#include "model/adapter.h"
#include "quantized_fixture.h"
#include "run_comparison.h"

using apiq::widgets::FinetuneDialog;

namespace {

using fixture::readJson;

// (out, in) of a block's seven linears, from config.json's numbers.
struct Shape {
  qint64 out, in;
};
std::vector<Shape> blockShapes(const QJsonObject& c) {
  const qint64 d = c[QStringLiteral("hidden_size")].toInteger(), f = c[QStringLiteral("intermediate_size")].toInteger();
  const qint64 head = d / c[QStringLiteral("num_attention_heads")].toInteger();
  const qint64 kv = c[QStringLiteral("num_key_value_heads")].toInteger() * head;
  return {{d, d}, {kv, d}, {kv, d}, {d, d}, {f, d}, {f, d}, {d, f}};
}

qint64 ceilDiv(qint64 a, qint64 b) { return (a + b - 1) / b; }

}  // namespace

class TstFinetuneDialog : public QObject {
  Q_OBJECT
  QTemporaryDir work_;
  QString quantized_, rtn_, train_;

  void openSource(FinetuneDialog& d, const QString& dir) {
    QSignalSpy analyzed(&d, &FinetuneDialog::sourceAnalyzed);
    d.setSourceDir(dir);
    QVERIFY(analyzed.wait(30000));
    QVERIFY2(d.source().error.isEmpty(), qPrintable(d.source().error));
  }

  // A few optimizer steps on the short text, 32-token windows.
  static apiq::FinetuneOptions quick(const char* kind, int epochs = 1) {
    apiq::FinetuneOptions o;
    o.adapter.kind = kind;
    o.data.seq_len = 32;
    o.data.max_eval_examples = 4;
    o.epochs = epochs;
    o.batch = 4;
    o.lr = 1e-3;
    return o;
  }

  // Runs a finetune through the dialog's button; returns (ok, message).
  std::pair<bool, QString> runFinetune(FinetuneDialog& d, const QString& out) {
    d.setDataFile(train_);
    d.setOutputDir(out);
    QSignalSpy done(&d, &FinetuneDialog::finetuneFinished);
    d.startButton()->click();
    if (!d.isRunning()) return {false, d.statusText()};
    [&] { QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 300000); }();
    if (done.count() != 1) return {false, QStringLiteral("timed out")};
    return {done.at(0).at(0).toBool(), done.at(0).at(1).toString()};
  }

 private Q_SLOTS:
  void initTestCase() {
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, work_.filePath(QStringLiteral("settings")));
    if (!QFileInfo::exists(fixture::shared(QStringLiteral("models/stories260K/model.safetensors"))))
      QSKIP("../shared/models/stories260K is not available");
    quantized_ = work_.filePath(QStringLiteral("q"));
    QString err = fixture::makeQuantized(quantized_, {}, QStringLiteral("models/stories260K"));
    QVERIFY2(err.isEmpty(), qPrintable(err));
    rtn_ = work_.filePath(QStringLiteral("rtn"));
    err = fixture::makeQuantized(rtn_, {}, QStringLiteral("models/stories260K"), "rtn");
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QFile in(fixture::shared(QStringLiteral("data/tinystories-sample.txt")));
    QVERIFY(in.open(QIODevice::ReadOnly));
    train_ = work_.filePath(QStringLiteral("train.txt"));
    QFile out(train_);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(in.read(6000));
  }

  // stories260K: hidden 64, FFN 172, 8 heads of 8, 4 key/value heads, 5 blocks, all 7 linears
  // quantized at group 32 with LoRA rank 8.
  void countsEqualAHandComputation() {
    FinetuneDialog d;
    openSource(d, quantized_);
    const QJsonObject cfg = readJson(quantized_ + QStringLiteral("/config.json"));
    const auto shapes = blockShapes(cfg);
    const qint64 blocks = cfg[QStringLiteral("num_hidden_layers")].toInteger();
    QCOMPARE(blocks, 5);
    QCOMPARE(shapes[6].in, 172);
    for (const auto& [rank, outPool] : {std::pair<int, int>{0, 8}, std::pair<int, int>{4, 4}}) {
      apiq::FinetuneOptions o = d.options();
      o.adapter.rank = rank;
      o.adapter.out_pool = outPool;
      d.setOptions(o);
      const qint64 r = rank == 0 ? 8 : rank;  // 0: the checkpoint's rank
      std::map<QString, qint64> expected = {{QStringLiteral("lora"), 0}, {QStringLiteral("qbara"), 0},
                                            {QStringLiteral("qahira"), 0}, {QStringLiteral("blora"), 0}};
      for (const Shape& s : shapes) {
        expected[QStringLiteral("lora")] += r * (s.in + s.out);                     // A r × in, B out × r
        expected[QStringLiteral("qbara")] += 2 * r * (s.in / 2 + s.out / 2);        // A 2r × in/2, B out/2 × 2r
        expected[QStringLiteral("qahira")] += ceilDiv(s.out, outPool) * ceilDiv(s.in, 32);  // one value per tile
        expected[QStringLiteral("blora")] += r * (s.in + s.out + 1) + 9 + (r - 1);  // A, B, E, 3×3 bit gates, rank gates
      }
      for (auto& [kind, n] : expected) n *= blocks;
      if (rank == 0) {
        QCOMPARE(expected[QStringLiteral("lora")], 46240);
        QCOMPARE(expected[QStringLiteral("qahira")], 920);
      }
      for (const apiq::AdapterKind* k : apiq::adapter_table()) {
        const QString kind = QString::fromLatin1(k->name());
        const auto shown = d.trainableShown(kind);
        QVERIFY2(shown, qPrintable(kind + QStringLiteral(": ") + d.kindText(kind)));
        QVERIFY2(d.kindText(kind).contains(QLocale().toString(*shown)), qPrintable(d.kindText(kind)));
        if (expected.count(kind)) QCOMPARE(*shown, expected.at(kind));  // a kind added later: shown, not computed here
      }
    }
  }

  // A QA-HiRA output pool beyond the 32 rows of k (kv heads 4 × 8): "—" and core's reason, and Start refuses.
  void aKindThatDoesNotFitShowsCoresReason() {
    FinetuneDialog d;
    openSource(d, quantized_);
    apiq::FinetuneOptions o = quick("qahira");
    o.adapter.out_pool = 40;
    d.setOptions(o);
    QVERIFY(!d.trainableShown(QStringLiteral("qahira")));
    QVERIFY(d.trainableShown(QStringLiteral("lora")));
    o.adapter.rank = 8;
    o.adapter.in_pool = 32;
    const QString why = QString::fromStdString(apiq::find_adapter_kind("qahira").problem({32, 64, 32}, o.adapter));
    QVERIFY(why.contains(QStringLiteral("40")));
    QVERIFY2(d.kindText(QStringLiteral("qahira")).contains(QStringLiteral("—")) &&
                 d.kindText(QStringLiteral("qahira")).contains(why),
             qPrintable(d.kindText(QStringLiteral("qahira"))));
    const QString out = work_.filePath(QStringLiteral("not-fitting"));
    const auto [ok, message] = runFinetune(d, out);
    QVERIFY(!ok);
    QVERIFY2(message.contains(why), qPrintable(message));
    QVERIFY(!QFileInfo::exists(out));
  }

  // rtn stores no adapter: rank 0 ("the checkpoint's") is no rank, and core says so.
  void aBadRankShowsTheCoresMessage() {
    FinetuneDialog d;
    openSource(d, rtn_);
    QCOMPARE(d.source().baseRank, 0);
    d.setOptions(quick("lora"));
    const QString why = QString::fromStdString(apiq::find_adapter_kind("lora").problem({64, 64, 32}, apiq::AdapterOptions()));
    QVERIFY(!why.isEmpty());
    QVERIFY(!d.trainableShown(QStringLiteral("lora")));
    const QString out = work_.filePath(QStringLiteral("bad-rank"));
    auto [ok, message] = runFinetune(d, out);
    QVERIFY(!ok);
    QVERIFY2(message.contains(why) && !message.contains(QLatin1Char('\n')), qPrintable(message));
    QVERIFY(!QFileInfo::exists(out));
    // A rank given: a fresh LoRA trains on the rtn base (one step is enough to know it starts).
    apiq::FinetuneOptions o = quick("lora");
    o.adapter.rank = 2;
    o.adapter.fit_base = false;
    d.setOptions(o);
    QCOMPARE(*d.trainableShown(QStringLiteral("lora")), 5 * 2 * (128 + 96 + 96 + 128 + 236 * 3));
  }

  // An error only core finds (GSM8K rows expected, a plain text given) ends the run as one line.
  void coreErrorsShowAsOneLine() {
    FinetuneDialog d;
    openSource(d, quantized_);
    apiq::FinetuneOptions o = quick("lora");
    o.data.format = apiq::SftFormat::Gsm8k;
    d.setOptions(o);
    const QString out = work_.filePath(QStringLiteral("gsm8k-on-text"));
    const auto [ok, message] = runFinetune(d, out);
    QVERIFY(!ok);
    QVERIFY2(message.startsWith(QStringLiteral("Finetune failed: ")) && message.contains(train_) &&
                 !message.contains(QLatin1Char('\n')),
             qPrintable(message));
    QVERIFY(!QFileInfo::exists(out));
    QVERIFY(d.startButton()->isEnabled());
  }

  // A real Q-BaRA finetune: signals per step and evaluation, the folder, and numbers equal to its report.
  void finetunesAndWritesTheFolder() {
    FinetuneDialog d;
    openSource(d, quantized_);
    d.setOptions(quick("qbara"));
    const qint64 shown = *d.trainableShown(QStringLiteral("qbara"));
    QSignalSpy steps(&d, &FinetuneDialog::stepLoss), evals(&d, &FinetuneDialog::heldOutPerplexity),
        progress(&d, &FinetuneDialog::finetuneProgress);
    const QString out = work_.filePath(QStringLiteral("ft-qbara"));
    const auto [ok, message] = runFinetune(d, out);
    QVERIFY2(ok, qPrintable(message));
    for (const char* f : {"model.safetensors", "config.json", "report.json", "tokenizer.model"})
      QVERIFY2(QFileInfo::exists(out + QLatin1Char('/') + QLatin1String(f)), f);
    QVERIFY(!QFileInfo::exists(out + QStringLiteral(".partial")));
    const QJsonObject ft = readJson(out + QStringLiteral("/report.json"))[QStringLiteral("finetune")].toObject();
    const QJsonObject adapter = ft[QStringLiteral("adapter")].toObject();
    QCOMPARE(adapter[QStringLiteral("kind")].toString(), QStringLiteral("qbara"));
    QCOMPARE(adapter[QStringLiteral("trainable")].toInteger(), shown);  // the live count is what trained
    const QJsonArray reportSteps = ft[QStringLiteral("steps")].toArray(), reportEvals = ft[QStringLiteral("evals")].toArray();
    QVERIFY(reportSteps.size() >= 2);
    QCOMPARE(steps.count(), reportSteps.size());
    QCOMPARE(progress.count(), reportSteps.size());
    QCOMPARE(steps.last().at(1).toDouble(), reportSteps.last().toObject()[QStringLiteral("loss")].toDouble());
    QCOMPARE(evals.count(), reportEvals.size());
    const double before = reportEvals.first().toObject()[QStringLiteral("ppl")].toDouble();
    const double after = reportEvals.last().toObject()[QStringLiteral("ppl")].toDouble();
    QCOMPARE(evals.last().at(1).toDouble(), after);
    const QString result = d.resultText();
    QVERIFY2(result.contains(QString::number(before, 'g', 5)) && result.contains(QString::number(after, 'g', 5)) &&
                 result.contains(QLocale().toString(shown)) &&
                 result.contains(QLocale().toString(adapter[QStringLiteral("stored_bits")].toDouble() / 8192.0, 'f', 1)),
             qPrintable(result));
    QVERIFY(d.liveText().contains(QString::number(after, 'g', 5)));
    QVERIFY(d.mergeButton()->isHidden());  // Q-BaRA does not fold into the groups
    auto* map = d.adapterMap();
    QVERIFY(!map->isHidden());
    QCOMPARE(map->quantity(), QStringLiteral("rank"));
    for (const auto& v : adapter[QStringLiteral("linears")].toArray()) {
      const QJsonObject l = v.toObject();
      const int block = l[QStringLiteral("block")].toInt();
      const QStringList names = {QStringLiteral("q_proj"),    QStringLiteral("k_proj"),  QStringLiteral("v_proj"),
                                 QStringLiteral("o_proj"),    QStringLiteral("gate_proj"), QStringLiteral("up_proj"),
                                 QStringLiteral("down_proj")};
      const int linear = static_cast<int>(names.indexOf(l[QStringLiteral("linear")].toString()));
      QVERIFY(linear >= 0);
      QCOMPARE(map->value(block, linear).value_or(-1), l[QStringLiteral("rank")].toDouble());
    }
    QCOMPARE(map->value(0, 0).value_or(-1), 16.0);  // Q-BaRA trains rank 2r
  }

  // Cancelled at its first step: no output folder; the resumable state is named.
  void cancelLeavesNoOutputFolder() {
    FinetuneDialog d;
    openSource(d, quantized_);
    d.setOptions(quick("lora", /*epochs=*/200));
    connect(&d, &FinetuneDialog::stepLoss, &d, [&d] { d.cancelFinetune(); });
    const QString out = work_.filePath(QStringLiteral("cancelled"));
    const auto [ok, message] = runFinetune(d, out);
    QVERIFY(!ok);
    QVERIFY2(message.contains(QStringLiteral("cancelled")), qPrintable(message));
    QVERIFY(!QFileInfo::exists(out));
    QVERIFY(!QFileInfo::exists(out + QStringLiteral(".tmp-%1").arg(QCoreApplication::applicationPid())));
    QVERIFY(d.startButton()->isEnabled() && d.cancelButton()->isHidden());
    QVERIFY(d.outcome() == std::nullopt);
  }

  // File → Finetune… on the loaded model; a QA-HiRA run and its merge join the comparison with
  // their report's numbers.
  void qahiraFromTheAppMergesAndJoinsTheComparison() {
    apiq::app::MainWindow w;
    QSignalSpy loaded(&w, &apiq::app::MainWindow::modelLoaded);
    w.openModel(quantized_);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
    QAction* action = fixture::fileMenuAction(w, QStringLiteral("&Finetune…"));
    QVERIFY(action);
    action->trigger();
    auto* d = w.findChild<FinetuneDialog*>();
    QVERIFY(d);
    QSignalSpy analyzed(d, &FinetuneDialog::sourceAnalyzed);
    QVERIFY(analyzed.wait(30000));
    QCOMPARE(d->source().folder, quantized_);
    d->setOptions(quick("qahira"));
    const QString out = work_.filePath(QStringLiteral("ft-qahira"));
    const auto [ok, message] = runFinetune(*d, out);
    QVERIFY2(ok, qPrintable(message));
    QVERIFY(w.comparison()->runDirs().contains(out));
    QVERIFY(!d->mergeButton()->isHidden());
    QSignalSpy merged(d, &FinetuneDialog::mergeFinished);
    d->mergeButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(merged.count(), 1, 120000);
    QVERIFY2(merged.at(0).at(0).toBool(), qPrintable(merged.at(0).at(1).toString()));
    const QString mergedDir = out + QStringLiteral("-merged");
    QVERIFY(QFileInfo::exists(mergedDir + QStringLiteral("/model.safetensors")));
    QCOMPARE(w.comparison()->runDirs(), (QStringList{out, mergedDir}));

    const auto* m = w.comparison()->summary();
    const auto cell = [m](const QString& dir, const char* key) {
      using apiq::widgets::ComparisonSummaryModel;
      return m->index(m->rowOf(dir), ComparisonSummaryModel::columnOf(key)).data(ComparisonSummaryModel::ValueRole);
    };
    const QJsonObject ft = readJson(out + QStringLiteral("/report.json"))[QStringLiteral("finetune")].toObject();
    const QJsonObject adapter = ft[QStringLiteral("adapter")].toObject();
    const double ppl = ft[QStringLiteral("evals")].toArray().last().toObject()[QStringLiteral("ppl")].toDouble();
    QCOMPARE(cell(out, "adapter").toString(), QStringLiteral("qahira"));
    QCOMPARE(cell(out, "adapter_params").toDouble(), adapter[QStringLiteral("trainable")].toDouble());
    QCOMPARE(cell(out, "adapter_kib").toDouble(), adapter[QStringLiteral("stored_bits")].toDouble() / 8 / 1024);
    QCOMPARE(cell(out, "adapter_rank").toString(), QString());  // QA-HiRA has pools, no rank
    QCOMPARE(cell(out, "finetuned_ppl").toDouble(), ppl);
    QCOMPARE(cell(mergedDir, "adapter").toString(), QStringLiteral("qahira (merged)"));
    QCOMPARE(cell(mergedDir, "adapter_kib").toDouble(), 0.0);
    QCOMPARE(cell(mergedDir, "finetuned_ppl").toDouble(), ppl);
    d->close();
  }
};

QTEST_MAIN(TstFinetuneDialog)
#include "tst_finetune_dialog.moc"
