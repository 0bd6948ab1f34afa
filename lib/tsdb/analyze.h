#pragma once
// What promtool's `tsdb analyze` reports about one block (upstream cmd/promtool/tsdb.go
// analyzeBlock and analyzeCompaction): series and label counts, churn per label pair and name,
// label pair frequency, value lengths and cardinalities, and with `extended` the distribution
// of samples and bytes per chunk. Only the block analysed is opened, never the whole database.
// Plain values; the functions are reentrant.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "model/matchers.h"
#include "tsdb/block.h"
#include "util/status.h"

namespace promkit::tsdb {

// The block `block_id` of the database in `db_dir`, or with an empty id the one created last
// (the greatest ULID time among the directories named as ULIDs, as upstream's LastBlockID).
// Errors as upstream: "opening the db dir: stat <dir>: ...", "no blocks found",
// "invalid block ID <id>".
util::Result<std::shared_ptr<Block>> OpenBlockToAnalyze(const std::string& db_dir,
                                                        const std::string& block_id);

// A key and its count, e.g. ("job=api", 12).
struct CountedKey {
  std::string key;
  uint64_t count = 0;
};

struct BlockAnalysis {
  BlockMeta meta;
  std::optional<size_t> matched_series;  // with matchers
  size_t label_names = 0;
  size_t label_pairs = 0;      // distinct name=value pairs of the series analysed
  uint64_t label_entries = 0;  // name=value pairs over all series analysed
  // Each list sorted by count, highest first, then by key.
  std::vector<CountedKey> churn_pairs;    // series-equivalents of the block range not covered
  std::vector<CountedKey> churn_names;    //   by the series holding the pair / name
  std::vector<CountedKey> common_pairs;   // series per label pair
  std::vector<CountedKey> value_lengths;  // sum of the lengths of a name's values
  std::vector<CountedKey> cardinality;    // values per label name
  std::vector<CountedKey> metric_names;   // series per metric name

  // With `extended`: one entry per chunk.
  bool extended = false;
  size_t total_chunks = 0;
  std::vector<int> float_chunk_samples, float_chunk_bytes;
  std::vector<int> histogram_chunk_samples, histogram_chunk_bytes, histogram_chunk_buckets;
};

// Analyses the series of `block` matching `matchers` (all series when empty). `extended` reads
// every chunk too, counting the buckets of native histogram chunks (all samples' positive and
// negative buckets); a chunk that does not decode (or uses the unsupported start-timestamp
// encodings) fails naming its file and offset.
util::Result<BlockAnalysis> AnalyzeBlock(const Block& block,
                                         std::span<const model::Matcher> matchers, bool extended);

}  // namespace promkit::tsdb
