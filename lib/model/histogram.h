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
// Thread-safety: plain values.

#include <cstdint>
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
