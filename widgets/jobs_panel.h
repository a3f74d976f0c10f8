// SPDX-License-Identifier: GPL-3.0-or-later
// Lists queued, running and finished calibration jobs with progress, elapsed and remaining time;
// pause/resume and cancel act on the selected job.
#pragma once
#include <QElapsedTimer>
#include <QHash>
#include <QTimer>
#include <QWidget>

class QTableWidget;
class QPushButton;

namespace apiq::widgets {

class CalibrationJob;

class JobsPanel : public QWidget {
  Q_OBJECT
 public:
  enum Column { Method, Output, State, Progress, Elapsed, Remaining, ColumnCount };
  explicit JobsPanel(QWidget* parent = nullptr);

  void addJob(CalibrationJob* job);  // not owned
  QTableWidget* table() const { return table_; }
  QString stateText(int row) const;

 private:
  struct Entry {
    CalibrationJob* job = nullptr;
    QElapsedTimer clock;
    bool started = false, done = false, paused = false;
    double fraction = 0;
  };
  void refreshTimes();
  CalibrationJob* selectedJob() const;
  QTableWidget* table_;
  QPushButton* pause_;
  QPushButton* cancel_;
  QVector<Entry> entries_;
  QTimer ticker_;
};

}  // namespace apiq::widgets
