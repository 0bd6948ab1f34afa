#include "model/histogram_stats.h"

#include <cmath>
#include <limits>

#include "model/internal/go_math.h"

namespace promkit::model {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

HistogramQuantileResult HistogramQuantile(double q, const FloatHistogram& h) {
  HistogramQuantileResult res;
  if (q < 0) {
    res.value = -kInf;
    return res;
  }
  if (q > 1) {
    res.value = kInf;
    return res;
  }
  if (h.count == 0 || std::isnan(q)) {
    res.value = kNaN;
    return res;
  }
  // Forward scan for low quantiles and whenever NaN observations may be present (they count
  // in h.count but sit in no bucket); backward scan for high quantiles.
  const bool forward = std::isnan(h.sum) || q < 0.5;
  AllBucketsIter it = forward ? h.AllBucketIterator() : h.AllReverseBucketIterator();
  double rank = forward ? q * h.count : (1 - q) * h.count;
  double count = 0;
  Bucket bucket;  // the last bucket visited (bounds 0 when there is none)
  while (it.Next()) {
    bucket = it.At();
    if (bucket.count == 0) continue;
    count += bucket.count;
    if (count >= rank) break;
  }
  if (!h.UsesCustomBuckets() && bucket.lower < 0 && bucket.upper > 0) {
    if (h.negative_buckets.empty() && !h.positive_buckets.empty()) {
      bucket.lower = 0;  // zero bucket, only positive buckets: nothing below 0
    } else if (h.positive_buckets.empty() && !h.negative_buckets.empty()) {
      bucket.upper = 0;
    }
  } else if (h.UsesCustomBuckets()) {
    if (bucket.lower == -kInf) {
      if (bucket.upper <= 0) {
        res.value = bucket.upper;
        return res;
      }
      bucket.lower = 0;
    } else if (bucket.upper == kInf) {
      res.value = bucket.lower;
      return res;
    }
  }
  if (count > h.count) count = h.count;  // float rounding
  if (count < rank) {
    // Ran out of buckets before reaching the rank.
    if (std::isnan(h.sum)) {
      res.value = kNaN;
      res.nan_result = true;
      return res;
    }
    res.value = bucket.upper;
    return res;
  }
  if (forward) {
    rank -= count - bucket.count;
  } else {
    rank = count - rank;
  }
  if (std::isnan(h.sum)) {
    // As upstream, this scan leaves `bucket` at the last bucket, which the interpolation below
    // then uses.
    while (it.Next()) {
      bucket = it.At();
      count += bucket.count;
    }
    if (count < h.count) res.nan_skew = true;
  }
  double fraction = rank / bucket.count;
  if (h.UsesCustomBuckets() || (bucket.lower <= 0 && bucket.upper >= 0)) {
    res.value = bucket.lower + (bucket.upper - bucket.lower) * fraction;
    return res;
  }
  // Exponential buckets are equally wide on a log2 scale.
  // Go's Log2/Exp2, so that results match upstream to the last bit.
  double log_lower = internal::GoLog2(std::fabs(bucket.lower));
  double log_upper = internal::GoLog2(std::fabs(bucket.upper));
  if (bucket.lower > 0) {
    res.value = internal::GoExp2(log_lower + (log_upper - log_lower) * fraction);
  } else {
    res.value = -internal::GoExp2(log_upper + (log_lower - log_upper) * (1 - fraction));
  }
  return res;
}

HistogramFractionResult HistogramFraction(double lower, double upper, const FloatHistogram& h) {
  HistogramFractionResult res;
  if (h.count == 0 || std::isnan(lower) || std::isnan(upper)) {
    res.value = kNaN;
    return res;
  }
  if (lower >= upper) return res;

  double count = 0, rank = 0, lower_rank = 0, upper_rank = 0;
  bool lower_set = false, upper_set = false;
  AllBucketsIter it = h.AllBucketIterator();
  while (it.Next()) {
    Bucket b = it.At();
    count += b.count;
    bool zero_bucket = false;
    // Linear for custom buckets and the zero bucket; a -Inf lower bound contributes nothing
    // from inside the bucket (as a +Inf upper bound does through the formula).
    auto linear = [&](double v) {
      if (b.lower == -kInf) return b.count;
      return rank + b.count * b.FractionBelow(v, true);
    };
    auto exponential = [&](double v) { return rank + b.count * b.FractionBelow(v, false); };
    if (b.lower <= 0 && b.upper >= 0) {
      zero_bucket = true;
      if (h.negative_buckets.empty() && !h.positive_buckets.empty()) {
        b.lower = 0;
      } else if (h.positive_buckets.empty() && !h.negative_buckets.empty()) {
        b.upper = 0;
      }
    }
    const bool use_linear = h.UsesCustomBuckets() || zero_bucket;
    if (!lower_set && b.lower >= lower) {
      lower_rank = rank;
      lower_set = true;
    }
    if (!upper_set && b.lower >= upper) {
      upper_rank = rank;
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    if (!lower_set && b.lower < lower && b.upper > lower) {
      lower_rank = use_linear ? linear(lower) : exponential(lower);
      lower_set = true;
    }
    if (!upper_set && b.lower < upper && b.upper > upper) {
      upper_rank = use_linear ? linear(upper) : exponential(upper);
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    rank += b.count;
  }
  if (std::isnan(h.sum)) {
    while (it.Next()) count += it.At().count;
    if (count < h.count) res.nan_observations = true;
  } else {
    count = h.count;
  }
  if (!lower_set || lower_rank > count) lower_rank = count;
  if (!upper_set || upper_rank > count) upper_rank = count;
  res.value = (upper_rank - lower_rank) / h.count;
  return res;
}

double HistogramStdVar(const FloatHistogram& h) {
  const double mean = h.sum / h.count;
  double variance = 0, comp = 0;
  for (AllBucketsIter it = h.AllBucketIterator(); it.Next();) {
    Bucket b = it.At();
    if (b.count == 0) continue;
    double mid;
    if (h.UsesCustomBuckets()) {
      mid = (b.upper + b.lower) / 2.0;
    } else if (b.lower <= 0 && b.upper >= 0) {
      mid = 0;
    } else {
      mid = std::sqrt(b.upper * b.lower);
      if (b.upper < 0) mid = -mid;
    }
    double delta = mid - mean;
    // Kahan-Neumaier summation, as upstream's kahansum.Inc.
    double inc = b.count * delta * delta;
    double t = variance + inc;
    if (std::isinf(t)) {
      comp = 0;
    } else if (std::fabs(variance) >= std::fabs(inc)) {
      comp += (variance - t) + inc;
    } else {
      comp += (inc - t) + variance;
    }
    variance = t;
  }
  variance += comp;
  return variance / h.count;
}

double HistogramStdDev(const FloatHistogram& h) { return std::sqrt(HistogramStdVar(h)); }

}  // namespace promkit::model
