// Bucket bounds, bucket iteration and the text forms of FloatHistogram (upstream's
// model/histogram/generic.go and float_histogram.go).

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "model/histogram.h"
#include "model/internal/go_math.h"
#include "model/internal/histogram_bounds.h"
#include "util/numbers.h"

namespace promkit::model {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Go's %g (and %v) for a float64.
std::string G(double v) { return util::FormatFloat(v, 'g', -1); }

double ExponentialBound(int32_t index, int32_t schema) {
  // The bound just below the ±Inf bucket would compute as +Inf (2^1024); upstream pins it to the
  // largest finite double so that only ±Inf observations land in the bucket above it.
  if (schema < 0) {
    if (schema < -30) return kNaN;
    int64_t exp = static_cast<int64_t>(index) * (int64_t{1} << -schema);
    if (exp == 1024) return std::numeric_limits<double>::max();
    return std::ldexp(1.0, static_cast<int>(std::clamp<int64_t>(exp, -100000, 100000)));
  }
  if (schema > kExponentialSchemaMax) return kNaN;
  int32_t frac_idx = index & ((int32_t{1} << schema) - 1);
  double frac = internal::kExponentialBounds[schema][frac_idx];
  int64_t exp = (static_cast<int64_t>(index) >> schema) + 1;
  if (frac == 0.5 && exp == 1025) return std::numeric_limits<double>::max();
  return std::ldexp(frac, static_cast<int>(exp));
}

// The bucket with `index` on the given side, bounds computed in `schema`.
Bucket MakeBucket(int32_t index, double count, int32_t schema, bool positive,
                  const std::vector<double>& custom_values) {
  Bucket b;
  b.count = count;
  b.index = index;
  int32_t below = static_cast<int32_t>(static_cast<int64_t>(index) - 1);
  if (positive) {
    b.upper = BucketBound(index, schema, custom_values);
    b.lower = BucketBound(below, schema, custom_values);
  } else {
    b.lower = -BucketBound(index, schema, custom_values);
    b.upper = -BucketBound(below, schema, custom_values);
  }
  if (IsCustomBucketsSchema(schema)) {
    b.lower_inclusive = index == 0;
    b.upper_inclusive = true;
  } else {
    b.lower_inclusive = b.lower < 0;
    b.upper_inclusive = b.upper > 0;
  }
  return b;
}

const std::vector<double>& NoCustomValues() {
  static const std::vector<double> kEmpty;
  return kEmpty;
}

}  // namespace

double BucketBound(int32_t index, int32_t schema, const std::vector<double>& custom_values) {
  if (IsCustomBucketsSchema(schema)) {
    int64_t n = static_cast<int64_t>(custom_values.size());
    if (index > n || index < -1) return kNaN;
    if (index == n) return kInf;
    if (index == -1) return -kInf;
    return custom_values[static_cast<size_t>(index)];
  }
  return ExponentialBound(index, schema);
}

int32_t TargetBucketIndex(int32_t index, int32_t origin_schema, int32_t target_schema) {
  int shift = std::clamp(origin_schema - target_schema, 0, 62);
  return static_cast<int32_t>(((static_cast<int64_t>(index) - 1) >> shift) + 1);
}

std::string Bucket::String() const {
  std::string s;
  s += lower_inclusive ? '[' : '(';
  s += G(lower);
  s += ',';
  s += G(upper);
  s += upper_inclusive ? ']' : ')';
  s += ':';
  s += G(count);
  return s;
}

double Bucket::FractionBelow(double v, bool linear) const {
  if (linear) return (v - lower) / (upper - lower);
  double log_lower = internal::GoLog2(std::fabs(lower));
  double log_upper = internal::GoLog2(std::fabs(upper));
  double log_v = internal::GoLog2(std::fabs(v));
  if (v > 0) return (log_v - log_lower) / (log_upper - log_lower);
  return 1 - ((log_v - log_upper) / (log_lower - log_upper));
}

// ---- ForwardBucketIter ----

ForwardBucketIter::ForwardBucketIter(const FloatHistogram& h, bool positive, double absolute_start,
                                     int32_t target_schema)
    : spans_(positive ? &h.positive_spans : &h.negative_spans),
      buckets_(positive ? &h.positive_buckets : &h.negative_buckets),
      custom_values_(positive ? &h.custom_values : &NoCustomValues()),
      schema_(h.schema),
      target_schema_(target_schema),
      positive_(positive),
      absolute_start_(absolute_start),
      bound_reached_start_(absolute_start == 0) {
  // Upstream panics on these programming errors; an empty iterator is the safe answer here.
  if (h.UsesCustomBuckets() != IsCustomBucketsSchema(target_schema) || target_schema > h.schema) {
    valid_ = false;
  }
}

bool ForwardBucketIter::NextSameSchema() {
  const Span* span = &(*spans_)[spans_idx_];
  if (buckets_idx_ == 0) {
    curr_idx_ = span->offset;  // the first span's offset is absolute
  } else {
    ++curr_idx_;
  }
  if (buckets_idx_ >= buckets_->size()) return false;
  while (idx_in_span_ >= span->length) {  // also steps over zero-length spans
    idx_in_span_ = 0;
    ++spans_idx_;
    if (spans_idx_ >= spans_->size()) return false;
    span = &(*spans_)[spans_idx_];
    curr_idx_ += span->offset;
  }
  curr_count_ = (*buckets_)[buckets_idx_];
  ++idx_in_span_;
  ++buckets_idx_;
  return true;
}

bool ForwardBucketIter::NextMerging() {
  // Sums the consecutive original buckets that map to one target bucket. The position is only
  // committed for buckets that were merged, so that the first bucket of the next target bucket
  // is seen again by the next call.
  const Span* span = &(*spans_)[spans_idx_];
  int32_t orig_idx = orig_idx_;
  size_t spans_idx = spans_idx_;
  uint32_t idx_in_span = idx_in_span_;
  bool first = true;
  curr_count_ = 0;
  while (true) {
    if (buckets_idx_ == 0) {
      orig_idx = span->offset;
    } else {
      ++orig_idx;
    }
    if (buckets_idx_ >= buckets_->size()) {
      if (first) return false;
      break;
    }
    bool exhausted = false;
    while (idx_in_span >= span->length) {
      idx_in_span = 0;
      ++spans_idx;
      if (spans_idx >= spans_->size()) {
        exhausted = true;
        break;
      }
      span = &(*spans_)[spans_idx];
      orig_idx += span->offset;
    }
    if (exhausted) {
      if (first) return false;
      break;
    }
    int32_t idx = TargetBucketIndex(orig_idx, schema_, target_schema_);
    if (first) {
      curr_idx_ = idx;
      first = false;
    } else if (idx != curr_idx_) {
      break;
    }
    curr_count_ += (*buckets_)[buckets_idx_];
    ++idx_in_span;
    ++buckets_idx_;
    orig_idx_ = orig_idx;
    spans_idx_ = spans_idx;
    idx_in_span_ = idx_in_span;
  }
  return true;
}

bool ForwardBucketIter::Next() {
  while (true) {
    if (!valid_ || spans_idx_ >= spans_->size()) return false;
    bool ok = schema_ == target_schema_ ? NextSameSchema() : NextMerging();
    if (!ok) return false;
    // Skip exponential buckets whose upper bound is at or below the start value.
    if (!bound_reached_start_ && IsExponentialSchema(target_schema_) &&
        ExponentialBound(curr_idx_, target_schema_) <= absolute_start_) {
      continue;
    }
    bound_reached_start_ = true;
    return true;
  }
}

Bucket ForwardBucketIter::At() const {
  return MakeBucket(curr_idx_, curr_count_, target_schema_, positive_, *custom_values_);
}

// ---- ReverseBucketIter ----

ReverseBucketIter::ReverseBucketIter(const FloatHistogram& h, bool positive)
    : spans_(positive ? &h.positive_spans : &h.negative_spans),
      buckets_(positive ? &h.positive_buckets : &h.negative_buckets),
      custom_values_(positive ? &h.custom_values : &NoCustomValues()),
      schema_(h.schema),
      positive_(positive),
      spans_idx_(static_cast<int64_t>(spans_->size()) - 1),
      buckets_idx_(static_cast<int64_t>(buckets_->size()) - 1) {
  if (spans_idx_ >= 0) {
    idx_in_span_ = static_cast<int64_t>((*spans_)[static_cast<size_t>(spans_idx_)].length) - 1;
  }
  int64_t idx = 0;
  for (const Span& s : *spans_) idx += static_cast<int64_t>(s.offset) + s.length;
  curr_idx_ = static_cast<int32_t>(idx);  // one past the highest bucket
}

bool ReverseBucketIter::Next() {
  --curr_idx_;
  if (buckets_idx_ < 0) return false;
  while (idx_in_span_ < 0) {
    --spans_idx_;
    if (spans_idx_ < 0) return false;
    idx_in_span_ = static_cast<int64_t>((*spans_)[static_cast<size_t>(spans_idx_)].length) - 1;
    curr_idx_ -= (*spans_)[static_cast<size_t>(spans_idx_ + 1)].offset;
  }
  curr_count_ = (*buckets_)[static_cast<size_t>(buckets_idx_)];
  --buckets_idx_;
  --idx_in_span_;
  return true;
}

Bucket ReverseBucketIter::At() const {
  return MakeBucket(curr_idx_, curr_count_, schema_, positive_, *custom_values_);
}

// ---- AllBucketsIter ----

AllBucketsIter::AllBucketsIter(const FloatHistogram& h, bool reverse)
    : h_(&h), left_(h, /*positive=*/reverse), right_(h, /*positive=*/!reverse, 0, h.schema) {}

bool AllBucketsIter::Next() {
  const double zt = h_->zero_threshold;
  while (true) {
    switch (state_) {
      case -1:
        if (left_.Next()) {
          curr_ = left_.At();
          if (curr_.upper < 0 && curr_.upper > -zt) {
            curr_.upper = -zt;
          } else if (curr_.lower > 0 && curr_.lower < zt) {
            curr_.lower = zt;
          }
          return true;
        }
        state_ = 0;
        continue;
      case 0:
        state_ = 1;
        if (h_->zero_count > 0) {
          curr_ = h_->ZeroBucket();
          return true;
        }
        continue;
      case 1:
        if (right_.Next()) {
          curr_ = right_.At();
          if (curr_.lower > 0 && curr_.lower < zt) {
            curr_.lower = zt;
          } else if (curr_.upper < 0 && curr_.upper > -zt) {
            curr_.upper = -zt;
          }
          return true;
        }
        state_ = 2;
        return false;
      default:
        return false;
    }
  }
}

// ---- FloatHistogram ----

ForwardBucketIter FloatHistogram::PositiveBucketIterator() const {
  return ForwardBucketIter(*this, true, 0, schema);
}

ForwardBucketIter FloatHistogram::NegativeBucketIterator() const {
  return ForwardBucketIter(*this, false, 0, schema);
}

ReverseBucketIter FloatHistogram::PositiveReverseBucketIterator() const {
  return ReverseBucketIter(*this, true);
}

ReverseBucketIter FloatHistogram::NegativeReverseBucketIterator() const {
  return ReverseBucketIter(*this, false);
}

AllBucketsIter FloatHistogram::AllBucketIterator() const { return AllBucketsIter(*this, false); }

AllBucketsIter FloatHistogram::AllReverseBucketIterator() const {
  return AllBucketsIter(*this, true);
}

Bucket FloatHistogram::ZeroBucket() const {
  Bucket b;
  if (UsesCustomBuckets()) return b;
  b.lower = -zero_threshold;
  b.upper = zero_threshold;
  b.lower_inclusive = true;
  b.upper_inclusive = true;
  b.count = zero_count;
  return b;
}

std::string FloatHistogram::String() const {
  std::string s = "{count:" + G(count) + ", sum:" + G(sum);
  std::vector<Bucket> negative;
  for (auto it = NegativeBucketIterator(); it.Next();) {
    if (it.count() != 0) negative.push_back(it.At());
  }
  for (auto b = negative.rbegin(); b != negative.rend(); ++b) s += ", " + b->String();
  if (zero_count != 0) s += ", " + ZeroBucket().String();
  for (auto it = PositiveBucketIterator(); it.Next();) {
    if (it.count() != 0) s += ", " + it.At().String();
  }
  s += '}';
  return s;
}

// Upstream's Histogram.String(): as FloatHistogram's, with the counts as integers (%d).
std::string Histogram::String() const {
  std::string s = "{count:" + std::to_string(count) + ", sum:" + G(sum);
  const bool custom = UsesCustomBuckets();
  auto bucket = [&](int32_t idx, bool positive, uint64_t n) {
    Bucket b;
    b.upper = BucketBound(idx, schema, custom_values);
    b.lower = BucketBound(idx - 1, schema, custom_values);
    if (!positive) b = Bucket{-b.upper, -b.lower};
    b.lower_inclusive = custom ? idx == 0 : b.lower < 0;
    b.upper_inclusive = custom || b.upper > 0;
    std::string text = b.String();  // ends in ":0"
    text.resize(text.size() - 1);
    return text + std::to_string(n);
  };
  // Absolute counts from the deltas, in span order, stopping where spans and buckets disagree.
  auto walk = [](const std::vector<Span>& spans, const std::vector<int64_t>& deltas, auto f) {
    size_t bi = 0;
    int64_t idx = 0;
    uint64_t cur = 0;
    for (const Span& sp : spans) {
      idx += sp.offset;
      for (uint32_t j = 0; j < sp.length && bi < deltas.size(); ++j, ++bi, ++idx) {
        cur += static_cast<uint64_t>(deltas[bi]);
        f(static_cast<int32_t>(idx), cur);
      }
    }
  };
  std::vector<std::string> negative;
  walk(negative_spans, negative_buckets, [&](int32_t idx, uint64_t n) {
    if (n != 0) negative.push_back(bucket(idx, false, n));
  });
  for (auto b = negative.rbegin(); b != negative.rend(); ++b) s += ", " + *b;
  if (zero_count != 0) {
    s += ", [" + G(-zero_threshold) + ',' + G(zero_threshold) + "]:" + std::to_string(zero_count);
  }
  walk(positive_spans, positive_buckets, [&](int32_t idx, uint64_t n) {
    if (n != 0) s += ", " + bucket(idx, true, n);
  });
  s += '}';
  return s;
}

std::string FloatHistogram::TestExpression() const {
  FloatHistogram m = *this;
  if (m.UsesCustomBuckets()) {
    // Upstream's Copy() drops the fields custom buckets do not use.
    m.zero_threshold = 0;
    m.zero_count = 0;
    m.negative_spans.clear();
    m.negative_buckets.clear();
  } else {
    m.custom_values.clear();
  }
  m.Compact(INT_MAX);  // one span per side

  std::vector<std::string> parts;
  if (m.schema != 0) parts.push_back("schema:" + std::to_string(m.schema));
  if (m.count != 0) parts.push_back("count:" + G(m.count));
  if (m.sum != 0) parts.push_back("sum:" + G(m.sum));
  if (m.zero_count != 0) parts.push_back("z_bucket:" + G(m.zero_count));
  if (m.zero_threshold != 0) parts.push_back("z_bucket_w:" + G(m.zero_threshold));
  if (m.UsesCustomBuckets()) {
    std::string cv = "custom_values:[";
    for (size_t i = 0; i < m.custom_values.size(); ++i) {
      if (i > 0) cv += ' ';
      cv += G(m.custom_values[i]);
    }
    parts.push_back(cv + "]");
  }
  switch (m.counter_reset_hint) {
    case CounterResetHint::kUnknown:
      break;
    case CounterResetHint::kCounterReset:
      parts.push_back("counter_reset_hint:reset");
      break;
    case CounterResetHint::kNotCounterReset:
      parts.push_back("counter_reset_hint:not_reset");
      break;
    case CounterResetHint::kGauge:
      parts.push_back("counter_reset_hint:gauge");
      break;
  }
  auto add_side = [&](std::string_view buckets_key, std::string_view offset_key,
                      const std::vector<double>& buckets, const std::vector<Span>& spans) {
    for (const Span& span : spans) {
      if (span.offset != 0) {
        parts.push_back(std::string(offset_key) + ":" + std::to_string(span.offset));
      }
    }
    if (buckets.empty()) return;
    std::string b = std::string(buckets_key) + ":[";
    for (size_t i = 0; i < buckets.size(); ++i) {
      if (i > 0) b += ' ';
      b += G(buckets[i]);
    }
    parts.push_back(b + "]");
  };
  add_side("buckets", "offset", m.positive_buckets, m.positive_spans);
  add_side("n_buckets", "n_offset", m.negative_buckets, m.negative_spans);

  std::string out = "{{";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ' ';
    out += parts[i];
  }
  return out + "}}";
}

}  // namespace promkit::model
