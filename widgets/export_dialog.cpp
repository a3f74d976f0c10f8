// SPDX-License-Identifier: GPL-3.0-or-later
#include "export_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "apiq/export.h"
#include "apiq/export_packed.h"
#include "apiq/export_peft.h"
#include "apiq/llama_model.h"
#include "apiq/progress.h"

namespace apiq::widgets {

namespace {
// Core's progress from the worker thread, delivered to the dialog on the GUI thread (dropped if
// the dialog is gone).
class ExportProgressForwarder : public apiq::ProgressObserver {
 public:
  explicit ExportProgressForwarder(QPointer<ExportDialog> dialog) : dialog_(std::move(dialog)) {}
  void on_progress(const std::string&, int64_t done, int64_t total) override {
    if (!dialog_) return;
    const int d = static_cast<int>(done), t = static_cast<int>(total);
    QMetaObject::invokeMethod(dialog_.data(), [dlg = dialog_, d, t] { if (dlg) Q_EMIT dlg->exportProgress(d, t); },
                              Qt::QueuedConnection);
  }

 private:
  QPointer<ExportDialog> dialog_;
};

constexpr apiq::ExportFormat kFormats[] = {apiq::ExportFormat::CompressedTensors, apiq::ExportFormat::GptqV2,
                                           apiq::ExportFormat::Gptq, apiq::ExportFormat::Peft,
                                           apiq::ExportFormat::HfDequantized};

ExportSource analyseSource(const QString& folder) {
  ExportSource s;
  s.folder = folder;
  try {
    const auto src = apiq::QuantizedSource::open(folder.toStdString());
    const auto& i = src.info;
    s.method = QString::fromStdString(i.method);
    s.codeFormat = QString::fromStdString(i.format);
    s.bits = i.bits;
    s.groupSize = i.group_size;
    s.loraRank = i.lora_rank;
    for (auto f : {apiq::ExportFormat::Gptq, apiq::ExportFormat::GptqV2, apiq::ExportFormat::CompressedTensors}) {
      try {
        apiq::check_packed_export(src, apiq::export_format_name(f));
      } catch (const apiq::InputError& e) {
        s.unavailable.insert(static_cast<int>(f), QString::fromStdString(e.problem()));
      }
    }
    s.hasAdapter = apiq::has_lora_adapter(src);
    s.census = readZeroCensus(folder);
  } catch (const std::exception& e) {
    s.error = QString::fromStdString(e.what());
  }
  return s;
}
}  // namespace

ExportDialog::ExportDialog(QWidget* parent)
    : QDialog(parent), sourceEdit_(new QLineEdit(this)), sourceInfo_(new QLabel(this)), format_(new QComboBox(this)),
      engines_(new QLabel(this)), loss_(new QLabel(this)), dtype_(new QComboBox(this)),
      force_(new QCheckBox(tr("Clamp zero points GPTQ v1 cannot store (--force; lossy)"), this)),
      outputEdit_(new QLineEdit(this)), progress_(new QProgressBar(this)), status_(new QLabel(this)),
      notes_(new QPlainTextEdit(this)) {
  setWindowTitle(tr("Export Quantized Model"));
  setMinimumWidth(640);
  auto* layout = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  auto* sourceRow = new QHBoxLayout;
  sourceRow->addWidget(sourceEdit_, 1);
  auto* browseSource = new QPushButton(tr("Browse…"), this);
  sourceRow->addWidget(browseSource);
  form->addRow(tr("Quantized checkpoint:"), sourceRow);
  sourceInfo_->setWordWrap(true);
  form->addRow(QString(), sourceInfo_);
  for (auto f : kFormats) format_->addItem(QString::fromLatin1(apiq::export_format_name(f)), static_cast<int>(f));
  form->addRow(tr("Format:"), format_);
  layout->addLayout(form);

  // A box layout, not a form: wrapped rich-text labels get their full height there.
  auto* info = new QGroupBox(tr("About this format"), this);
  auto* infoLayout = new QVBoxLayout(info);
  for (auto [caption, text] : {std::pair{tr("Loaded by:"), engines_}, std::pair{tr("Loss:"), loss_}}) {
    auto* c = new QLabel(caption, info);
    QFont bold = c->font();
    bold.setBold(true);
    c->setFont(bold);
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    text->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::MinimumExpanding);
    infoLayout->addWidget(c);
    infoLayout->addWidget(text);
  }
  layout->addWidget(info);

  auto* options = new QFormLayout;
  dtype_->addItem(tr("f16"), QStringLiteral("f16"));
  dtype_->addItem(tr("bf16"), QStringLiteral("bf16"));
  dtype_->addItem(tr("f32 (lossless)"), QStringLiteral("f32"));
  options->addRow(tr("Dense weights:"), dtype_);
  options->addRow(QString(), force_);
  auto* outRow = new QHBoxLayout;
  outRow->addWidget(outputEdit_, 1);
  auto* browseOut = new QPushButton(tr("Browse…"), this);
  outRow->addWidget(browseOut);
  options->addRow(tr("Output folder (new):"), outRow);
  layout->addLayout(options);

  progress_->setRange(0, 0);  // busy until the exporter reports its first block
  progress_->setVisible(false);
  // Beside the bar, not in the button box (which shows its buttons again when it lays them out).
  cancelButton_ = new QPushButton(tr("Cancel export"), this);
  cancelButton_->setVisible(false);
  auto* progressRow = new QHBoxLayout;
  progressRow->addWidget(progress_, 1);
  progressRow->addWidget(cancelButton_);
  layout->addLayout(progressRow);
  status_->setWordWrap(true);
  layout->addWidget(status_);
  notes_->setReadOnly(true);
  notes_->setMaximumHeight(110);
  notes_->setPlaceholderText(tr("What the exporter reports appears here."));
  layout->addWidget(notes_);
  auto* buttons = new QDialogButtonBox(this);
  exportButton_ = buttons->addButton(tr("Export"), QDialogButtonBox::ActionRole);
  closeButton_ = buttons->addButton(QDialogButtonBox::Close);
  layout->addWidget(buttons);

  pool_.setMaxThreadCount(1);
  connect(browseSource, &QPushButton::clicked, this, &ExportDialog::browseSource);
  connect(browseOut, &QPushButton::clicked, this, &ExportDialog::browseOutput);
  connect(sourceEdit_, &QLineEdit::editingFinished, this, [this] {
    if (sourceEdit_->text() != source_.folder) setSourceDir(sourceEdit_->text());
  });
  connect(format_, &QComboBox::currentIndexChanged, this, [this] {
    updateFormatInfo();
    suggestOutput();
  });
  connect(exportButton_, &QPushButton::clicked, this, &ExportDialog::startExport);
  connect(cancelButton_, &QPushButton::clicked, this, &ExportDialog::cancelExport);
  connect(this, &ExportDialog::exportProgress, this, &ExportDialog::onExportProgress);
  connect(closeButton_, &QPushButton::clicked, this, &QDialog::reject);
  connect(&analysis_, &QFutureWatcher<ExportSource>::finished, this, [this] {
    source_ = analysis_.result();
    sourceInfo_->setText(source_.error.isEmpty() ? tr("%1, %2-bit %3 codes, group size %4, LoRA rank %5")
                                                       .arg(source_.method)
                                                       .arg(source_.bits)
                                                       .arg(source_.codeFormat)
                                                       .arg(source_.groupSize)
                                                       .arg(source_.loraRank)
                                                 : tr("Cannot export: %1").arg(source_.error));
    updateFormatInfo();
    suggestOutput();
    Q_EMIT sourceAnalyzed();
  });
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &ExportDialog::onExportFinished);
  updateFormatInfo();
}

ExportDialog::~ExportDialog() {
  analysis_.waitForFinished();
  watcher_.waitForFinished();
}

apiq::ExportFormat ExportDialog::format() const { return static_cast<apiq::ExportFormat>(format_->currentData().toInt()); }

void ExportDialog::setFormat(apiq::ExportFormat f) { format_->setCurrentIndex(format_->findData(static_cast<int>(f))); }
void ExportDialog::setForce(bool force) { force_->setChecked(force); }
void ExportDialog::setOutputDir(const QString& dir) { outputEdit_->setText(dir); }
QString ExportDialog::statusText() const { return status_->text(); }
QString ExportDialog::notesText() const { return notes_->toPlainText(); }
QString ExportDialog::enginesText() const { return engines_->text(); }
QString ExportDialog::lossText() const { return loss_->text(); }

void ExportDialog::setSourceDir(const QString& dir) {
  sourceEdit_->setText(dir);
  source_ = {};
  source_.folder = dir;
  sourceInfo_->setText(tr("Reading %1…").arg(dir));
  analysis_.setFuture(QtConcurrent::run(&pool_, [dir] { return analyseSource(dir); }));
}

void ExportDialog::browseSource() {
  const QString d = QFileDialog::getExistingDirectory(this, tr("Quantized Checkpoint"), sourceEdit_->text());
  if (!d.isEmpty()) setSourceDir(d);
}

void ExportDialog::browseOutput() {
  const QString parent = QFileDialog::getExistingDirectory(this, tr("Folder to Export Into"),
                                                           QFileInfo(outputEdit_->text()).absolutePath());
  if (parent.isEmpty()) return;
  suggestedOutput_.clear();
  outputEdit_->setText(QDir(parent).filePath(QFileInfo(source_.folder).fileName() + QLatin1Char('-') + format_->currentText()));
  suggestedOutput_ = outputEdit_->text();
}

// Follows the format in the output name until the user types a name of their own.
void ExportDialog::suggestOutput() {
  if (source_.folder.isEmpty() || (!outputEdit_->text().isEmpty() && outputEdit_->text() != suggestedOutput_)) return;
  const QFileInfo src(source_.folder);
  const QString base = suggestedOutput_.isEmpty() ? src.absolutePath() : QFileInfo(suggestedOutput_).absolutePath();
  suggestedOutput_ = QDir(base).filePath(src.fileName() + QLatin1Char('-') + format_->currentText());
  outputEdit_->setText(suggestedOutput_);
}

QString ExportDialog::enginesFor(apiq::ExportFormat f) {
  switch (f) {
    case apiq::ExportFormat::CompressedTensors:
      return tr("vLLM (2-bit pack-quantized through the Humming kernels, experimental), llm-compressor, and transformers "
                "with compressed-tensors. The LoRA adapter is written beside it.");
    case apiq::ExportFormat::GptqV2:
      return tr("GPTQModel, and transformers + optimum through GPT-QModel; vLLM's GPTQ kernels that read "
                "checkpoint_format gptq_v2. AutoGPTQ rejects gptq_v2.");
    case apiq::ExportFormat::Gptq:
      return tr("GPTQModel, AutoGPTQ, transformers + optimum (GPT-QModel backend), and vLLM's 2-bit GPTQ kernels "
                "(releases up to mid-2026). The LoRA adapter is written beside it.");
    case apiq::ExportFormat::Peft:
      return tr("transformers + PEFT (PeftModel.from_pretrained), on a base holding this checkpoint's dequantized "
                "weights, such as the hf-dequantized export.");
    case apiq::ExportFormat::HfDequantized:
      return tr("Any Hugging Face tool (transformers + PEFT, vLLM, TGI, llama.cpp's converter): a standard dense "
                "checkpoint plus the adapter. No memory saving.");
  }
  return {};
}

QString ExportDialog::lossFor(apiq::ExportFormat f) {
  switch (f) {
    case apiq::ExportFormat::CompressedTensors:
      return tr("Lossless for 2- and 4-bit integer codes, zero point 0 included.");
    case apiq::ExportFormat::GptqV2:
      return tr("Lossless for 2- and 4-bit integer codes (zero points stored as they are).");
    case apiq::ExportFormat::Gptq:
      return tr("GPTQ v1 stores zero point − 1, so a group with zero point 0 cannot be stored; such a checkpoint is "
                "refused unless you clamp those groups (lossy).");
    case apiq::ExportFormat::Peft:
      return tr("Lossless: the LoRA factors are copied exactly.");
    case apiq::ExportFormat::HfDequantized:
      return tr("Lossless in f32; f16 and bf16 round the dequantized weights.");
  }
  return {};
}

void ExportDialog::updateFormatInfo() {
  const auto f = format();
  engines_->setText(enginesFor(f));
  QString loss = lossFor(f);
  const auto& c = source_.census;
  if (f == apiq::ExportFormat::Gptq && c.quantized) {
    const qint64 bad = c.totalV1Unstorable();
    loss += QStringLiteral("<br>");
    loss += bad == 0 ? tr("<b>This checkpoint:</b> no group has zero point 0, so the export is lossless.")
                     : tr("<b>This checkpoint: %1 of %2 groups</b> have zero point 0; %3 groups in all have a zero point "
                          "GPTQ v1 cannot store. The clamp option (--force) exports them anyway, changing those %3 "
                          "groups; gptq-v2 and compressed-tensors keep them exactly.")
                           .arg(QLocale().toString(c.totalZeroGroups()), QLocale().toString(c.totalGroups()),
                                QLocale().toString(bad));
  }
  QString why = source_.unavailable.value(static_cast<int>(f));
  if (f == apiq::ExportFormat::Peft && !source_.folder.isEmpty() && source_.error.isEmpty() && source_.bits > 0 &&
      !source_.hasAdapter)
    why = tr("the checkpoint has no LoRA factors (rtn)");
  if (!why.isEmpty()) loss += QStringLiteral("<br><b>") + tr("Not available for this checkpoint: %1").arg(why.toHtmlEscaped()) + QStringLiteral("</b>");
  loss_->setText(loss);
  dtype_->setEnabled(f == apiq::ExportFormat::HfDequantized);
  force_->setEnabled(f == apiq::ExportFormat::Gptq);
  exportButton_->setEnabled(!watcher_.isRunning() && why.isEmpty() && source_.error.isEmpty());
}

bool ExportDialog::startExport() {
  const QString src = sourceEdit_->text().trimmed(), out = outputEdit_->text().trimmed();
  QString problem;
  if (watcher_.isRunning()) problem = tr("An export is already running.");
  else if (src.isEmpty()) problem = tr("Choose the quantized checkpoint to export.");
  else if (out.isEmpty()) problem = tr("Choose the output folder.");
  else if (QFileInfo::exists(out)) problem = tr("%1 already exists; exports never overwrite.").arg(out);
  if (!problem.isEmpty()) {
    status_->setText(problem);
    return false;
  }
  apiq::ExportOptions o;
  o.format = format();
  o.dtype = apiq::parse_dtype(dtype_->currentData().toString().toStdString());
  o.force = force_->isChecked() && o.format == apiq::ExportFormat::Gptq;
  notes_->clear();
  status_->setText(tr("Exporting %1 as %2 to %3…").arg(src, format_->currentText(), out));
  progress_->setRange(0, 0);
  progress_->setVisible(true);
  exportButton_->setEnabled(false);
  closeButton_->setEnabled(false);
  cancelButton_->setEnabled(true);
  cancelButton_->setVisible(true);
  cancel_ = std::make_shared<apiq::CancelToken>();
  watcher_.setFuture(QtConcurrent::run(&pool_, [src, out, o, cancel = cancel_, dlg = QPointer<ExportDialog>(this)] {
    Outcome r;
    ExportProgressForwarder progress(dlg);
    try {
      for (const auto& n : apiq::export_checkpoint(src.toStdString(), out.toStdString(), o, &progress, cancel.get()).notes)
        r.notes << QString::fromStdString(n);
      r.ok = true;
    } catch (const apiq::CancelledError&) {
      r.cancelled = true;
    } catch (const std::exception& e) {
      r.message = QString::fromStdString(e.what());
    }
    return r;
  }));
  return true;
}

void ExportDialog::cancelExport() {
  if (!watcher_.isRunning() || !cancel_) return;
  cancel_->cancel();
  cancelButton_->setEnabled(false);
  status_->setText(tr("Cancelling after the current block…"));
}

void ExportDialog::onExportProgress(int done, int total) {
  if (!watcher_.isRunning() || total <= 0) return;  // a late report of an export already finished
  progress_->setRange(0, total);
  progress_->setValue(done);
}

void ExportDialog::onExportFinished() {
  const Outcome r = watcher_.result();
  progress_->setVisible(false);
  cancelButton_->setVisible(false);
  closeButton_->setEnabled(true);
  updateFormatInfo();
  const QString message = r.ok          ? tr("Exported to %1").arg(outputEdit_->text().trimmed())
                          : r.cancelled ? tr("Export cancelled; nothing was written.")
                                        : tr("Export failed: %1").arg(r.message);
  status_->setText(message);
  notes_->setPlainText(r.notes.join(QLatin1Char('\n')));
  Q_EMIT exportFinished(r.ok, message);
}

}  // namespace apiq::widgets
