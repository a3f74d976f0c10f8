// SPDX-License-Identifier: GPL-3.0-or-later
// apiq-studio — the ApiQ Studio desktop application.
#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include "main_window.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("ApiQ Studio"));
  QApplication::setApplicationName(QStringLiteral("ApiQ Studio"));
  QApplication::setApplicationVersion(QStringLiteral("0.1.0"));
  QTranslator translator;
  if (translator.load(QLocale(), QStringLiteral("apiq_studio"), QStringLiteral("_"), QStringLiteral(":/i18n")))
    QApplication::installTranslator(&translator);
  apiq::app::MainWindow w;
  w.show();
  const QStringList args = QApplication::arguments();
  if (args.size() > 1) w.openModel(args.at(1));
  return QApplication::exec();
}
