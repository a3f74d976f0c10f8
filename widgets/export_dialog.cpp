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
#include <QCoreApplication>

#include "export/export.h"
#include "model/llama_model.h"

namespace apiq::widgets {

namespace {

ExportSource analyseSource(const QString& folder) {
  ExportSource s;
  s.folder = folder;
  try {
    const auto src = apiq::QuantizedCheckpoint::open(folder.toStdString());
    const auto& spec = src.spec;
    s.method = QString::fromStdString(spec.method);
    s.codeFormat = QString::fromLatin1(spec.format_name());
    s.bits = spec.quant.bits;
    s.groupSize = spec.quant.group_size;
    s.loraRank = spec.lora.rank;
    for (const apiq::ExportFormat* f : apiq::export_format_table()) {
      const auto problems = f->problems(src);
      if (!problems.empty()) s.unavailable.insert(QString::fromLatin1(f->name()), QString::fromStdString(problems.front()));
    }
    s.hasAdapter = spec.has_adapter();
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
  for (const apiq::ExportFormat* f : apiq::export_format_table()) format_->addItem(QString::fromLatin1(f->name()));
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
  connect(&exportTask_, &CoreTask::progress, this,
          [this](const QString&, qint64 done, qint64 total) { Q_EMIT exportProgress(int(done), int(total)); });
  connect(&exportTask_, &CoreTask::finished, this, &ExportDialog::onExportFinished);
  updateFormatInfo();
}

ExportDialog::~ExportDialog() {
  analysisTask_.waitForFinished();
  exportTask_.cancel();
  exportTask_.waitForFinished();
}

void ExportDialog::setSourceDir(const QString& dir) {
  sourceEdit_->setText(dir);
  source_ = {};
  source_.folder = dir;
  sourceInfo_->setText(tr("Reading %1…").arg(dir));
  analysisTask_.waitForFinished();  // a newer folder supersedes the one being read
  analysisTask_.start<ExportSource>([dir] { return analyseSource(dir); }, [this](ExportSource s) {
    source_ = std::move(s);
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
  }, &pool_);
}

QString ExportDialog::format() const { return format_->currentText(); }

void ExportDialog::setFormat(const QString& f) { format_->setCurrentIndex(format_->findText(f)); }
void ExportDialog::setForce(bool force) { force_->setChecked(force); }
void ExportDialog::setOutputDir(const QString& dir) { outputEdit_->setText(dir); }
QString ExportDialog::statusText() const { return status_->text(); }
QString ExportDialog::notesText() const { return notes_->toPlainText(); }
QString ExportDialog::enginesText() const { return engines_->text(); }
QString ExportDialog::lossText() const { return loss_->text(); }

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

QString ExportDialog::enginesFor(const QString& format) {
  return QCoreApplication::translate("apiq::ExportFormat", apiq::find_export_format(format.toStdString()).engines());
}

QString ExportDialog::lossFor(const QString& format) {
  return QCoreApplication::translate("apiq::ExportFormat", apiq::find_export_format(format.toStdString()).loss());
}

void ExportDialog::updateFormatInfo() {
  const QString f = format();
  const apiq::ExportFormat& table = apiq::find_export_format(f.toStdString());
  engines_->setText(enginesFor(f));
  QString loss = lossFor(f);
  const auto& c = source_.census;
  if (table.can_force() && c.quantized) {
    const qint64 bad = c.totalV1Unstorable();
    loss += QStringLiteral("<br>");
    loss += bad == 0 ? tr("<b>This checkpoint:</b> no group has zero point 0, so the export is lossless.")
                     : tr("<b>This checkpoint: %1 of %2 groups</b> have zero point 0; %3 groups in all have a zero point "
                          "GPTQ v1 cannot store. The clamp option (--force) exports them anyway, changing those %3 "
                          "groups; gptq-v2 and compressed-tensors keep them exactly.")
                           .arg(QLocale().toString(c.totalZeroGroups()), QLocale().toString(c.totalGroups()),
                                QLocale().toString(bad));
  }
  const QString why = QCoreApplication::translate("apiq::ExportFormat", source_.unavailable.value(f).toUtf8().constData());
  if (!why.isEmpty()) loss += QStringLiteral("<br><b>") + tr("Not available for this checkpoint: %1").arg(why.toHtmlEscaped()) + QStringLiteral("</b>");
  loss_->setText(loss);
  dtype_->setEnabled(table.uses_dtype());
  force_->setEnabled(table.can_force());
  exportButton_->setEnabled(!exportTask_.isRunning() && why.isEmpty() && source_.error.isEmpty());
}

bool ExportDialog::startExport() {
  const QString src = sourceEdit_->text().trimmed(), out = outputEdit_->text().trimmed();
  QString problem;
  if (exportTask_.isRunning()) problem = tr("An export is already running.");
  else if (src.isEmpty()) problem = tr("Choose the quantized checkpoint to export.");
  else if (out.isEmpty()) problem = tr("Choose the output folder.");
  else if (QFileInfo::exists(out)) problem = tr("%1 already exists; exports never overwrite.").arg(out);
  if (!problem.isEmpty()) {
    status_->setText(problem);
    return false;
  }
  apiq::ExportOptions o;
  o.format = format().toStdString();
  o.dtype = apiq::parse_dtype(dtype_->currentData().toString().toStdString());
  o.force = force_->isChecked() && apiq::find_export_format(o.format).can_force();
  notes_->clear();
  status_->setText(tr("Exporting %1 as %2 to %3…").arg(src, format_->currentText(), out));
  progress_->setRange(0, 0);
  progress_->setVisible(true);
  exportButton_->setEnabled(false);
  closeButton_->setEnabled(false);
  cancelButton_->setEnabled(true);
  cancelButton_->setVisible(true);
  exportNotes_.clear();
  exportTask_.start([this, src, out, o] {
    const auto r = apiq::export_checkpoint(src.toStdString(), out.toStdString(), o, exportTask_.observer(), exportTask_.token());
    QStringList notes;
    for (const auto& n : r.notes) notes << QString::fromStdString(n);
    exportTask_.post([this, notes] { exportNotes_ = notes; });
  }, &pool_);
  return true;
}

void ExportDialog::cancelExport() {
  if (!exportTask_.isRunning()) return;
  exportTask_.cancel();
  cancelButton_->setEnabled(false);
  status_->setText(tr("Cancelling after the current block…"));
}

void ExportDialog::onExportProgress(int done, int total) {
  if (!exportTask_.isRunning() || total <= 0) return;  // a late report of an export already finished
  progress_->setRange(0, total);
  progress_->setValue(done);
}

void ExportDialog::onExportFinished(CoreTask::State state) {
  const bool ok = state == CoreTask::State::Succeeded;
  progress_->setVisible(false);
  cancelButton_->setVisible(false);
  closeButton_->setEnabled(true);
  updateFormatInfo();
  const QString message = ok ? tr("Exported to %1").arg(outputEdit_->text().trimmed())
                          : state == CoreTask::State::Cancelled ? tr("Export cancelled; nothing was written.")
                                                                : tr("Export failed: %1").arg(exportTask_.errorMessage());
  status_->setText(message);
  notes_->setPlainText(exportNotes_.join(QLatin1Char('\n')));
  Q_EMIT exportFinished(ok, message);
}

}  // namespace apiq::widgets
