// SPDX-License-Identifier: GPL-3.0-or-later
// The one way a result folder is written. Claiming OUT refuses an empty path, an existing OUT and a
// parent that cannot be created or written; it takes an exclusive lock (`OUT.lock` beside OUT) so
// a second writer is refused at once, and removes the `OUT.tmp-*` folders that dead writers left.
// The result is assembled in `OUT.tmp-<pid>` and renamed to OUT only when complete, so OUT is
// either absent or whole; every error path (and a cancel) removes the staging folder. Resumable
// work in progress lives in `OUT.partial` (partial_dir), under the same lock.
#pragma once
#include <filesystem>
#include <string>

namespace apiq {

// `out` + ".partial": where quantize and finetune keep resumable state.
std::filesystem::path partial_dir(const std::filesystem::path& out);

class OutputFolder {
 public:
  // InputError naming `out` (or its parent) for every refusal above.
  explicit OutputFolder(std::filesystem::path out);
  ~OutputFolder();  // removes the staging folder unless committed, releases the lock
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  const std::filesystem::path& out() const { return out_; }
  // The staging folder `OUT.tmp-<pid>`, created empty on first use.
  const std::filesystem::path& staging();
  // Renames the staging folder to OUT.
  void commit();

  // InputError when `out` cannot be a new result folder (empty path, or it exists).
  static void check_new(const std::filesystem::path& out);

 private:
  void lock();
  void remove_stale_staging() const;
  std::filesystem::path out_, staging_, lock_;
  int lock_fd_ = -1;
  bool created_ = false, committed_ = false;
};

}  // namespace apiq
