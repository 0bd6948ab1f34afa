#pragma once
// Offline writes to the persisted blocks of a data directory: leveled compaction (upstream
// tsdb.LeveledCompactor and DB.Compact's block loop), series deletion into tombstones (upstream
// Block.Delete) and tombstone cleaning (upstream DB.CleanTombstones). The head and WAL are never
// read or written here.
//
// Crash safety, as upstream: a new block is written into `<ULID>.tmp-for-creation`, fsynced and
// renamed into place; only then are the blocks it replaces removed (each renamed to
// `<ULID>.tmp-for-deletion` first, then deleted). A crash leaves either the old blocks, or the new
// block next to old ones it lists as compaction parents; OpenForWrite removes the latter (as
// upstream's reload deletes blocks that are parents of a loaded block) and leftover temporary
// directories, so a rerun never sees data twice.
//
// Thread-safety: free functions; one writer per directory, enforced by the `lock` file
// (flock, as Prometheus takes it).

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/matchers.h"
#include "tsdb/block.h"
#include "tsdb/meta.h"
#include "util/file.h"
#include "util/status.h"

namespace promkit::tsdb {

inline constexpr int64_t kDefaultBlockDuration = 2 * 3600 * 1000;
// What Prometheus derives with its default 15d retention (a tenth of it, at most 31d).
inline constexpr int64_t kDefaultMaxBlockDuration = 36 * 3600 * 1000;

// `steps` ranges from `min_size`, each `step_size` times the last (upstream
// ExponentialBlockRanges).
std::vector<int64_t> ExponentialBlockRanges(int64_t min_size, int steps, int step_size);
// The ranges Prometheus compacts to: 2h·3^k for k < 10, cut before the first above
// `max_block_duration` (never below the 2h one).
std::vector<int64_t> CompactionRanges(int64_t max_block_duration);

// A block as the planner sees it: a name (its directory) and its meta.
struct PlanInput {
  std::string name;
  BlockMeta meta;
};

// Upstream LeveledCompactor.plan with overlapping compaction enabled: the names of the blocks to
// compact into one next (sorted by min time), or none. Overlapping blocks come first; then the
// first range (from the second on) whose blocks fill it, or lie before the newest block, which
// itself is never picked; then a big block with more than 5% tombstones, or a small one deleted
// entirely. Blocks with the from-stale-series or from-selected-series hint are planned apart
// from the others, the others first.
std::vector<std::string> PlanCompaction(std::vector<PlanInput> blocks,
                                        const std::vector<int64_t>& ranges);

// Upstream CompactBlockMetas: time range covering all, level one above the highest, the sources'
// union sorted, each block as a parent in the order given; from-out-of-order only when every
// block has it, from-stale-series and from-selected-series when any has it.
BlockMeta CompactBlockMetas(const std::string& ulid, std::span<const BlockMeta* const> metas);

struct WriteStats {
  uint64_t series_in = 0;       // series read, counted per block
  uint64_t chunks_copied = 0;   // chunks taken over byte for byte
  uint64_t chunks_encoded = 0;  // chunks written from merged or trimmed samples
};

// Writes the samples of `blocks` (tombstones applied; series sorted; samples of one series
// merged in time order, a timestamp present in several blocks taken once, from the block earliest
// in `blocks`) as one new block `<dir>/<meta.ulid>`, with `meta`'s identity, time range and
// compaction fields and the stats counted. Chunks no tombstone touches and no other chunk of the
// series overlaps are copied as they are (upstream does the same); the rest are re-encoded, 120
// samples a chunk. Returns the meta written, or with no sample left, writes nothing and returns
// the meta with num_samples 0. On failure nothing is left in `dir`. Errors about bad chunks name
// the segment file and offset.
util::Result<BlockMeta> WriteMergedBlock(const std::string& dir,
                                         std::span<const std::shared_ptr<Block>> blocks,
                                         BlockMeta meta, util::Env* env = util::Env::Default(),
                                         WriteStats* stats = nullptr);

// The exclusive lock on `<dir>/lock` that a running Prometheus holds. Released on destruction,
// which also removes the file if Acquire created it (a lock file left behind makes Prometheus
// report an unclean shutdown).
class DbLock {
 public:
  // Fails with "lock DB directory: <dir> is in use by another process (a running Prometheus?)"
  // when someone holds it.
  static util::Result<std::unique_ptr<DbLock>> Acquire(const std::string& dir);
  DbLock(int fd, std::string created) : fd_(fd), created_(std::move(created)) {}
  ~DbLock();
  DbLock(const DbLock&) = delete;
  DbLock& operator=(const DbLock&) = delete;

 private:
  int fd_;
  std::string created_;  // the path to remove; empty when the file was there before
};

// What a write command reports as it goes, one line at a time.
using ProgressFn = std::function<void(std::string_view)>;

// Takes the lock, then finishes what an interrupted run left: removes `*.tmp-for-creation` and
// `*.tmp-for-deletion` directories and every block another block lists as a compaction parent.
// Returns the lock; `progress` hears of each removal.
util::Result<std::unique_ptr<DbLock>> OpenForWrite(const std::string& dir,
                                                   const ProgressFn& progress,
                                                   util::Env* env = util::Env::Default());

struct CompactOptions {
  int64_t max_block_duration = kDefaultMaxBlockDuration;
  bool dry_run = false;  // plan only: nothing is locked, written or removed
  util::Env* env = util::Env::Default();
  ProgressFn progress = [](std::string_view) {};
};

// One compaction: the blocks merged and the block made (ulid empty when nothing was left).
struct CompactionStep {
  std::vector<BlockMeta> parents;
  BlockMeta result;
};

// Upstream DB.Compact's loop over persisted blocks: plan, merge, remove the parents, plan again,
// until the planner has nothing. With dry_run the plan is followed on metas alone (the later
// steps' tombstone counts are then unknown and taken as none).
util::Result<std::vector<CompactionStep>> CompactDb(const std::string& dir,
                                                    const CompactOptions& opts);

struct DeleteResult {
  std::string block;        // ULID
  uint64_t series = 0;      // series given a new interval
  uint64_t tombstones = 0;  // numTombstones afterwards
};

// Upstream Block.Delete over every block overlapping [mint, maxt]: for each series matching all
// `matchers` with a chunk in the range, adds the interval clamped to the series' data to the
// block's tombstones; writes `tombstones` and meta.json's numTombstones atomically. Blocks with
// nothing to delete are left alone.
util::Result<std::vector<DeleteResult>> DeleteSeries(const std::string& dir,
                                                     std::span<const model::Matcher> matchers,
                                                     int64_t mint, int64_t maxt,
                                                     util::Env* env = util::Env::Default(),
                                                     const ProgressFn& progress = nullptr);

// Upstream DB.CleanTombstones: every block with tombstones is rewritten without the deleted
// samples as a new block (new ULID; the same time range, level and sources; the old block as its
// parent) and the old block removed once the new one is durable; a block left without samples is
// just removed. Returns one step per block rewritten.
util::Result<std::vector<CompactionStep>> CleanTombstones(const std::string& dir,
                                                          util::Env* env = util::Env::Default(),
                                                          const ProgressFn& progress = nullptr);

}  // namespace promkit::tsdb
