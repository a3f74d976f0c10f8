// SPDX-License-Identifier: GPL-3.0-or-later
// `apiq-studio --screenshots DIR`: drives the real window through a short session (open a model,
// calibrate three methods, compare them, browse and export the apiq-bw result) and saves PNGs of
// each stage, for docs/screenshots.
#pragma once
#include <QObject>
#include <QString>

namespace apiq::app {

class MainWindow;

class ScreenshotTour : public QObject {
  Q_OBJECT
 public:
  ScreenshotTour(MainWindow* window, QString outDir, QString model, QString calib, QString workDir);
  void start();
  // Text the comparison's perplexity is computed on (default: the calibration text).
  void setPerplexityText(const QString& file) { pplText_ = file; }

 private:
  void save(QWidget* w, const QString& name);
  void compareFinished();  // the comparison tab with perplexities, two views
  void browseAndExport();  // on the finished apiq-bw checkpoint: statistics, zero points, export dialog
  MainWindow* w_;
  QString out_, model_, calib_, work_, pplText_;
  bool runningShot_ = false;
  bool quantizedOpen_ = false;
};

}  // namespace apiq::app
