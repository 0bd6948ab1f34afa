#pragma once
// Blocks from an OpenMetrics file: promtool's `tsdb create-blocks-from openmetrics` (upstream
// cmd/promtool/backfill.go) as one library call, with promtool's results and error texts.
//
// What promtool does, and so what comes out here:
//   - every sample must carry a timestamp; parse errors and missing timestamps fail before
//     anything is written ("getting min and max timestamp: ...");
//   - the block duration is 2h, or with max_block_duration the largest of 2h·3^k (k < 10) not
//     above it; blocks cover [t, t+duration) from the earliest sample's time rounded toward
//     zero to a multiple of the duration (samples before that, possible only for negative
//     timestamps, are ignored);
//   - a block's samples are appended in input order through an appender committed every
//     5000 samples: a sample before (or at, with another value) its series' last committed
//     one fails the run ("add sample: out of order sample"); one that is out of order only
//     within the uncommitted batch is dropped silently;
//   - blocks are written in time order; on a failure the blocks before the failing one stay
//     (complete) and nothing of it or later ones is left.
// Unlike promtool, the input is parsed once (not once per block): samples are routed to their
// block as they are parsed, and worker threads build and write the blocks in parallel.
//
// Thread-safety: the call is self-contained; `on_block` runs on the calling thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tsdb/meta.h"
#include "util/file.h"
#include "util/status.h"

namespace promkit::tsdb {

inline constexpr int64_t kBackfillDefaultBlockDuration = 2 * 3600 * 1000;

struct BackfillOptions {
  // promtool's --max-block-duration in ms; anything up to 2h means 2h.
  int64_t max_block_duration_ms = 0;
  // promtool's --label name=value, set on every series in this order (upstream
  // labels.Builder.Set: an empty value removes the label).
  std::vector<std::pair<std::string, std::string>> labels;
  // Samples per appender commit (promtool: 5000).
  size_t samples_per_commit = 5000;
  // Threads building blocks besides the parsing one; 0: one per core.
  unsigned threads = 0;
  util::Env* env = util::Env::Default();
  // Called on the calling thread now and then with the length of the input prefix no longer
  // needed (the caller may then release its memory; error positions still index the whole).
  std::function<void(size_t)> input_consumed;
};

struct CreatedBlock {
  BlockMeta meta;
  uint64_t size = 0;  // bytes on disk, as `tsdb list` shows them
};

struct BackfillFailure {
  util::Status status;           // in promtool's words, e.g. "block creation: process blocks: ..."
  std::optional<size_t> offset;  // the input byte it is about, when there is one
};

// Upstream getCompatibleBlockDuration.
int64_t CompatibleBlockDuration(int64_t max_block_duration_ms);

// Writes the blocks into `out_dir` (which must exist), calling `on_block` for each one written,
// in time order. Returns nullopt on success.
std::optional<BackfillFailure> CreateBlocksFromOpenMetrics(
    std::string_view input, const std::string& out_dir, const BackfillOptions& opts,
    const std::function<void(const CreatedBlock&)>& on_block);

}  // namespace promkit::tsdb
