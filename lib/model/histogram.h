#pragma once
// Native histograms: the sparse, exponentially bucketed histogram values that the protobuf
// exposition format, the TSDB (chunk encodings, WAL records) and PromQL exchange. Shaped like
// upstream's model/histogram: Histogram holds integer counts with its buckets stored as deltas
// (the first bucket absolute, each next one relative to the previous); FloatHistogram holds float
// counts with absolute buckets.
//
// Bucket layout: bucket index i of an exponential schema s covers (2^((i-1)·2^-s), 2^(i·2^-s)] on
// the positive side and its mirror on the negative side; observations with |v| <= zero_threshold
// go to the zero bucket. Only populated regions are stored: a list of spans, each an offset
// (absolute for the first span, the gap after the previous span otherwise) and a length, and
// the buckets of all spans concatenated. Schema -53 ("custom buckets", NHCB) uses the explicit
// upper bounds in custom_values instead; bucket i then covers (custom_values[i-1],
// custom_values[i]] and the last one ends at +Inf.
//
// Beyond the value types: bucket iteration and the text forms (histogram_iter.cpp),
// arithmetic, comparison and reset detection (histogram_ops.cpp), all with upstream's exact
// semantics (model/histogram/float_histogram.go, Prometheus 3.x); statistics for PromQL
// functions are in histogram_stats.h.
//
// Thread-safety: plain values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace promkit::model {

// What is known about a counter reset at this sample (upstream's histogram.CounterResetHint;
// the numeric values are those the chunk encoding stores).
enum class CounterResetHint : uint8_t {
  kUnknown = 0,          // cannot tell whether a reset happened
  kCounterReset = 1,     // a reset definitely happened before this sample
  kNotCounterReset = 2,  // definitely no reset
  kGauge = 3,            // a gauge histogram: resets do not apply
};

inline constexpr int32_t kExponentialSchemaMax = 8;
inline constexpr int32_t kExponentialSchemaMaxReserved = 52;
inline constexpr int32_t kExponentialSchemaMin = -4;
inline constexpr int32_t kExponentialSchemaMinReserved = -9;
inline constexpr int32_t kCustomBucketsSchema = -53;

inline bool IsCustomBucketsSchema(int32_t s) { return s == kCustomBucketsSchema; }
inline bool IsExponentialSchema(int32_t s) {
  return s >= kExponentialSchemaMin && s <= kExponentialSchemaMax;
}
inline bool IsExponentialSchemaReserved(int32_t s) {
  return s >= kExponentialSchemaMinReserved && s <= kExponentialSchemaMaxReserved;
}
inline bool IsValidSchema(int32_t s) { return IsCustomBucketsSchema(s) || IsExponentialSchema(s); }
// Schemas accepted on ingestion; those outside the valid range get their resolution reduced.
inline bool IsKnownSchema(int32_t s) {
  return IsCustomBucketsSchema(s) || IsExponentialSchemaReserved(s);
}

// A run of consecutive buckets.
struct Span {
  int32_t offset = 0;  // starting index for the first span, gap to the previous span otherwise
  uint32_t length = 0;
  friend bool operator==(const Span&, const Span&) = default;
};

struct FloatHistogram;

// One bucket of a FloatHistogram with its bounds (upstream's histogram.Bucket[float64]).
// Exponential buckets are (lower, upper] on the positive side and [lower, upper) on the
// negative side; the zero bucket is [-threshold, threshold]; custom buckets are (lower, upper],
// the first one [-Inf, upper].
struct Bucket {
  double lower = 0;
  double upper = 0;
  bool lower_inclusive = false;
  bool upper_inclusive = false;
  double count = 0;
  int32_t index = 0;  // index within the schema (irrelevant for the zero bucket)

  // "(lower,upper]:count" with '['/']' for inclusive bounds, numbers as Go's %g.
  std::string String() const;
  // The fraction of this bucket's width at or below v, assuming lower < v < upper and both
  // bounds finite: linear interpolation if `linear`, otherwise on a log2 scale (negative buckets
  // mirrored), as upstream's Bucket.FractionBelow.
  double FractionBelow(double v, bool linear) const;

  friend bool operator==(const Bucket&, const Bucket&) = default;
};

// The bound of bucket `index` (its upper bound; index-1 gives its lower bound) for `schema`:
// upstream's getBound. Exponential schemas use the exact bound table and ldexp; the bucket
// just below the ±Inf bucket ends at DBL_MAX. Custom buckets: custom_values[index], +Inf for
// index == custom_values.size(), -Inf for index == -1 (other indexes give NaN; upstream panics).
double BucketBound(int32_t index, int32_t schema, const std::vector<double>& custom_values);

// The index in target_schema (<= origin_schema) of the bucket containing bucket `index` of
// origin_schema.
int32_t TargetBucketIndex(int32_t index, int32_t origin_schema, int32_t target_schema);

// Iterators over the buckets of a FloatHistogram (upstream's BucketIterator):
//   for (auto it = h.PositiveBucketIterator(); it.Next();) use(it.At());
// They view the histogram's spans, buckets and custom values: the histogram must outlive the
// iterator and must not be modified while iterating. Next() returns false at the end, and also
// on spans and buckets that disagree (never reads out of bounds).
class BucketIterator {
 public:
  virtual ~BucketIterator() = default;
  virtual bool Next() = 0;
  // The current bucket; valid after Next() returned true.
  virtual Bucket At() const = 0;
};

// Ascending absolute values over one side (positive: upwards from the zero bucket; negative:
// downwards from the zero bucket), optionally merging buckets into a lower target schema and
// skipping exponential buckets whose absolute upper bound is <= an absolute start value.
class ForwardBucketIter final : public BucketIterator {
 public:
  // REQUIRES: target_schema <= h.schema, and both exponential or both custom (otherwise the
  // iterator is empty).
  ForwardBucketIter(const FloatHistogram& h, bool positive, double absolute_start,
                    int32_t target_schema);
  bool Next() override;
  Bucket At() const override;
  // Count and index of the current bucket without computing bounds.
  double count() const { return curr_count_; }
  int32_t index() const { return curr_idx_; }

 private:
  bool NextSameSchema();
  bool NextMerging();

  const std::vector<Span>* spans_;
  const std::vector<double>* buckets_;
  const std::vector<double>* custom_values_;
  int32_t schema_;
  int32_t target_schema_;
  bool positive_;
  bool valid_ = true;
  size_t spans_idx_ = 0;
  uint32_t idx_in_span_ = 0;
  size_t buckets_idx_ = 0;
  double curr_count_ = 0;
  int32_t curr_idx_ = 0;
  int32_t orig_idx_ = 0;
  double absolute_start_;
  bool bound_reached_start_;
};

// Descending absolute values over one side (positive: from the highest bucket down; negative:
// from the lowest bucket up towards zero).
class ReverseBucketIter final : public BucketIterator {
 public:
  ReverseBucketIter(const FloatHistogram& h, bool positive);
  bool Next() override;
  Bucket At() const override;

 private:
  const std::vector<Span>* spans_;
  const std::vector<double>* buckets_;
  const std::vector<double>* custom_values_;
  int32_t schema_;
  bool positive_;
  int64_t spans_idx_;
  int64_t idx_in_span_ = 0;
  int64_t buckets_idx_;
  double curr_count_ = 0;
  int32_t curr_idx_ = 0;
};

// All buckets: negative, then the zero bucket (only when zero_count > 0), then positive, in
// ascending order (or the mirror image when `reverse`). A negative bucket overlapping the zero
// bucket has its upper bound clamped to -zero_threshold, a positive one its lower bound to
// +zero_threshold.
class AllBucketsIter final : public BucketIterator {
 public:
  AllBucketsIter(const FloatHistogram& h, bool reverse);
  bool Next() override;
  Bucket At() const override { return curr_; }

 private:
  const FloatHistogram* h_;
  ReverseBucketIter left_;
  ForwardBucketIter right_;
  int state_ = -1;  // -1 left side, 0 zero bucket, 1 right side, 2 done
  Bucket curr_;
};

// Whether two custom-bucket bound lists are identical (upstream's CustomBucketBoundsMatch).
bool CustomBucketBoundsMatch(const std::vector<double>& a, const std::vector<double>& b);

// What Add/Sub/KahanAdd report besides the result (upstream's extra return values).
struct HistogramOpInfo {
  // One operand said CounterReset and the other NotCounterReset; the hint became Unknown.
  bool counter_reset_collision = false;
  // Two custom-bucket histograms had different bounds; the result uses their intersection.
  bool nhcb_bounds_reconciled = false;
};

// "cannot apply this operation on histograms with a mix of exponential and custom bucket
// schemas" (upstream's ErrHistogramsIncompatibleSchema).
inline constexpr std::string_view kErrHistogramsIncompatibleSchema =
    "cannot apply this operation on histograms with a mix of exponential and custom bucket "
    "schemas";

struct Histogram {
  CounterResetHint counter_reset_hint = CounterResetHint::kUnknown;
  int32_t schema = 0;
  double zero_threshold = 0;  // unused with custom buckets
  uint64_t zero_count = 0;    // unused with custom buckets
  uint64_t count = 0;         // all observations, NaN observations included
  double sum = 0;             // also carries the stale marker
  std::vector<Span> positive_spans;
  std::vector<Span> negative_spans;       // unused with custom buckets
  std::vector<int64_t> positive_buckets;  // deltas
  std::vector<int64_t> negative_buckets;  // deltas
  std::vector<double> custom_values;      // custom-bucket upper bounds, strictly increasing

  bool UsesCustomBuckets() const { return IsCustomBucketsSchema(schema); }

  // Checks spans against buckets, bucket counts for negatives, schema-specific fields and the
  // total count (== sum of the buckets, or >= when sum is NaN). Messages are upstream's.
  util::Status Validate() const;

  // Drops empty buckets and zero-length spans, and merges spans separated by at most
  // max_empty_buckets empty buckets (filling the gap with empty buckets). Leaves the histogram
  // unchanged when its spans and buckets disagree (Validate() reports that).
  Histogram& Compact(int max_empty_buckets);

  // The same histogram with float counts and absolute buckets.
  FloatHistogram ToFloat() const;
  // Upstream's Histogram.String(), what `promtool tsdb dump` prints: as FloatHistogram's
  // String() with the counts as integers.
  std::string String() const;

  friend bool operator==(const Histogram&, const Histogram&) = default;
};

struct FloatHistogram {
  CounterResetHint counter_reset_hint = CounterResetHint::kUnknown;
  int32_t schema = 0;
  double zero_threshold = 0;
  double zero_count = 0;
  double count = 0;
  double sum = 0;
  std::vector<Span> positive_spans;
  std::vector<Span> negative_spans;
  std::vector<double> positive_buckets;  // absolute counts
  std::vector<double> negative_buckets;  // absolute counts
  std::vector<double> custom_values;

  bool UsesCustomBuckets() const { return IsCustomBucketsSchema(schema); }

  // As Histogram::Validate, except that the total count is only checked for being
  // non-negative (float rounding makes the sum of the buckets inexact).
  util::Status Validate() const;

  FloatHistogram& Compact(int max_empty_buckets);

  // --- Buckets (lib/model/histogram_iter.cpp) ---

  // Positive buckets, ascending.
  ForwardBucketIter PositiveBucketIterator() const;
  // Negative buckets, from the one next to zero downwards.
  ForwardBucketIter NegativeBucketIterator() const;
  // Positive buckets, descending.
  ReverseBucketIter PositiveReverseBucketIterator() const;
  // Negative buckets, from the lowest upwards.
  ReverseBucketIter NegativeReverseBucketIterator() const;
  // Negative, zero and positive buckets, ascending.
  AllBucketsIter AllBucketIterator() const;
  // Positive, zero and negative buckets, descending.
  AllBucketsIter AllReverseBucketIterator() const;
  // [-zero_threshold, zero_threshold]:zero_count. Custom-bucket histograms have none: then a
  // bucket with count 0 and bounds 0 is returned (upstream panics).
  Bucket ZeroBucket() const;

  // Upstream's String(): "{count:5, sum:10, [-1,-0.5):1, [-0.001,0.001]:2, (0.5,1]:2}", only
  // populated buckets, ascending.
  std::string String() const;
  // The promqltest notation: "{{schema:1 count:5 sum:10 z_bucket:2 z_bucket_w:0.001
  // buckets:[1 2] n_buckets:[1]}}" (upstream's TestExpression; fields with value 0 omitted,
  // buckets compacted into one span per side).
  std::string TestExpression() const;

  // --- Arithmetic (lib/model/histogram_ops.cpp). All modify the receiver in place. ---

  // Scales counts, sum and buckets; a negative factor makes it a gauge histogram.
  FloatHistogram& Mul(double factor);
  // Divides counts, sum and buckets. Division by 0 divides count, zero count and sum (giving
  // ±Inf or NaN) and removes all buckets; a negative divisor makes it a gauge histogram.
  FloatHistogram& Div(double divisor);
  // Adds `other`: reduces to the lower of both schemas, widens the zero bucket to the larger
  // threshold (moving buckets inside it into the zero count, and widening further when the
  // threshold would cut a populated bucket), inserts missing buckets. The result may hold empty
  // buckets and adjacent spans (call Compact). The counter reset hint is reconciled as upstream.
  // Errors: kErrHistogramsIncompatibleSchema when only one side uses custom buckets; an
  // InvalidArgument when spans and buckets disagree. On error the receiver is unchanged.
  util::Result<HistogramOpInfo> Add(const FloatHistogram& other);
  // As Add, subtracting. The counter reset hint follows Add's rules (the PromQL '-' operator
  // sets it to gauge afterwards).
  util::Result<HistogramOpInfo> Sub(const FloatHistogram& other);
  // As Add with Kahan-Neumaier compensation kept in `*c`: a histogram with the receiver's layout
  // holding the compensation terms. An empty optional is initialised from the receiver (all
  // compensation zero). The compensated value is the receiver plus *c (use Add).
  util::Result<HistogramOpInfo> KahanAdd(const FloatHistogram& other,
                                         std::optional<FloatHistogram>* c);

  // The PromQL trim operators (upstream's TrimBuckets): upper_trim ("h </ rhs") keeps the
  // observations below rhs, otherwise (">/") those above it. Buckets entirely on the kept side
  // stay; a bucket containing rhs keeps the interpolated share of its count (linear for custom
  // buckets, log-scale for exponential ones; buckets with an infinite bound are kept or dropped
  // whole, with upstream's special cases); the zero bucket is split linearly (from 0 when only
  // one side has buckets). When anything was trimmed, count and sum are re-estimated from the
  // kept buckets' midpoints and the histogram is compacted.
  FloatHistogram& TrimBuckets(double rhs, bool upper_trim);

  // Upstream's Equals: schema, count, sum, zero count and buckets compared by bit pattern (NaN
  // equals NaN of the same bits), spans compared ignoring zero-length spans, custom values
  // compared for custom-bucket schemas only. The counter reset hint is not compared.
  bool Equals(const FloatHistogram& other) const;
  // Whether this histogram follows `previous` only through a counter reset (upstream's
  // DetectReset): hint CounterReset -> true, NotCounterReset -> false; otherwise a decrease of
  // count, of the zero count (after widening previous' zero bucket to this threshold) or of
  // any bucket (after reducing previous to this schema), a missing populated bucket, a schema
  // increase, a zero threshold decrease or a threshold inside a populated bucket of previous,
  // a switch from exponential to custom buckets, and for custom buckets with different bounds
  // a decrease of any cumulative count at their common bounds.
  bool DetectReset(const FloatHistogram& previous) const;

  // A copy with the lower resolution target_schema (<= schema; the hint is reset to Unknown as
  // upstream's CopyToSchema does when the schema changes). Errors for custom buckets on either
  // side, a higher target schema, or spans and buckets that disagree.
  util::Result<FloatHistogram> CopyToSchema(int32_t target_schema) const;
  // Reduces the resolution in place (upstream's ReduceResolution); target_schema must be lower.
  util::Status ReduceResolution(int32_t target_schema);

  // Whether any count, the sum or a bucket is infinite (upstream's HasOverflow).
  bool HasOverflow() const;
  // Upstream's Size(): the in-memory size estimate the engine reports (168 + 8 per span,
  // bucket and custom value).
  int64_t Size() const;

  friend bool operator==(const FloatHistogram&, const FloatHistogram&) = default;
};

// Upstream's sentinel errors, for callers that match on them (the messages are upstream's).
inline constexpr std::string_view kErrHistogramCountNotBigEnough =
    "histogram's observation count should be at least the number of observations found in the "
    "buckets";
inline constexpr std::string_view kErrHistogramCountMismatch =
    "histogram's observation count should equal the number of observations found in the buckets "
    "(in absence of NaN)";
inline constexpr std::string_view kErrHistogramNegativeCount =
    "histogram's observation count is negative";
inline constexpr std::string_view kErrHistogramNegativeBucketCount =
    "histogram has a bucket whose observation count is negative";
inline constexpr std::string_view kErrHistogramSpanNegativeOffset =
    "histogram has a span whose offset is negative";
inline constexpr std::string_view kErrHistogramSpansBucketsMismatch =
    "histogram spans specify different number of buckets than provided";
inline constexpr std::string_view kErrHistogramCustomBucketsMismatch =
    "histogram custom bounds are too few";
inline constexpr std::string_view kErrHistogramCustomBucketsInvalid =
    "histogram custom bounds must be in strictly increasing order";
inline constexpr std::string_view kErrHistogramCustomBucketsInfinite =
    "histogram custom bounds must be finite";
inline constexpr std::string_view kErrHistogramCustomBucketsNaN =
    "histogram custom bounds must not be NaN";
inline constexpr std::string_view kErrHistogramCustomBucketsZeroCount =
    "custom buckets: must have zero count of 0";
inline constexpr std::string_view kErrHistogramCustomBucketsZeroThresh =
    "custom buckets: must have zero threshold of 0";
inline constexpr std::string_view kErrHistogramCustomBucketsNegSpans =
    "custom buckets: must not have negative spans";
inline constexpr std::string_view kErrHistogramCustomBucketsNegBuckets =
    "custom buckets: must not have negative buckets";
inline constexpr std::string_view kErrHistogramExpSchemaCustomBounds =
    "histogram with exponential schema must not have custom bounds";

// "histogram has an invalid schema, which must be between -4 and 8 for exponential buckets, or
// -53 for custom buckets, got schema <s>"
std::string InvalidSchemaMessage(int32_t schema);

}  // namespace promkit::model
