// SPDX-License-Identifier: GPL-3.0-or-later
// Precompiled for the Qt side (widgets, the GUI app, the widget tests): core's narrow LibTorch headers
// (core/pch.h, which says why narrow) and Qt's. Not QCustomPlot's: it needs Qt's keywords, which clash
// with LibTorch, so the chart files that include it skip this header.
#pragma once
#include "../core/pch.h"

#include <QtWidgets>
