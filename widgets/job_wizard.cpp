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
#include <exception>
#include <functional>
#include <limits>

#include "methods/method.h"
#include "size_estimate.h"

namespace apiq::widgets {

namespace {

// A page whose completeness and initialisation come from the wizard.
class CheckedPage : public QWizardPage {
 public:
  using QWizardPage::registerField;
  std::function<bool()> complete;
  std::function<void()> init;
  bool isComplete() const override { return complete ? complete() : QWizardPage::isComplete(); }
  // QWizard::next() only consults validatePage(); an incomplete page must not be left either way.
  bool validatePage() override { return isComplete(); }
  void initializePage() override {
    if (init) init();
  }
  void recheck() { Q_EMIT completeChanged(); }
};

QString bytesText(double b) { return QLocale().formattedDataSize(static_cast<qint64>(b + 0.5)); }

QHBoxLayout* browseRow(QLineEdit* edit, QPushButton* button) {
  auto* row = new QHBoxLayout;
  row->addWidget(edit, 1);
  row->addWidget(button);
  return row;
}

QLabel* problemLabel(const QString& objectName) {
  auto* l = new QLabel;
  l->setObjectName(objectName);
  l->setWordWrap(true);
  l->setStyleSheet(QStringLiteral("color: #c62828;"));
  l->setVisible(false);
  return l;
}

}  // namespace

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
    page->registerField(QStringLiteral("target.") + linears[i], box);
    connect(box, &QCheckBox::toggled, this, &JobWizard::updateQuant);
  }
  targets->setToolTip(targetTip);

  estimate_ = new QLabel;
  estimate_->setObjectName(QStringLiteral("sizeEstimateLabel"));
  estimate_->setWordWrap(true);
  estimate_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  quantProblems_ = problemLabel(QStringLiteral("quantProblemsLabel"));

  auto* form = new QFormLayout;
  form->addRow(tr("Bits:"), bits_);
  form->addRow(tr("Group size:"), groupSize_);
  form->addRow(tr("Format:"), format_);
  form->addRow(tr("LoRA rank:"), rank_);
  form->addRow(tr("LoRA alpha:"), alpha_);
  form->addRow(tr("Target linears:"), targets);
  auto* lay = new QVBoxLayout(page);
  lay->addLayout(form);
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
  if (rtn && anyLora) {
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

QWizardPage* JobWizard::createDataPage() {
  auto* page = new CheckedPage;
  page->setTitle(tr("Calibration data"));
  page->setSubTitle(tr("A plain-text file from which random windows of tokens are drawn."));
  calibEdit_ = new QLineEdit;
  calibEdit_->setObjectName(QStringLiteral("calibFileEdit"));
  calibEdit_->setPlaceholderText(tr("Text file"));
  auto* browse = new QPushButton(tr("Browse…"));
  nsamples_ = new QSpinBox;
  nsamples_->setObjectName(QStringLiteral("nsamplesSpin"));
  nsamples_->setRange(1, 1 << 20);
  nsamples_->setValue(128);
  seqLen_ = new QSpinBox;
  seqLen_->setObjectName(QStringLiteral("seqLenSpin"));
  seqLen_->setRange(2, 1 << 20);
  seqLen_->setValue(2048);
  seed_ = new QSpinBox;
  seed_->setObjectName(QStringLiteral("seedSpin"));
  seed_->setRange(0, std::numeric_limits<int>::max());
  seed_->setValue(2);
  epochs_ = new QSpinBox;
  epochs_->setObjectName(QStringLiteral("epochsSpin"));
  epochs_->setRange(0, 100000);
  epochs_->setValue(20);
  epochs_->setToolTip(tr("Passes over the calibration samples per layer or block (apiq methods)."));
  dataProblems_ = problemLabel(QStringLiteral("dataProblemsLabel"));
  auto* form = new QFormLayout;
  form->addRow(tr("File:"), browseRow(calibEdit_, browse));
  form->addRow(tr("Samples:"), nsamples_);
  form->addRow(tr("Sequence length:"), seqLen_);
  form->addRow(tr("Seed:"), seed_);
  form->addRow(tr("Epochs:"), epochs_);
  auto* lay = new QVBoxLayout(page);
  lay->addLayout(form);
  lay->addWidget(dataProblems_);
  lay->addStretch(1);
  page->registerField(QStringLiteral("calibFile"), calibEdit_);
  page->registerField(QStringLiteral("nsamples"), nsamples_);
  page->registerField(QStringLiteral("seqLen"), seqLen_);
  page->registerField(QStringLiteral("seed"), seed_);
  page->registerField(QStringLiteral("epochs"), epochs_);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Calibration data"), calibEdit_->text(),
                                                   tr("Text files (*.txt);;All files (*)"));
    if (!f.isEmpty()) calibEdit_->setText(f);
  });
  auto refresh = [this, page] {
    showProblems(dataProblems_, dataProblems());
    updateQuant();  // the peak memory depends on samples and length
    page->recheck();
  };
  connect(calibEdit_, &QLineEdit::textChanged, this, refresh);
  connect(nsamples_, &QSpinBox::valueChanged, this, refresh);
  connect(seqLen_, &QSpinBox::valueChanged, this, refresh);
  page->complete = [this] { return dataProblems().isEmpty(); };
  page->init = [this, page] {
    if (config_ && seqLen_->value() > config_->max_sequence())
      seqLen_->setValue(static_cast<int>(config_->max_sequence()));
    showProblems(dataProblems_, dataProblems());
    page->recheck();
  };
  return page;
}

QStringList JobWizard::dataProblems() const {
  QStringList p;
  const QString f = calibEdit_->text().trimmed();
  if (f.isEmpty())
    p << tr("Choose a calibration text file.");
  else if (!QFileInfo(f).isFile())
    p << tr("%1 does not exist or is not a file.").arg(f);
  if (config_ && seqLen_->value() > config_->max_sequence())
    p << tr("Sequence length %1 exceeds the model's context of %2 tokens.")
             .arg(seqLen_->value())
             .arg(config_->max_sequence());
  return p;
}

QWizardPage* JobWizard::createDevicePage() {
  auto* page = new CheckedPage;
  page->setTitle(tr("Device and output"));
  page->setSubTitle(tr("Where the calibration runs and where each method's checkpoint is written."));
  device_ = new QComboBox;
  device_->setObjectName(QStringLiteral("deviceCombo"));
  device_->addItem(QStringLiteral("cpu"));
  if (torch::cuda::is_available()) device_->addItem(QStringLiteral("cuda"));
  threads_ = new QSpinBox;
  threads_->setObjectName(QStringLiteral("threadsSpin"));
  threads_->setRange(1, std::max(1, QThread::idealThreadCount()));
  threads_->setValue(std::max(1, QThread::idealThreadCount()));
  threads_->setToolTip(tr("CPU threads for the calibration's tensor operations."));
  outEdit_ = new QLineEdit;
  outEdit_->setObjectName(QStringLiteral("outDirEdit"));
  outEdit_->setPlaceholderText(tr("Output folder"));
  outEdit_->setToolTip(tr("Each method writes its checkpoint to a subfolder named after it."));
  auto* browse = new QPushButton(tr("Browse…"));
  outputProblems_ = problemLabel(QStringLiteral("outputProblemsLabel"));
  auto* form = new QFormLayout;
  form->addRow(tr("Device:"), device_);
  form->addRow(tr("Threads:"), threads_);
  form->addRow(tr("Output folder:"), browseRow(outEdit_, browse));
  auto* lay = new QVBoxLayout(page);
  lay->addLayout(form);
  lay->addWidget(outputProblems_);
  lay->addStretch(1);
  page->registerField(QStringLiteral("device"), device_, "currentText", SIGNAL(currentTextChanged(QString)));
  page->registerField(QStringLiteral("threads"), threads_);
  page->registerField(QStringLiteral("outDir"), outEdit_);
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString d = QFileDialog::getExistingDirectory(this, tr("Output folder"), outEdit_->text());
    if (!d.isEmpty()) outEdit_->setText(d);
  });
  auto refresh = [this, page] {
    showProblems(outputProblems_, outputProblems());
    page->recheck();
  };
  connect(outEdit_, &QLineEdit::textChanged, this, refresh);
  page->complete = [this] { return outputProblems().isEmpty(); };
  page->init = refresh;
  return page;
}

QStringList JobWizard::outputProblems() const {
  QStringList p;
  const QString out = outEdit_->text().trimmed();
  if (out.isEmpty()) return {tr("Choose an output folder.")};
  QFileInfo fi(out);
  if (fi.exists() && !fi.isDir()) p << tr("%1 is a file, not a folder.").arg(out);
  for (auto* b : methodBoxes_) {
    if (!b->isChecked()) continue;
    const QString m = b->objectName().mid(QStringLiteral("method_").size());
    const QString target = QDir(out).filePath(m);
    if (QFileInfo::exists(target)) p << tr("%1 already exists; choose another output folder or remove it.").arg(target);
  }
  return p;
}

QWizardPage* JobWizard::createReviewPage() {
  auto* page = new CheckedPage;
  page->setTitle(tr("Review"));
  page->setSubTitle(tr("These jobs will be queued. Go back to change anything."));
  review_ = new QPlainTextEdit;
  review_->setObjectName(QStringLiteral("reviewText"));
  review_->setReadOnly(true);
  auto* lay = new QVBoxLayout(page);
  lay->addWidget(review_);
  page->init = [this] { review_->setPlainText(reviewText()); };
  page->setFinalPage(true);
  return page;
}

QString JobWizard::reviewText() const {
  const JobSettings s = settings();
  QStringList lines;
  lines << tr("Model: %1").arg(s.modelDir);
  if (config_) lines << QStringLiteral("  ") + modelSummary_->text();
  lines << tr("Methods: %1").arg(s.methods.join(QStringLiteral(", ")));
  lines << tr("Quantization: %1-bit %2, group size %3")
               .arg(s.quant.bits)
               .arg(s.quant.format == QuantizerOptions::Format::NF ? QStringLiteral("nf") : QStringLiteral("int"))
               .arg(s.quant.group_size);
  lines << tr("LoRA: rank %1, alpha %2").arg(s.lora.rank).arg(s.lora.alpha);
  lines << tr("Target linears: %1").arg(s.targetLinears.join(QStringLiteral(", ")));
  lines << tr("Calibration data: %1, %2 samples × %3 tokens, seed %4, %5 epochs")
               .arg(s.calibFile)
               .arg(s.nsamples)
               .arg(s.seqLen)
               .arg(s.seed)
               .arg(s.epochs);
  lines << tr("Device: %1, %2 threads").arg(s.device).arg(s.threads);
  if (!estimate_->text().isEmpty()) lines << estimate_->text();
  lines << tr("Jobs:");
  for (const auto& spec : specsFrom(s))
    lines << QStringLiteral("  %1 → %2").arg(QString::fromStdString(spec.options.method), spec.outDir);
  return lines.join(QLatin1Char('\n'));
}

void JobWizard::showProblems(QLabel* label, const QStringList& problems) {
  label->setText(problems.join(QLatin1Char('\n')));
  label->setVisible(!problems.isEmpty());
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
