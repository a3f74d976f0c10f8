// SPDX-License-Identifier: GPL-3.0-or-later
// apiq-studio — the ApiQ Studio desktop application.
#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTimer>
#include <QTranslator>
#include <cstdio>

#include "base/torch_warnings.h"
#include "main_window.h"
#include "run_comparison.h"
#include "screenshot_tour.h"

namespace {

// apiq-studio --save-comparison DIR RUN…: the Comparison tab's charts (PNG, SVG, CSV) and summary
// table (CSV) written without a window; with --text, the perplexities are computed first.
int saveComparison(const QCommandLineParser& parser, const QString& dir, const QStringList& runs) {
  auto* w = new apiq::widgets::RunComparisonWidget;
  w->resize(1200, 800);
  QString error;
  if (runs.isEmpty() || !w->setRunDirs(runs, &error)) {
    std::fprintf(stderr, "apiq-studio: %s\n", runs.isEmpty() ? "--save-comparison needs run folders" : qPrintable(error));
    return 2;
  }
  auto finish = [w, dir] {
    const bool ok = w->saveCharts(dir);
    if (!ok) std::fprintf(stderr, "apiq-studio: could not write the comparison into %s\n", qPrintable(dir));
    else std::printf("comparison charts and summary.csv written to %s\n", qPrintable(dir));
    QCoreApplication::exit(ok ? 0 : 1);
  };
  if (!parser.isSet(QStringLiteral("text"))) {
    QTimer::singleShot(0, w, finish);
    return QApplication::exec();
  }
  bool seqOk = false, windowsOk = false;
  const int seqLen = parser.value(QStringLiteral("seq-len")).toInt(&seqOk);
  const int windows = parser.value(QStringLiteral("max-windows")).toInt(&windowsOk);
  const QString text = parser.value(QStringLiteral("text"));
  if (!seqOk || seqLen < 2 || !windowsOk || windows < 0 || !QFileInfo(text).isFile()) {
    std::fprintf(stderr, "apiq-studio: %s\n",
                 !QFileInfo(text).isFile() ? qPrintable(text + QStringLiteral(": cannot open the text file"))
                                           : "--seq-len must be an integer >= 2 and --max-windows >= 0");
    return 2;
  }
  w->setPerplexityText(text);
  w->setPerplexityWindows(seqLen, windows);
  // Queued: with nothing left to compute the signal comes before exec() starts.
  QObject::connect(
      w, &apiq::widgets::RunComparisonWidget::perplexitiesComputed, w,
      [w, finish] {
        if (w->perplexityTask()->state() != apiq::widgets::CoreTask::State::Failed) return finish();
        std::fprintf(stderr, "apiq-studio: %s\n", qPrintable(w->perplexityTask()->errorMessage()));
        QCoreApplication::exit(2);
      },
      Qt::QueuedConnection);
  w->computePerplexities();
  return QApplication::exec();
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  apiq::print_torch_warnings_on_this_thread();
  QApplication::setOrganizationName(QStringLiteral("ApiQ Studio"));
  QApplication::setApplicationName(QStringLiteral("ApiQ Studio"));
  QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
  // The language follows the system unless chosen in View → Language (kept in QSettings).
  const QString chosen = QSettings().value(QStringLiteral("language")).toString();
  QTranslator translator;
  if (translator.load(chosen.isEmpty() ? QLocale() : QLocale(chosen), QStringLiteral("apiq_studio"), QStringLiteral("_"),
                      QStringLiteral(":/i18n")))
    QApplication::installTranslator(&translator);
  QCommandLineParser parser;
  parser.setApplicationDescription(QApplication::translate("main", "ApiQ Studio"));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("model"), QApplication::translate("main", "Model folder to open."));
  QCommandLineOption shots(QStringLiteral("screenshots"),
                           QApplication::translate("main", "Run the screenshot tour and save PNGs to <dir>."),
                           QStringLiteral("dir"));
  QCommandLineOption calib(QStringLiteral("calib"), QApplication::translate("main", "Calibration text for the tour."),
                           QStringLiteral("file"));
  QCommandLineOption saveComparisonTo(
      QStringLiteral("save-comparison"),
      QApplication::translate("main", "Write the comparison of the run folders given as arguments (charts as PNG, SVG "
                                      "and CSV, the summary as CSV) into <dir>, without a window."),
      QStringLiteral("dir"));
  QCommandLineOption text(QStringLiteral("text"),
                          QApplication::translate("main", "Compute the comparison's perplexities on <file>."),
                          QStringLiteral("file"));
  QCommandLineOption seqLen(QStringLiteral("seq-len"), QApplication::translate("main", "Perplexity window."),
                            QStringLiteral("tokens"), QStringLiteral("256"));
  QCommandLineOption maxWindows(QStringLiteral("max-windows"),
                                QApplication::translate("main", "Score at most this many windows (0: all)."),
                                QStringLiteral("count"), QStringLiteral("0"));
  parser.addOption(shots);
  parser.addOption(calib);
  parser.addOptions({saveComparisonTo, text, seqLen, maxWindows});
  parser.process(app);
  if (parser.isSet(saveComparisonTo))
    return saveComparison(parser, parser.value(saveComparisonTo), parser.positionalArguments());
  const QStringList args = parser.positionalArguments();
  QTemporaryDir work;
  const bool tour = parser.isSet(shots);
  if (tour) {
    if (args.isEmpty() || !parser.isSet(calib)) parser.showHelp(2);
    // The tour's runs live in a temporary folder: keep them (and its window state) out of the
    // user's settings, from before the window reads them.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, work.path());
  }
  apiq::app::MainWindow w;
  w.resize(1280, 820);
  w.show();
  if (tour) {
    auto* t = new apiq::app::ScreenshotTour(&w, parser.value(shots), args.first(), parser.value(calib), work.path());
    t->setPerplexityText(parser.value(text));
    t->start();
  } else if (!args.isEmpty()) {
    w.openModel(args.first());
  }
  return QApplication::exec();
}
