// SPDX-License-Identifier: GPL-3.0-or-later
#include "export/export_source.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include "base/errors.h"

namespace apiq {
namespace fs = std::filesystem;

QuantizedSource QuantizedSource::open(const fs::path& dir) {
  QuantizedSource s;
  static_cast<QuantizedCheckpoint&>(s) = QuantizedCheckpoint::open(dir);
  return s;
}

void QuantizedSource::block_done(int64_t block) const {
  report(obs, "export", block + 1, cfg.num_hidden_layers + 1);
  // Fault tests stretch an export so that a signal reliably lands in the middle of it.
  static const char* slow = std::getenv("APIQ_TEST_EXPORT_BLOCK_MS");
  if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(slow)));
  checkpoint(cancel);
}

}  // namespace apiq
