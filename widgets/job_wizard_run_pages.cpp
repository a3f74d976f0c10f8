// SPDX-License-Identifier: GPL-3.0-or-later
// The job wizard's calibration-data, device, output and review pages.
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
#include "job_wizard_page.h"
#include "size_estimate.h"

namespace apiq::widgets {
using namespace wizard_detail;

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
  if (s.budget > 0)
    lines << tr("Quantization: memory budget of %1 bits per parameter (int; bits and group size chosen per linear), "
                "LoRA factors %2")
                 .arg(QLocale().toString(s.budget, 'f', 3), s.budgetCountsLora ? tr("counted") : tr("not counted"));
  else
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
  if (s.budget > 0 && !budgetEstimate_->text().isEmpty()) lines << budgetEstimate_->text();
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

}  // namespace apiq::widgets
