#pragma once
// A data directory opened read-only for the offline commands (upstream DBReadOnly): the blocks
// in its ULID-named subdirectories, sorted by min time, and the head replayed from wal/ and
// chunks_head/ (tsdb/head) when a querier needs it. Nothing in the directory is written: no
// lock file, no sandbox, no WAL repair.
// Thread-safety: blocks are immutable after Open; the head is replayed once, under a mutex, by
// the first caller needing it; queriers may be created from any thread.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/interface.h"
#include "tsdb/block.h"
#include "tsdb/head/head.h"
#include "util/status.h"

namespace promkit::tsdb {

class DbReadOnly final : public storage::Queryable {
 public:
  // Fails when `dir` is missing ("opening the db dir: stat <dir>: ...") or a block is corrupt
  // and no newer block lists it as a compaction parent ("corrupted block <ULID>: <cause>").
  // Directories without a readable meta.json are skipped, as upstream, with a warning.
  static util::Result<std::unique_ptr<DbReadOnly>> Open(const std::string& dir);

  // The persisted blocks only, as upstream's DBReadOnly.Blocks (what `tsdb list` shows).
  const std::vector<std::shared_ptr<Block>>& blocks() const { return blocks_; }
  // Problems that did not stop opening (skipped directories), then, once the head was
  // replayed, what its replay skipped or tolerated (head::Head::warnings()).
  std::vector<std::string> warnings() const;
  // Max time (exclusive) of the newest block; INT64_MIN without blocks. The head holds samples
  // from here on.
  int64_t MaxBlockTime() const;

  // The head, replayed on the first call (samples before MaxBlockTime() dropped, as upstream);
  // later calls return the same head or the same error. Errors read "read WAL: <cause>".
  util::Result<std::shared_ptr<const head::Head>> Head();

  // Samples in [mint, maxt] of every block overlapping it and of the head, merged (equal
  // timestamps once, blocks first). As upstream, the head is replayed only when the blocks do
  // not cover maxt, and queried only when maxt reaches the head's min time.
  util::Result<std::unique_ptr<storage::Querier>> NewQuerier(int64_t mint, int64_t maxt) override;

 private:
  std::string dir_;
  std::vector<std::shared_ptr<Block>> blocks_;
  std::vector<std::string> warnings_;
  mutable std::mutex head_mu_;
  bool head_loaded_ = false;                               // guarded by head_mu_
  util::Result<std::shared_ptr<const head::Head>> head_ =  // guarded by head_mu_
      util::Status::Internal("head not loaded");
};

}  // namespace promkit::tsdb
