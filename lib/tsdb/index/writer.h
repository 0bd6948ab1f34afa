#pragma once
// Writes an index file in format v2 (upstream tsdb/index Writer), byte for byte as Prometheus
// 3.x lays it out: header, symbol table (every label name and value plus ""), series aligned to
// 16 bytes, an empty label-indices section, postings (all series first, then per label name and
// value in sorted order, each 4-byte aligned), the postings offset table and the TOC, each
// section with its CRC32C. The file is assembled in memory and written once, fsynced.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tsdb/index/reader.h"
#include "util/file.h"
#include "util/status.h"

namespace promkit::tsdb::index {

struct SeriesInput {
  // Sorted by name; the series themselves must come sorted by labels (as labels.Compare).
  std::vector<std::pair<std::string_view, std::string_view>> labels;
  std::vector<ChunkMeta> chunks;  // increasing time and ref
};

// The index bytes for `series`.
util::Result<std::string> BuildIndex(const std::vector<SeriesInput>& series);

// BuildIndex, then writes `path` (exclusive create, fsync).
util::Status WriteIndex(const std::string& path, const std::vector<SeriesInput>& series,
                        util::Env* env = util::Env::Default());

}  // namespace promkit::tsdb::index
