#pragma once
// The in-memory head of a Prometheus data directory, rebuilt read-only: the newest samples,
// not yet compacted into a block, live in `wal/` (checkpoint.N plus the segments after it) and
// in the full chunks already written to `chunks_head/`. Replaying them as upstream's
// Head.Init does gives the offline commands the data a live server would serve.
//
// The replay, in upstream's order and with its rules:
//   1. chunks_head/: chunks ending before min_valid_time are dropped; the rest wait for their
//      series record. Out-of-order chunks are skipped (see below).
//   2. the newest checkpoint, then each WAL segment from the one after it to the last.
//      A series record (re)creates the series by labels, takes the m-mapped chunks written under
//      that record's ref and drops what earlier records replayed into it (upstream resets the
//      series: such samples were already compacted). Samples before min_valid_time, at or
//      before the series' last m-mapped chunk, or not after the series' previous sample are
//      dropped. Tombstones ending before min_valid_time are dropped. Native histograms are
//      appended into histogram chunks cut as upstream's head cuts them (histogram.h).
//   3. the head's min time becomes max(min_valid_time, its lowest sample); chunks ending before
//      it, series left without chunks and tombstones ending before it are dropped.
// Differences from upstream, reported in warnings(): a record torn by the end of the last
// segment (a crash, or a copy of a live directory) ends the replay there instead of failing;
// native histograms with schemas 9..52 are skipped (counted) where upstream reduces their
// resolution to schema 8; the out-of-order WBL (`wbl/`) and out-of-order m-mapped chunks are not
// read; and corrupt chunks_head files are ignored from the bad one on rather than deleted.
//
// Nothing in the directory is written, created, locked or repaired.
// Thread-safety: immutable after OpenReadOnly; queriers may be created and used from any thread
// (each querier and its series sets single-threaded).

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "model/matchers.h"
#include "storage/interface.h"
#include "tsdb/head/head_chunks.h"
#include "tsdb/head/internal/series.h"
#include "util/status.h"

namespace promkit::tsdb::head {

struct ReplayStats {
  int checkpoint = -1;     // index of the checkpoint read, -1 when none
  int first_segment = -1;  // WAL segments read
  int last_segment = -1;
  uint64_t records = 0;                     // WAL records read, checkpoint included
  uint64_t series_records = 0;              // series entries, duplicates included
  uint64_t samples = 0;                     // float samples in the records
  uint64_t samples_appended = 0;            // kept in the head
  uint64_t samples_dropped = 0;             // too old, already m-mapped or out of order (any type)
  uint64_t histogram_samples = 0;           // native histogram samples in the records
  uint64_t histogram_samples_appended = 0;  // kept in the head
  uint64_t histogram_samples_skipped = 0;   // unknown schema, or above 8 (not supported)
  uint64_t tombstones = 0;
  uint64_t exemplars = 0;
  uint64_t metadata = 0;
  uint64_t unknown_refs = 0;        // entries naming a series the WAL never declared
  uint64_t mmapped_chunks = 0;      // m-mapped chunks attached to series
  uint64_t ooo_mmapped_chunks = 0;  // out-of-order m-mapped chunks skipped
};

class Head : public std::enable_shared_from_this<Head> {
  struct Key {};  // only OpenReadOnly constructs

 public:
  struct Options {
    // Samples (and m-mapped chunks ending) before this are not part of the head. Upstream's
    // read-only open passes the max time of the newest block.
    int64_t min_valid_time = std::numeric_limits<int64_t>::min();
  };

  // Replays `<db_dir>/chunks_head` and `<db_dir>/wal`; a directory without `wal/` gives an empty
  // head. WAL errors read as upstream's: "corruption in segment <path> at <offset>: ...",
  // prefixed by "backfill checkpoint: " or "read records: ". zstd-compressed records fail with
  // InvalidArgument naming segment and offset.
  static util::Result<std::shared_ptr<const Head>> OpenReadOnly(const std::string& db_dir,
                                                                Options options);
  explicit Head(Key) {}

  // The head's time range: MinTime() is INT64_MAX and MaxTime() INT64_MIN when it is empty.
  int64_t MinTime() const { return min_time_; }
  int64_t MaxTime() const { return max_time_; }
  size_t num_series() const { return series_.size(); }
  const ReplayStats& stats() const { return stats_; }
  // What the replay skipped or tolerated (see the class comment), one sentence each.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // A Querier over samples in [mint, maxt] with the semantics of a block querier: all matchers
  // must match, WAL tombstones applied. Unsorted Selects yield series in ref order (upstream's
  // head postings order), sorted ones in labels order.
  std::unique_ptr<storage::Querier> NewQuerier(int64_t mint, int64_t maxt) const;

  // For the querier (querier.cpp).
  const internal::MemSeries& series(uint32_t i) const { return *series_[i]; }
  // Indexes into series() of the series matching all `matchers`, ascending (= ref order).
  std::vector<uint32_t> Postings(std::span<const model::Matcher> matchers) const;
  // Position of series i in labels order.
  uint32_t LabelsRank(uint32_t i) const { return rank_[i]; }
  // Sorted label names, and sorted values of label `name`.
  std::vector<std::string> LabelNames() const;
  std::vector<std::string> LabelValues(const std::string& name) const;

 private:
  class Replayer;

  std::vector<std::unique_ptr<internal::MemSeries>> series_;  // ascending ref
  std::vector<uint32_t> rank_;
  // name -> value -> ascending indexes into series_.
  std::map<std::string, std::map<std::string, std::vector<uint32_t>, std::less<>>, std::less<>>
      postings_;
  std::unique_ptr<HeadChunkFiles> files_;  // keeps m-mapped chunk data alive
  int64_t min_time_ = std::numeric_limits<int64_t>::max();
  int64_t max_time_ = std::numeric_limits<int64_t>::min();
  ReplayStats stats_;
  std::vector<std::string> warnings_;
};

}  // namespace promkit::tsdb::head
