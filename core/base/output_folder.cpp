// SPDX-License-Identifier: GPL-3.0-or-later
#include "base/output_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "base/errors.h"
#include "base/fs_util.h"

namespace apiq {
namespace fs = std::filesystem;

fs::path partial_dir(const fs::path& out) {
  fs::path p = out;
  p += ".partial";
  return p;
}

void OutputFolder::check_new(const fs::path& out) {
  if (out.empty() || out.filename().empty() || out.filename() == "." || out.filename() == "..")
    throw InputError(out, "the output folder needs a name (an empty path or '.' cannot be a new folder)");
  std::error_code ec;
  if (fs::exists(out, ec)) throw InputError(out, "output folder already exists; choose another --out or remove it");
}

OutputFolder::OutputFolder(fs::path out) : out_(std::move(out)) {
  check_new(out_);
  const fs::path parent = fs::absolute(out_).parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec || !fs::is_directory(parent))
    throw InputError(parent, "cannot create the output's parent folder: " + (ec ? ec.message() : "not a folder"));
  staging_ = out_;
  staging_ += ".tmp-" + std::to_string(::getpid());
  lock_ = out_;
  lock_ += ".lock";
  lock();
  remove_stale_staging();
}

void OutputFolder::lock() {
  for (;;) {
    lock_fd_ = ::open(lock_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) throw InputError(lock_, std::string("cannot create the output's lock file: ") + std::strerror(errno));
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      char pid[32] = {};
      const auto n = ::pread(lock_fd_, pid, sizeof pid - 1, 0);
      ::close(lock_fd_);
      lock_fd_ = -1;
      throw InputError(out_, "another apiq process" + (n > 0 ? " (pid " + std::string(pid, static_cast<size_t>(n)) + ")" : std::string()) +
                                 " is writing this output; wait for it to finish or choose another --out");
    }
    // The holder before us may have removed the file between our open and our lock: lock anew.
    struct stat held {}, named {};
    if (::fstat(lock_fd_, &held) == 0 && ::stat(lock_.c_str(), &named) == 0 && held.st_ino == named.st_ino) break;
    ::close(lock_fd_);
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, pid.data(), pid.size(), 0) < 0) {
    // the pid is only for the message of a second writer; the lock itself holds
  }
}

// Under the lock no other live process writes here: any OUT.tmp-* is a dead writer's.
void OutputFolder::remove_stale_staging() const {
  const fs::path parent = fs::absolute(out_).parent_path();
  const std::string prefix = out_.filename().string() + ".tmp-";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) remove_tree(e.path());
  }
}

OutputFolder::~OutputFolder() {
  try {
    if (created_ && !committed_) remove_tree(staging_);
  } catch (...) {  // never throw from a destructor; the next claim removes it
  }
  if (lock_fd_ >= 0) {
    ::unlink(lock_.c_str());  // while still holding it, so a waiting writer re-checks the inode
    ::close(lock_fd_);
  }
}

const fs::path& OutputFolder::staging() {
  if (!created_) {
    remove_tree(staging_);
    std::error_code ec;
    fs::create_directories(staging_, ec);
    if (ec) throw InputError(staging_, "cannot create the output folder: " + ec.message());
    created_ = true;
  }
  return staging_;
}

void OutputFolder::commit() {
  staging();
  std::error_code ec;
  fs::rename(staging_, out_, ec);
  if (ec) throw InputError(out_, "cannot move the finished output into place: " + ec.message());
  committed_ = true;
}

}  // namespace apiq
