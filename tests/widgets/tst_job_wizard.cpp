// SPDX-License-Identifier: GPL-3.0-or-later
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QAbstractButton>
#include <QTemporaryDir>
#include <QtTest>

#include "calibration/budget_allocation.h"
#include "job_wizard.h"
#include "methods/calibration_options.h"
#include "quant/nf_double_quant.h"
#include "size_estimate.h"

using apiq::widgets::JobWizard;

class TstJobWizard : public QObject {
  Q_OBJECT
 private:
  QString shared(const QString& rel) const { return QStringLiteral(APIQ_SHARED_DIR "/") + rel; }
  QString model() const { return shared(QStringLiteral("models/stories260K")); }
  bool haveModel() const { return QFileInfo::exists(model() + QStringLiteral("/config.json")); }

  // Types the model folder and moves to the quantization page with the given methods.
  void toQuantPage(JobWizard& w, const QStringList& methods) {
    auto* edit = w.findChild<QLineEdit*>(QStringLiteral("modelDirEdit"));
    QVERIFY(edit);
    QTest::keyClicks(edit, model());
    QVERIFY2(w.currentPage()->isComplete(), qPrintable(w.modelSummaryLabel()->text()));
    QVERIFY(w.modelSummaryLabel()->text().contains(QStringLiteral("5 blocks")));
    w.next();
    QCOMPARE(w.currentId(), int(JobWizard::MethodsPage));
    for (const QString& m : JobWizard::allMethods()) w.setField(QStringLiteral("method.") + m, methods.contains(m));
    QVERIFY(w.currentPage()->isComplete());
    w.next();
    QCOMPARE(w.currentId(), int(JobWizard::QuantPage));
  }

 private Q_SLOTS:
  void badFolderBlocksNext() {
    QTemporaryDir dir;
    JobWizard w;
    w.show();
    QVERIFY(!w.currentPage()->isComplete());
    w.setModelDir(dir.path());
    QVERIFY(!w.currentPage()->isComplete());
    QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
    QVERIFY2(w.modelSummaryLabel()->text().contains(QStringLiteral("config.json")),
             qPrintable(w.modelSummaryLabel()->text()));
    w.next();
    QCOMPARE(w.currentId(), int(JobWizard::ModelPage));
  }

  void atLeastOneMethod() {
    if (!haveModel()) QSKIP("../shared/models/stories260K is not available");
    JobWizard w;
    w.show();
    w.setModelDir(model());
    w.next();
    for (const QString& m : JobWizard::allMethods()) w.setField(QStringLiteral("method.") + m, false);
    QVERIFY(!w.currentPage()->isComplete());
    w.setField(QStringLiteral("method.rtn"), true);
    QVERIFY(w.currentPage()->isComplete());
  }

  void storiesProducesTwoSpecs() {
    if (!haveModel()) QSKIP("../shared/models/stories260K is not available");
    const QString calib = shared(QStringLiteral("data/tinystories-sample.txt"));
    if (!QFileInfo::exists(calib)) QSKIP("../shared/data/tinystories-sample.txt is not available");
    QTemporaryDir out;
    JobWizard w;
    w.show();
    toQuantPage(w, {QStringLiteral("qlora"), QStringLiteral("apiq-bw")});
    w.setField(QStringLiteral("bits"), QStringLiteral("2"));
    w.setField(QStringLiteral("groupSize"), QStringLiteral("64"));
    w.setField(QStringLiteral("rank"), 8);
    w.setField(QStringLiteral("alpha"), 16.0);
    w.setField(QStringLiteral("format"), QStringLiteral("int"));
    QVERIFY2(w.currentPage()->isComplete(), qPrintable(w.quantProblemsLabel()->text()));
    QVERIFY(!w.quantProblemsLabel()->isVisibleTo(&w));
    w.next();
    QCOMPARE(w.currentId(), int(JobWizard::DataPage));
    QVERIFY(!w.currentPage()->isComplete());  // no file yet
    w.setField(QStringLiteral("calibFile"), shared(QStringLiteral("data/no-such-file.txt")));
    QVERIFY(!w.currentPage()->isComplete());
    QVERIFY(w.dataProblemsLabel()->text().contains(QStringLiteral("no-such-file")));
    w.setField(QStringLiteral("calibFile"), calib);
    w.setField(QStringLiteral("nsamples"), 16);
    w.setField(QStringLiteral("seqLen"), 128);
    w.setField(QStringLiteral("seed"), 5);
    w.setField(QStringLiteral("epochs"), 3);
    QVERIFY2(w.currentPage()->isComplete(), qPrintable(w.dataProblemsLabel()->text()));
    w.next();
    QCOMPARE(w.currentId(), int(JobWizard::DevicePage));
    QVERIFY(!w.currentPage()->isComplete());  // no output folder yet
    w.setField(QStringLiteral("device"), QStringLiteral("cpu"));
    w.setField(QStringLiteral("threads"), 1);
    w.setField(QStringLiteral("outDir"), out.path());
    QVERIFY2(w.currentPage()->isComplete(), qPrintable(w.outputProblemsLabel()->text()));
    w.next();
    QCOMPARE(w.currentId(), int(JobWizard::ReviewPage));
    auto* review = w.findChild<QWidget*>(QStringLiteral("reviewText"));
    QVERIFY(review);
    QVERIFY(w.reviewText().contains(QStringLiteral("apiq-bw")));

    const auto specs = w.jobSpecs();
    QCOMPARE(specs.size(), 2);
    const char* const expected[] = {"qlora", "apiq-bw"};
    for (int i = 0; i < 2; ++i) {
      const auto& s = specs[i];
      const auto& o = s.options;
      QVERIFY(o.method == expected[i]);
      QCOMPARE(QDir(s.modelDir).canonicalPath(), QDir(model()).canonicalPath());
      QCOMPARE(s.calibFile, calib);
      QCOMPARE(s.outDir, QDir(out.path()).filePath(QString::fromLatin1(expected[i])));
      QCOMPARE(o.quant.bits, 2);
      QCOMPARE(qint64(o.quant.group_size), qint64(64));
      QVERIFY(o.quant.format == apiq::QuantizerOptions::Format::Int);
      QCOMPARE(qint64(o.lora.rank), qint64(8));
      QCOMPARE(o.lora.alpha, 16.0);
      QCOMPARE(qint64(o.nsamples), qint64(16));
      QCOMPARE(qint64(o.seq_len), qint64(128));
      QCOMPARE(quint64(o.seed), quint64(5));
      QCOMPARE(qint64(o.epochs), qint64(3));
      QCOMPARE(QString::fromStdString(o.device), QStringLiteral("cpu"));
      QCOMPARE(s.threads, 1);
      QCOMPARE(s.targetLinears, JobWizard::allLinears());
      QVERIFY(s.targetLinears.size() == 7);
      QVERIFY(o.targets == apiq::kAllTargets);
    }
    // An existing <out>/<method> is refused in place.
    w.back();
    QDir(out.path()).mkdir(QStringLiteral("qlora"));
    w.setField(QStringLiteral("outDir"), QString());
    w.setField(QStringLiteral("outDir"), out.path());
    QVERIFY(!w.currentPage()->isComplete());
    QVERIFY(w.outputProblemsLabel()->text().contains(QStringLiteral("already exists")));
  }

  void groupSizeTooLargeBlocksNext() {
    if (!haveModel()) QSKIP("../shared/models/stories260K is not available");
    JobWizard w;
    w.show();
    toQuantPage(w, {QStringLiteral("qlora")});
    QVERIFY(w.modelConfig().has_value());
    QCOMPARE(qint64(apiq::widgets::narrowest_in_features(*w.modelConfig())), qint64(64));
    w.setField(QStringLiteral("rank"), 8);
    w.setField(QStringLiteral("groupSize"), QStringLiteral("64"));
    QVERIFY(w.currentPage()->isComplete());
    w.setField(QStringLiteral("groupSize"), QStringLiteral("128"));
    QCOMPARE(w.field(QStringLiteral("groupSize")).toString(), QStringLiteral("128"));
    QVERIFY(!w.currentPage()->isComplete());
    QVERIFY(w.quantProblemsLabel()->isVisibleTo(&w));
    QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
    const QString msg = w.quantProblemsLabel()->text();
    QVERIFY2(msg.contains(QStringLiteral("128")) && msg.contains(QStringLiteral("64")), qPrintable(msg));
    w.next();
    QCOMPARE(w.currentId(), int(JobWizard::QuantPage));
    // Rank above min(in, out) = 32 (k_proj, v_proj: 64 → 32) is also explained.
    w.setField(QStringLiteral("groupSize"), QStringLiteral("32"));
    w.setField(QStringLiteral("rank"), 33);
    QVERIFY(!w.currentPage()->isComplete());
    QVERIFY(w.quantProblemsLabel()->text().contains(QStringLiteral("32")));
    w.setField(QStringLiteral("rank"), 32);
    QVERIFY(w.currentPage()->isComplete());
  }

  void estimateFollowsBits() {
    if (!haveModel()) QSKIP("../shared/models/stories260K is not available");
    JobWizard w;
    w.show();
    toQuantPage(w, {QStringLiteral("apiq-bw")});
    // The default rank 64 exceeds stories260K's k_proj/v_proj (64 → 32): the page offers 32.
    QCOMPARE(w.field(QStringLiteral("rank")).toInt(), 32);
    QVERIFY(w.currentPage()->isComplete());
    w.setField(QStringLiteral("rank"), 8);
    w.setField(QStringLiteral("bits"), QStringLiteral("2"));
    const QString two = w.sizeEstimateLabel()->text();
    QVERIFY(two.contains(QStringLiteral("peak memory")));
    w.setField(QStringLiteral("bits"), QStringLiteral("4"));
    const QString four = w.sizeEstimateLabel()->text();
    QVERIFY(!four.isEmpty());
    QVERIFY2(two != four, qPrintable(two));
    qInfo("2 bits: %s", qPrintable(two));
    qInfo("4 bits: %s", qPrintable(four));
    // Arithmetic check: 2 → 4 bits adds exactly params·2/8 bytes of codes.
    apiq::QuantizerOptions q2, q4;
    q2.bits = 2;
    q4.bits = 4;
    const auto all = JobWizard::allLinears();
    const auto e2 = apiq::widgets::estimate_size(*w.modelConfig(), q2, 8, true, all);
    const auto e4 = apiq::widgets::estimate_size(*w.modelConfig(), q4, 8, true, all);
    const double linearParams = 5.0 * (64 * 64 + 2 * 64 * 32 + 64 * 64 + 3 * 64 * 172);
    QCOMPARE(e4.codeBytes - e2.codeBytes, linearParams * 2 / 8);
    // Fewer targets: fewer codes, more dense bytes.
    const auto eq = apiq::widgets::estimate_size(*w.modelConfig(), q2, 8, true, {QStringLiteral("q_proj")});
    QVERIFY(eq.codeBytes < e2.codeBytes && eq.denseBytes > e2.denseBytes);
  }

  void nfWithApiqIsInvalid() {
    if (!haveModel()) QSKIP("../shared/models/stories260K is not available");
    JobWizard w;
    w.show();
    toQuantPage(w, {QStringLiteral("qlora"), QStringLiteral("apiq-bw")});
    w.setField(QStringLiteral("rank"), 8);
    w.setField(QStringLiteral("format"), QStringLiteral("int"));
    QVERIFY(w.currentPage()->isComplete());
    w.setField(QStringLiteral("format"), QStringLiteral("nf"));
    QVERIFY(!w.currentPage()->isComplete());
    QVERIFY2(w.quantProblemsLabel()->text().contains(QStringLiteral("nf")), qPrintable(w.quantProblemsLabel()->text()));
    QVERIFY(w.quantProblemsLabel()->isVisibleTo(&w));
    // Dropping apiq-bw (back to the methods page) makes nf acceptable.
    w.setField(QStringLiteral("method.apiq-bw"), false);
    QVERIFY(w.currentPage()->isComplete());
    QVERIFY(!w.quantProblemsLabel()->isVisibleTo(&w));
  }

  void chosenTargetsReachOptions() {
    if (!haveModel()) QSKIP("../shared/models/stories260K is not available");
    JobWizard w;
    w.show();
    toQuantPage(w, {QStringLiteral("rtn"), QStringLiteral("apiq-lw")});
    for (const QString& l : JobWizard::allLinears()) {
      auto* box = w.findChild<QCheckBox*>(QStringLiteral("target_") + l);
      QVERIFY(box);
      box->setChecked(l == QLatin1String("q_proj") || l == QLatin1String("v_proj") || l == QLatin1String("down_proj"));
    }
    const auto specs = w.jobSpecs();
    QCOMPARE(specs.size(), 2);
    for (const auto& s : specs) {
      QCOMPARE(s.targetLinears, (QStringList{QStringLiteral("q_proj"), QStringLiteral("v_proj"), QStringLiteral("down_proj")}));
      for (apiq::LinearKind k : apiq::kAllLinears)
        QCOMPARE(s.options.is_target(k),
                 k == apiq::LinearKind::Q || k == apiq::LinearKind::V || k == apiq::LinearKind::Down);
    }
  }

  // The memory budget mode on stories260K: the least and the most storage any allocation reaches,
  // by hand from the model's shapes through core's linear_storage_bits; the spec carries the budget.
  void budgetEstimateAndSpec() {
    if (!haveModel()) QSKIP("../shared/models/stories260K is not available");
    JobWizard w;
    w.show();
    toQuantPage(w, {QStringLiteral("apiq-bw")});
    w.setField(QStringLiteral("rank"), 8);
    w.setField(QStringLiteral("budgetMode"), 1);
    w.setField(QStringLiteral("budgetBits"), 3.0);
    QVERIFY(!w.findChild<QWidget*>(QStringLiteral("bitsCombo"))->isEnabled());  // the allocation chooses them

    // stories260K: hidden 64, 8 heads of 8, 4 kv heads, FFN 172, 5 blocks. (out, in) of q k v o gate up down:
    const std::pair<int64_t, int64_t> shapes[] = {{64, 64}, {32, 64}, {32, 64}, {64, 64}, {172, 64}, {172, 64}, {64, 172}};
    auto hand = [&](int64_t rank) {
      int64_t params = 0, least = 0, most = 0;
      for (const auto& [out, in] : shapes) {
        int64_t lo = INT64_MAX, hi = 0;
        for (int bits : {2, 3, 4, 8})
          for (int64_t g : {32, 64, 128}) {
            const int64_t b = apiq::linear_storage_bits(out, in, bits, g, rank);
            lo = std::min(lo, b), hi = std::max(hi, b);
          }
        params += 5 * out * in, least += 5 * lo, most += 5 * hi;
      }
      return std::tuple{params, least, most};
    };
    const auto [params, least8, most8] = hand(8);
    QCOMPARE(params, qint64(226560));
    const auto counted = JobWizard::budgetRange(*w.modelConfig(), w.settings());
    QCOMPARE(counted.params, params);
    QCOMPARE(counted.leastBits, least8);
    QCOMPARE(counted.mostBits, most8);
    const QString text = w.budgetEstimateLabel()->text();
    const double leastPerParam = double(least8) / double(params);
    QVERIFY2(text.contains(QLocale().toString(leastPerParam, 'f', 3)) &&
                 text.contains(QLocale().toString(double(most8) / double(params), 'f', 3)) &&
                 text.contains(QLocale().toString(double(least8) / 8e6, 'f', 3)),
             qPrintable(text));
    // Rank-8 fp32 factors alone take 8·(in+out)·32 bits per linear: far above 3 bits per parameter.
    QVERIFY(leastPerParam > 3.0);
    QVERIFY(!w.currentPage()->isComplete());
    QVERIFY2(w.quantProblemsLabel()->text().contains(QStringLiteral("below the least")), qPrintable(w.quantProblemsLabel()->text()));

    // Without the LoRA factors the budget fits.
    w.setField(QStringLiteral("budgetCountsLora"), false);
    const auto [p0, least0, most0] = hand(0);
    const auto weights = JobWizard::budgetRange(*w.modelConfig(), w.settings());
    QCOMPARE(weights.leastBits, least0);
    QCOMPARE(weights.mostBits, most0);
    QVERIFY(double(least0) / double(p0) < 3.0);
    QVERIFY2(w.currentPage()->isComplete(), qPrintable(w.quantProblemsLabel()->text()));
    auto specs = w.jobSpecs();
    QCOMPARE(specs.size(), 1);
    QCOMPARE(specs[0].options.budget, 3.0);
    QVERIFY(!specs[0].options.budget_counts_lora);
    QVERIFY(specs[0].options.problems().empty());
    QVERIFY(w.reviewText().contains(QStringLiteral("memory budget of 3.000 bits per parameter")));

    // A target size in MB: bits per parameter over the quantized linears' weights.
    w.setField(QStringLiteral("budgetUnit"), 1);
    QCOMPARE(w.field(QStringLiteral("budgetMb")).toDouble(), 3.0 * double(params) / 8e6);  // same budget, other unit
    w.setField(QStringLiteral("budgetMb"), 0.1);
    specs = w.jobSpecs();
    QCOMPARE(specs[0].options.budget, 0.1 * 8e6 / double(params));
    // Back to uniform bits: no budget.
    w.setField(QStringLiteral("budgetMode"), 0);
    QCOMPARE(w.jobSpecs()[0].options.budget, 0.0);
  }

  // With the nf format the budget chooses over LQ-LoRA's NF grid: the range is counted by hand here
  // over b {2, 3, 4} × b0 {2, 3, 4, 8} × b1 {16, 16, 32 bits} × B0 {16, 32, 64} × B1 {16, 64, 256}
  // through core's nf_linear_storage_bits, and the spec carries the budget with no problem.
  void budgetOverTheNFGrid() {
    if (!haveModel()) QSKIP("../shared/models/stories260K is not available");
    JobWizard w;
    w.show();
    toQuantPage(w, {QStringLiteral("qlora")});
    w.setField(QStringLiteral("rank"), 8);
    w.setField(QStringLiteral("format"), QStringLiteral("nf"));
    auto* mode = w.findChild<QComboBox*>(QStringLiteral("precisionCombo"));
    QVERIFY(mode && mode->isEnabled());
    w.setField(QStringLiteral("budgetMode"), 1);
    w.setField(QStringLiteral("budgetCountsLora"), false);
    w.setField(QStringLiteral("budgetBits"), 3.0);
    const std::pair<int64_t, int64_t> shapes[] = {{64, 64}, {32, 64}, {32, 64}, {64, 64}, {172, 64}, {172, 64}, {64, 172}};
    int64_t least = 0, most = 0;
    for (const auto& [out, in] : shapes) {
      int64_t lo = INT64_MAX, hi = 0;
      apiq::QuantizerOptions q;
      q.format = apiq::QuantizerOptions::Format::NF;
      for (int b : {2, 3, 4})
        for (int b0 : {2, 3, 4, 8})
          for (auto b1 : {apiq::QuantizerOptions::NFScaleFloat::BF16, apiq::QuantizerOptions::NFScaleFloat::FP32})
            for (int64_t B0 : {16, 32, 64})
              for (int64_t B1 : {16, 64, 256}) {
                q.bits = b, q.nf_scale_bits = b0, q.nf_scale_float = b1, q.nf_block_size = B0, q.nf_scale_block = B1;
                const int64_t bits = apiq::nf_linear_storage_bits(out, in, q);
                lo = std::min(lo, bits), hi = std::max(hi, bits);
              }
      least += 5 * lo, most += 5 * hi;
    }
    const auto counted = JobWizard::budgetRange(*w.modelConfig(), w.settings());
    QCOMPARE(counted.leastBits, least);
    QCOMPARE(counted.mostBits, most);
    QVERIFY(counted.leastPerParam() < 3.0);
    QVERIFY2(w.currentPage()->isComplete(), qPrintable(w.quantProblemsLabel()->text()));
    const auto specs = w.jobSpecs();
    QCOMPARE(specs[0].options.budget, 3.0);
    QVERIFY(specs[0].options.quant.format == apiq::QuantizerOptions::Format::NF);
    QVERIFY(specs[0].options.problems().empty());
  }
};

QTEST_MAIN(TstJobWizard)
#include "tst_job_wizard.moc"
