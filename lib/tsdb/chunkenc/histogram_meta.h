#pragma once
// Pieces shared by the two native histogram chunk encodings (upstream
// tsdb/chunkenc/histogram_meta.go): the chunk header, the layout written before the first sample,
// and the bucket bookkeeping the appenders need when a new sample brings buckets the chunk does
// not have ("inserts", used to recode).
//
// Chunk data of both encodings:
//   uint16 sample count (big endian)
//   1 byte flags: the top two bits are the counter reset header (CounterResetHeader)
//   layout: zero threshold (1 byte: 0 = zero, 255 = followed by 64 raw float bits, otherwise
//           the power of two 2^(b-244)), varbit-int schema, positive then negative spans (varbit
//           uint count, then per span varbit uint length and varbit int offset), and with
//           schema -53 the custom bounds (varbit uint count, then each bound as varbit uint
//           1000*bound+1 when that is a whole number up to 33554431, else a 0 bit and 64 float
//           bits)
//   samples (histogram.h / float_histogram.h).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/histogram.h"
#include "tsdb/chunkenc/bstream.h"
#include "util/status.h"

namespace promkit::tsdb::chunkenc {

// The top two bits of the flags byte (upstream CounterResetHeader).
enum class CounterResetHeader : uint8_t {
  kUnknown = 0b00000000,
  kNotCounterReset = 0b01000000,
  kCounterReset = 0b10000000,
  kGauge = 0b11000000,
};
inline constexpr uint8_t kCounterResetHeaderMask = 0b11000000;
inline constexpr size_t kHistogramHeaderSize = 3;
// Upstream's chunk cutting targets for histogram chunks (chunkenc.TargetBytesPerHistogramChunk,
// MinSamplesPerHistogramChunk).
inline constexpr size_t kTargetBytesPerHistogramChunk = 1024;
inline constexpr int kMinSamplesPerHistogramChunk = 10;

// The header of histogram chunk data. REQUIRES: data.size() >= kHistogramHeaderSize.
CounterResetHeader HistogramChunkHeader(std::string_view data);
// "unknown", "counter reset", ... for messages and dumps.
std::string_view CounterResetHeaderName(CounterResetHeader h);

// The hint of the n-th (1-based) sample read from a chunk with header `h`: gauge chunks hold
// gauge histograms; after the first sample there is no reset; the first sample's hint is
// unknown whatever the header says, as upstream (the previous chunk may be gone or may have been
// added out of order, so the header cannot be trusted at read time).
model::CounterResetHint HintForSample(CounterResetHeader h, uint16_t n);
CounterResetHeader HeaderForHint(model::CounterResetHint hint);

// The stale marker (Prometheus's StaleNaN) in a histogram's sum marks a stale sample.
bool IsStaleNaN(double v);

struct HistogramLayout {
  int32_t schema = 0;
  double zero_threshold = 0;
  std::vector<model::Span> positive_spans, negative_spans;
  std::vector<double> custom_values;
};
void WriteHistogramLayout(BitWriter& w, int32_t schema, double zero_threshold,
                          const std::vector<model::Span>& positive,
                          const std::vector<model::Span>& negative,
                          const std::vector<double>& custom_values);
bool ReadHistogramLayout(BitReader& r, HistogramLayout* out);

// What a chunk's layout may hold: an unknown schema is Corruption (upstream's message). Schemas
// 9..52 are read (the iterators reduce them to 8 unless `raw`).
util::Status CheckChunkSchema(int32_t schema, bool raw);
// Whether a layout of schema 9..52 can be reduced to 8 (no negative offset after the first span).
bool SpansReducible(const HistogramLayout& l);

// Total bucket count of spans.
size_t CountSpans(const std::vector<model::Span>& spans);
bool CustomBoundsMatch(const std::vector<double>& a, const std::vector<double>& b);

// Walks the absolute bucket indexes of a span list.
class BucketIndexIterator {
 public:
  explicit BucketIndexIterator(const std::vector<model::Span>& spans);
  bool Next(int* idx);

 private:
  const std::vector<model::Span>& spans_;
  size_t span_ = 0;
  int64_t bucket_ = -1;
  int64_t idx_ = -1;
};

// `num` new buckets go before the pos-th bucket of the original list; bucket_idx is the
// absolute index of the first one.
struct Insert {
  int pos = 0;
  int num = 0;
  int bucket_idx = 0;
};

// Inserts that expand a's buckets to b's (forward) and b's to a's zero buckets (backward), or
// false on a counter reset (a bucket count fell, or a non-empty bucket vanished). Buckets are
// absolute counts here (T: int64_t or double).
template <typename T>
bool ExpandSpansAndBuckets(const std::vector<model::Span>& a, const std::vector<model::Span>& b,
                           const std::vector<T>& a_abs, const std::vector<T>& b_abs,
                           std::vector<Insert>* forward, std::vector<Insert>* backward);
// For gauges: the inserts both ways and the union of the spans (no reset check).
void ExpandSpansBothWays(const std::vector<model::Span>& a, const std::vector<model::Span>& b,
                         std::vector<Insert>* forward, std::vector<Insert>* backward,
                         std::vector<model::Span>* merged);
// The spans with the buckets of `inserts` added.
std::vector<model::Span> AdjustForInserts(const std::vector<model::Span>& spans,
                                          const std::vector<Insert>& inserts);
// `in` with empty buckets inserted; with `deltas` the buckets are delta coded and the inserts
// keep every original bucket's absolute value.
template <typename T>
std::vector<T> InsertBuckets(const std::vector<T>& in, size_t out_size,
                             const std::vector<Insert>& inserts, bool deltas);

// Absolute counts of delta-coded integer buckets (wrapping like Go on absurd data).
std::vector<int64_t> AbsoluteBuckets(const std::vector<int64_t>& deltas);

}  // namespace promkit::tsdb::chunkenc
