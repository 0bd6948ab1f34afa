#include "model/histogram.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string_view>
#include <type_traits>

#include <fmt/core.h>

#include "util/numbers.h"

namespace promkit::model {
namespace {

// Go's %v for a float64, which upstream's validation messages use.
std::string GoFloatV(double v) { return util::FormatFloat(v, 'g', -1); }

// Go's %f: six decimals, "+Inf"/"-Inf"/"NaN" for the specials.
std::string GoFloatF(double v) { return util::FormatFloat(v, 'f', 6); }

template <typename B>
std::string CountString(B c) {
  if constexpr (std::is_floating_point_v<B>) {
    return GoFloatV(c);
  } else {
    return std::to_string(c);
  }
}

util::Status CheckSpans(const std::vector<Span>& spans, size_t num_buckets) {
  uint64_t span_buckets = 0;
  for (size_t n = 0; n < spans.size(); ++n) {
    if (n > 0 && spans[n].offset < 0) {
      return util::Status::InvalidArgument(fmt::format("span number {} with offset {}: {}", n + 1,
                                                       spans[n].offset,
                                                       kErrHistogramSpanNegativeOffset));
    }
    span_buckets += spans[n].length;
  }
  if (span_buckets != num_buckets) {
    return util::Status::InvalidArgument(fmt::format("spans need {} buckets, have {} buckets: {}",
                                                     span_buckets, num_buckets,
                                                     kErrHistogramSpansBucketsMismatch));
  }
  return util::Status::Ok();
}

// Adds the absolute bucket counts to *total; `deltas` says the buckets are stored as deltas.
template <typename B, typename Total>
util::Status CheckBuckets(const std::vector<B>& buckets, Total* total, bool deltas) {
  B last = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    B c;
    if constexpr (std::is_integral_v<B>) {
      // Wrapping addition: hostile deltas must not be undefined behaviour.
      c = deltas ? static_cast<B>(static_cast<uint64_t>(last) + static_cast<uint64_t>(buckets[i]))
                 : buckets[i];
    } else {
      c = deltas ? last + buckets[i] : buckets[i];
    }
    if (c < 0) {
      return util::Status::InvalidArgument(
          fmt::format("bucket number {} has observation count of {}: {}", i + 1, CountString(c),
                      kErrHistogramNegativeBucketCount));
    }
    last = c;
    *total += static_cast<Total>(c);
  }
  return util::Status::Ok();
}

util::Status CheckCustomBounds(const std::vector<double>& bounds, const std::vector<Span>& spans,
                               size_t num_buckets) {
  double prev = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < bounds.size(); ++i) {
    double curr = bounds[i];
    if (std::isnan(curr))
      return util::Status::InvalidArgument(std::string(kErrHistogramCustomBucketsNaN));
    if (i > 0 && curr <= prev) {
      return util::Status::InvalidArgument(fmt::format("previous bound is {} and current is {}: {}",
                                                       GoFloatF(prev), GoFloatF(curr),
                                                       kErrHistogramCustomBucketsInvalid));
    }
    prev = curr;
  }
  if (prev == std::numeric_limits<double>::infinity()) {
    return util::Status::InvalidArgument(fmt::format(
        "last +Inf bound must not be explicitly defined: {}", kErrHistogramCustomBucketsInfinite));
  }
  uint64_t span_buckets = 0;
  int64_t total_span_length = 0;
  for (size_t n = 0; n < spans.size(); ++n) {
    if (spans[n].offset < 0) {
      return util::Status::InvalidArgument(fmt::format("span number {} with offset {}: {}", n + 1,
                                                       spans[n].offset,
                                                       kErrHistogramSpanNegativeOffset));
    }
    span_buckets += spans[n].length;
    total_span_length += static_cast<int64_t>(spans[n].length) + spans[n].offset;
  }
  if (span_buckets != num_buckets) {
    return util::Status::InvalidArgument(fmt::format("spans need {} buckets, have {} buckets: {}",
                                                     span_buckets, num_buckets,
                                                     kErrHistogramSpansBucketsMismatch));
  }
  if (static_cast<int64_t>(bounds.size()) + 1 < total_span_length) {
    return util::Status::InvalidArgument(fmt::format(
        "only {} custom bounds defined which is insufficient to cover total span length of {}: {}",
        bounds.size(), total_span_length, kErrHistogramCustomBucketsMismatch));
  }
  return util::Status::Ok();
}

// Checks shared by both histogram kinds for the custom-buckets schema.
template <typename H>
util::Status ValidateCustom(const H& h) {
  util::Status st = CheckCustomBounds(h.custom_values, h.positive_spans, h.positive_buckets.size());
  if (!st.ok()) return std::move(st).Wrap("custom buckets");
  if (h.zero_count != 0) {
    return util::Status::InvalidArgument(std::string(kErrHistogramCustomBucketsZeroCount));
  }
  if (h.zero_threshold != 0) {
    return util::Status::InvalidArgument(std::string(kErrHistogramCustomBucketsZeroThresh));
  }
  if (!h.negative_spans.empty()) {
    return util::Status::InvalidArgument(std::string(kErrHistogramCustomBucketsNegSpans));
  }
  if (!h.negative_buckets.empty()) {
    return util::Status::InvalidArgument(std::string(kErrHistogramCustomBucketsNegBuckets));
  }
  return util::Status::Ok();
}

// Checks shared by both histogram kinds for exponential schemas: spans that fit the buckets on
// both sides, and a valid negative side, whose total goes to `n_count`.
template <typename H, typename Total>
util::Status ValidateExponential(const H& h, Total* n_count, bool deltas) {
  util::Status st = CheckSpans(h.positive_spans, h.positive_buckets.size());
  if (!st.ok()) return std::move(st).Wrap("positive side");
  st = CheckSpans(h.negative_spans, h.negative_buckets.size());
  if (!st.ok()) return std::move(st).Wrap("negative side");
  st = CheckBuckets(h.negative_buckets, n_count, deltas);
  if (!st.ok()) return std::move(st).Wrap("negative side");
  return util::Status::Ok();
}

// Compaction as described in histogram.h. Works on absolute counts: the buckets are expanded
// to (index, count) pairs, empty ones dropped, and runs re-grouped into spans wherever the gap
// between populated buckets exceeds max_empty; deltas are re-derived at the end.
template <typename B>
void CompactBuckets(std::vector<B>* buckets, std::vector<Span>* spans, int max_empty, bool deltas) {
  auto add = [](B a, B b) -> B {
    if constexpr (std::is_integral_v<B>) {
      return static_cast<B>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
    } else {
      return a + b;
    }
  };
  auto sub = [](B a, B b) -> B {
    if constexpr (std::is_integral_v<B>) {
      return static_cast<B>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
    } else {
      return a - b;
    }
  };
  // Malformed layouts are left for Validate() to report.
  uint64_t total = 0;
  for (size_t i = 0; i < spans->size(); ++i) {
    if (i > 0 && (*spans)[i].offset < 0) return;
    total += (*spans)[i].length;
  }
  if (total != buckets->size()) return;

  // Fast path: nothing empty, no zero-length span, no gap small enough to merge.
  bool work = false;
  B abs = 0;
  for (B b : *buckets) {
    abs = deltas ? add(abs, b) : b;
    if (abs == 0) {
      work = true;
      break;
    }
  }
  for (size_t i = 0; !work && i < spans->size(); ++i) {
    if ((*spans)[i].length == 0 || (*spans)[i].offset <= max_empty) work = true;
  }
  if (!work) return;

  struct Populated {
    int64_t index;
    B count;
  };
  std::vector<Populated> populated;
  populated.reserve(buckets->size());
  int64_t index = 0;
  size_t pos = 0;
  abs = 0;
  for (size_t s = 0; s < spans->size(); ++s) {
    index += (*spans)[s].offset;
    for (uint32_t j = 0; j < (*spans)[s].length; ++j, ++pos, ++index) {
      abs = deltas ? add(abs, (*buckets)[pos]) : (*buckets)[pos];
      if (abs != 0) populated.push_back({index, abs});
    }
  }
  constexpr int64_t kMin = std::numeric_limits<int32_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  if (!populated.empty() && (populated.front().index < kMin || populated.front().index > kMax)) {
    return;
  }
  std::vector<Span> out_spans;
  std::vector<B> out_buckets;
  out_buckets.reserve(populated.size());
  B prev_abs = 0;
  auto emit = [&](B count) {
    out_buckets.push_back(deltas ? sub(count, prev_abs) : count);
    prev_abs = count;
  };
  for (size_t i = 0; i < populated.size(); ++i) {
    if (i == 0) {
      out_spans.push_back({static_cast<int32_t>(populated[i].index), 0});
    } else {
      int64_t gap = populated[i].index - populated[i - 1].index - 1;
      if (gap > max_empty) {
        if (gap > kMax) return;
        out_spans.push_back({static_cast<int32_t>(gap), 0});
      } else {
        for (int64_t g = 0; g < gap; ++g) emit(0);
        out_spans.back().length += static_cast<uint32_t>(gap);
      }
    }
    emit(populated[i].count);
    out_spans.back().length++;
  }
  *buckets = std::move(out_buckets);
  *spans = std::move(out_spans);
}

}  // namespace

std::string InvalidSchemaMessage(int32_t schema) {
  return fmt::format(
      "histogram has an invalid schema, which must be between {} and {} for exponential buckets, "
      "or {} for custom buckets, got schema {}",
      kExponentialSchemaMin, kExponentialSchemaMax, kCustomBucketsSchema, schema);
}

util::Status Histogram::Validate() const {
  uint64_t n_count = 0, p_count = 0;
  if (IsCustomBucketsSchema(schema)) {
    PROMKIT_RETURN_IF_ERROR(ValidateCustom(*this));
  } else if (IsExponentialSchema(schema)) {
    PROMKIT_RETURN_IF_ERROR(ValidateExponential(*this, &n_count, /*deltas=*/true));
    if (!custom_values.empty()) {
      return util::Status::InvalidArgument(std::string(kErrHistogramExpSchemaCustomBounds));
    }
  } else {
    return util::Status::InvalidArgument(InvalidSchemaMessage(schema));
  }
  util::Status st = CheckBuckets(positive_buckets, &p_count, true);
  if (!st.ok()) return std::move(st).Wrap("positive side");

  uint64_t in_buckets = n_count + p_count + zero_count;
  if (std::isnan(sum)) {
    if (in_buckets > count) {
      return util::Status::InvalidArgument(
          fmt::format("{} observations found in buckets, but the Count field is {}: {}", in_buckets,
                      count, kErrHistogramCountNotBigEnough));
    }
  } else if (in_buckets != count) {
    return util::Status::InvalidArgument(
        fmt::format("{} observations found in buckets, but the Count field is {}: {}", in_buckets,
                    count, kErrHistogramCountMismatch));
  }
  return util::Status::Ok();
}

Histogram& Histogram::Compact(int max_empty_buckets) {
  CompactBuckets(&positive_buckets, &positive_spans, max_empty_buckets, true);
  CompactBuckets(&negative_buckets, &negative_spans, max_empty_buckets, true);
  return *this;
}

FloatHistogram Histogram::ToFloat() const {
  FloatHistogram f;
  f.counter_reset_hint = counter_reset_hint;
  f.schema = schema;
  f.count = static_cast<double>(count);
  f.sum = sum;
  if (UsesCustomBuckets()) {
    f.custom_values = custom_values;
  } else {
    f.zero_threshold = zero_threshold;
    f.zero_count = static_cast<double>(zero_count);
    f.negative_spans = negative_spans;
    int64_t abs = 0;
    for (int64_t d : negative_buckets) {
      abs = static_cast<int64_t>(static_cast<uint64_t>(abs) + static_cast<uint64_t>(d));
      f.negative_buckets.push_back(static_cast<double>(abs));
    }
  }
  f.positive_spans = positive_spans;
  int64_t abs = 0;
  for (int64_t d : positive_buckets) {
    abs = static_cast<int64_t>(static_cast<uint64_t>(abs) + static_cast<uint64_t>(d));
    f.positive_buckets.push_back(static_cast<double>(abs));
  }
  return f;
}

util::Status FloatHistogram::Validate() const {
  double n_count = 0, p_count = 0;
  if (IsCustomBucketsSchema(schema)) {
    PROMKIT_RETURN_IF_ERROR(ValidateCustom(*this));
  } else if (IsExponentialSchema(schema)) {
    PROMKIT_RETURN_IF_ERROR(ValidateExponential(*this, &n_count, /*deltas=*/false));
    if (zero_count < 0) {
      return util::Status::InvalidArgument(
          fmt::format("zero bucket has observation count of {}: {}", GoFloatV(zero_count),
                      kErrHistogramNegativeBucketCount));
    }
    if (!custom_values.empty()) {
      return util::Status::InvalidArgument(std::string(kErrHistogramExpSchemaCustomBounds));
    }
  } else {
    return util::Status::InvalidArgument(InvalidSchemaMessage(schema));
  }
  if (count < 0) {
    // Two spaces after "is": upstream's text.
    return util::Status::InvalidArgument(
        fmt::format("observation count is  {}: {}", GoFloatV(count), kErrHistogramNegativeCount));
  }
  util::Status st = CheckBuckets(positive_buckets, &p_count, false);
  if (!st.ok()) return std::move(st).Wrap("positive side");
  return util::Status::Ok();
}

FloatHistogram& FloatHistogram::Compact(int max_empty_buckets) {
  CompactBuckets(&positive_buckets, &positive_spans, max_empty_buckets, false);
  CompactBuckets(&negative_buckets, &negative_spans, max_empty_buckets, false);
  return *this;
}

}  // namespace promkit::model
