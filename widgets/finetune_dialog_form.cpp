// SPDX-License-Identifier: GPL-3.0-or-later
// The finetune dialog's form: the groups of inputs and the result area (finetune_dialog.cpp runs
// the work).
#include <torch/cuda.h>

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "finetune_dialog.h"
#include "linear_heat_map.h"
#include "model/adapter.h"

namespace apiq::widgets {

namespace {

QHBoxLayout* browseRow(QLineEdit* edit, QPushButton* button) {
  auto* row = new QHBoxLayout;
  row->addWidget(edit, 1);
  row->addWidget(button);
  return row;
}

}  // namespace

QGroupBox* FinetuneDialog::createDataGroup() {
  auto* box = new QGroupBox(tr("Model and data"), this);
  auto* form = new QFormLayout(box);
  auto* browseSource = new QPushButton(tr("Browse…"), box);
  auto* browseData = new QPushButton(tr("Browse…"), box);
  auto* browseEval = new QPushButton(tr("Browse…"), box);
  auto* browseOut = new QPushButton(tr("Browse…"), box);
  form->addRow(tr("Quantized checkpoint:"), browseRow(sourceEdit_, browseSource));
  sourceInfo_->setWordWrap(true);
  form->addRow(QString(), sourceInfo_);
  form->addRow(tr("Training data:"), browseRow(dataEdit_, browseData));
  format_->addItem(tr("Plain text"), QStringLiteral("text"));
  format_->addItem(tr("GSM8K questions and answers (jsonl)"), QStringLiteral("gsm8k"));
  format_->addItem(tr("Chat conversations (jsonl)"), QStringLiteral("chat"));
  form->addRow(tr("Format:"), format_);
  evalEdit_->setPlaceholderText(tr("Optional: else the end of the training data is held out"));
  form->addRow(tr("Held-out data:"), browseRow(evalEdit_, browseEval));
  form->addRow(tr("Output folder (new):"), browseRow(outputEdit_, browseOut));
  resume_->setToolTip(
      tr("Continues where a cancelled finetune into the same folder stopped; it needs the same settings."));
  form->addRow(QString(), resume_);
  connect(browseSource, &QPushButton::clicked, this, [this] {
    const QString d = QFileDialog::getExistingDirectory(this, tr("Quantized Checkpoint"), sourceEdit_->text());
    if (!d.isEmpty()) setSourceDir(d);
  });
  connect(browseData, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Training Data"), dataEdit_->text());
    if (!f.isEmpty()) setDataFile(f);
  });
  connect(browseEval, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Held-out Data"), evalEdit_->text());
    if (!f.isEmpty()) setEvalFile(f);
  });
  connect(browseOut, &QPushButton::clicked, this, [this] {
    const QString parent =
        QFileDialog::getExistingDirectory(this, tr("Folder to Write Into"), QFileInfo(outputEdit_->text()).absolutePath());
    if (parent.isEmpty()) return;
    suggestedOutput_.clear();
    outputEdit_->setText(QDir(parent).filePath(QFileInfo(outputEdit_->text()).fileName()));
  });
  connect(sourceEdit_, &QLineEdit::editingFinished, this, [this] {
    if (sourceEdit_->text() != source_.folder) setSourceDir(sourceEdit_->text());
  });
  return box;
}

QGroupBox* FinetuneDialog::createAdapterGroup() {
  auto* box = new QGroupBox(tr("Adapter"), this);
  auto* form = new QFormLayout(box);
  for (const apiq::AdapterKind* k : apiq::adapter_table()) {
    kind_->addItem(QString::fromLatin1(k->name()), QString::fromLatin1(k->name()));
    kind_->setItemData(kind_->count() - 1, QCoreApplication::translate("apiq::AdapterKind", k->summary()),
                       Qt::ToolTipRole);
  }
  form->addRow(tr("Kind:"), kind_);
  kindInfo_->setWordWrap(true);
  form->addRow(QString(), kindInfo_);
  rank_->setRange(0, 1 << 16);
  rank_->setToolTip(tr("LoRA-equivalent rank r; 0 keeps the checkpoint's."));
  form->addRow(tr("Rank:"), rank_);
  alpha_->setRange(0.001, 1e6);
  alpha_->setDecimals(3);
  alpha_->setToolTip(tr("Scaling α / r of the adapter's update."));
  form->addRow(tr("Alpha:"), alpha_);
  outPool_->setRange(1, 1 << 16);
  outPool_->setToolTip(tr("Outputs sharing one row of the QA-HiRA matrix; its input pool is the quantization group, "
                          "so the adapter merges into the model."));
  form->addRow(tr("QA-HiRA output pool:"), outPool_);
  init_->addItem(tr("Fit to the checkpoint's adapter"), true);
  init_->addItem(tr("Zero (a fresh adapter)"), false);
  form->addRow(tr("Start from:"), init_);
  gateLambda_->setRange(0, 1e3);
  gateLambda_->setDecimals(6);
  gateLambda_->setSingleStep(1e-4);
  gateLambda_->setToolTip(
      tr("Weight of the expected number of open gates in the loss: more pushes to fewer bits and a lower rank."));
  form->addRow(tr("Bayesian-LoRA gate λ:"), gateLambda_);
  connect(kind_, &QComboBox::currentIndexChanged, this, [this] {
    updateCounts();
    suggestOutput();
  });
  for (auto* spin : {rank_, outPool_}) connect(spin, &QSpinBox::valueChanged, this, &FinetuneDialog::updateCounts);
  for (auto* spin : {alpha_, gateLambda_}) connect(spin, &QDoubleSpinBox::valueChanged, this, &FinetuneDialog::updateCounts);
  connect(init_, &QComboBox::currentIndexChanged, this, &FinetuneDialog::updateCounts);
  return box;
}

QGroupBox* FinetuneDialog::createTrainingGroup() {
  auto* box = new QGroupBox(tr("Training"), this);
  auto* form = new QFormLayout(box);
  epochs_->setRange(1, 10000);
  form->addRow(tr("Epochs:"), epochs_);
  lr_->setRange(1e-8, 1.0);
  lr_->setDecimals(8);
  lr_->setSingleStep(1e-5);
  form->addRow(tr("Learning rate:"), lr_);
  batch_->setRange(1, 1 << 14);
  form->addRow(tr("Batch:"), batch_);
  seqLen_->setRange(2, 1 << 20);
  seqLen_->setSuffix(tr(" tokens"));
  form->addRow(tr("Sequence length:"), seqLen_);
  device_->addItem(QStringLiteral("cpu"));
  if (torch::cuda::is_available()) device_->addItem(QStringLiteral("cuda"));
  form->addRow(tr("Device:"), device_);
  return box;
}

QWidget* FinetuneDialog::createResultArea() {
  auto* area = new QWidget(this);
  auto* layout = new QVBoxLayout(area);
  layout->setContentsMargins(0, 0, 0, 0);
  auto* row = new QHBoxLayout;
  result_->setWordWrap(true);
  row->addWidget(result_, 1);
  mergeButton_ = new QPushButton(area);
  mergeButton_->setVisible(false);
  row->addWidget(mergeButton_);
  layout->addLayout(row);
  map_->setMinimumHeight(220);
  map_->setVisible(false);
  layout->addWidget(map_, 1);
  connect(mergeButton_, &QPushButton::clicked, this, &FinetuneDialog::startMerge);
  return area;
}

}  // namespace apiq::widgets
