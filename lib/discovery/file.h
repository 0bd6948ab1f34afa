#pragma once
// file_sd_configs (upstream discovery/file): target groups read from JSON or YAML files named
// by globs. Each group gets __meta_filepath (the file's path as configured, after globbing) and
// the source "<path>:<index>". A file that fails to read or decode keeps the groups it had;
// a file that disappeared, or now holds fewer groups, yields empty groups for the lost sources.
// FileWatcher tells a daemon when to refresh before refresh_interval is up.
// Thread-safety: FileDiscovery and FileWatcher are single-threaded.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "discovery/target_group.h"
#include "util/status.h"

namespace promkit::discovery {

inline constexpr std::string_view kFilepathLabel = "__meta_filepath";

// Reads one file_sd file (decoder chosen by the extension, case-insensitively) into groups
// labelled and sourced as upstream does.
util::Result<std::vector<TargetGroup>> ReadFileGroups(const std::string& path);

class FileDiscovery {
 public:
  explicit FileDiscovery(config::FileSDConfig cfg) : cfg_(std::move(cfg)) {}

  // One pass over every file the globs match now (in glob order). Returns the groups to send:
  // those of each file read, then empty groups for sources that went away. A failing file is
  // skipped (its earlier groups stand) and its error appended to `errors` as
  // "<path>: <cause>".
  std::vector<TargetGroup> Refresh(std::vector<std::string>& errors);

  // The files the globs match now, sorted within each glob (Go's filepath.Glob).
  std::vector<std::string> ListFiles() const;
  const config::FileSDConfig& config() const { return cfg_; }

 private:
  config::FileSDConfig cfg_;
  std::map<std::string, size_t> last_refresh_;  // file -> number of groups last sent
};

// Watches the directories of a set of globs (inotify) and the matched files' identity and
// modification time (polling, as a fallback where inotify is unavailable or a directory is on a
// filesystem without events).
class FileWatcher {
 public:
  explicit FileWatcher(std::vector<std::string> globs);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // Blocks until a matched file is created, written, renamed or removed, or `timeout_ms` passes.
  // True when something changed since the last call (or construction).
  bool Wait(int64_t timeout_ms);

 private:
  struct FileState {
    uint64_t dev = 0, ino = 0;
    int64_t mtime_ns = 0, size = 0;
    friend bool operator==(const FileState&, const FileState&) = default;
  };
  std::map<std::string, FileState> Snapshot() const;

  std::vector<std::string> globs_;
  int inotify_fd_ = -1;
  std::map<std::string, FileState> last_;
};

}  // namespace promkit::discovery
