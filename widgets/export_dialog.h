// SPDX-License-Identifier: GPL-3.0-or-later
// File → Export…: writes a quantized checkpoint in one of the formats `apiq export` supports
// (peft, hf-dequantized, gptq, gptq-v2, compressed-tensors). Per format it says which engines
// load it and what, if anything, is lost (for GPTQ v1 the zero-point census); the source is
// analysed and the export written off the GUI thread, on the dialog's own one-worker pool, with
// a progress bar per decoder block and a cancel that leaves nothing behind.
#pragma once
#include <QDialog>
#include <QStringList>
#include <QThreadPool>
#include <memory>

#include "core_task.h"
#include "zero_census_model.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;


namespace apiq::widgets {

// What the dialog knows about the source checkpoint.
struct ExportSource {
  QString folder;
  QString method, codeFormat;  // e.g. "apiq-bw", "int"
  int bits = 0;
  qint64 groupSize = 0, loraRank = 0;
  bool hasAdapter = false;
  ZeroCensus census;
  QMap<QString, QString> unavailable;  // format name -> why core refuses this checkpoint in that format
  QString error;                   // not a quantized checkpoint, unreadable, …
};

class ExportDialog : public QDialog {
  Q_OBJECT
 public:
  explicit ExportDialog(QWidget* parent = nullptr);
  ~ExportDialog() override;

  void setSourceDir(const QString& dir);  // analysed off the GUI thread; sourceAnalyzed follows
  void setOutputDir(const QString& dir);
  void setFormat(const QString& format);  // a name of core's export format table
  QString format() const;
  void setForce(bool force);
  // Starts the export; false (with the reason in statusText) when the input is incomplete.
  bool startExport();
  bool isExporting() const { return exportTask_.isRunning(); }
  // Asks the running export to stop after the current block; exportFinished(false, …) follows.
  void cancelExport();

  const ExportSource& source() const { return source_; }
  QString enginesText() const;
  QString lossText() const;
  QString statusText() const;
  QString notesText() const;
  QPushButton* exportButton() const { return exportButton_; }
  QPushButton* cancelButton() const { return cancelButton_; }
  QProgressBar* progressBar() const { return progress_; }
  QComboBox* formatCombo() const { return format_; }

  // Which engines load a format, and what exporting to it loses (core's table, translated).
  static QString enginesFor(const QString& format);
  static QString lossFor(const QString& format);

 Q_SIGNALS:
  void sourceAnalyzed();
  // Units done of the export's total (one per decoder block, one for writing), on the GUI thread.
  void exportProgress(int done, int total);
  void exportFinished(bool ok, const QString& message);

 private:
  void browseSource();
  void browseOutput();
  void updateFormatInfo();
  void suggestOutput();
  void onExportFinished(CoreTask::State state);
  void onExportProgress(int done, int total);

  QLineEdit* sourceEdit_;
  QLabel* sourceInfo_;
  QComboBox* format_;
  QLabel* engines_;
  QLabel* loss_;
  QComboBox* dtype_;
  QCheckBox* force_;
  QLineEdit* outputEdit_;
  QProgressBar* progress_;
  QLabel* status_;
  QPlainTextEdit* notes_;
  QPushButton* exportButton_;
  QPushButton* cancelButton_;
  QPushButton* closeButton_;
  QString suggestedOutput_;
  ExportSource source_;
  QThreadPool pool_;
  CoreTask analysisTask_;
  CoreTask exportTask_;
  QStringList exportNotes_;
};

}  // namespace apiq::widgets
