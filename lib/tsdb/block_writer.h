#pragma once
// Building blocks from samples (upstream tsdb.BlockWriter over an in-memory head): samples are
// appended per series in time order and encoded right away into XOR chunks cut exactly as
// Prometheus's head cuts them (about 120 samples a chunk, at chunk-range boundaries, never over
// 1 KiB), so a block built from the same samples is byte-identical in its chunks and index to
// one promtool writes. Flush writes `<dir>/<ULID>` atomically: everything goes into
// `<ULID>.tmp-for-creation`, is fsynced, and is renamed into place; on failure nothing is left.
// Samples go in one at a time (Append) or in batches as through an upstream head appender
// (Stage, then Commit). Not thread-safe; distinct builders may be used from distinct threads.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/histogram.h"
#include "model/labels.h"
#include "tsdb/chunkenc/chunk.h"
#include "tsdb/chunkenc/histogram.h"
#include "tsdb/chunkenc/xor.h"
#include "tsdb/meta.h"
#include "util/file.h"
#include "util/status.h"

namespace promkit::tsdb {

// A new ULID for `ms` (48-bit time, 80 random bits), in Crockford base32.
std::string NewUlid(int64_t ms);

class BlockBuilder {
 public:
  // A series of this builder, for appending without hashing its labels again. Valid until
  // Flush.
  enum class SeriesRef : uint32_t {};

  // `chunk_range_ms`: chunks never span a multiple of it (upstream uses the block duration).
  explicit BlockBuilder(int64_t chunk_range_ms);
  ~BlockBuilder();

  // The series with these labels, created (without samples) if new.
  SeriesRef GetOrCreate(const model::Labels& labels);

  // Appends a float sample. Errors as upstream's head appender: "out of order sample" for a
  // timestamp before the series' last one, "duplicate sample for timestamp <t>; overrides not
  // allowed: existing <v>, new value <v>" for the same timestamp with another value (the same
  // value again is accepted and ignored).
  util::Status Append(const model::Labels& labels, int64_t t, double v);
  util::Status Append(SeriesRef ref, int64_t t, double v);

  // Batched appends with the semantics of an upstream headAppender (promtool's backfill
  // commits every 5000 samples): Stage checks the sample against the committed samples only,
  // failing as Append does, and keeps it; Commit applies the staged samples in order and
  // silently drops each one not after its series' last sample (out of order, or a repeated
  // timestamp, within the batch), as upstream's commit does.
  util::Status Stage(SeriesRef ref, int64_t t, double v);

  // Appends a native histogram sample, into histogram chunks cut as upstream's head cuts them
  // (about 1 KiB, at least 10 samples, at chunk-range boundaries; and where the appender needs
  // a new chunk: counter resets, layout changes). Fails with the histogram's Validate() message
  // when invalid, "out of order sample" before the series' last sample and "duplicate sample
  // for timestamp <t>" at it.
  util::Status AppendHistogram(SeriesRef ref, int64_t t, const model::Histogram& h);
  util::Status AppendFloatHistogram(SeriesRef ref, int64_t t, const model::FloatHistogram& h);
  void Commit();
  size_t NumStaged() const { return staged_.size(); }

  size_t NumSeries() const { return series_.size(); }
  uint64_t NumSamples() const { return num_samples_; }
  int64_t MinTime() const { return min_t_; }
  int64_t MaxTime() const { return max_t_; }

  // Writes the block into `dir` (which must exist) and resets the builder. With no samples,
  // writes nothing and returns a meta with an empty ULID. REQUIRES: nothing staged.
  util::Result<BlockMeta> Flush(const std::string& dir, util::Env* env = util::Env::Default());

 private:
  struct Chunk {
    std::string data;
    int64_t mint, maxt;
    uint16_t samples;
    chunkenc::Encoding encoding = chunkenc::Encoding::kXor;
  };
  struct Series {
    model::Labels labels;
    std::vector<Chunk> done;
    // The open chunk: at most one of these three is set.
    std::unique_ptr<chunkenc::XorEncoder> head;
    std::unique_ptr<chunkenc::HistogramAppender> hhead;
    std::unique_ptr<chunkenc::FloatHistogramAppender> fhhead;
    bool hist_end_computed = false;  // upstream histogramChunkHasComputedEndTime
    int64_t head_mint = 0, head_maxt = 0;
    int64_t next_at = 0;
    double last_v = 0;
    uint32_t ref = 0;
  };
  struct Staged {
    Series* series;
    int64_t t;
    double v;
  };
  void Cut(Series& s, int64_t t);
  static void CloseHead(Series& s);
  template <typename H>
  util::Status AppendHist(SeriesRef ref, int64_t t, const H& h);
  // Upstream memSeries.appendable against the committed samples. `*skip`: an exact repeat of
  // the last sample, to be ignored.
  static util::Status Check(const Series& s, int64_t t, double v, bool* skip);
  void AppendChecked(Series& s, int64_t t, double v);

  int64_t chunk_range_;
  std::unordered_map<std::string, std::unique_ptr<Series>> series_;
  std::vector<Series*> by_ref_;
  std::vector<Staged> staged_;
  uint64_t num_samples_ = 0;
  uint64_t num_histogram_samples_ = 0;
  int64_t min_t_, max_t_;
};

}  // namespace promkit::tsdb
