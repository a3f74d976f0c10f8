// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs_panel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "calibration_job.h"

namespace apiq::widgets {

namespace {
QString formatSeconds(double s) {
  if (s < 0) return QStringLiteral("–");
  const int t = static_cast<int>(s + 0.5);
  return QStringLiteral("%1:%2").arg(t / 60).arg(t % 60, 2, 10, QLatin1Char('0'));
}
}  // namespace

JobsPanel::JobsPanel(QWidget* parent)
    : QWidget(parent), table_(new QTableWidget(0, ColumnCount, this)), pause_(new QPushButton(tr("Pause"), this)),
      cancel_(new QPushButton(tr("Cancel"), this)) {
  table_->setHorizontalHeaderLabels({tr("Method"), tr("Output"), tr("State"), tr("Progress"), tr("Elapsed"), tr("Remaining")});
  table_->horizontalHeader()->setSectionResizeMode(Output, QHeaderView::Stretch);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->verticalHeader()->hide();
  auto* buttons = new QHBoxLayout;
  buttons->addStretch();
  buttons->addWidget(pause_);
  buttons->addWidget(cancel_);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(table_);
  layout->addLayout(buttons);
  connect(pause_, &QPushButton::clicked, this, [this] {
    const int row = table_->currentRow();
    if (row < 0 || entries_[row].done) return;
    entries_[row].paused = !entries_[row].paused;
    entries_[row].job->setPaused(entries_[row].paused);
    table_->item(row, State)->setText(entries_[row].paused ? tr("Paused") : tr("Running"));
    pause_->setText(entries_[row].paused ? tr("Resume") : tr("Pause"));
  });
  connect(cancel_, &QPushButton::clicked, this, [this] {
    if (auto* job = selectedJob()) job->cancel();
  });
  ticker_.setInterval(500);
  connect(&ticker_, &QTimer::timeout, this, &JobsPanel::refreshTimes);
  ticker_.start();
}

void JobsPanel::addJob(CalibrationJob* job) {
  const int row = table_->rowCount();
  table_->insertRow(row);
  table_->setItem(row, Method, new QTableWidgetItem(job->methodName()));
  table_->setItem(row, Output, new QTableWidgetItem(job->spec().outDir));
  table_->setItem(row, State, new QTableWidgetItem(tr("Queued")));
  table_->setItem(row, Progress, new QTableWidgetItem(QStringLiteral("0 %")));
  table_->setItem(row, Elapsed, new QTableWidgetItem(formatSeconds(0)));
  table_->setItem(row, Remaining, new QTableWidgetItem(formatSeconds(-1)));
  Entry e;
  e.job = job;
  entries_.push_back(e);
  connect(job, &CalibrationJob::progress, this, [this, row](const QString& stage, qint64 done, qint64 total) {
    Entry& en = entries_[row];
    if (!en.started) {
      en.started = true;
      en.clock.start();
      table_->item(row, State)->setText(tr("Running"));
    }
    if (stage == QLatin1String("calibrate") && total > 0) {
      en.fraction = static_cast<double>(done) / static_cast<double>(total);
      table_->item(row, Progress)->setText(QStringLiteral("%1 %").arg(qRound(100 * en.fraction)));
    }
  });
  connect(job, &CalibrationJob::finished, this, [this, row](bool ok, const QString& message) {
    Entry& en = entries_[row];
    en.done = true;
    table_->item(row, State)->setText(ok ? tr("Finished") : message);
    if (ok) table_->item(row, Progress)->setText(QStringLiteral("100 %"));
    table_->item(row, Remaining)->setText(formatSeconds(0));
  });
}

QString JobsPanel::stateText(int row) const { return table_->item(row, State)->text(); }

void JobsPanel::refreshTimes() {
  for (int row = 0; row < entries_.size(); ++row) {
    const Entry& en = entries_[row];
    if (!en.started || en.done) continue;
    const double secs = en.clock.elapsed() / 1000.0;
    table_->item(row, Elapsed)->setText(formatSeconds(secs));
    table_->item(row, Remaining)->setText(en.fraction > 0 ? formatSeconds(secs / en.fraction * (1 - en.fraction)) : formatSeconds(-1));
  }
}

CalibrationJob* JobsPanel::selectedJob() const {
  const int row = table_->currentRow();
  return row >= 0 && row < entries_.size() ? entries_[row].job : nullptr;
}

}  // namespace apiq::widgets
