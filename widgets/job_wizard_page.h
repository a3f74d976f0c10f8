// SPDX-License-Identifier: GPL-3.0-or-later
// What the job wizard's pages share (job_wizard.cpp, job_wizard_run_pages.cpp): a page whose
// completeness comes from the wizard, and small layout helpers.
#pragma once
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QWizardPage>
#include <functional>

namespace apiq::widgets::wizard_detail {

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

inline QString bytesText(double b) { return QLocale().formattedDataSize(static_cast<qint64>(b + 0.5)); }

inline QHBoxLayout* browseRow(QLineEdit* edit, QPushButton* button) {
  auto* row = new QHBoxLayout;
  row->addWidget(edit, 1);
  row->addWidget(button);
  return row;
}

inline QLabel* problemLabel(const QString& objectName) {
  auto* l = new QLabel;
  l->setObjectName(objectName);
  l->setWordWrap(true);
  l->setStyleSheet(QStringLiteral("color: #c62828;"));
  l->setVisible(false);
  return l;
}


}  // namespace apiq::widgets::wizard_detail
