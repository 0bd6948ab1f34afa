#pragma once
// A block's meta.json (upstream tsdb.BlockMeta, version 1): identity, time range [min_time,
// max_time) in milliseconds, statistics and compaction history. Plain values.

#include <cstdint>
#include <string>
#include <vector>

#include "util/file.h"
#include "util/status.h"

namespace promkit::tsdb {

struct BlockDesc {
  std::string ulid;
  int64_t min_time = 0;
  int64_t max_time = 0;
};

struct BlockStats {
  uint64_t num_samples = 0;
  uint64_t num_float_samples = 0;
  uint64_t num_histogram_samples = 0;
  uint64_t num_series = 0;
  uint64_t num_chunks = 0;
  uint64_t num_tombstones = 0;
};

struct BlockMeta {
  std::string ulid;
  int64_t min_time = 0;  // inclusive
  int64_t max_time = 0;  // exclusive
  BlockStats stats;
  int compaction_level = 0;
  std::vector<std::string> compaction_sources;
  std::vector<BlockDesc> compaction_parents;
  bool compaction_failed = false;
  bool compaction_deletable = false;
  std::vector<std::string> compaction_hints;
  int version = 0;
};

// Parses meta.json text; `path` names the file in errors ("<path>: ..."). Fails on invalid
// JSON, wrong field types and versions other than 1 ("unexpected meta file version 2").
util::Result<BlockMeta> ParseMeta(std::string_view json, const std::string& path);

// meta.json text as Prometheus writes it (Go's json.MarshalIndent with tabs): empty stats,
// sources, parents and hints and false flags left out.
std::string EncodeMeta(const BlockMeta& m);

// Replaces `<dir>/meta.json` atomically (temporary file, fsync, rename).
util::Status WriteMeta(const std::string& dir, const BlockMeta& m,
                       util::Env* env = util::Env::Default());

// Reads `<dir>/meta.json`; also returns its size in bytes.
struct MetaFile {
  BlockMeta meta;
  uint64_t size = 0;
};
util::Result<MetaFile> ReadMeta(const std::string& dir);

// Whether `name` is a ULID as block directories are named (26 Crockford base32 characters
// whose value fits 128 bits, as oklog/ulid's ParseStrict accepts).
bool IsUlid(std::string_view name);

}  // namespace promkit::tsdb
