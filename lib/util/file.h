#pragma once
// File I/O behind a small Env interface (as LevelDB's), so tests can inject faults and prove
// that nothing partial is left behind. Error messages follow Go's *PathError:
// "<op> <path>: <reason>", e.g. "open /x: no such file or directory".
//
// Thread-safety: Env::Default() and FaultInjectionEnv may be used from several threads;
// a WritableFile is used by one thread at a time.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "util/status.h"

namespace promkit::util {

// A file open for writing. Destroying it closes the descriptor (errors then ignored).
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  // Writes all of `data` or fails ("write <path>: <reason>").
  virtual Status Append(std::string_view data) = 0;
  virtual Status Sync() = 0;   // fsync
  virtual Status Close() = 0;  // idempotent
};

class Env {
 public:
  virtual ~Env() = default;
  // The process-wide POSIX environment. Never null; lives for the whole program.
  static Env* Default();

  // The whole file. Missing files give NotFound, other failures IoError.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Creates `path` (mode 0666 before umask), failing if it exists.
  virtual Result<std::unique_ptr<WritableFile>> NewExclusiveFile(const std::string& path) = 0;
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // fsyncs a directory so renames and creations in it are durable.
  virtual Status SyncDir(const std::string& dir) = 0;
};

// Go's os.ReadFile through `env`.
Result<std::string> ReadFile(const std::string& path, Env* env = Env::Default());

// Replaces `path` with `data` atomically: writes a temporary file in the same directory, fsyncs
// it, renames it over `path` and fsyncs the directory. Readers see the old or the new content,
// never a mix. On any failure before the rename the temporary file is removed and `path` is
// untouched. If only the final directory fsync fails, `path` already holds the new data and the
// error is returned because durability is not guaranteed.
Status WriteFileAtomic(const std::string& path, std::string_view data, Env* env = Env::Default());

// Wraps another Env and fails chosen operations, for tests. Faults stay armed until cleared.
class FaultInjectionEnv : public Env {
 public:
  explicit FaultInjectionEnv(Env* base) : base_(base) {}

  // Files created after this call accept only `bytes` more bytes in total: the write that would
  // exceed them writes the prefix that fits and then fails with "short write". -1 disables.
  void SetShortWriteAfter(int64_t bytes) { short_write_after_ = bytes; }
  void SetFailOpen(bool fail) { fail_open_ = fail; }
  void SetFailSync(bool fail) { fail_sync_ = fail; }
  void SetFailClose(bool fail) { fail_close_ = fail; }
  void SetFailRename(bool fail) { fail_rename_ = fail; }
  void SetFailSyncDir(bool fail) { fail_sync_dir_ = fail; }
  void SetFailRemove(bool fail) { fail_remove_ = fail; }

  Result<std::string> ReadFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewExclusiveFile(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status RemoveFile(const std::string& path) override;
  Status SyncDir(const std::string& dir) override;

 private:
  class File;
  Env* base_;
  std::atomic<int64_t> short_write_after_{-1};
  std::atomic<bool> fail_open_{false};
  std::atomic<bool> fail_sync_{false};
  std::atomic<bool> fail_close_{false};
  std::atomic<bool> fail_rename_{false};
  std::atomic<bool> fail_sync_dir_{false};
  std::atomic<bool> fail_remove_{false};
};

// Go's filepath.Clean: the shortest lexically equivalent path ("a//b/../c/." -> "a/c", "" -> ".").
std::string CleanPath(std::string_view path);

// Go's text for an errno, in lower case as Go prints it ("no such file or directory").
std::string ErrnoText(int err);

// Go's os.MkdirAll(path, 0777): creates `path` and missing parents; an existing directory is
// fine. Errors as *PathError ("mkdir a/b: not a directory").
Status MkdirAll(const std::string& path);

}  // namespace promkit::util
