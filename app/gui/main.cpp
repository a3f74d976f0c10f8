// SPDX-License-Identifier: GPL-3.0-or-later
// apiq-studio — the ApiQ Studio desktop application.
#include <QApplication>
#include <QCommandLineParser>
#include <QTemporaryDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

#include "main_window.h"
#include "screenshot_tour.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
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
  parser.addOption(shots);
  parser.addOption(calib);
  parser.process(app);
  apiq::app::MainWindow w;
  w.resize(1280, 820);
  w.show();
  const QStringList args = parser.positionalArguments();
  QTemporaryDir work;
  if (parser.isSet(shots)) {
    if (args.isEmpty() || !parser.isSet(calib)) parser.showHelp(2);
    auto* tour = new apiq::app::ScreenshotTour(&w, parser.value(shots), args.first(), parser.value(calib), work.path());
    tour->start();
  } else if (!args.isEmpty()) {
    w.openModel(args.first());
  }
  return QApplication::exec();
}
