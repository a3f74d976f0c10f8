// SPDX-License-Identifier: GPL-3.0-or-later
// The quantization page's memory budget mode: bits per parameter or a target size in MB for
// core's mixed-precision allocation (--budget), whether the LoRA factors count, and the live range
// any allocation can reach for this model. The allocation itself needs the weights, so the page
// shows only its bounds (budget_range); core's allocation decides at run time.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <algorithm>
#include <cmath>

#include "job_wizard.h"
#include "job_wizard_page.h"
#include "methods/method.h"

namespace apiq::widgets {

using namespace wizard_detail;

namespace {
QString megabytesText(double bits) { return JobWizard::tr("%1 MB").arg(QLocale().toString(bits / 8e6, 'f', 3)); }
QString perParamText(double v) { return QLocale().toString(v, 'f', 3); }
bool anyAdapter(const QStringList& methods) {
  return std::any_of(methods.begin(), methods.end(), [](const QString& m) { return find_method(m.toStdString()).has_adapter(); });
}
}  // namespace

QWidget* JobWizard::createBudgetBox(QWidget* page) {
  precision_ = new QComboBox(page);
  precision_->setObjectName(QStringLiteral("precisionCombo"));
  precision_->addItems({tr("Uniform bits"), tr("Memory budget")});
  precision_->setToolTip(tr("Memory budget: each quantized linear gets its own bits (2, 3, 4, 8) and group size "
                            "(32, 64, 128), chosen for the least rounding error within the budget."));
  budgetBits_ = new QDoubleSpinBox;
  budgetBits_->setObjectName(QStringLiteral("budgetBitsSpin"));
  budgetBits_->setRange(0.5, 4096.0);
  budgetBits_->setDecimals(3);
  budgetBits_->setSingleStep(0.25);
  budgetBits_->setValue(3.0);
  budgetBits_->setSuffix(tr(" bits per parameter"));
  budgetMb_ = new QDoubleSpinBox;
  budgetMb_->setObjectName(QStringLiteral("budgetMbSpin"));
  budgetMb_->setRange(0.000001, 1e7);
  budgetMb_->setDecimals(6);  // to the byte: switching the unit keeps the budget
  budgetMb_->setSuffix(tr(" MB"));
  budgetMb_->setToolTip(tr("Target size of the quantized linears (10⁶ bytes), converted to bits per parameter over "
                           "their weights."));
  budgetMb_->setVisible(false);
  budgetUnit_ = new QComboBox;
  budgetUnit_->setObjectName(QStringLiteral("budgetUnitCombo"));
  budgetUnit_->addItems({tr("Bits per parameter"), tr("Target size (MB)")});
  budgetLora_ = new QCheckBox(tr("Count LoRA factors"));
  budgetLora_->setObjectName(QStringLiteral("budgetLoraBox"));
  budgetLora_->setChecked(true);
  budgetLora_->setToolTip(tr("The fp32 LoRA factors of every linear count against the budget (they do not change "
                             "with the choice). Off: the budget covers the quantized weights alone."));
  budgetBox_ = new QWidget(page);
  auto* row = new QHBoxLayout(budgetBox_);
  row->setContentsMargins(0, 0, 0, 0);
  row->addWidget(budgetBits_, 1);
  row->addWidget(budgetMb_, 1);
  row->addWidget(budgetUnit_);
  row->addWidget(budgetLora_);
  budgetBox_->setEnabled(false);
  budgetEstimate_ = new QLabel(page);
  budgetEstimate_->setObjectName(QStringLiteral("budgetEstimateLabel"));
  budgetEstimate_->setWordWrap(true);
  budgetEstimate_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* checked = static_cast<CheckedPage*>(page);
  checked->registerField(QStringLiteral("budgetMode"), precision_, "currentIndex", SIGNAL(currentIndexChanged(int)));
  checked->registerField(QStringLiteral("budgetUnit"), budgetUnit_, "currentIndex", SIGNAL(currentIndexChanged(int)));
  checked->registerField(QStringLiteral("budgetBits"), budgetBits_, "value", SIGNAL(valueChanged(double)));
  checked->registerField(QStringLiteral("budgetMb"), budgetMb_, "value", SIGNAL(valueChanged(double)));
  checked->registerField(QStringLiteral("budgetCountsLora"), budgetLora_);
  connect(precision_, &QComboBox::currentIndexChanged, this, &JobWizard::updateQuant);
  connect(budgetUnit_, &QComboBox::currentIndexChanged, this, &JobWizard::setBudgetUnit);
  connect(budgetBits_, &QDoubleSpinBox::valueChanged, this, &JobWizard::updateQuant);
  connect(budgetMb_, &QDoubleSpinBox::valueChanged, this, &JobWizard::updateQuant);
  connect(budgetLora_, &QCheckBox::toggled, this, &JobWizard::updateQuant);
  return budgetBox_;
}

// The same budget in the other unit, so switching the unit does not change the job.
void JobWizard::setBudgetUnit(int unit) {
  if (config_) {
    const QStringList targets = settings().targetLinears;
    const double params = static_cast<double>(budget_range(*config_, targets, 0).params);
    const QSignalBlocker a(budgetBits_), b(budgetMb_);
    if (unit == 1) budgetMb_->setValue(budgetBits_->value() * params / 8e6);
    else if (params > 0) budgetBits_->setValue(megabytesToBitsPerParam(*config_, targets, budgetMb_->value()));
  }
  budgetBits_->setVisible(unit == 0);
  budgetMb_->setVisible(unit == 1);
  updateQuant();
}

double JobWizard::megabytesToBitsPerParam(const LlamaConfig& c, const QStringList& targets, double mb) {
  const int64_t params = budget_range(c, targets, 0).params;
  return params > 0 ? mb * 8e6 / static_cast<double>(params) : 0;
}

BudgetRange JobWizard::budgetRange(const LlamaConfig& c, const JobSettings& s) {
  // core's allocation counts rank × (in + out) fp32 factors only for methods with an adapter.
  // The wizard offers no choice of widths: the allocation chooses among core's default ones.
  const int64_t rank = s.budgetCountsLora && anyAdapter(s.methods) ? s.lora.rank : 0;
  return budget_range(c, s.targetLinears, rank, CalibrationOptions().budget_bits, s.quant);
}

QString JobWizard::budgetRule(const JobSettings& s) {
  // The sentences core adds for a positive budget: the rules stay core's (CalibrationOptions::problems).
  CalibrationOptions o;
  o.method = s.methods.isEmpty() ? std::string("rtn") : s.methods.front().toStdString();
  o.quant = s.quant;
  o.lora = s.lora;
  o.budget = 0;
  const auto without = o.problems();
  o.budget = std::max(1.0, s.budget);
  for (const auto& p : o.problems())
    if (std::find(without.begin(), without.end(), p) == without.end()) return QString::fromStdString(p);
  return {};
}

void JobWizard::updateBudget(const JobSettings& s) {
  const QString rule = budgetRule(s);
  precision_->setEnabled(rule.isEmpty());
  precision_->setToolTip(rule);
  if (!rule.isEmpty() && precision_->currentIndex() == 1) {
    const QSignalBlocker block(precision_);  // updateQuant runs on; no second pass from here
    precision_->setCurrentIndex(0);
  }
  const bool on = precision_->currentIndex() == 1;
  budgetBox_->setEnabled(on);
  bits_->setEnabled(!on);  // the allocation chooses bits and group size per linear
  groupSize_->setEnabled(!on);
  if (!rule.isEmpty()) {
    budgetEstimate_->setText(tr("Memory budget unavailable: %1").arg(rule));
    return;
  }
  if (!on || !config_) {
    budgetEstimate_->clear();
    return;
  }
  const BudgetRange r = budgetRange(*config_, settings());
  const double budget = settings().budget;
  QString text = tr("Any allocation takes between %1 and %2 bits per parameter (%3 to %4) over %5 quantized parameters.")
                     .arg(perParamText(r.leastPerParam()), perParamText(r.mostPerParam()),
                          megabytesText(static_cast<double>(r.leastBits)), megabytesText(static_cast<double>(r.mostBits)))
                     .arg(QLocale().toString(static_cast<qlonglong>(r.params)));
  text += QLatin1Char('\n') + tr("This budget: %1 bits per parameter, at most %2 for the quantized linears.")
                                  .arg(perParamText(budget), megabytesText(budget * static_cast<double>(r.params)));
  if (budget > r.mostPerParam())
    text += QLatin1Char('\n') + tr("Above the most any allocation takes: every linear gets its largest configuration.");
  budgetEstimate_->setText(text);
}

}  // namespace apiq::widgets
