// SPDX-License-Identifier: GPL-3.0-or-later
// The calibration job wizard: model → method(s) → quantization (uniform bits or a memory budget,
// with a live size and peak-memory estimate) → calibration data → device, threads and output → review. Produces one
// CalibrationJobSpec per chosen method. Invalid combinations are explained in place and block Next.
#pragma once
#include <QStringList>
#include <QVector>
#include <QWizard>
#include <optional>

#include "io/config.h"
#include "calibration_job.h"
#include "size_estimate.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace apiq::widgets {

// Everything the wizard collects, independent of the widgets.
struct JobSettings {
  QString modelDir;
  QStringList methods;  // method_name() spellings: rtn, qlora, loftq, apiq-lw, apiq-bw
  QuantizerOptions quant;
  LoraOptions lora;
  QStringList targetLinears;  // linear short names (q_proj, …); the others stay full precision
  // Memory budget mode: bits per quantized parameter for core's allocation (0: uniform `quant`).
  double budget = 0;
  bool budgetCountsLora = true;
  QString calibFile;
  int64_t nsamples = 128;
  int64_t seqLen = 2048;
  uint64_t seed = 2;
  int64_t epochs = 20;
  QString device = QStringLiteral("cpu");
  int threads = 0;
  QString outDir;  // each method writes to <outDir>/<method>
};

class JobWizard : public QWizard {
  Q_OBJECT
 public:
  enum PageId { ModelPage, MethodsPage, QuantPage, DataPage, DevicePage, ReviewPage };

  explicit JobWizard(QWidget* parent = nullptr);

  JobSettings settings() const;
  QVector<CalibrationJobSpec> jobSpecs() const { return specsFrom(settings()); }
  // One spec per method, outDir = <outDir>/<method>. Throws std::invalid_argument on an unknown method.
  static QVector<CalibrationJobSpec> specsFrom(const JobSettings& s);

  // In-place explanations of what is wrong with a quantization choice; empty when it is valid.
  static QStringList quantizationProblems(const LlamaConfig& c, const JobSettings& s);
  // The range a budget allocation of these settings can reach (LoRA factors counted where a
  // chosen method has them and the budget counts them).
  static BudgetRange budgetRange(const LlamaConfig& c, const JobSettings& s);
  // Core's sentence why these settings allow no budget (the nf format), or empty.
  static QString budgetRule(const JobSettings& s);
  // Bits per quantized parameter of a target size in MB (10^6 bytes) over the chosen targets.
  static double megabytesToBitsPerParam(const LlamaConfig& c, const QStringList& targets, double mb);

  static QStringList allMethods();
  static QStringList allLinears();

  const std::optional<LlamaConfig>& modelConfig() const { return config_; }
  void setModelDir(const QString& dir);  // fills the first page's line edit

  // The labels the pages explain themselves in (for tests and screenshots).
  QLabel* modelSummaryLabel() const { return modelSummary_; }
  QLabel* sizeEstimateLabel() const { return estimate_; }
  QLabel* quantProblemsLabel() const { return quantProblems_; }
  QLabel* budgetEstimateLabel() const { return budgetEstimate_; }
  QLabel* dataProblemsLabel() const { return dataProblems_; }
  QLabel* outputProblemsLabel() const { return outputProblems_; }
  QString reviewText() const;

 private:
  QWizardPage* createModelPage();
  QWizardPage* createMethodsPage();
  QWizardPage* createQuantPage();
  QWizardPage* createDataPage();
  QWizardPage* createDevicePage();
  QWizardPage* createReviewPage();

  void loadConfig();
  void updateQuant();
  QWidget* createBudgetBox(QWidget* page);
  QWidget* createTargetsBox(QWidget* page);
  void updateBudget(const JobSettings& s);  // enables the mode and fills budgetEstimate_
  void setBudgetUnit(int unit);            // converts the value shown into the other unit
  QStringList dataProblems() const;
  QStringList outputProblems() const;
  static void showProblems(QLabel* label, const QStringList& problems);

  std::optional<LlamaConfig> config_;
  QStringList quantProblemList_;

  QLineEdit* modelEdit_ = nullptr;
  QLabel* modelSummary_ = nullptr;
  QVector<QCheckBox*> methodBoxes_;
  QComboBox* bits_ = nullptr;
  QComboBox* groupSize_ = nullptr;
  QSpinBox* rank_ = nullptr;
  QDoubleSpinBox* alpha_ = nullptr;
  QComboBox* format_ = nullptr;
  QVector<QCheckBox*> linearBoxes_;
  QComboBox* precision_ = nullptr;  // 0: uniform bits, 1: memory budget
  QComboBox* budgetUnit_ = nullptr;  // 0: bits per parameter, 1: target size in MB
  QDoubleSpinBox* budgetBits_ = nullptr;
  QDoubleSpinBox* budgetMb_ = nullptr;
  QCheckBox* budgetLora_ = nullptr;
  QWidget* budgetBox_ = nullptr;
  QLabel* budgetEstimate_ = nullptr;
  QLabel* estimate_ = nullptr;
  QLabel* quantProblems_ = nullptr;
  QLineEdit* calibEdit_ = nullptr;
  QSpinBox* nsamples_ = nullptr;
  QSpinBox* seqLen_ = nullptr;
  QSpinBox* seed_ = nullptr;
  QSpinBox* epochs_ = nullptr;
  QLabel* dataProblems_ = nullptr;
  QComboBox* device_ = nullptr;
  QSpinBox* threads_ = nullptr;
  QLineEdit* outEdit_ = nullptr;
  QLabel* outputProblems_ = nullptr;
  QPlainTextEdit* review_ = nullptr;
};

}  // namespace apiq::widgets
