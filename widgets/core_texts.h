// SPDX-License-Identifier: GPL-3.0-or-later
// Core's table texts as Qt Linguist sees them (core_texts.cpp); null-terminated lists.
#pragma once

namespace apiq::widgets {

extern const char* const kMethodTexts[];        // context "apiq::Method"
extern const char* const kExportFormatTexts[];  // context "apiq::ExportFormat"
extern const char* const kAdapterTexts[];       // context "apiq::AdapterKind"

}  // namespace apiq::widgets
