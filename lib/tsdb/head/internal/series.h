#pragma once
// The head's in-memory series, shared by the replay (head.cpp) and the querier (querier.cpp).
// Built single-threaded during Head::OpenReadOnly, immutable afterwards.

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "tsdb/chunkenc/chunk.h"
#include "tsdb/chunkenc/histogram.h"
#include "tsdb/chunkenc/xor.h"
#include "tsdb/tombstones/tombstones.h"

namespace promkit::tsdb::head::internal {

// One chunk of a series: m-mapped from chunks_head/ (data views the mapped file) or built from
// replayed WAL samples (data owned), in any of the XOR, histogram and float histogram
// encodings.
struct MemChunk {
  int64_t mint = 0;
  int64_t maxt = 0;
  chunkenc::Encoding encoding = chunkenc::Encoding::kXor;
  bool from_file = false;
  std::string_view file_data;         // from_file only
  const std::string* file = nullptr;  // from_file only: the chunks_head file, for errors
  uint64_t offset = 0;                // from_file only: where the chunk starts in it
  std::string owned;                  // replayed only
  uint32_t num_samples = 0;

  std::string_view data() const { return from_file ? file_data : std::string_view(owned); }
  bool decodable() const {
    return encoding == chunkenc::Encoding::kXor || encoding == chunkenc::Encoding::kHistogram ||
           encoding == chunkenc::Encoding::kFloatHistogram;
  }
};

struct MemSeries {
  uint64_t ref = 0;
  model::Labels labels;
  // In time order: the m-mapped chunks of the last series record seen for this series, then
  // the chunks replayed since.
  std::vector<MemChunk> chunks;
  // Whether chunks.back() was replayed: upstream's open head chunk, which queries treat as
  // reaching to the end of time when deciding whether a tombstone covers it whole.
  bool has_head_chunk = false;
  // Max time of the m-mapped chunks: WAL samples up to it are already in them.
  int64_t mm_max_time = std::numeric_limits<int64_t>::min();
  tombstones::Intervals deleted;
  // The appender of chunks.back() while the replay appends to it (one of the three, by the
  // chunk's encoding); null otherwise.
  std::unique_ptr<chunkenc::XorEncoder> app;
  std::unique_ptr<chunkenc::HistogramAppender> happ;
  std::unique_ptr<chunkenc::FloatHistogramAppender> fhapp;
  // Upstream memSeries.nextAt and histogramChunkHasComputedEndTime: when the open histogram
  // chunk is due to be cut.
  int64_t next_at = std::numeric_limits<int64_t>::min();
  bool hist_end_computed = false;
};

}  // namespace promkit::tsdb::head::internal
