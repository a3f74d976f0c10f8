// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/export.h"

#include <stdexcept>

#include "base/errors.h"
#include "base/output_folder.h"

namespace apiq {
namespace fs = std::filesystem;

std::string ExportFormat::default_base_model(const fs::path& qdir, const fs::path& out) const {
  (void)qdir;  // the adapter travels in the same folder as its base
  return fs::absolute(out).lexically_normal().string();
}

const ExportFormat& find_export_format(const std::string& name) {
  std::string all;
  for (const ExportFormat* f : export_format_table()) {
    if (name == f->name()) return *f;
    all += (all.empty() ? "" : ", ") + std::string(f->name());
  }
  throw std::invalid_argument("unknown export format '" + name + "' (use " + all + ")");
}

std::vector<std::string> export_format_names() {
  std::vector<std::string> out;
  for (const ExportFormat* f : export_format_table()) out.emplace_back(f->name());
  return out;
}

ExportResult export_checkpoint(const fs::path& qdir, const fs::path& out, const ExportOptions& opts,
                               ProgressObserver* obs, const CancelToken* cancel) {
  const ExportFormat& format = find_export_format(opts.format);
  OutputFolder folder(out);  // exports never overwrite: an existing OUT is refused here
  QuantizedSource src = QuantizedSource::open(qdir);
  src.obs = obs;
  src.cancel = cancel;
  for (const auto& problem : format.problems(src)) throw InputError(qdir, problem);
  ExportOptions o = opts;
  if (o.base_model.empty()) o.base_model = format.default_base_model(qdir, out);
  const int64_t units = src.cfg.num_hidden_layers + 1;
  report(obs, "export", 0, units);
  ExportResult result = format.write(src, folder.staging(), o);
  checkpoint(cancel);
  folder.commit();
  report(obs, "export", units, units);
  return result;
}

}  // namespace apiq
