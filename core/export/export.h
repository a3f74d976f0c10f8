// SPDX-License-Identifier: GPL-3.0-or-later
// Exports of a native quantized checkpoint into formats other tools load (export_format.h).
// Every export is assembled in `OUT.tmp-<pid>` and renamed to OUT only when complete.
#pragma once
#include <filesystem>

#include "export/export_format.h"

namespace apiq {

// Writes the export into a new folder `out` (which must not exist). Progress goes to `obs` (stage
// "export", one unit per decoder block and one for writing); a cancel (CancelledError) or any
// error leaves no `out` and no temporary folder behind.
ExportResult export_checkpoint(const std::filesystem::path& qdir, const std::filesystem::path& out,
                               const ExportOptions& opts, ProgressObserver* obs = nullptr,
                               const CancelToken* cancel = nullptr);

}  // namespace apiq
