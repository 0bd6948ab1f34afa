#pragma once
// Where a WAL lives on disk (upstream tsdb/wlog): a `wal/` directory of segment files named by
// eight-digit sequence numbers (00000000, 00000001, ...), each at most 128 MiB, plus
// `checkpoint.NNNNNNNN/` directories. A checkpoint holds segments of its own with the records
// still needed from WAL segments 0..N, so a replay reads the newest checkpoint and then the
// segments numbered N+1 onwards. `checkpoint.NNNNNNNN.tmp` is one being written: ignored.
// Pure functions over the file system; nothing here writes. Thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace promkit::tsdb::wal {

// `dir`/%08d, the path of segment `index`.
std::string SegmentName(const std::string& dir, int index);

struct SegmentFile {
  int index = 0;
  std::string path;
};

// The segments of `dir` in ascending order: entries whose whole name is a decimal number.
// Fails with "segments are not sequential" when numbers are missing in between, NotFound when
// `dir` does not exist.
util::Result<std::vector<SegmentFile>> ListSegments(const std::string& dir);

struct Checkpoint {
  int index = 0;     // covers WAL segments up to and including this one
  std::string path;  // the checkpoint directory
};

// The checkpoint with the highest index in `wal_dir`, or nullopt when there is none. Fails when
// an entry named checkpoint.* is not a directory (as upstream).
util::Result<std::optional<Checkpoint>> LastCheckpoint(const std::string& wal_dir);

}  // namespace promkit::tsdb::wal
