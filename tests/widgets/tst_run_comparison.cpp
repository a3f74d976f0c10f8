// SPDX-License-Identifier: GPL-3.0-or-later
// The Comparison tab against values computed here from the run folders' own files (report.json,
// config.json and the safetensors headers, read with Qt's JSON parser) and against `apiq eval`.
#include <QDateTime>
#include <QFont>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QDir>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "calibration/calibration.h"
#include "calibration/comparison_table.h"
#include "finetune/finetune.h"
#include "comparison_chart.h"
#include "comparison_summary_model.h"
#include "quantized_fixture.h"
#include "run_comparison.h"

using namespace apiq::widgets;

namespace {

using fixture::readJson;

// Bytes of the tensors of DIR/model.safetensors by suffix class, from the header alone.
struct CountedBytes {
  double model = 0, linears = 0, clipping = 0;
};
CountedBytes countBytes(const QString& dir) {
  QFile f(dir + QStringLiteral("/model.safetensors"));
  CountedBytes c;
  if (!f.open(QIODevice::ReadOnly)) return c;
  quint64 n = 0;
  f.read(reinterpret_cast<char*>(&n), 8);  // little-endian u64 header length
  const QJsonObject header = QJsonDocument::fromJson(f.read(static_cast<qint64>(n))).object();
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == QLatin1String("__metadata__")) continue;
    const QJsonArray off = it.value().toObject().value(QStringLiteral("data_offsets")).toArray();
    const double bytes = off.at(1).toDouble() - off.at(0).toDouble();
    const QString name = it.key();
    if (name.endsWith(QLatin1String(".clip_gamma")) || name.endsWith(QLatin1String(".clip_beta"))) {
      c.clipping += bytes;
      continue;
    }
    c.model += bytes;
    for (const char* s : {".qweight", ".scales", ".zeros", ".nf_absmax", ".lora_A", ".lora_B", ".qbara_A", ".qbara_B"})
      if (name.endsWith(QLatin1String(s))) c.linears += bytes;
  }
  return c;
}

// Element count of the seven linears of every block, from config.json.
double linearParams(const QString& dir) {
  const QJsonObject c = readJson(dir + QStringLiteral("/config.json"));
  const double d = c[QStringLiteral("hidden_size")].toDouble(), f = c[QStringLiteral("intermediate_size")].toDouble();
  const double heads = c[QStringLiteral("num_attention_heads")].toDouble();
  const double kv = c[QStringLiteral("num_key_value_heads")].toDouble(), head = d / heads;
  const double perBlock = d * d /*q*/ + 2 * kv * head * d /*k, v*/ + d * d /*o*/ + 3 * f * d /*gate, up, down*/;
  return perBlock * c[QStringLiteral("num_hidden_layers")].toDouble();
}

double evalPerplexity(const QString& dir, const QString& text, int seqLen, int windows) {
  QProcess p;
  p.start(QStringLiteral(APIQ_CLI), {QStringLiteral("eval"), dir, QStringLiteral("--data"), text, QStringLiteral("--seq-len"),
                                     QString::number(seqLen), QStringLiteral("--max-windows"), QString::number(windows),
                                     QStringLiteral("--json")});
  if (!p.waitForFinished(120000) || p.exitCode() != 0) return std::nan("");
  return QJsonDocument::fromJson(p.readAllStandardOutput()).object()[QStringLiteral("ppl")].toDouble();
}

QVector<QStringList> parseCsv(const QString& text) {
  QVector<QStringList> rows;
  for (const QString& line : text.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
    QStringList cells;
    QString cell;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
      const QChar ch = line[i];
      if (quoted && ch == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) cell += ch, ++i;
      else if (ch == QLatin1Char('"')) quoted = !quoted;
      else if (ch == QLatin1Char(',') && !quoted) cells << cell, cell.clear();
      else cell += ch;
    }
    rows << (cells << cell);
  }
  return rows;
}

}  // namespace

class TstRunComparison : public QObject {
  Q_OBJECT
  QTemporaryDir work_;
  QString shared_ = QStringLiteral(APIQ_SHARED_DIR);
  QStringList runs_;

 private Q_SLOTS:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, work_.filePath(QStringLiteral("settings")));
    if (!QFileInfo::exists(shared_ + QStringLiteral("/models/stories260K/model.safetensors")))
      QSKIP("../shared/models/stories260K is not available");
    apiq::CalibrationOptions o;
    o.lora.rank = 8;
    o.nsamples = 4;
    o.seq_len = 64;
    o.epochs = 2;
    for (auto m : {"qlora", "loftq", "apiq-bw"}) {
      o.method = m;
      const QString out = work_.filePath(QString::fromLatin1(m));
      apiq::calibrate_model((shared_ + QStringLiteral("/models/stories260K")).toStdString(),
                            (shared_ + QStringLiteral("/data/tinystories-sample.txt")).toStdString(), out.toStdString(), o);
      runs_ << out;
    }
  }

  // Every cell of the summary against the folders' files; the reference row first.
  void summaryMatchesTheFolders() {
    RunComparisonWidget w;
    QVERIFY(w.setRunDirs(runs_));
    const auto* m = w.summary();
    QCOMPARE(m->rowCount(), 4);
    QCOMPARE(m->index(0, 0).data().toString(), QStringLiteral("full precision"));
    const auto value = [m](int row, const char* key) { return m->index(row, ComparisonSummaryModel::columnOf(key)).data(ComparisonSummaryModel::ValueRole); };
    double bestErr = 1e300;
    int bestRow = -1;
    for (int i = 0; i < runs_.size(); ++i) {
      const int row = i + 1;
      const CountedBytes bytes = countBytes(runs_[i]);
      QVERIFY(bytes.model > 0 && bytes.linears > 0);
      QCOMPARE(value(row, "size_mb").toDouble(), bytes.model / 1e6);
      QVERIFY(std::fabs(value(row, "bits_per_param").toDouble() - 8 * bytes.linears / linearParams(runs_[i])) < 1e-12);
      const QJsonObject report = readJson(runs_[i] + QStringLiteral("/report.json"));
      double err = 0, mse = 0;
      const QJsonArray layers = report[QStringLiteral("layers")].toArray(), blocks = report[QStringLiteral("blocks")].toArray();
      for (const auto& l : layers) err += l.toObject()[QStringLiteral("act_err")].toDouble();
      for (const auto& b : blocks) mse += b.toObject()[QStringLiteral("out_mse")].toDouble();
      err /= layers.size();
      mse /= blocks.size();
      QVERIFY(std::fabs(value(row, "act_err").toDouble() - err) <= 1e-12 * err);
      QVERIFY(std::fabs(value(row, "block_mse").toDouble() - mse) <= 1e-12 * mse);
      QCOMPARE(value(row, "seconds").toDouble(), report[QStringLiteral("seconds")].toDouble());
      QCOMPARE(value(row, "peak_mib").toDouble(), report[QStringLiteral("peak_memory_bytes")].toDouble() / 1048576.0);
      QCOMPARE(value(row, "device").toString(), report[QStringLiteral("device")].toString());
      QVERIFY(!value(row, "device").toString().isEmpty());
      if (err < bestErr) bestErr = err, bestRow = row;
    }
    // The reference: all its tensors, the linears at 32 bits (stories260K is fp32), no error.
    QCOMPARE(value(0, "size_mb").toDouble(), countBytes(shared_ + QStringLiteral("/models/stories260K")).model / 1e6);
    QCOMPARE(value(0, "bits_per_param").toDouble(), 32.0);
    QVERIFY(value(0, "act_err").isNull());
    const int errColumn = ComparisonSummaryModel::columnOf("act_err");
    QCOMPARE(m->bestRow(errColumn), bestRow);
    QVERIFY(m->index(bestRow, errColumn).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(m->index(bestRow, errColumn).data(ComparisonSummaryModel::BestRole).toBool());
  }

  // Perplexities computed off the GUI thread equal `apiq eval` on the same text and windows.
  void perplexityEqualsApiqEval() {
    RunComparisonWidget w;
    QVERIFY(w.setRunDirs(runs_));
    const QString text = shared_ + QStringLiteral("/data/eval/tinystories-6000.txt");
    w.setPerplexityText(text);
    w.setPerplexityWindows(64, 4);
    QSignalSpy done(&w, &RunComparisonWidget::perplexitiesComputed);
    QSignalSpy progress(w.perplexityTask(), &CoreTask::progress);
    w.computePerplexities();
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
    QVERIFY(progress.count() > 0);
    const int col = ComparisonSummaryModel::columnOf("perplexity");
    for (int row = 0; row < 4; ++row) {
      const QString dir = row == 0 ? shared_ + QStringLiteral("/models/stories260K") : runs_[row - 1];
      const double ours = w.summary()->index(row, col).data(ComparisonSummaryModel::ValueRole).toDouble();
      const double cli = evalPerplexity(dir, text, 64, 4);
      QVERIFY2(std::fabs(ours - cli) <= 1e-9 * cli, qPrintable(QStringLiteral("%1: %2 vs %3").arg(dir).arg(ours).arg(cli)));
    }
    QVERIFY(w.summary()->bestRow(col) >= 1);  // a run, never the full-precision row
  }

  // The per-block series are the reports' numbers; the per-linear view filters by kind.
  void chartSeriesEqualReports() {
    RunComparisonWidget w;
    QVERIFY(w.setRunDirs(runs_));
    ComparisonChart* c = w.chart();
    QCOMPARE(c->seriesNames(), (QStringList{QStringLiteral("qlora"), QStringLiteral("loftq"), QStringLiteral("apiq-bw")}));
    for (int i = 0; i < runs_.size(); ++i) {
      const QString name = c->seriesNames()[i];
      const QJsonObject report = readJson(runs_[i] + QStringLiteral("/report.json"));
      const QJsonArray layers = report[QStringLiteral("layers")].toArray(), blocks = report[QStringLiteral("blocks")].toArray();
      c->setView(ComparisonChart::View::BlockMse);
      auto s = c->series(name);
      QCOMPARE(s.size(), 5);
      for (int b = 0; b < 5; ++b)
        QCOMPARE(s[b], QPointF(b, blocks[b].toObject()[QStringLiteral("out_mse")].toDouble()));
      c->setView(ComparisonChart::View::BlockActErr);
      s = c->series(name);
      QCOMPARE(s.size(), 5);
      for (int b = 0; b < 5; ++b) {
        double sum = 0;
        for (int k = 0; k < 7; ++k) sum += layers[b * 7 + k].toObject()[QStringLiteral("act_err")].toDouble();
        QVERIFY(std::fabs(s[b].y() - sum / 7) <= 1e-12 * sum);
      }
      c->setView(ComparisonChart::View::LinearActErr);
      c->setLinearFilter(ComparisonChart::AllLinears);
      QCOMPARE(c->series(name).size(), 35);
      c->setLinearFilter(6);  // down_proj
      s = c->series(name);
      QCOMPARE(s.size(), 5);
      for (int b = 0; b < 5; ++b) {
        const QJsonObject l = layers[b * 7 + 6].toObject();
        QCOMPARE(l[QStringLiteral("linear")].toString(), QStringLiteral("down_proj"));
        QCOMPARE(s[b], QPointF(b, l[QStringLiteral("act_err")].toDouble()));
      }
    }
    c->setLogScale(true);
    QVERIFY(c->logScale());
    // The per-linear table: 35 linears, the lowest of each row bold.
    QCOMPARE(w.layerTable()->rowCount(), 35);
    QCOMPARE(w.layerTable()->columnCount(), 5);
    const int best = w.bestColumn(34);
    QVERIFY(best >= 2 && w.layerTable()->item(34, best)->font().bold());
  }

  void hoverShowsTheNearestValue() {
    RunComparisonWidget w;
    QVERIFY(w.setRunDirs(runs_));
    w.resize(1100, 700);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    ComparisonChart* c = w.chart();
    c->setView(ComparisonChart::View::BlockMse);
    QTest::qWait(50);
    const double v = c->series(QStringLiteral("loftq"))[2].y();
    const QString text = c->hoverText(c->pixelOf(QStringLiteral("loftq"), 2));
    QVERIFY2(text.contains(QStringLiteral("block 2")) && text.contains(QString::number(v, 'g', 6)), qPrintable(text));
    QVERIFY(c->hoverText(QPoint(-100, -100)).isEmpty());
  }

  void csvAndImagesRoundTrip() {
    RunComparisonWidget w;
    QVERIFY(w.setRunDirs(runs_));
    QTemporaryDir out;
    QVERIFY(w.saveCharts(out.path()));
    for (const char* name : {"per-block-activation-error", "per-block-mse", "per-linear-activation-error"}) {
      const QImage png(out.filePath(QString::fromLatin1(name) + QStringLiteral(".png")));
      QVERIFY(!png.isNull() && png.width() == 960 && png.height() == 480);
      QFile svg(out.filePath(QString::fromLatin1(name) + QStringLiteral(".svg")));
      QVERIFY(svg.open(QIODevice::ReadOnly) && svg.readAll().contains("<svg"));
    }
    // The chart's CSV gives back every point of the view.
    w.chart()->setView(ComparisonChart::View::BlockMse);
    QVERIFY(w.chart()->saveCsv(out.filePath(QStringLiteral("mse.csv"))));
    QFile f(out.filePath(QStringLiteral("mse.csv")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto rows = parseCsv(QString::fromUtf8(f.readAll()));
    QCOMPARE(rows.front(), (QStringList{QStringLiteral("run"), QStringLiteral("x"), QStringLiteral("y")}));
    int i = 1;
    for (const QString& name : w.chart()->seriesNames())
      for (const QPointF& p : w.chart()->series(name)) {
        QCOMPARE(rows[i][0], name);
        QCOMPARE(rows[i][1].toDouble(), p.x());
        QCOMPARE(rows[i][2].toDouble(), p.y());
        ++i;
      }
    QCOMPARE(i, rows.size());
    // The summary CSV gives back every number of the table exactly.
    const auto table = parseCsv(w.summary()->toCsv());
    QCOMPARE(table.size(), 5);
    for (int row = 0; row < 4; ++row)
      for (int col = 0; col < w.summary()->columnCount(); ++col) {
        const QVariant v = w.summary()->index(row, col).data(ComparisonSummaryModel::ValueRole);
        if (v.typeId() == QMetaType::Double) QCOMPARE(table[row + 1][col].toDouble(), v.toDouble());
        else if (v.isNull()) QVERIFY(table[row + 1][col].isEmpty());
      }
  }

  // Computed perplexities come back after a restart, but never for a run rewritten since.
  void perplexitiesSurviveARestart() {
    QSettings().clear();
    const QString text = shared_ + QStringLiteral("/data/eval/tinystories-6000.txt");
    const int col = ComparisonSummaryModel::columnOf("perplexity");
    {
      RunComparisonWidget w;
      w.restoreSettings();
      QVERIFY(w.setRunDirs({runs_[0]}));
      w.setPerplexityText(text);
      w.setPerplexityWindows(64, 2);
      QSignalSpy done(&w, &RunComparisonWidget::perplexitiesComputed);
      w.computePerplexities();
      QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
    }
    RunComparisonWidget again;
    again.restoreSettings();
    QCOMPARE(again.summary()->rowCount(), 2);
    const QVariant kept = again.summary()->index(1, col).data(ComparisonSummaryModel::ValueRole);
    QVERIFY(!kept.isNull());
    QVERIFY(std::fabs(kept.toDouble() - evalPerplexity(runs_[0], text, 64, 2)) <= 1e-9 * kept.toDouble());
    QVERIFY(!again.summary()->index(0, col).data(ComparisonSummaryModel::ValueRole).isNull());  // the reference too
    QFile report(runs_[0] + QStringLiteral("/report.json"));
    QVERIFY(report.open(QIODevice::ReadWrite));
    QVERIFY(report.setFileTime(QDateTime::currentDateTime().addSecs(60), QFileDevice::FileModificationTime));
    report.close();
    QVERIFY(again.setRunDirs({runs_[0]}));
    QVERIFY(again.summary()->index(1, col).data(ComparisonSummaryModel::ValueRole).isNull());
    QSettings().clear();
  }

  // Other windows are another measurement; two runs in folders of the same name stay apart.
  void windowsAndNamesKeepRowsApart() {
    RunComparisonWidget w;
    QVERIFY(w.setRunDirs({runs_[0]}));
    w.setPerplexityText(shared_ + QStringLiteral("/data/eval/tinystories-6000.txt"));
    w.setPerplexityWindows(64, 2);
    QSignalSpy done(&w, &RunComparisonWidget::perplexitiesComputed);
    w.computePerplexities();
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
    const int col = ComparisonSummaryModel::columnOf("perplexity");
    QVERIFY(!w.summary()->index(1, col).data(ComparisonSummaryModel::ValueRole).isNull());
    auto* windows = w.findChildren<QSpinBox*>().at(1);  // "at most N windows"
    windows->setValue(3);
    QVERIFY(w.summary()->index(1, col).data(ComparisonSummaryModel::ValueRole).isNull());
    windows->setValue(2);  // back: the value computed for these settings returns
    QVERIFY(!w.summary()->index(1, col).data(ComparisonSummaryModel::ValueRole).isNull());

    const QString other = work_.filePath(QStringLiteral("other/qlora"));
    QVERIFY(QDir().mkpath(other));
    for (const QString& f : QDir(runs_[0]).entryList(QDir::Files)) QVERIFY(QFile::copy(runs_[0] + QLatin1Char('/') + f, other + QLatin1Char('/') + f));
    QVERIFY(w.setRunDirs({runs_[0], other}));
    const QString first = QFileInfo(work_.path()).fileName() + QStringLiteral("/qlora");
    QCOMPARE(w.chart()->seriesNames(), (QStringList{first, QStringLiteral("other/qlora")}));
    QCOMPARE(w.summary()->index(2, 0).data().toString(), QStringLiteral("other/qlora"));
  }

  // A finetuned run's columns are its report's finetune section; other runs leave them empty. The
  // finetuned adapter's tensors count in its bits per parameter; the CSV ends with the new columns.
  void finetuneColumnsEqualTheReport() {
    const QString ft = work_.filePath(QStringLiteral("loftq-qbara")), train = work_.filePath(QStringLiteral("ft-train.txt"));
    {
      QFile in(shared_ + QStringLiteral("/data/tinystories-sample.txt")), out(train);
      QVERIFY(in.open(QIODevice::ReadOnly) && out.open(QIODevice::WriteOnly));
      out.write(in.read(5000));
    }
    apiq::FinetuneOptions o;
    o.adapter.kind = "qbara";
    o.data.seq_len = 32;
    o.data.max_eval_examples = 4;
    o.batch = 8;
    apiq::finetune(runs_[1].toStdString(), train.toStdString(), ft.toStdString(), o);
    RunComparisonWidget w;
    QVERIFY(w.setRunDirs({runs_[1], ft}));
    const auto* m = w.summary();
    const auto value = [m](int row, const char* key) {
      return m->index(row, ComparisonSummaryModel::columnOf(key)).data(ComparisonSummaryModel::ValueRole);
    };
    const int base = m->rowOf(runs_[1]), tuned = m->rowOf(ft);
    QVERIFY(base >= 1 && tuned >= 1);
    const QJsonObject finetune = readJson(ft + QStringLiteral("/report.json"))[QStringLiteral("finetune")].toObject();
    const QJsonObject adapter = finetune[QStringLiteral("adapter")].toObject();
    QCOMPARE(value(tuned, "adapter").toString(), QStringLiteral("qbara"));
    QCOMPARE(value(tuned, "adapter_params").toDouble(), adapter[QStringLiteral("trainable")].toDouble());
    QCOMPARE(value(tuned, "adapter_kib").toDouble(), adapter[QStringLiteral("stored_bits")].toDouble() / 8 / 1024);
    double lowest = 1e300, highest = 0;
    for (const auto& l : adapter[QStringLiteral("linears")].toArray())
      lowest = std::min(lowest, l.toObject()[QStringLiteral("rank")].toDouble()),
      highest = std::max(highest, l.toObject()[QStringLiteral("rank")].toDouble());
    QCOMPARE(lowest, 16.0);  // Q-BaRA trains rank 2r on r = 8's parameters
    QCOMPARE(value(tuned, "adapter_rank").toString(), QString::number(highest));
    QCOMPARE(value(tuned, "finetuned_ppl").toDouble(),
             finetune[QStringLiteral("evals")].toArray().last().toObject()[QStringLiteral("ppl")].toDouble());
    for (const char* key : {"adapter_params", "adapter_kib", "finetuned_ppl"}) {
      QVERIFY(value(base, key).isNull());
      QVERIFY(value(0, key).isNull());  // the reference row
    }
    QVERIFY(value(base, "adapter").toString().isEmpty() && value(base, "adapter_rank").toString().isEmpty());
    const CountedBytes bytes = countBytes(ft);
    QVERIFY(std::fabs(value(tuned, "bits_per_param").toDouble() - 8 * bytes.linears / linearParams(ft)) < 1e-12);
    const auto csv = parseCsv(m->toCsv());
    QCOMPARE(csv.front().mid(csv.front().size() - 5),
             (QStringList{QStringLiteral("adapter"), QStringLiteral("adapter_params"), QStringLiteral("adapter_kib"),
                          QStringLiteral("adapter_rank"), QStringLiteral("finetuned_ppl")}));
    QCOMPARE(csv[tuned + 1].last().toDouble(), value(tuned, "finetuned_ppl").toDouble());
    // The same rows as `apiq compare` prints them: the finetuned run's adapter in the text table.
    const QString text = QString::fromStdString(apiq::comparison_text(m->rows()));
    QVERIFY2(text.contains(QStringLiteral("finetuned ppl")) && text.contains(QStringLiteral("qbara")), qPrintable(text));
    QCOMPARE(m->headerData(ComparisonSummaryModel::columnOf("finetuned_ppl"), Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("Finetuned perplexity"));
  }

  void addRemoveAndPersist() {
    {
      RunComparisonWidget w;
      w.restoreSettings();
      QCOMPARE(w.runDirs().size(), 0);
      QSignalSpy changed(&w, &RunComparisonWidget::runsChanged);
      QVERIFY(w.addRun(runs_[0]));
      QVERIFY(w.addRun(runs_[2]));
      QVERIFY(w.addRun(runs_[0]));  // already there: nothing changes
      QCOMPARE(changed.count(), 2);
      QCOMPARE(w.summary()->rowCount(), 3);  // reference + two runs
      QString error;
      QVERIFY(!w.addRun(work_.path(), &error));
      QVERIFY2(error.contains(QStringLiteral("report.json")), qPrintable(error));
      w.addRun(runs_[1]);
      w.removeRun(runs_[1]);
      w.setPerplexityText(QStringLiteral("/some/text.txt"));
    }
    RunComparisonWidget again;  // "after a restart"
    again.restoreSettings();
    QCOMPARE(again.runDirs(), (QStringList{runs_[0], runs_[2]}));
    QCOMPARE(again.summary()->rowCount(), 3);
    // A batch export (no restoreSettings) leaves the saved set alone.
    {
      RunComparisonWidget batch;
      batch.setRunDirs({runs_[1]});
    }
    RunComparisonWidget third;
    third.restoreSettings();
    QCOMPARE(third.runDirs(), (QStringList{runs_[0], runs_[2]}));
  }
};

QTEST_MAIN(TstRunComparison)
#include "tst_run_comparison.moc"
