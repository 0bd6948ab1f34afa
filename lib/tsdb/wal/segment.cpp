#include "tsdb/wal/segment.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include <fmt/core.h>

#include "util/file.h"

namespace promkit::tsdb::wal {
namespace {

constexpr std::string_view kCheckpointPrefix = "checkpoint.";

// Go's strconv.Atoi restricted to what Prometheus writes: digits only, fits an int.
std::optional<int> ParseIndex(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

struct Entry {
  std::string name;
  bool is_dir = false;
};

util::Result<std::vector<Entry>> ReadDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    int err = errno;
    std::string msg = "open " + dir + ": " + util::ErrnoText(err);
    return err == ENOENT ? util::Status::NotFound(msg) : util::Status::IoError(msg);
  }
  std::vector<Entry> out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    bool is_dir = ::stat((dir + "/" + name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    out.push_back({std::move(name), is_dir});
  }
  ::closedir(d);
  return out;
}

}  // namespace

std::string SegmentName(const std::string& dir, int index) {
  return fmt::format("{}/{:08d}", dir, index);
}

util::Result<std::vector<SegmentFile>> ListSegments(const std::string& dir) {
  PROMKIT_ASSIGN_OR_RETURN(std::vector<Entry> entries, ReadDir(dir));
  std::vector<SegmentFile> out;
  for (const Entry& e : entries) {
    if (std::optional<int> k = ParseIndex(e.name)) out.push_back({*k, dir + "/" + e.name});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i - 1].index + 1 != out[i].index) {
      return util::Status::Corruption(fmt::format("{}: segments are not sequential ({} then {})",
                                                  dir, out[i - 1].path, out[i].path));
    }
  }
  return out;
}

util::Result<std::optional<Checkpoint>> LastCheckpoint(const std::string& wal_dir) {
  PROMKIT_ASSIGN_OR_RETURN(std::vector<Entry> entries, ReadDir(wal_dir));
  std::optional<Checkpoint> best;
  for (const Entry& e : entries) {
    if (!e.name.starts_with(kCheckpointPrefix)) continue;
    if (!e.is_dir) {
      return util::Status::Corruption(
          fmt::format("checkpoint {}/{} is not a directory", wal_dir, e.name));
    }
    std::optional<int> k = ParseIndex(std::string_view(e.name).substr(kCheckpointPrefix.size()));
    if (!k) continue;  // e.g. checkpoint.00000003.tmp, still being written
    if (!best || *k > best->index) best = Checkpoint{*k, wal_dir + "/" + e.name};
  }
  return best;
}

}  // namespace promkit::tsdb::wal
