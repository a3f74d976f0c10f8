// SPDX-License-Identifier: GPL-3.0-or-later
// The table of export formats: one row per file in export/. Adding a format is a new file
// defining its `…_export_format()` and one line here.
#include "export/export_format.h"

namespace apiq {

const ExportFormat& compressed_tensors_export_format();
const ExportFormat& gptq_v2_export_format();
const ExportFormat& gptq_export_format();
const ExportFormat& peft_export_format();
const ExportFormat& hf_dequantized_export_format();

const std::vector<const ExportFormat*>& export_format_table() {
  static const std::vector<const ExportFormat*> table = {
      &compressed_tensors_export_format(), &gptq_v2_export_format(), &gptq_export_format(),
      &peft_export_format(),               &hf_dequantized_export_format(),
  };
  return table;
}

}  // namespace apiq
