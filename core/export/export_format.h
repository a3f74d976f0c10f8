// SPDX-License-Identifier: GPL-3.0-or-later
// An export format behind one small interface, and the table of them. Each format is one file
// (export/export_<name>.cpp) defining its ExportFormat and one row in format_table.cpp; the CLI's
// --format, the export dialog and export_checkpoint read the table.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "export/export_source.h"

namespace apiq {

class ExportFormat {
 public:
  virtual ~ExportFormat() = default;
  virtual const char* name() const = 0;     // "gptq-v2"
  virtual const char* engines() const = 0;  // which tools load it (one sentence or two)
  virtual const char* loss() const = 0;     // what is lost on the way
  virtual bool lossless_in_general() const { return true; }
  virtual bool uses_dtype() const { return false; }  // ExportOptions::dtype matters
  virtual bool can_force() const { return false; }   // --force makes a lossy export possible
  // Why this checkpoint cannot be written in this format, one sentence each (empty: it can).
  virtual std::vector<std::string> problems(const QuantizedCheckpoint& ck) const { (void)ck; return {}; }
  // base_model_name_or_path of the adapter when the options name none.
  virtual std::string default_base_model(const std::filesystem::path& qdir, const std::filesystem::path& out) const;
  // Writes the export into the existing, empty folder `dir`.
  virtual ExportResult write(const QuantizedSource& src, const std::filesystem::path& dir,
                             const ExportOptions& opts) const = 0;
};

// Every format, in the order front ends list them.
const std::vector<const ExportFormat*>& export_format_table();
// The row named `name`; std::invalid_argument listing the names otherwise.
const ExportFormat& find_export_format(const std::string& name);
std::vector<std::string> export_format_names();

}  // namespace apiq
