#include "discovery/file.h"

#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

#include <fmt/core.h>
#include <glob.h>

#include "util/file.h"
#include "util/strings.h"

namespace promkit::discovery {

namespace {

std::string LowerExt(const std::string& path) {
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

std::string FileSource(const std::string& path, size_t i) { return fmt::format("{}:{}", path, i); }

// Go's filepath.Glob: the matches sorted; a pattern without meta characters matches itself
// when the file exists (lstat), bad patterns match nothing.
std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  std::sort(out.begin(), out.end());
  return out;
}

std::string DirOf(const std::string& pattern) {
  size_t slash = pattern.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return pattern.substr(0, slash);
}

}  // namespace

util::Result<std::vector<TargetGroup>> ReadFileGroups(const std::string& path) {
  PROMKIT_ASSIGN_OR_RETURN(std::string text, util::ReadFile(path));
  std::string ext = LowerExt(path);
  util::Result<std::vector<TargetGroup>> groups =
      ext == ".json" ? ParseTargetGroupsJson(text)
      : (ext == ".yml" || ext == ".yaml")
          ? ParseTargetGroupsYaml(text)
          : util::Result<std::vector<TargetGroup>>(util::Status::InvalidArgument(
                fmt::format("unhandled file extension {}", util::GoQuote(ext))));
  if (!groups.ok()) return groups.status();
  for (size_t i = 0; i < groups->size(); ++i) {
    TargetGroup& tg = (*groups)[i];
    tg.source = FileSource(path, i);
    tg.labels[std::string(kFilepathLabel)] = path;
  }
  return groups;
}

std::vector<std::string> FileDiscovery::ListFiles() const {
  std::vector<std::string> out;
  for (const std::string& p : cfg_.files) {
    std::vector<std::string> m = Glob(p);
    out.insert(out.end(), m.begin(), m.end());
  }
  return out;
}

std::vector<TargetGroup> FileDiscovery::Refresh(std::vector<std::string>& errors) {
  std::vector<TargetGroup> out;
  std::map<std::string, size_t> ref;
  for (const std::string& path : ListFiles()) {
    auto groups = ReadFileGroups(path);
    if (!groups.ok()) {
      errors.push_back(fmt::format("{}: {}", path, groups.status().message()));
      ref[path] = last_refresh_.count(path) ? last_refresh_[path] : 0;
      continue;
    }
    ref[path] = groups->size();
    for (TargetGroup& tg : *groups) out.push_back(std::move(tg));
  }
  for (const auto& [path, n] : last_refresh_) {
    auto it = ref.find(path);
    size_t m = it == ref.end() ? 0 : it->second;
    for (size_t i = m; i < n; ++i) out.push_back(TargetGroup{{}, {}, FileSource(path, i)});
  }
  last_refresh_ = std::move(ref);
  return out;
}

FileWatcher::FileWatcher(std::vector<std::string> globs) : globs_(std::move(globs)) {
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ >= 0) {
    std::set<std::string> dirs;
    for (const std::string& g : globs_) dirs.insert(DirOf(g));
    for (const std::string& d : dirs) {
      // A directory that does not exist yet is covered by polling.
      (void)::inotify_add_watch(inotify_fd_, d.c_str(),
                                IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |
                                    IN_MOVED_TO | IN_ATTRIB);
    }
  }
  last_ = Snapshot();
}

FileWatcher::~FileWatcher() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

std::map<std::string, FileWatcher::FileState> FileWatcher::Snapshot() const {
  std::map<std::string, FileState> out;
  for (const std::string& g : globs_) {
    for (const std::string& path : Glob(g)) {
      struct stat st {};
      if (::stat(path.c_str(), &st) != 0) continue;
      out[path] =
          FileState{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                    static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                    static_cast<int64_t>(st.st_size)};
    }
  }
  return out;
}

bool FileWatcher::Wait(int64_t timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  // Polling slices bound how late a change inotify cannot see is noticed.
  constexpr int64_t kSliceMs = 250;
  while (true) {
    std::map<std::string, FileState> now = Snapshot();
    if (now != last_) {
      last_ = std::move(now);
      return true;
    }
    int64_t left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    int wait = static_cast<int>(std::min(left, kSliceMs));
    if (inotify_fd_ >= 0) {
      pollfd p{inotify_fd_, POLLIN, 0};
      if (::poll(&p, 1, wait) > 0) {
        // Drain; the snapshot comparison decides whether a matched file changed.
        alignas(inotify_event) char buf[4096];
        while (::read(inotify_fd_, buf, sizeof buf) > 0) {
        }
      }
    } else {
      ::usleep(static_cast<useconds_t>(wait) * 1000);
    }
  }
}

}  // namespace promkit::discovery
