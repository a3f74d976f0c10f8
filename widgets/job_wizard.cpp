// SPDX-License-Identifier: GPL-3.0-or-later
#include "job_wizard.h"

#include <torch/cuda.h>

#include <QCheckBox>
#include <QCoreApplication>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>

#include "methods/method.h"
#include "job_wizard_page.h"
#include "size_estimate.h"

namespace apiq::widgets {

using namespace wizard_detail;

QStringList JobWizard::allMethods() {
  QStringList out;
  for (const Method* m : method_table()) out << QString::fromLatin1(m->name());
  return out;
}

QStringList JobWizard::allLinears() {
  QStringList out;
  for (LinearKind k : kAllLinears) out << QString::fromLatin1(linear_short_name(k));
  return out;
}

JobWizard::JobWizard(QWidget* parent) : QWizard(parent) {
  setWindowTitle(tr("New calibration job"));
  setOption(QWizard::NoBackButtonOnStartPage);
  setPage(ModelPage, createModelPage());
  setPage(MethodsPage, createMethodsPage());
  setPage(QuantPage, createQuantPage());
  setPage(DataPage, createDataPage());
  setPage(DevicePage, createDevicePage());
  setPage(ReviewPage, createReviewPage());
  setStartId(ModelPage);
}

// ---------------------------------------------------------------------------------------- pages

QWizardPage* JobWizard::createModelPage() {
  auto* page = new CheckedPage;
  page->setTitle(tr("Model"));
  page->setSubTitle(tr("Choose the folder of a full-precision Llama model (config.json, weights, tokenizer)."));
  modelEdit_ = new QLineEdit;
  modelEdit_->setObjectName(QStringLiteral("modelDirEdit"));
  modelEdit_->setPlaceholderText(tr("Model folder"));
  auto* browse = new QPushButton(tr("Browse…"));
  modelSummary_ = new QLabel;
  modelSummary_->setObjectName(QStringLiteral("modelSummaryLabel"));
  modelSummary_->setWordWrap(true);
  auto* lay = new QVBoxLayout(page);
  lay->addLayout(browseRow(modelEdit_, browse));
  lay->addWidget(modelSummary_);
  lay->addStretch(1);
  page->registerField(QStringLiteral("modelDir"), modelEdit_);
  page->complete = [this] { return config_.has_value(); };
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString d = QFileDialog::getExistingDirectory(this, tr("Model folder"), modelEdit_->text());
    if (!d.isEmpty()) modelEdit_->setText(d);
  });
  connect(modelEdit_, &QLineEdit::textChanged, this, [this, page] {
    loadConfig();
    page->recheck();
  });
  loadConfig();
  return page;
}

void JobWizard::setModelDir(const QString& dir) { modelEdit_->setText(dir); }

void JobWizard::loadConfig() {
  config_.reset();
  const QString dir = modelEdit_->text().trimmed();
  if (dir.isEmpty()) {
    modelSummary_->setStyleSheet(QString());
    modelSummary_->setText(tr("No model chosen yet."));
    return;
  }
  try {
    const QString path = QDir(dir).filePath(QStringLiteral("config.json"));
    config_ = LlamaConfig::from_file(path.toStdString());
    const LlamaConfig& c = *config_;
    if (seqLen_ && seqLen_->value() > c.max_sequence())  // a sequence cannot exceed the context
      seqLen_->setValue(static_cast<int>(c.max_sequence()));
    modelSummary_->setStyleSheet(QString());
    modelSummary_->setText(tr("%1 · %2 blocks · hidden %3 · intermediate %4 · %5 heads (%6 kv) · vocab %7 · %8 parameters")
                               .arg(QString::fromStdString(c.model_type))
                               .arg(c.num_hidden_layers)
                               .arg(c.hidden_size)
                               .arg(c.intermediate_size)
                               .arg(c.num_attention_heads)
                               .arg(c.num_key_value_heads)
                               .arg(c.vocab_size)
                               .arg(QLocale().toString(static_cast<qlonglong>(parameter_count(c)))));
  } catch (const std::exception& e) {
    config_.reset();
    modelSummary_->setStyleSheet(QStringLiteral("color: #c62828;"));
    modelSummary_->setText(QString::fromStdString(e.what()));
  }
}

QWizardPage* JobWizard::createMethodsPage() {
  auto* page = new CheckedPage;
  page->setTitle(tr("Methods"));
  page->setSubTitle(tr("Choose one or more methods; several at once are run one after another for a comparison."));
  auto* lay = new QVBoxLayout(page);
  const QStringList methods = allMethods();
  for (int i = 0; i < methods.size(); ++i) {
    const Method& m = find_method(methods[i].toStdString());
    auto* box = new QCheckBox(tr("%1: %2").arg(methods[i], QCoreApplication::translate("apiq::Method", m.summary())));
    box->setObjectName(QStringLiteral("method_") + methods[i]);
    box->setChecked(methods[i] == QLatin1String("apiq-bw"));
    methodBoxes_ << box;
    lay->addWidget(box);
    page->registerField(QStringLiteral("method.") + methods[i], box);
    connect(box, &QCheckBox::toggled, page, &CheckedPage::recheck);
  }
  auto* hint = new QLabel(tr("Choose at least one method."));
  hint->setStyleSheet(QStringLiteral("color: #c62828;"));
  lay->addWidget(hint);
  lay->addStretch(1);
  page->complete = [this, hint] {
    bool any = false;
    for (auto* b : methodBoxes_) any = any || b->isChecked();
    hint->setVisible(!any);
    return any;
  };
  return page;
}

// One check box per linear kind: the linears quantized in every block.
QWidget* JobWizard::createTargetsBox(QWidget* page) {
  auto* targets = new QWidget;
  auto* tl = new QGridLayout(targets);
  tl->setContentsMargins(0, 0, 0, 0);
  const QString targetTip =
      tr("The linears to quantize in every block. The others stay in full precision: no quantizer, no LoRA "
         "adapter, their weights stored as they are.");
  const QStringList linears = allLinears();
  for (int i = 0; i < linears.size(); ++i) {
    auto* box = new QCheckBox(linears[i]);
    box->setObjectName(QStringLiteral("target_") + linears[i]);
    box->setChecked(true);
    box->setToolTip(targetTip);
    linearBoxes_ << box;
    tl->addWidget(box, i / 4, i % 4);
    static_cast<CheckedPage*>(page)->registerField(QStringLiteral("target.") + linears[i], box);
    connect(box, &QCheckBox::toggled, this, &JobWizard::updateQuant);
  }
  targets->setToolTip(targetTip);
  return targets;
}

QWizardPage* JobWizard::createQuantPage() {
  auto* page = new CheckedPage;
  page->setTitle(tr("Quantization"));
  page->setSubTitle(tr("Bit width, group size and the LoRA adapters' rank and alpha."));
  bits_ = new QComboBox;
  bits_->setObjectName(QStringLiteral("bitsCombo"));
  bits_->addItems({QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4")});
  groupSize_ = new QComboBox;
  groupSize_->setObjectName(QStringLiteral("groupSizeCombo"));
  groupSize_->addItems({QStringLiteral("32"), QStringLiteral("64"), QStringLiteral("128")});
  groupSize_->setCurrentText(QStringLiteral("64"));
  groupSize_->setToolTip(tr("Consecutive input columns of a row that share one scale and zero point (int format)."));
  rank_ = new QSpinBox;
  rank_->setObjectName(QStringLiteral("rankSpin"));
  rank_->setRange(1, 4096);
  rank_->setValue(64);
  alpha_ = new QDoubleSpinBox;
  alpha_->setObjectName(QStringLiteral("alphaSpin"));
  alpha_->setRange(0.0, 4096.0);
  alpha_->setDecimals(2);
  alpha_->setValue(16.0);
  alpha_->setToolTip(tr("LoRA scaling is alpha / rank."));
  format_ = new QComboBox;
  format_->setObjectName(QStringLiteral("formatCombo"));
  format_->addItems({QStringLiteral("int"), QStringLiteral("nf")});
  format_->setToolTip(tr("int: uniform integer groups; nf: NormalFloat with per-block absmax (no learnable clipping)."));

  QWidget* targets = createTargetsBox(page);

  estimate_ = new QLabel;
  estimate_->setObjectName(QStringLiteral("sizeEstimateLabel"));
  estimate_->setWordWrap(true);
  estimate_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  quantProblems_ = problemLabel(QStringLiteral("quantProblemsLabel"));

  QWidget* budget = createBudgetBox(page);
  auto* form = new QFormLayout;
  form->addRow(tr("Precision:"), precision_);
  form->addRow(tr("Budget:"), budget);
  form->addRow(tr("Bits:"), bits_);
  form->addRow(tr("Group size:"), groupSize_);
  form->addRow(tr("Format:"), format_);
  form->addRow(tr("LoRA rank:"), rank_);
  form->addRow(tr("LoRA alpha:"), alpha_);
  form->addRow(tr("Target linears:"), targets);
  auto* lay = new QVBoxLayout(page);
  lay->addLayout(form);
  lay->addWidget(budgetEstimate_);
  lay->addWidget(estimate_);
  lay->addWidget(quantProblems_);
  lay->addStretch(1);

  page->registerField(QStringLiteral("bits"), bits_, "currentText", SIGNAL(currentTextChanged(QString)));
  page->registerField(QStringLiteral("groupSize"), groupSize_, "currentText", SIGNAL(currentTextChanged(QString)));
  page->registerField(QStringLiteral("format"), format_, "currentText", SIGNAL(currentTextChanged(QString)));
  page->registerField(QStringLiteral("rank"), rank_);
  page->registerField(QStringLiteral("alpha"), alpha_, "value", SIGNAL(valueChanged(double)));

  connect(bits_, &QComboBox::currentIndexChanged, this, &JobWizard::updateQuant);
  connect(groupSize_, &QComboBox::currentIndexChanged, this, &JobWizard::updateQuant);
  connect(format_, &QComboBox::currentIndexChanged, this, &JobWizard::updateQuant);
  connect(rank_, &QSpinBox::valueChanged, this, &JobWizard::updateQuant);
  connect(alpha_, &QDoubleSpinBox::valueChanged, this, &JobWizard::updateQuant);
  for (auto* b : methodBoxes_) connect(b, &QCheckBox::toggled, this, &JobWizard::updateQuant);

  page->complete = [this] { return config_.has_value() && quantProblemList_.isEmpty(); };
  page->init = [this] {
    // The default rank (64, the paper's) does not fit tiny models: offer the largest that does.
    if (config_ && rank_->value() == 64 && !rank_->property("apiqTouched").toBool())
      rank_->setValue(static_cast<int>(std::min<int64_t>(64, smallest_linear_dim(*config_))));
    updateQuant();
  };
  connect(rank_, &QSpinBox::editingFinished, this, [this] { rank_->setProperty("apiqTouched", true); });
  return page;
}

QStringList JobWizard::quantizationProblems(const LlamaConfig& c, const JobSettings& s) {
  // The rules are core's (CalibrationOptions::problems and warnings); the wizard refuses both.
  QStringList p;
  auto add = [&p](const std::string& text) {
    const QString t = QString::fromStdString(text);
    if (!p.contains(t)) p << t;
  };
  try {
    parse_targets(s.targetLinears.join(QLatin1Char(',')).toStdString());
  } catch (const std::invalid_argument& e) {
    add(e.what());
  }
  for (const CalibrationJobSpec& spec : specsFrom(s)) {
    for (const auto& problem : spec.options.problems()) add(problem);
    for (const auto& warning : spec.options.warnings(c)) add(warning);
  }
  // Core's allocation refuses a budget below every linear's smallest configuration; it finds out
  // only once the weights are loaded, the page can tell from the shapes now. Its budget in bits is
  // floor(budget · params), as there.
  if (s.budget > 0 && s.quant.format == QuantizerOptions::Format::Int) {
    const BudgetRange r = budgetRange(c, s);
    if (std::floor(s.budget * static_cast<double>(r.params)) < static_cast<double>(r.leastBits))
      p << tr("A budget of %1 bits per parameter is below the least any allocation takes for this model and these "
              "targets: %2 bits per parameter (%3 MB); the calibration would refuse it.")
               .arg(QLocale().toString(s.budget, 'f', 3), QLocale().toString(r.leastPerParam(), 'f', 3),
                    QLocale().toString(static_cast<double>(r.leastBits) / 8e6, 'f', 3));
  }
  return p;
}

void JobWizard::updateQuant() {
  if (!estimate_) return;
  if (!config_) {
    quantProblemList_ = {tr("Choose a valid model first.")};
    estimate_->clear();
    showProblems(quantProblems_, quantProblemList_);
    if (auto* p = static_cast<CheckedPage*>(page(QuantPage))) p->recheck();
    return;
  }
  const LlamaConfig& c = *config_;
  updateBudget(settings());  // may turn the budget mode off (nf)
  const JobSettings s = settings();
  quantProblemList_ = quantizationProblems(c, s);
  showProblems(quantProblems_, quantProblemList_);

  const bool anyLora = std::any_of(s.methods.begin(), s.methods.end(),
                                   [](const QString& m) { return find_method(m.toStdString()).has_adapter(); });
  const bool rtn = std::any_of(s.methods.begin(), s.methods.end(),
                               [](const QString& m) { return !find_method(m.toStdString()).has_adapter(); });
  const SizeEstimate e = estimate_size(c, s.quant, s.lora.rank, anyLora, s.targetLinears);
  QString text = tr("Compressed size ≈ %1 (codes %2, scales and zeros %3, LoRA %4, dense %5) — original %6, %7%")
                     .arg(bytesText(e.compressedBytes()), bytesText(e.codeBytes), bytesText(e.scaleBytes),
                          bytesText(e.loraBytes), bytesText(e.denseBytes), bytesText(e.originalBytes))
                     .arg(QLocale().toString(100.0 * e.compressedBytes() / std::max(1.0, e.originalBytes), 'f', 1));
  if (s.budget > 0) {  // the uniform bits do not apply: bound the linears by the budget instead
    const BudgetRange r = budgetRange(c, s);
    double linears = std::min(s.budget * static_cast<double>(r.params), static_cast<double>(r.mostBits)) / 8.0;
    if (!s.budgetCountsLora) linears += e.loraBytes;
    text = tr("Compressed size ≤ %1 (quantized linears %2 within the budget, dense %3) — original %4")
               .arg(bytesText(linears + e.denseBytes), bytesText(linears), bytesText(e.denseBytes), bytesText(e.originalBytes));
  } else if (rtn && anyLora) {
    const SizeEstimate r = estimate_size(c, s.quant, s.lora.rank, false, s.targetLinears);
    text += QLatin1Char('\n') + tr("rtn has no adapters: ≈ %1").arg(bytesText(r.compressedBytes()));
  }
  const int64_t ns = nsamples_ ? nsamples_->value() : s.nsamples;
  const int64_t sl = seqLen_ ? seqLen_->value() : s.seqLen;
  text += QLatin1Char('\n') + tr("Calibration peak memory ≈ %1 (%2 samples × %3 tokens)")
                                  .arg(bytesText(estimate_peak_memory(c, ns, sl)))
                                  .arg(ns)
                                  .arg(sl);
  estimate_->setText(text);
  if (auto* p = static_cast<CheckedPage*>(page(QuantPage))) p->recheck();
}

// ------------------------------------------------------------------------------------ results

JobSettings JobWizard::settings() const {
  JobSettings s;
  s.modelDir = modelEdit_->text().trimmed();
  for (auto* b : methodBoxes_)
    if (b->isChecked()) s.methods << b->objectName().mid(QStringLiteral("method_").size());
  s.quant.bits = bits_->currentText().toInt();
  s.quant.group_size = groupSize_->currentText().toLongLong();
  s.quant.format = format_->currentText() == QLatin1String("nf") ? QuantizerOptions::Format::NF
                                                                  : QuantizerOptions::Format::Int;
  s.lora.rank = rank_->value();
  s.lora.alpha = alpha_->value();
  for (auto* b : linearBoxes_)
    if (b->isChecked()) s.targetLinears << b->text();
  if (precision_->currentIndex() == 1)
    s.budget = budgetUnit_->currentIndex() == 0 ? budgetBits_->value()
               : config_ ? megabytesToBitsPerParam(*config_, s.targetLinears, budgetMb_->value())
                         : 0;
  s.budgetCountsLora = budgetLora_->isChecked();
  s.calibFile = calibEdit_->text().trimmed();
  s.nsamples = nsamples_->value();
  s.seqLen = seqLen_->value();
  s.seed = static_cast<uint64_t>(seed_->value());
  s.epochs = epochs_->value();
  s.device = device_->currentText();
  s.threads = threads_->value();
  s.outDir = outEdit_->text().trimmed();
  return s;
}

QVector<CalibrationJobSpec> JobWizard::specsFrom(const JobSettings& s) {
  QVector<CalibrationJobSpec> specs;
  for (const QString& m : s.methods) {
    CalibrationJobSpec spec;
    spec.modelDir = s.modelDir;
    spec.calibFile = s.calibFile;
    spec.outDir = QDir(s.outDir).filePath(m);
    spec.targetLinears = s.targetLinears;
    spec.threads = s.threads;
    CalibrationOptions& o = spec.options;
    o.method = m.toStdString();
    o.quant = s.quant;
    o.lora = s.lora;
    o.nsamples = s.nsamples;
    o.seq_len = s.seqLen;
    o.seed = s.seed;
    o.epochs = s.epochs;
    o.device = s.device.toStdString();
    o.budget = s.budget;
    o.budget_counts_lora = s.budgetCountsLora;
    // The wizard refuses an empty choice; an empty list would leave the default (all seven).
    if (!s.targetLinears.isEmpty()) {
      try {
        o.targets = parse_targets(s.targetLinears.join(QLatin1Char(',')).toStdString());
      } catch (const std::invalid_argument&) {  // quantizationProblems reports it
      }
    }
    specs << spec;
  }
  return specs;
}

}  // namespace apiq::widgets
