// SPDX-License-Identifier: GPL-3.0-or-later
// The File menu entry of a main window with the given text, as a user finds it; null when absent.
#pragma once
#include <QAction>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QString>

namespace fixture {

inline QAction* fileMenuAction(QMainWindow& w, const QString& text) {
  const auto menus = w.menuBar()->actions();
  if (menus.isEmpty() || !menus.first()->menu()) return nullptr;
  for (QAction* a : menus.first()->menu()->actions())
    if (a->text() == text) return a;
  return nullptr;
}

}  // namespace fixture
