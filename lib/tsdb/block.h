#pragma once
// A persisted block opened read-only: meta.json, the chunks/ segments and the index mmapped,
// tombstones in memory. A Block is shared (shared_ptr) by the Queriers and iterators reading it,
// which keeps the mappings alive until the last of them is gone.
// Thread-safety: immutable after Open; any thread may query it.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "model/matchers.h"
#include "storage/interface.h"
#include "tsdb/chunks/reader.h"
#include "tsdb/index/reader.h"
#include "tsdb/meta.h"
#include "tsdb/tombstones/tombstones.h"
#include "util/status.h"

namespace promkit::tsdb {

class Block : public std::enable_shared_from_this<Block> {
  struct Key {};  // only Open() constructs

 public:
  // Errors name the file and, for bad bytes, the offset; e.g.
  //   "<dir>/index: offset 4: unsupported index format version 1".
  static util::Result<std::shared_ptr<Block>> Open(const std::string& dir);
  explicit Block(Key) {}

  const BlockMeta& meta() const { return meta_; }
  const std::string& dir() const { return dir_; }
  // Bytes on disk: chunks, index, tombstones and meta.json (what promtool lists as SIZE).
  uint64_t size() const;
  const index::Reader& index() const { return *index_; }
  const chunks::Reader& chunks() const { return *chunks_; }
  const tombstones::Tombstones& tombstones() const { return tombstones_; }
  // Whether the block holds data in [mint, maxt] (max_time is exclusive).
  bool OverlapsClosedInterval(int64_t mint, int64_t maxt) const {
    return meta_.min_time <= maxt && mint < meta_.max_time;
  }

  // A Querier over samples with timestamps in [mint, maxt], tombstones applied.
  std::unique_ptr<storage::Querier> NewQuerier(int64_t mint, int64_t maxt) const;

 private:
  std::string dir_;
  BlockMeta meta_;
  uint64_t meta_size_ = 0;
  std::unique_ptr<chunks::Reader> chunks_;
  std::unique_ptr<index::Reader> index_;
  tombstones::Tombstones tombstones_;
  uint64_t tombstones_size_ = 0;
};

// The series refs of `ix` matching every matcher, sorted (hence in labels order); none for no
// matchers.
util::Result<std::vector<index::SeriesRef>> PostingsForMatchers(
    const index::Reader& ix, std::span<const model::Matcher> matchers);

}  // namespace promkit::tsdb
