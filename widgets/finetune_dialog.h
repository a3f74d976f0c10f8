// SPDX-License-Identifier: GPL-3.0-or-later
// File → Finetune…: trains an adapter of a quantized checkpoint (`apiq finetune`) on a text, GSM8K
// or chat file. Every kind of core's adapter table is offered with its summary and, computed live
// from the checkpoint's config for the options chosen, its trainable parameters (or why it does not
// fit). Training runs off the GUI thread (CoreTask) with a progress bar, the last loss and the
// held-out perplexity as they arrive, and a cancel that keeps the resumable state but writes no
// output folder. The result shows the perplexity before and after, the adapter's size and its
// per-linear map; an adapter that folds into the base (QA-HiRA) can be merged into OUT-merged.
#pragma once
#include <QDialog>
#include <QThreadPool>
#include <optional>

#include "core_task.h"
#include "finetune/finetune.h"
#include "finetune_source.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace apiq::widgets {

class LinearHeatMap;

class FinetuneDialog : public QDialog {
  Q_OBJECT
 public:
  explicit FinetuneDialog(QWidget* parent = nullptr);
  ~FinetuneDialog() override;  // cancels running work and waits for it

  void setSourceDir(const QString& dir);  // read off the GUI thread; sourceAnalyzed follows
  void setDataFile(const QString& file);
  void setEvalFile(const QString& file);  // empty: hold out the end of the training data
  void setOutputDir(const QString& dir);
  QString outputDir() const;
  QString mergedDir() const;  // where Merge writes: OUT-merged
  // The form as core's options; fields without a widget keep what setOptions gave them.
  apiq::FinetuneOptions options() const;
  void setOptions(const apiq::FinetuneOptions& o);
  void setResume(bool resume);

  // Starts training; false (with the reason in statusText) when the input is incomplete.
  bool startFinetune();
  void cancelFinetune();
  bool isRunning() const { return trainTask_.isRunning() || mergeTask_.isRunning(); }
  // Merges the finished adapter into mergedDir(); false (and the reason) when there is none to merge.
  bool startMerge();

  const FinetuneSource& source() const { return source_; }
  // The trainable parameters the kind list shows for `kind`; none where it shows a problem.
  std::optional<qint64> trainableShown(const QString& kind) const;
  QString kindText(const QString& kind) const;  // its entry in the kind list
  QString statusText() const;
  QString liveText() const;
  QString resultText() const;
  const std::optional<FinetuneOutcome>& outcome() const { return outcome_; }
  QComboBox* kindCombo() const { return kind_; }
  QPushButton* startButton() const { return startButton_; }
  QPushButton* cancelButton() const { return cancelButton_; }
  QPushButton* mergeButton() const { return mergeButton_; }
  QProgressBar* progressBar() const { return progress_; }
  LinearHeatMap* adapterMap() const { return map_; }
  CoreTask* trainTask() { return &trainTask_; }

 Q_SIGNALS:
  void sourceAnalyzed();
  void finetuneProgress(int done, int total);  // optimizer steps done of all
  void stepLoss(qint64 step, double loss);
  void heldOutPerplexity(qint64 epoch, double ppl);
  void finetuneFinished(bool ok, const QString& message);
  void mergeFinished(bool ok, const QString& message);

 private:
  QGroupBox* createDataGroup();
  QGroupBox* createAdapterGroup();
  QGroupBox* createTrainingGroup();
  QWidget* createResultArea();
  void connectTasks();
  void browse(QLineEdit* edit, bool folder, const QString& title);
  void updateCounts();
  void suggestOutput();
  QString problemBeforeStart() const;
  void setRunning(bool running);
  void onProgress(const QString& stage, qint64 done, qint64 total);
  void onFinetuneFinished(CoreTask::State state);
  void onMergeFinished(CoreTask::State state);
  void showStatus(const QString& text);

  QLineEdit* sourceEdit_;
  QLabel* sourceInfo_;
  QLineEdit* dataEdit_;
  QComboBox* format_;
  QLineEdit* evalEdit_;
  QComboBox* kind_;
  QLabel* kindInfo_;
  QSpinBox* rank_;
  QDoubleSpinBox* alpha_;
  QSpinBox* outPool_;
  QComboBox* init_;
  QDoubleSpinBox* gateLambda_;
  QSpinBox* epochs_;
  QDoubleSpinBox* lr_;
  QSpinBox* batch_;
  QSpinBox* seqLen_;
  QComboBox* device_;
  QLineEdit* outputEdit_;
  QCheckBox* resume_;
  QWidget* form_;
  QProgressBar* progress_;
  QLabel* live_;
  QLabel* status_;
  QLabel* result_;
  LinearHeatMap* map_;
  QPushButton* startButton_;
  QPushButton* cancelButton_;
  QPushButton* mergeButton_;
  QPushButton* closeButton_;
  apiq::FinetuneOptions base_;  // the fields the form has no widget for
  FinetuneSource source_;
  std::vector<AdapterCount> counts_;
  QString suggestedOutput_;
  std::optional<double> lastLoss_, lastPpl_;
  std::optional<FinetuneOutcome> outcome_;
  std::shared_ptr<std::optional<FinetuneOutcome>> pending_;  // written by the worker, read when it ends
  QThreadPool pool_;
  CoreTask analysisTask_;
  CoreTask trainTask_;
  CoreTask mergeTask_;
};

}  // namespace apiq::widgets
