// SPDX-License-Identifier: GPL-3.0-or-later
#include "finetune_dialog.h"

#include <torch/cuda.h>

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <filesystem>

#include "linear_heat_map.h"
#include "base/output_folder.h"
#include "finetune/merge_adapter.h"
#include "model/adapter.h"

namespace apiq::widgets {

namespace {

// Core's messages may span lines; the dialog shows one.
QString oneLine(QString s) { return s.replace(QLatin1Char('\n'), QLatin1Char(' ')).simplified(); }

// Finetune's steps and evaluations as the dialog's signals, on the GUI thread.
class FinetuneTaskObserver final : public TaskObserver<apiq::FinetuneObserver> {
 public:
  FinetuneTaskObserver(CoreTask* task, FinetuneDialog* dialog)
      : TaskObserver<apiq::FinetuneObserver>(task), dialog_(dialog) {}
  void on_step(const apiq::FinetuneStep& s) override {
    task_->post([d = dialog_, step = s.step, loss = s.loss] { Q_EMIT d->stepLoss(step, loss); });
  }
  void on_eval(const apiq::FinetuneEval& e) override {
    task_->post([d = dialog_, epoch = e.epoch, ppl = e.ppl] { Q_EMIT d->heldOutPerplexity(epoch, ppl); });
  }

 private:
  FinetuneDialog* dialog_;
};

}  // namespace

FinetuneDialog::FinetuneDialog(QWidget* parent)
    : QDialog(parent), sourceEdit_(new QLineEdit(this)), sourceInfo_(new QLabel(this)), dataEdit_(new QLineEdit(this)),
      format_(new QComboBox(this)), evalEdit_(new QLineEdit(this)), kind_(new QComboBox(this)), kindInfo_(new QLabel(this)),
      rank_(new QSpinBox(this)), alpha_(new QDoubleSpinBox(this)), outPool_(new QSpinBox(this)), init_(new QComboBox(this)),
      gateLambda_(new QDoubleSpinBox(this)), epochs_(new QSpinBox(this)), lr_(new QDoubleSpinBox(this)),
      batch_(new QSpinBox(this)), seqLen_(new QSpinBox(this)), device_(new QComboBox(this)),
      outputEdit_(new QLineEdit(this)), resume_(new QCheckBox(tr("Resume a cancelled run (its OUT.partial)"), this)),
      form_(new QWidget(this)), progress_(new QProgressBar(this)), live_(new QLabel(this)), status_(new QLabel(this)),
      result_(new QLabel(this)), map_(new LinearHeatMap(this)) {
  setWindowTitle(tr("Finetune Quantized Model"));
  setMinimumWidth(760);
  auto* formLayout = new QVBoxLayout(form_);
  formLayout->setContentsMargins(0, 0, 0, 0);
  formLayout->addWidget(createDataGroup());
  auto* settings = new QHBoxLayout;
  settings->addWidget(createAdapterGroup(), 3);
  settings->addWidget(createTrainingGroup(), 2);
  formLayout->addLayout(settings);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(form_);

  progress_->setVisible(false);
  cancelButton_ = new QPushButton(tr("Cancel"), this);
  cancelButton_->setVisible(false);
  auto* progressRow = new QHBoxLayout;
  progressRow->addWidget(progress_, 1);
  progressRow->addWidget(cancelButton_);
  layout->addLayout(progressRow);
  live_->setWordWrap(true);
  status_->setWordWrap(true);
  layout->addWidget(live_);
  layout->addWidget(status_);
  layout->addWidget(createResultArea(), 1);
  auto* buttons = new QDialogButtonBox(this);
  startButton_ = buttons->addButton(tr("Start finetuning"), QDialogButtonBox::ActionRole);
  closeButton_ = buttons->addButton(QDialogButtonBox::Close);
  layout->addWidget(buttons);

  pool_.setMaxThreadCount(2);  // reading a checkpoint never waits for a training
  connect(startButton_, &QPushButton::clicked, this, &FinetuneDialog::startFinetune);
  connect(cancelButton_, &QPushButton::clicked, this, &FinetuneDialog::cancelFinetune);
  connect(closeButton_, &QPushButton::clicked, this, &QDialog::reject);
  connectTasks();
  setOptions(apiq::FinetuneOptions());
}

FinetuneDialog::~FinetuneDialog() {
  analysisTask_.waitForFinished();
  trainTask_.cancel();
  mergeTask_.cancel();
  trainTask_.waitForFinished();
  mergeTask_.waitForFinished();
}

void FinetuneDialog::connectTasks() {
  connect(&trainTask_, &CoreTask::progress, this, &FinetuneDialog::onProgress);
  connect(&mergeTask_, &CoreTask::progress, this, &FinetuneDialog::onProgress);
  connect(&trainTask_, &CoreTask::finished, this, &FinetuneDialog::onFinetuneFinished);
  connect(&mergeTask_, &CoreTask::finished, this, &FinetuneDialog::onMergeFinished);
  const auto showLive = [this] {
    QStringList parts;
    if (lastLoss_) parts << tr("last loss %1").arg(*lastLoss_, 0, 'g', 5);
    if (lastPpl_) parts << tr("held-out perplexity %1").arg(*lastPpl_, 0, 'g', 5);
    live_->setText(parts.join(QStringLiteral(" — ")));
  };
  connect(this, &FinetuneDialog::stepLoss, this, [this, showLive](qint64, double loss) {
    lastLoss_ = loss;
    showLive();
  });
  connect(this, &FinetuneDialog::heldOutPerplexity, this, [this, showLive](qint64, double ppl) {
    lastPpl_ = ppl;
    showLive();
  });
}

void FinetuneDialog::setSourceDir(const QString& dir) {
  sourceEdit_->setText(dir);
  source_ = {};
  source_.folder = dir;
  sourceInfo_->setText(tr("Reading %1…").arg(dir));
  analysisTask_.waitForFinished();  // a newer folder supersedes the one being read
  analysisTask_.start<FinetuneSource>([dir] { return readFinetuneSource(dir); }, [this](FinetuneSource s) {
    source_ = std::move(s);
    if (!source_.error.isEmpty()) {
      sourceInfo_->setText(tr("Cannot finetune: %1").arg(oneLine(source_.error)));
    } else {
      sourceInfo_->setText(tr("%1, %2-bit, group size %3, adapter rank %4").arg(source_.method).arg(source_.bits)
                               .arg(source_.groupSize).arg(source_.baseRank));
      if (source_.maxSequence > 0) seqLen_->setMaximum(static_cast<int>(std::min<qint64>(source_.maxSequence, 1 << 20)));
    }
    updateCounts();
    suggestOutput();
    Q_EMIT sourceAnalyzed();
  }, &pool_);
}

void FinetuneDialog::setDataFile(const QString& file) { dataEdit_->setText(file); }
void FinetuneDialog::setEvalFile(const QString& file) { evalEdit_->setText(file); }
void FinetuneDialog::setOutputDir(const QString& dir) { outputEdit_->setText(dir); }
void FinetuneDialog::setResume(bool resume) { resume_->setChecked(resume); }
QString FinetuneDialog::outputDir() const { return outputEdit_->text().trimmed(); }
QString FinetuneDialog::mergedDir() const { return (outcome_ ? outcome_->outputDir : outputDir()) + QStringLiteral("-merged"); }
QString FinetuneDialog::statusText() const { return status_->text(); }
QString FinetuneDialog::liveText() const { return live_->text(); }
QString FinetuneDialog::resultText() const { return result_->text(); }

apiq::FinetuneOptions FinetuneDialog::options() const {
  apiq::FinetuneOptions o = base_;
  o.data.format = apiq::parse_sft_format(format_->currentData().toString().toStdString());
  o.data.seq_len = seqLen_->value();
  o.data.eval_file = evalEdit_->text().trimmed().toStdString();
  o.epochs = epochs_->value();
  o.lr = lr_->value();
  o.batch = batch_->value();
  o.device = device_->currentText().toStdString();
  o.adapter.kind = kind_->currentData().toString().toStdString();
  o.adapter.rank = rank_->value();
  o.adapter.alpha = alpha_->value();
  o.adapter.out_pool = outPool_->value();
  o.adapter.fit_base = init_->currentData().toBool();
  o.adapter.gate_lambda = gateLambda_->value();
  return o;
}

void FinetuneDialog::setOptions(const apiq::FinetuneOptions& o) {
  base_ = o;
  format_->setCurrentIndex(std::max(0, format_->findData(QString::fromLatin1(apiq::sft_format_name(o.data.format)))));
  seqLen_->setValue(static_cast<int>(o.data.seq_len));
  evalEdit_->setText(QString::fromStdString(o.data.eval_file.string()));
  epochs_->setValue(static_cast<int>(o.epochs));
  lr_->setValue(o.lr);
  batch_->setValue(static_cast<int>(o.batch));
  device_->setCurrentIndex(std::max(0, device_->findText(QString::fromStdString(o.device))));
  kind_->setCurrentIndex(std::max(0, kind_->findData(QString::fromStdString(o.adapter.kind))));
  rank_->setValue(static_cast<int>(o.adapter.rank));
  alpha_->setValue(o.adapter.alpha);
  outPool_->setValue(static_cast<int>(o.adapter.out_pool));
  init_->setCurrentIndex(o.adapter.fit_base ? 0 : 1);
  gateLambda_->setValue(o.adapter.gate_lambda);
  updateCounts();
}

// Every kind's entry: its name and trainable parameters on this checkpoint, or why it does not fit.
void FinetuneDialog::updateCounts() {
  counts_ = source_.linears.empty() ? std::vector<AdapterCount>() : adapterCounts(source_, options().adapter);
  for (const AdapterCount& c : counts_) {
    const int i = kind_->findData(c.kind);
    if (i < 0) continue;
    kind_->setItemText(i, c.trainable ? tr("%1: %2 trainable parameters").arg(c.kind, QLocale().toString(*c.trainable))
                                      : tr("%1: — (%2)").arg(c.kind, oneLine(c.problem)));
  }
  const QString kind = kind_->currentData().toString();
  QString info = QCoreApplication::translate("apiq::AdapterKind", apiq::find_adapter_kind(kind.toStdString()).summary());
  for (const AdapterCount& c : counts_)
    if (c.kind == kind && !c.problem.isEmpty())
      info += QStringLiteral("\n") + tr("Does not fit this checkpoint: %1").arg(oneLine(c.problem));
  kindInfo_->setText(info);
  rank_->setSpecialValueText(source_.baseRank > 0 ? tr("the checkpoint's (%1)").arg(source_.baseRank)
                                                  : tr("the checkpoint's"));
}

std::optional<qint64> FinetuneDialog::trainableShown(const QString& kind) const {
  for (const AdapterCount& c : counts_)
    if (c.kind == kind) return c.trainable;
  return std::nullopt;
}

QString FinetuneDialog::kindText(const QString& kind) const { return kind_->itemText(kind_->findData(kind)); }

// Follows the source and the kind in the output name until the user types a name of their own.
void FinetuneDialog::suggestOutput() {
  if (source_.folder.isEmpty() || (!outputEdit_->text().isEmpty() && outputEdit_->text() != suggestedOutput_)) return;
  const QFileInfo src(source_.folder);
  suggestedOutput_ = QDir(src.absolutePath()).filePath(src.fileName() + QLatin1Char('-') + kind_->currentData().toString());
  outputEdit_->setText(suggestedOutput_);
}

QString FinetuneDialog::problemBeforeStart() const {
  const QString src = sourceEdit_->text().trimmed(), data = dataEdit_->text().trimmed(),
                eval = evalEdit_->text().trimmed(), out = outputDir();
  if (isRunning()) return tr("A finetune or merge is already running.");
  if (src.isEmpty()) return tr("Choose the quantized checkpoint to finetune.");
  if (analysisTask_.isRunning() || source_.folder != src)
    return tr("The checkpoint is still being read; start again in a moment.");
  if (!source_.error.isEmpty()) return tr("Cannot finetune %1: %2").arg(src, oneLine(source_.error));
  if (data.isEmpty()) return tr("Choose the training data.");
  for (const QString& f : {data, eval})
    if (!f.isEmpty() && !QFileInfo(f).isFile()) return tr("%1 does not exist or is not a file.").arg(f);
  if (out.isEmpty()) return tr("Choose the output folder.");
  if (QFileInfo::exists(out)) return tr("%1 already exists; finetuning never overwrites.").arg(out);
  const QString kind = kind_->currentData().toString();
  for (const AdapterCount& c : counts_)
    if (c.kind == kind && !c.problem.isEmpty())
      return tr("%1 does not fit this checkpoint: %2").arg(kind, oneLine(c.problem));
  return {};
}

bool FinetuneDialog::startFinetune() {
  if (const QString problem = problemBeforeStart(); !problem.isEmpty()) {
    showStatus(problem);
    return false;
  }
  const apiq::FinetuneOptions o = options();
  const QString src = sourceEdit_->text().trimmed(), data = dataEdit_->text().trimmed(), out = outputDir();
  const bool resume = resume_->isChecked();
  outcome_.reset();
  lastLoss_.reset();
  lastPpl_.reset();
  result_->clear();
  map_->setVisible(false);
  mergeButton_->setVisible(false);
  live_->setText(tr("Loading the checkpoint…"));
  showStatus(tr("Finetuning %1 (%2) into %3…").arg(src, kind_->currentData().toString(), out));
  setRunning(true);
  auto* task = &trainTask_;
  trainTask_.start<FinetuneOutcome>(
      [this, task, src, data, out, o, resume] {
        FinetuneTaskObserver observer(task, this);
        const auto r = apiq::finetune(src.toStdString(), data.toStdString(), out.toStdString(), o, resume, &observer,
                                      task->token());
        return outcomeOf(r, out);
      },
      [this](FinetuneOutcome oc) { outcome_ = std::move(oc); }, &pool_);
  return true;
}

void FinetuneDialog::cancelFinetune() {
  if (!isRunning()) return;
  trainTask_.cancel();
  mergeTask_.cancel();
  cancelButton_->setEnabled(false);
  showStatus(tr("Cancelling after the current step…"));
}

void FinetuneDialog::setRunning(bool running) {
  form_->setEnabled(!running);
  startButton_->setEnabled(!running);
  closeButton_->setEnabled(!running);
  mergeButton_->setEnabled(!running);
  cancelButton_->setEnabled(running);
  cancelButton_->setVisible(running);
  progress_->setRange(0, 0);  // busy until the first step is reported
  progress_->setVisible(running);
}

void FinetuneDialog::onProgress(const QString& stage, qint64 done, qint64 total) {
  if (!isRunning() || total <= 0) return;  // a late report of work already finished
  if (stage == QLatin1String("eval")) {
    live_->setText(tr("Measuring the held-out perplexity: %1 of %2 batches").arg(done).arg(total));
    return;
  }
  progress_->setRange(0, static_cast<int>(total));
  progress_->setValue(static_cast<int>(done));
  if (stage == QLatin1String("finetune")) Q_EMIT finetuneProgress(static_cast<int>(done), static_cast<int>(total));
}

void FinetuneDialog::onFinetuneFinished(CoreTask::State state) {
  setRunning(false);
  const QString out = outputDir();
  QString message;
  if (state == CoreTask::State::Succeeded && outcome_) {
    const auto& oc = *outcome_;
    const QString ppl = oc.pplBefore && oc.pplAfter
                            ? tr("held-out perplexity %1 → %2").arg(*oc.pplBefore, 0, 'g', 5).arg(*oc.pplAfter, 0, 'g', 5)
                            : tr("no held-out perplexity");
    result_->setText(tr("%1; adapter: %2 trainable, %3 KiB").arg(ppl, QLocale().toString(oc.trainable),
                                                                  QLocale().toString(oc.storedBits / 8.0 / 1024.0, 'f', 1)));
    map_->setAdapter(oc.adapter, QFileInfo(out).fileName());
    map_->setVisible(true);
    mergeButton_->setText(tr("Merge into the %1-bit model…").arg(source_.bits));
    mergeButton_->setVisible(oc.mergeable);
    message = tr("Finetuned into %1").arg(out);
  } else if (state == CoreTask::State::Cancelled) {
    const QString partial = QString::fromStdString(apiq::partial_dir(out.toStdString()).string());
    message = QFileInfo::exists(partial)
                  ? tr("Finetune cancelled; %1 was not written. The progress is kept in %2: tick Resume and start again "
                       "to continue.").arg(out, partial)
                  : tr("Finetune cancelled; nothing was written.");
  } else {
    message = tr("Finetune failed: %1").arg(oneLine(trainTask_.errorMessage()));
  }
  showStatus(message);
  Q_EMIT finetuneFinished(state == CoreTask::State::Succeeded, message);
}

bool FinetuneDialog::startMerge() {
  QString problem;
  if (isRunning()) problem = tr("A finetune or merge is already running.");
  else if (!outcome_ || !outcome_->mergeable) problem = tr("There is no finished adapter that merges into the model.");
  else if (QFileInfo::exists(mergedDir())) problem = tr("%1 already exists; merging never overwrites.").arg(mergedDir());
  if (!problem.isEmpty()) {
    showStatus(problem);
    return false;
  }
  const QString src = outcome_->outputDir, out = mergedDir();
  showStatus(tr("Merging the adapter into %1…").arg(out));
  setRunning(true);
  auto* task = &mergeTask_;
  mergeTask_.start<double>(
      [task, src, out] {
        return apiq::merge_adapter(src.toStdString(), out.toStdString(), task->observer(), task->token()).max_abs_error;
      },
      [this, out](double err) {
        showStatus(tr("Merged into %1 (largest change beyond the adapter: %2)").arg(out).arg(err, 0, 'g', 3));
      },
      &pool_);
  return true;
}

void FinetuneDialog::onMergeFinished(CoreTask::State state) {
  setRunning(false);
  const bool ok = state == CoreTask::State::Succeeded;
  if (state == CoreTask::State::Cancelled) showStatus(tr("Merge cancelled; nothing was written."));
  else if (!ok) showStatus(tr("Merge failed: %1").arg(oneLine(mergeTask_.errorMessage())));
  Q_EMIT mergeFinished(ok, statusText());
}

void FinetuneDialog::showStatus(const QString& text) { status_->setText(text); }

}  // namespace apiq::widgets
