#include "tsdb/db_readonly.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <limits>
#include <map>
#include <system_error>

#include "storage/merge.h"
#include "util/file.h"

namespace promkit::tsdb {
namespace {}  // namespace

util::Result<std::unique_ptr<DbReadOnly>> DbReadOnly::Open(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    int err = errno;
    std::string msg = "opening the db dir: stat " + dir + ": " + util::ErrnoText(err);
    return err == ENOENT ? util::Status::NotFound(msg) : util::Status::IoError(msg);
  }
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    return util::Status::IoError("find blocks: open " + dir + ": " + util::ErrnoText(errno));
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
  db->dir_ = dir;
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

int64_t DbReadOnly::MaxBlockTime() const {
  // Blocks are sorted by min time; upstream takes the last one's max time, and so do we.
  return blocks_.empty() ? std::numeric_limits<int64_t>::min() : blocks_.back()->meta().max_time;
}

std::vector<std::string> DbReadOnly::warnings() const {
  std::vector<std::string> out = warnings_;
  std::lock_guard<std::mutex> lock(head_mu_);
  if (head_loaded_ && head_.ok()) {
    const std::vector<std::string>& w = (*head_)->warnings();
    out.insert(out.end(), w.begin(), w.end());
  }
  return out;
}

util::Result<std::shared_ptr<const head::Head>> DbReadOnly::Head() {
  std::lock_guard<std::mutex> lock(head_mu_);
  if (!head_loaded_) {
    head::Head::Options opts;
    opts.min_valid_time = MaxBlockTime();
    util::Result<std::shared_ptr<const head::Head>> h = head::Head::OpenReadOnly(dir_, opts);
    head_ = h.ok() ? std::move(h)
                   : util::Result<std::shared_ptr<const head::Head>>(h.status().Wrap("read WAL"));
    head_loaded_ = true;
  }
  return head_;
}

util::Result<std::unique_ptr<storage::Querier>> DbReadOnly::NewQuerier(int64_t mint, int64_t maxt) {
  std::vector<std::unique_ptr<storage::Querier>> qs;
  for (const auto& b : blocks_) {
    if (b->OverlapsClosedInterval(mint, maxt)) qs.push_back(b->NewQuerier(mint, maxt));
  }
  if (MaxBlockTime() <= maxt) {
    PROMKIT_ASSIGN_OR_RETURN(std::shared_ptr<const head::Head> h, Head());
    if (maxt >= h->MinTime()) qs.push_back(h->NewQuerier(mint, maxt));
  }
  return storage::MergeQueriers(std::move(qs));
}

}  // namespace promkit::tsdb
