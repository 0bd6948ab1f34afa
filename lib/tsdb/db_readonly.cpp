#include "tsdb/db_readonly.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <map>
#include <system_error>

#include "storage/merge.h"

namespace promkit::tsdb {
namespace {

std::string ErrnoText(int err) {
  std::string text = std::generic_category().message(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace

util::Result<std::unique_ptr<DbReadOnly>> DbReadOnly::Open(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    int err = errno;
    std::string msg = "opening the db dir: stat " + dir + ": " + ErrnoText(err);
    return err == ENOENT ? util::Status::NotFound(msg) : util::Status::IoError(msg);
  }
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return util::Status::IoError("find blocks: open " + dir + ": " + ErrnoText(errno));
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (!IsUlid(name)) continue;
    struct stat es {};
    if (::stat((dir + "/" + name).c_str(), &es) == 0 && S_ISDIR(es.st_mode)) names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());

  auto db = std::make_unique<DbReadOnly>();
  std::map<std::string, util::Status> corrupted;
  for (const std::string& name : names) {
    std::string bdir = dir + "/" + name;
    util::Result<MetaFile> meta = ReadMeta(bdir);
    if (!meta.ok()) {
      db->warnings_.push_back("skipping " + bdir + ": " + meta.status().ToString());
      continue;
    }
    util::Result<std::shared_ptr<Block>> b = Block::Open(bdir);
    if (!b.ok()) {
      corrupted[meta->meta.ulid] = b.status();
      continue;
    }
    db->blocks_.push_back(std::move(*b));
  }
  for (const auto& b : db->blocks_) {
    for (const BlockDesc& p : b->meta().compaction_parents) corrupted.erase(p.ulid);
  }
  if (!corrupted.empty()) {
    std::string msg;
    for (const auto& [ulid, err] : corrupted) {
      msg += (msg.empty() ? "" : "\n") + ("corrupted block " + ulid + ": " + err.ToString());
    }
    return util::Status::Corruption(msg);
  }
  std::stable_sort(db->blocks_.begin(), db->blocks_.end(), [](const auto& a, const auto& b) {
    return a->meta().min_time < b->meta().min_time;
  });
  return db;
}

std::unique_ptr<storage::Querier> DbReadOnly::NewQuerier(int64_t mint, int64_t maxt) const {
  std::vector<std::unique_ptr<storage::Querier>> qs;
  for (const auto& b : blocks_) {
    if (b->OverlapsClosedInterval(mint, maxt)) qs.push_back(b->NewQuerier(mint, maxt));
  }
  return storage::MergeQueriers(std::move(qs));
}

}  // namespace promkit::tsdb
