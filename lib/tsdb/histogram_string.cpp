#include "tsdb/histogram_string.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "util/numbers.h"

namespace promkit::tsdb {
namespace {

// Go's fmt %g / %v of a float64: strconv's shortest 'g', with "+Inf" for positive infinity.
std::string G(double v) {
  if (std::isinf(v) && v > 0) return "+Inf";
  return util::FormatFloat(v, 'g', -1);
}

constexpr double kExponentialFractions[] = {
#include "tsdb/exponential_bounds.inc"
};

// ~2^(i/2^schema - 1): the fraction of a bound in [0.5, 1). REQUIRES: 0 <= schema <= 8.
double ExponentialFraction(int64_t frac_idx, int32_t schema) {
  return kExponentialFractions[((int64_t{1} << schema) - 1) + frac_idx];
}

struct Bucket {
  double lower, upper;
  bool lower_inclusive, upper_inclusive;
  std::string count;
};

std::string BucketString(const Bucket& b) {
  std::string out;
  out += b.lower_inclusive ? '[' : '(';
  out += G(b.lower);
  out += ',';
  out += G(b.upper);
  out += b.upper_inclusive ? ']' : ')';
  out += ':';
  out += b.count;
  return out;
}

// Walks spans and buckets (deltas when `deltas`) as upstream's bucket iterators, calling `f` with
// each bucket index and absolute count; stops early on an invalid histogram as upstream does.
template <typename T, typename F>
void ForEachBucket(const std::vector<model::Span>& spans, const std::vector<T>& buckets,
                   bool deltas, F f) {
  size_t bi = 0;
  int64_t idx = 0;
  T cur{};
  for (size_t si = 0; si < spans.size(); ++si) {
    idx += spans[si].offset;
    for (uint32_t j = 0; j < spans[si].length; ++j) {
      if (bi >= buckets.size()) return;
      if (deltas) {
        if constexpr (std::is_integral_v<T>) {
          cur = static_cast<T>(static_cast<uint64_t>(cur) + static_cast<uint64_t>(buckets[bi]));
        } else {
          cur += buckets[bi];
        }
      } else {
        cur = buckets[bi];
      }
      f(static_cast<int32_t>(idx), cur);
      ++bi;
      ++idx;
    }
  }
}

template <typename H, typename CountFmt>
std::string Format(const H& h, bool deltas, CountFmt count_str) {
  std::string out = "{count:" + count_str(h.count) + ", sum:" + G(h.sum);
  const bool custom = model::IsCustomBucketsSchema(h.schema);
  auto make = [&](int32_t idx, bool positive, const std::string& count) {
    Bucket b;
    if (positive) {
      b.upper = BucketBound(idx, h.schema, h.custom_values);
      b.lower = BucketBound(idx - 1, h.schema, h.custom_values);
    } else {
      b.lower = -BucketBound(idx, h.schema, h.custom_values);
      b.upper = -BucketBound(idx - 1, h.schema, h.custom_values);
    }
    if (custom) {
      b.lower_inclusive = idx == 0;
      b.upper_inclusive = true;
    } else {
      b.lower_inclusive = b.lower < 0;
      b.upper_inclusive = b.upper > 0;
    }
    b.count = count;
    return b;
  };
  std::vector<Bucket> negative;
  ForEachBucket(h.negative_spans, h.negative_buckets, deltas, [&](int32_t idx, auto c) {
    if (c != 0) negative.push_back(make(idx, false, count_str(c)));
  });
  for (auto it = negative.rbegin(); it != negative.rend(); ++it) out += ", " + BucketString(*it);
  if (h.zero_count != 0) {
    out += ", " + BucketString(Bucket{-h.zero_threshold, h.zero_threshold, true, true,
                                      count_str(h.zero_count)});
  }
  ForEachBucket(h.positive_spans, h.positive_buckets, deltas, [&](int32_t idx, auto c) {
    if (c != 0) out += ", " + BucketString(make(idx, true, count_str(c)));
  });
  out += '}';
  return out;
}

}  // namespace

double BucketBound(int32_t idx, int32_t schema, const std::vector<double>& custom_values) {
  if (model::IsCustomBucketsSchema(schema)) {
    const auto n = static_cast<int64_t>(custom_values.size());
    if (idx >= n) return std::numeric_limits<double>::infinity();
    if (idx < 0) return -std::numeric_limits<double>::infinity();
    return custom_values[static_cast<size_t>(idx)];
  }
  if (schema < 0) {
    const int64_t exp = int64_t{idx} * (int64_t{1} << -schema);
    if (exp == 1024) return std::numeric_limits<double>::max();
    return std::ldexp(1.0, static_cast<int>(std::clamp<int64_t>(exp, -100000, 100000)));
  }
  const int64_t frac_idx = int64_t{idx} & ((int64_t{1} << schema) - 1);
  // Schemas above 8 exist only in data Prometheus reduces to 8 on reading; computed then.
  const double frac =
      schema <= model::kExponentialSchemaMax
          ? ExponentialFraction(frac_idx, schema)
          : static_cast<double>(std::exp2l(static_cast<long double>(frac_idx) /
                                               static_cast<long double>(int64_t{1} << schema) -
                                           1.0L));
  const int64_t exp = (int64_t{idx} >> schema) + 1;
  if (frac == 0.5 && exp == 1025) return std::numeric_limits<double>::max();
  return std::ldexp(frac, static_cast<int>(exp));
}

std::string HistogramString(const model::Histogram& h) {
  return Format(h, true, [](uint64_t c) { return std::to_string(c); });
}

std::string FloatHistogramString(const model::FloatHistogram& h) {
  return Format(h, false, [](double c) { return G(c); });
}

}  // namespace promkit::tsdb
