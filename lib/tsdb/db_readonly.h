#pragma once
// A data directory opened read-only for the offline commands (upstream DBReadOnly): the blocks
// in its ULID-named subdirectories, sorted by min time. The WAL and head are not read yet
// (TODO(#3): replay wal/ and chunks_head/ into an in-memory head).
// Thread-safety: immutable after Open; queriers may be created from any thread.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/interface.h"
#include "tsdb/block.h"
#include "util/status.h"

namespace promkit::tsdb {

class DbReadOnly {
 public:
  // Fails when `dir` is missing ("opening the db dir: stat <dir>: ...") or a block is corrupt
  // and no newer block lists it as a compaction parent ("corrupted block <ULID>: <cause>").
  // Directories without a readable meta.json are skipped, as upstream, with a warning.
  static util::Result<std::unique_ptr<DbReadOnly>> Open(const std::string& dir);

  const std::vector<std::shared_ptr<Block>>& blocks() const { return blocks_; }
  // Problems that did not stop opening (skipped directories).
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Samples in [mint, maxt] of every block overlapping it, merged (equal timestamps once).
  std::unique_ptr<storage::Querier> NewQuerier(int64_t mint, int64_t maxt) const;

 private:
  std::vector<std::shared_ptr<Block>> blocks_;
  std::vector<std::string> warnings_;
};

}  // namespace promkit::tsdb
