// FloatHistogram arithmetic, comparison and reset detection, with upstream's semantics
// (model/histogram/float_histogram.go, Prometheus 3.x): schema reconciliation by reducing
// resolution, zero bucket widening, custom bucket bound intersection, counter reset hints and
// Kahan-Neumaier compensated addition.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "model/histogram.h"

namespace promkit::model {
namespace {

// Kahan-Neumaier step (upstream's kahansum.Inc): returns the new sum, updates *c.
double KahanInc(double inc, double sum, double* c) {
  double t = sum + inc;
  if (std::isinf(t)) {
    *c = 0;
  } else if (std::fabs(sum) >= std::fabs(inc)) {
    *c += (sum - t) + inc;
  } else {
    *c += (inc - t) + sum;
  }
  return t;
}

// The operations below index buckets through spans; they require both to agree.
util::Status CheckLayout(const std::vector<Span>& spans, size_t num_buckets, bool custom,
                         std::string_view side) {
  uint64_t total = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    if ((i > 0 || custom) && spans[i].offset < 0) {
      return util::Status::InvalidArgument(fmt::format("{} side: span number {} with offset {}: {}",
                                                       side, i + 1, spans[i].offset,
                                                       kErrHistogramSpanNegativeOffset));
    }
    total += spans[i].length;
  }
  if (total != num_buckets) {
    return util::Status::InvalidArgument(
        fmt::format("{} side: spans need {} buckets, have {} buckets: {}", side, total, num_buckets,
                    kErrHistogramSpansBucketsMismatch));
  }
  return util::Status::Ok();
}

util::Status CheckLayouts(const FloatHistogram& h) {
  PROMKIT_RETURN_IF_ERROR(
      CheckLayout(h.positive_spans, h.positive_buckets.size(), h.UsesCustomBuckets(), "positive"));
  PROMKIT_RETURN_IF_ERROR(
      CheckLayout(h.negative_spans, h.negative_buckets.size(), h.UsesCustomBuckets(), "negative"));
  if (std::isnan(h.zero_threshold)) {
    return util::Status::InvalidArgument("histogram zero threshold must not be NaN");
  }
  return util::Status::Ok();
}

util::Status CheckOperands(const FloatHistogram& h, const FloatHistogram& other) {
  if (h.UsesCustomBuckets() != other.UsesCustomBuckets()) {
    return util::Status::InvalidArgument(std::string(kErrHistogramsIncompatibleSchema));
  }
  if (!IsValidSchema(h.schema) || !IsValidSchema(other.schema)) {
    return util::Status::InvalidArgument(
        InvalidSchemaMessage(IsValidSchema(h.schema) ? other.schema : h.schema));
  }
  PROMKIT_RETURN_IF_ERROR(CheckLayouts(h));
  return CheckLayouts(other);
}

struct SideBuckets {
  std::vector<Span> spans;
  std::vector<double> buckets;
  std::vector<double> comp;  // compensation terms, same length as buckets (Kahan mode only)
};

// Merges buckets into target_schema (< origin_schema). With `comp` (Kahan mode) merged buckets
// are summed with compensation and the terms of the merged buckets are carried along.
SideBuckets ReduceSide(const std::vector<Span>& spans, const std::vector<double>& buckets,
                       const std::vector<double>* comp, int32_t origin_schema,
                       int32_t target_schema) {
  SideBuckets out;
  int64_t idx = 0;
  size_t pos = 0;
  int32_t last_target = 0;
  for (const Span& span : spans) {
    idx += span.offset;
    for (uint32_t j = 0; j < span.length; ++j, ++idx, ++pos) {
      int32_t target = TargetBucketIndex(static_cast<int32_t>(idx), origin_schema, target_schema);
      double v = buckets[pos];
      double cv = comp ? (*comp)[pos] : 0;
      if (out.spans.empty()) {
        out.spans.push_back({target, 1});
        out.buckets.push_back(v);
        if (comp) out.comp.push_back(cv);
        last_target = target;
      } else if (last_target == target) {
        if (comp) {
          out.buckets.back() = KahanInc(v, out.buckets.back(), &out.comp.back());
          out.buckets.back() = KahanInc(cv, out.buckets.back(), &out.comp.back());
        } else {
          out.buckets.back() += v;
        }
      } else {
        if (last_target + 1 == target) {
          out.spans.back().length++;
        } else {
          out.spans.push_back({target - last_target - 1, 1});
        }
        last_target = target;
        out.buckets.push_back(v);
        if (comp) out.comp.push_back(cv);
      }
    }
  }
  return out;
}

// Adds (negative: subtracts) the buckets of b into a, inserting the buckets a lacks and
// extending or creating spans as upstream's addBuckets does (so the resulting layout is
// upstream's, adjacent spans included). Buckets of b whose upper bound is <= threshold (the
// zero bucket, exponential schemas only) are skipped. With comp_a (Kahan mode) additions are
// compensated and comp_b's terms, when given, are added too.
void AddSide(int32_t schema, double threshold, bool negative, std::vector<Span>& spans_a,
             std::vector<double>& buckets_a, std::vector<double>* comp_a,
             const std::vector<Span>& spans_b, const std::vector<double>& buckets_b,
             const std::vector<double>* comp_b) {
  int64_t i_span = -1;
  int64_t i_bucket = -1;
  int64_t i_in_span = 0;
  int64_t index_a = 0;
  int64_t index_b = 0;
  size_t b_pos = 0;
  bool below_threshold = true;

  auto add_at = [&](size_t pos, double v, double cv) {
    if (comp_a == nullptr) {
      buckets_a[pos] += v;
      return;
    }
    buckets_a[pos] = KahanInc(v, buckets_a[pos], &(*comp_a)[pos]);
    if (cv != 0) buckets_a[pos] = KahanInc(cv, buckets_a[pos], &(*comp_a)[pos]);
  };
  auto insert_at = [&](size_t pos, double v, double cv) {
    buckets_a.insert(buckets_a.begin() + static_cast<std::ptrdiff_t>(pos), v);
    if (comp_a) comp_a->insert(comp_a->begin() + static_cast<std::ptrdiff_t>(pos), cv);
  };

  for (const Span& span_b : spans_b) {
    index_b += span_b.offset;
    for (uint32_t j = 0; j < span_b.length; ++j, index_a = index_b, ++index_b, ++b_pos) {
      if (below_threshold && IsExponentialSchema(schema) &&
          BucketBound(static_cast<int32_t>(index_b), schema, {}) <= threshold) {
        continue;
      }
      below_threshold = false;
      double v = buckets_b[b_pos];
      double cv = comp_b ? (*comp_b)[b_pos] : 0;
      if (negative) {
        v = -v;
        cv = -cv;
      }
      if (i_span == -1) {
        if (spans_a.empty() || spans_a[0].offset > index_b) {
          // Before all buckets of a.
          insert_at(0, v, cv);
          if (!spans_a.empty() && spans_a[0].offset == index_b + 1) {
            spans_a[0].length++;
            spans_a[0].offset--;
            continue;
          }
          spans_a.insert(spans_a.begin(), Span{static_cast<int32_t>(index_b), 1});
          if (spans_a.size() > 1) {
            // The formerly first span's absolute offset becomes relative.
            spans_a[1].offset -= static_cast<int32_t>(index_b + 1);
          }
          continue;
        }
        if (spans_a[0].offset == index_b) {
          add_at(0, v, cv);
          continue;
        }
        i_span = 0;
        i_bucket = 0;
        i_in_span = 0;
        index_a = spans_a[0].offset;
      }
      int64_t delta = index_b - index_a;
      while (true) {
        int64_t remaining = static_cast<int64_t>(spans_a[i_span].length) - i_in_span;
        if (delta < remaining) {
          i_bucket += delta;
          i_in_span += delta;
          add_at(static_cast<size_t>(i_bucket), v, cv);
          break;
        }
        delta -= remaining;
        i_bucket += remaining;
        ++i_span;
        const int64_t n_spans = static_cast<int64_t>(spans_a.size());
        if (i_span == n_spans || delta < spans_a[i_span].offset) {
          // In the gap after the previous span (or after the last span).
          insert_at(static_cast<size_t>(i_bucket), v, cv);
          if (delta == 0) {
            // Directly after the previous span: extend it.
            if (i_span < n_spans) spans_a[i_span].offset--;
            --i_span;
            i_in_span = spans_a[i_span].length;
            spans_a[i_span].length++;
          } else if (i_span < n_spans && delta == spans_a[i_span].offset - 1) {
            // Directly before the next span: extend that one.
            i_in_span = 0;
            spans_a[i_span].offset--;
            spans_a[i_span].length++;
          } else {
            i_in_span = 0;
            if (i_span < n_spans) spans_a[i_span].offset -= static_cast<int32_t>(delta + 1);
            spans_a.insert(spans_a.begin() + i_span, Span{static_cast<int32_t>(delta), 1});
          }
          break;
        }
        // Try the start of the next span.
        delta -= spans_a[i_span].offset;
        i_in_span = 0;
      }
    }
  }
}

// Drops buckets that are zero in both `buckets` and `comp` and regroups the rest into spans of
// consecutive indexes (compaction with no empty buckets kept, for the Kahan pair).
void CompactPair(std::vector<Span>* spans, std::vector<double>* buckets,
                 std::vector<double>* comp) {
  std::vector<Span> out_spans;
  std::vector<double> out_b, out_c;
  int64_t idx = 0, last = 0;
  size_t pos = 0;
  for (const Span& s : *spans) {
    idx += s.offset;
    for (uint32_t j = 0; j < s.length; ++j, ++idx, ++pos) {
      if ((*buckets)[pos] == 0 && (*comp)[pos] == 0) continue;
      if (out_spans.empty()) {
        out_spans.push_back({static_cast<int32_t>(idx), 1});
      } else if (idx == last + 1) {
        out_spans.back().length++;
      } else {
        out_spans.push_back({static_cast<int32_t>(idx - last - 1), 1});
      }
      last = idx;
      out_b.push_back((*buckets)[pos]);
      out_c.push_back((*comp)[pos]);
    }
  }
  *spans = std::move(out_spans);
  *buckets = std::move(out_b);
  *comp = std::move(out_c);
}

struct ZeroWidening {
  double zero_count;
  double threshold;
  double comp_zero_count;
};

// What h's zero count would be with the larger threshold `larger`: buckets inside it are added
// to the zero count; a populated bucket straddling it moves the threshold to that bucket's
// outer bound (and the negative side then restarts the scan). `c`, if given, holds compensation
// terms for h's buckets, which are added too.
ZeroWidening ZeroCountForLargerThreshold(const FloatHistogram& h, double larger,
                                         const FloatHistogram* c) {
  double c_zero = c ? c->zero_count : 0;
  if (larger == h.zero_threshold || !(larger > h.zero_threshold)) {
    return {h.zero_count, larger, c_zero};
  }
  while (true) {
    double zero = h.zero_count;
    size_t pos = 0;
    for (auto it = h.PositiveBucketIterator(); it.Next(); ++pos) {
      Bucket b = it.At();
      if (b.lower >= larger) break;
      zero = KahanInc(b.count, zero, &c_zero);
      if (c) zero = KahanInc(c->positive_buckets[pos], zero, &c_zero);
      if (b.upper > larger) {
        if (b.count != 0) larger = b.upper;
        break;
      }
    }
    bool restart = false;
    pos = 0;
    for (auto it = h.NegativeBucketIterator(); it.Next(); ++pos) {
      Bucket b = it.At();
      if (b.upper <= -larger) break;
      zero = KahanInc(b.count, zero, &c_zero);
      if (c) zero = KahanInc(c->negative_buckets[pos], zero, &c_zero);
      if (b.lower < -larger) {
        if (b.count != 0) {
          larger = -b.lower;
          restart = true;
        }
        break;
      }
    }
    if (!restart) return {zero, larger, c_zero};
  }
}

// Zeroes the buckets inside h's zero bucket (their counts already are in the zero count) and
// compacts them away.
void TrimBucketsInZeroBucket(FloatHistogram* h, FloatHistogram* c) {
  size_t pos = 0;
  for (auto it = h->PositiveBucketIterator(); it.Next(); ++pos) {
    if (it.At().lower >= h->zero_threshold) break;
    h->positive_buckets[pos] = 0;
    if (c) c->positive_buckets[pos] = 0;
  }
  pos = 0;
  for (auto it = h->NegativeBucketIterator(); it.Next(); ++pos) {
    if (it.At().upper <= -h->zero_threshold) break;
    h->negative_buckets[pos] = 0;
    if (c) c->negative_buckets[pos] = 0;
  }
  if (c) {
    CompactPair(&h->positive_spans, &h->positive_buckets, &c->positive_buckets);
    CompactPair(&h->negative_spans, &h->negative_buckets, &c->negative_buckets);
  } else {
    h->Compact(0);
  }
}

struct OtherZero {
  double zero_count;
  double comp_zero_count;
};

// Widens the zero bucket of h (and c) or computes other's zero count for a wider threshold
// until both agree; returns other's zero count (and its compensation) for that threshold.
OtherZero ReconcileZeroBuckets(FloatHistogram* h, const FloatHistogram& other, FloatHistogram* c) {
  OtherZero out{other.zero_count, 0};
  double other_threshold = other.zero_threshold;
  while (other_threshold != h->zero_threshold) {
    if (h->zero_threshold > other_threshold) {
      ZeroWidening w = ZeroCountForLargerThreshold(other, h->zero_threshold, nullptr);
      out = {w.zero_count, w.comp_zero_count};
      other_threshold = w.threshold;
    }
    if (other_threshold > h->zero_threshold) {
      ZeroWidening w = ZeroCountForLargerThreshold(*h, other_threshold, c);
      h->zero_count = w.zero_count;
      h->zero_threshold = w.threshold;
      if (c) c->zero_count = w.comp_zero_count;
      TrimBucketsInZeroBucket(h, c);
    }
  }
  return out;
}

// The hint of a sum or difference; true on a CounterReset/NotCounterReset collision.
bool AdjustCounterReset(FloatHistogram* h, const FloatHistogram& other) {
  using H = CounterResetHint;
  if (other.counter_reset_hint == h->counter_reset_hint || h->counter_reset_hint == H::kGauge) {
    return false;
  }
  if (other.counter_reset_hint == H::kGauge) {
    h->counter_reset_hint = H::kGauge;
    return false;
  }
  if (h->counter_reset_hint == H::kUnknown) return false;
  h->counter_reset_hint = H::kUnknown;
  return other.counter_reset_hint != H::kUnknown;
}

bool BoundsMatch(const std::vector<double>& a, const std::vector<double>& b) {
  return CustomBucketBoundsMatch(a, b);
}

std::vector<double> IntersectBounds(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> out;
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      out.push_back(a[i]);
      ++i;
      ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return out;
}

// Adds (negative: subtracts) custom-bucket histograms with different bounds: every bucket goes
// to the first bucket of `bounds` (the intersection) whose upper bound is >= its own (the +Inf
// bucket when none). Empty result buckets (value and compensation zero) are left out. With
// comp_a, a's compensation terms are added and the result's are returned in *comp_a.
void AddCustomMismatched(bool negative, std::vector<Span>* spans_a, std::vector<double>* buckets_a,
                         const std::vector<double>& bounds_a, std::vector<double>* comp_a,
                         const std::vector<Span>& spans_b, const std::vector<double>& buckets_b,
                         const std::vector<double>& bounds_b, const std::vector<double>& bounds) {
  std::vector<double> target(bounds.size() + 1, 0.0);
  std::vector<double> target_c(bounds.size() + 1, 0.0);
  auto map = [&](const std::vector<Span>& spans, const std::vector<double>& buckets,
                 const std::vector<double>& src_bounds, bool subtract,
                 const std::vector<double>* comp) {
    int64_t src = 0;
    size_t pos = 0;
    size_t k = 0;
    for (const Span& span : spans) {
      src += span.offset;
      for (uint32_t j = 0; j < span.length; ++j, ++src, ++pos) {
        if (pos >= buckets.size()) continue;
        size_t t = target.size() - 1;
        if (src >= 0 && src < static_cast<int64_t>(src_bounds.size())) {
          double bound = src_bounds[static_cast<size_t>(src)];
          for (; k < bounds.size(); ++k) {
            if (bounds[k] >= bound) {
              t = k;
              break;
            }
          }
        }
        double v = subtract ? -buckets[pos] : buckets[pos];
        target[t] = KahanInc(v, target[t], &target_c[t]);
        if (!subtract && comp) target[t] = KahanInc((*comp)[pos], target[t], &target_c[t]);
      }
    }
  };
  map(*spans_a, *buckets_a, bounds_a, false, comp_a);
  map(spans_b, buckets_b, bounds_b, negative, nullptr);

  std::vector<Span> out_spans;
  std::vector<double> out_b, out_c;
  int64_t last = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && target_c[i] == 0) continue;
    out_b.push_back(target[i]);
    out_c.push_back(target_c[i]);
    int64_t idx = static_cast<int64_t>(i);
    if (!out_spans.empty() && idx == last + 1) {
      out_spans.back().length++;
    } else {
      out_spans.push_back({static_cast<int32_t>(out_spans.empty() ? idx : idx - last - 1), 1});
    }
    last = idx;
  }
  *spans_a = std::move(out_spans);
  *buckets_a = std::move(out_b);
  if (comp_a) *comp_a = std::move(out_c);
}

// Add and Sub without compensation.
util::Result<HistogramOpInfo> AddOrSub(FloatHistogram* h, const FloatHistogram& other,
                                       bool negative) {
  PROMKIT_RETURN_IF_ERROR(CheckOperands(*h, other));
  HistogramOpInfo info;
  info.counter_reset_collision = AdjustCounterReset(h, other);
  if (!h->UsesCustomBuckets()) {
    OtherZero oz = ReconcileZeroBuckets(h, other, nullptr);
    h->zero_count += negative ? -oz.zero_count : oz.zero_count;
  }
  h->count += negative ? -other.count : other.count;
  h->sum += negative ? -other.sum : other.sum;

  if (h->UsesCustomBuckets()) {
    if (BoundsMatch(h->custom_values, other.custom_values)) {
      AddSide(h->schema, h->zero_threshold, negative, h->positive_spans, h->positive_buckets,
              nullptr, other.positive_spans, other.positive_buckets, nullptr);
    } else {
      info.nhcb_bounds_reconciled = true;
      std::vector<double> bounds = IntersectBounds(h->custom_values, other.custom_values);
      AddCustomMismatched(negative, &h->positive_spans, &h->positive_buckets, h->custom_values,
                          nullptr, other.positive_spans, other.positive_buckets,
                          other.custom_values, bounds);
      h->custom_values = std::move(bounds);
    }
    return info;
  }

  if (other.schema < h->schema) {
    SideBuckets p =
        ReduceSide(h->positive_spans, h->positive_buckets, nullptr, h->schema, other.schema);
    SideBuckets n =
        ReduceSide(h->negative_spans, h->negative_buckets, nullptr, h->schema, other.schema);
    h->positive_spans = std::move(p.spans);
    h->positive_buckets = std::move(p.buckets);
    h->negative_spans = std::move(n.spans);
    h->negative_buckets = std::move(n.buckets);
    h->schema = other.schema;
  }
  if (other.schema > h->schema) {
    SideBuckets p =
        ReduceSide(other.positive_spans, other.positive_buckets, nullptr, other.schema, h->schema);
    SideBuckets n =
        ReduceSide(other.negative_spans, other.negative_buckets, nullptr, other.schema, h->schema);
    AddSide(h->schema, h->zero_threshold, negative, h->positive_spans, h->positive_buckets, nullptr,
            p.spans, p.buckets, nullptr);
    AddSide(h->schema, h->zero_threshold, negative, h->negative_spans, h->negative_buckets, nullptr,
            n.spans, n.buckets, nullptr);
  } else {
    AddSide(h->schema, h->zero_threshold, negative, h->positive_spans, h->positive_buckets, nullptr,
            other.positive_spans, other.positive_buckets, nullptr);
    AddSide(h->schema, h->zero_threshold, negative, h->negative_spans, h->negative_buckets, nullptr,
            other.negative_spans, other.negative_buckets, nullptr);
  }
  return info;
}

// Upstream's spansMatch: equal layouts, with zero-length spans folded into the next span.
bool SpansMatch(const std::vector<Span>& s1, const std::vector<Span>& s2) {
  auto all_empty = [](const std::vector<Span>& s, size_t from) {
    for (size_t i = from; i < s.size(); ++i) {
      if (s[i].length > 0) return false;
    }
    return true;
  };
  // The next span of s at *i, with leading zero-length spans folded into its offset.
  auto next = [](const std::vector<Span>& s, size_t* i) {
    Span cur = s[(*i)++];
    if (cur.length == 0) {
      for (; *i < s.size() && s[*i].length == 0; ++*i) cur.offset += s[*i].offset;
      if (*i < s.size()) {
        cur.offset += s[*i].offset;
        cur.length = s[*i].length;
        ++*i;
      }
    }
    return cur;
  };
  if (s1.empty() && s2.empty()) return true;
  size_t i1 = 0, i2 = 0;
  while (true) {
    if (i1 >= s1.size()) return all_empty(s2, i2);
    if (i2 >= s2.size()) return all_empty(s1, i1);
    Span a = next(s1, &i1);
    Span b = next(s2, &i2);
    if (a.length == 0 && b.length == 0) return true;
    if (a.offset != b.offset || a.length != b.length) return false;
  }
}

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

bool BucketsMatch(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Bits(a[i]) != Bits(b[i])) return false;
  }
  return true;
}

// Upstream's detectReset over two same-schema iterators of one side.
bool DetectSideReset(ForwardBucketIter curr, ForwardBucketIter prev) {
  auto rest_populated = [&prev]() {
    do {
      if (prev.count() != 0) return true;
    } while (prev.Next());
    return false;
  };
  if (!prev.Next()) return false;
  if (!curr.Next()) return rest_populated();
  while (true) {
    while (curr.index() < prev.index()) {
      if (!curr.Next()) return rest_populated();
    }
    if (curr.index() > prev.index()) {
      if (prev.count() != 0) return true;
    } else if (curr.count() < prev.count()) {
      return true;
    }
    if (!prev.Next()) return false;
  }
}

// Custom buckets with different bounds: compares the counts accumulated up to each common bound.
bool DetectResetMismatchedBounds(const FloatHistogram& curr, const FloatHistogram& prev) {
  struct Cursor {
    ForwardBucketIter it;
    bool started = false;
    bool has_more = false;
    Bucket bucket;
    // The sum of the not yet consumed buckets with upper bound <= bound.
    double Rollup(double bound) {
      if (!started) {
        started = true;
        if (!it.Next()) {
          has_more = false;
          return 0;
        }
        bucket = it.At();
      }
      double sum = 0;
      while (bucket.upper <= bound) {
        sum += bucket.count;
        if (!it.Next()) {
          has_more = false;
          return sum;
        }
        bucket = it.At();
      }
      has_more = true;
      return sum;
    }
  };
  Cursor c{ForwardBucketIter(curr, true, 0, kCustomBucketsSchema), false, false, {}};
  Cursor p{ForwardBucketIter(prev, true, 0, kCustomBucketsSchema), false, false, {}};
  const auto& cb = curr.custom_values;
  const auto& pb = prev.custom_values;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  size_t ci = 0, pi = 0;
  while (ci <= cb.size() && pi <= pb.size()) {
    double c_bound = ci < cb.size() ? cb[ci] : kInf;
    double p_bound = pi < pb.size() ? pb[pi] : kInf;
    if (c_bound == p_bound) {
      double c_sum = (!c.started || c.has_more) ? c.Rollup(c_bound) : 0;
      double p_sum = (!p.started || p.has_more) ? p.Rollup(c_bound) : 0;
      if (c_sum < p_sum) return true;
      ++ci;
      ++pi;
    } else if (c_bound < p_bound) {
      ++ci;
    } else {
      ++pi;
    }
  }
  return false;
}

// ---- Trimming (upstream's TrimBuckets helpers) ----

// The representative value of the surviving part [lower, upper] of a bucket.
double TrimMidpoint(double lower, double upper, bool positive, bool linear) {
  if (std::isinf(lower)) {
    if (std::isinf(upper)) return 0;
    if (upper > 0) return upper / 2;
    return upper;
  }
  if (std::isinf(upper)) return lower;
  if (linear) return (lower + upper) / 2;
  double geo = std::sqrt(std::fabs(lower * upper));
  return positive ? geo : -geo;
}

struct Kept {
  double count;
  double midpoint;
};

// Buckets with an infinite bound: nothing is known about the distribution inside, so they are
// kept or dropped whole, except that a -Inf..positive custom bucket is treated as starting at 0.
Kept TrimInfiniteBucket(bool upper_trim, const Bucket& b, double rhs) {
  auto zero_if_inf = [](double x) { return std::isinf(x) ? 0.0 : x; };
  if (b.lower == -std::numeric_limits<double>::infinity()) {
    if (upper_trim) {
      if (rhs >= b.upper) return {b.count, 0};
      if (rhs > 0 && b.upper > 0 && !std::isinf(b.upper)) {
        return {b.count * rhs / b.upper, rhs / 2};
      }
      if (b.upper <= 0) return {b.count, rhs};
      return {0, zero_if_inf(b.upper)};
    }
    if (rhs <= b.lower) return {b.count, 0};
    if (rhs >= 0 && b.upper > rhs && !std::isinf(b.upper)) {
      return {b.count * (1 - rhs / b.upper), (rhs + b.upper) / 2};
    }
    return {0, zero_if_inf(b.upper)};
  }
  // Upper bound +Inf.
  if (upper_trim) return {0, zero_if_inf(b.lower)};
  if (rhs >= b.lower) return {b.count, rhs};
  return {0, zero_if_inf(b.lower)};
}

Kept TrimBucket(const Bucket& b, double rhs, bool upper_trim, bool positive, bool custom) {
  if (b.lower == -std::numeric_limits<double>::infinity() ||
      b.upper == std::numeric_limits<double>::infinity()) {
    return TrimInfiniteBucket(upper_trim, b, rhs);
  }
  double under;
  if (rhs <= b.lower) {
    under = 0;
  } else if (rhs >= b.upper) {
    under = b.count;
  } else {
    under = b.count * b.FractionBelow(rhs, custom);
  }
  if (upper_trim) return {under, TrimMidpoint(b.lower, rhs, positive, custom)};
  return {b.count - under, TrimMidpoint(rhs, b.upper, positive, custom)};
}

Kept TrimZeroBucket(const Bucket& zb, double rhs, bool has_negative, bool has_positive,
                    bool upper_trim) {
  double lower = zb.lower, upper = zb.upper;
  if (has_negative && !has_positive) upper = 0;
  if (has_positive && !has_negative) lower = 0;
  if (upper_trim) {
    if (rhs <= lower) return {0, 0};
    if (rhs >= upper) return {zb.count, (lower + upper) / 2};
    return {zb.count * ((rhs - lower) / (upper - lower)), (lower + rhs) / 2};
  }
  if (rhs <= lower) return {zb.count, (lower + upper) / 2};
  if (rhs >= upper) return {0, 0};
  return {zb.count * ((upper - rhs) / (upper - lower)), (rhs + upper) / 2};
}

}  // namespace

bool CustomBucketBoundsMatch(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

FloatHistogram& FloatHistogram::Mul(double factor) {
  zero_count *= factor;
  count *= factor;
  sum *= factor;
  for (double& b : positive_buckets) b *= factor;
  for (double& b : negative_buckets) b *= factor;
  if (factor < 0) counter_reset_hint = CounterResetHint::kGauge;
  return *this;
}

FloatHistogram& FloatHistogram::Div(double divisor) {
  zero_count /= divisor;
  count /= divisor;
  sum /= divisor;
  if (divisor == 0) {
    // As upstream: the buckets are dropped (and the hint left alone).
    positive_buckets.clear();
    negative_buckets.clear();
    positive_spans.clear();
    negative_spans.clear();
    return *this;
  }
  for (double& b : positive_buckets) b /= divisor;
  for (double& b : negative_buckets) b /= divisor;
  if (divisor < 0) counter_reset_hint = CounterResetHint::kGauge;
  return *this;
}

util::Result<HistogramOpInfo> FloatHistogram::Add(const FloatHistogram& other) {
  return AddOrSub(this, other, false);
}

util::Result<HistogramOpInfo> FloatHistogram::Sub(const FloatHistogram& other) {
  return AddOrSub(this, other, true);
}

util::Result<HistogramOpInfo> FloatHistogram::KahanAdd(const FloatHistogram& other,
                                                       std::optional<FloatHistogram>* comp) {
  PROMKIT_RETURN_IF_ERROR(CheckOperands(*this, other));
  if (comp->has_value()) {
    const FloatHistogram& c = **comp;
    if (c.positive_buckets.size() != positive_buckets.size() ||
        (!UsesCustomBuckets() && c.negative_buckets.size() != negative_buckets.size())) {
      return util::Status::InvalidArgument(
          "compensation histogram does not have the bucket layout of the histogram");
    }
  }
  HistogramOpInfo info;
  info.counter_reset_collision = AdjustCounterReset(this, other);
  if (!comp->has_value()) {
    FloatHistogram c;
    c.counter_reset_hint = counter_reset_hint;
    c.schema = schema;
    c.zero_threshold = zero_threshold;
    c.custom_values = custom_values;
    c.positive_spans = positive_spans;
    c.negative_spans = negative_spans;
    c.positive_buckets.assign(positive_buckets.size(), 0.0);
    if (!UsesCustomBuckets()) c.negative_buckets.assign(negative_buckets.size(), 0.0);
    comp->emplace(std::move(c));
  }
  FloatHistogram& c = **comp;
  if (!UsesCustomBuckets()) {
    OtherZero oz = ReconcileZeroBuckets(this, other, &c);
    zero_count = KahanInc(oz.zero_count, zero_count, &c.zero_count);
    zero_count = KahanInc(oz.comp_zero_count, zero_count, &c.zero_count);
  }
  count = KahanInc(other.count, count, &c.count);
  sum = KahanInc(other.sum, sum, &c.sum);

  if (UsesCustomBuckets()) {
    if (BoundsMatch(custom_values, other.custom_values)) {
      AddSide(schema, zero_threshold, false, positive_spans, positive_buckets, &c.positive_buckets,
              other.positive_spans, other.positive_buckets, nullptr);
    } else {
      info.nhcb_bounds_reconciled = true;
      std::vector<double> bounds = IntersectBounds(custom_values, other.custom_values);
      AddCustomMismatched(false, &positive_spans, &positive_buckets, custom_values,
                          &c.positive_buckets, other.positive_spans, other.positive_buckets,
                          other.custom_values, bounds);
      custom_values = bounds;
      c.custom_values = std::move(bounds);
    }
    c.positive_spans = positive_spans;
    return info;
  }

  if (other.schema < schema) {
    SideBuckets p =
        ReduceSide(positive_spans, positive_buckets, &c.positive_buckets, schema, other.schema);
    SideBuckets n =
        ReduceSide(negative_spans, negative_buckets, &c.negative_buckets, schema, other.schema);
    positive_spans = std::move(p.spans);
    positive_buckets = std::move(p.buckets);
    c.positive_buckets = std::move(p.comp);
    negative_spans = std::move(n.spans);
    negative_buckets = std::move(n.buckets);
    c.negative_buckets = std::move(n.comp);
    schema = other.schema;
  }
  if (other.schema > schema) {
    // The other side's merged buckets carry the compensation of their merging. As upstream,
    // a side without buckets is passed on as it is.
    SideBuckets p{other.positive_spans, other.positive_buckets, {}};
    SideBuckets n{other.negative_spans, other.negative_buckets, {}};
    if (!other.positive_buckets.empty()) {
      std::vector<double> zeros(other.positive_buckets.size(), 0.0);
      p = ReduceSide(other.positive_spans, other.positive_buckets, &zeros, other.schema, schema);
    }
    if (!other.negative_buckets.empty()) {
      std::vector<double> zeros(other.negative_buckets.size(), 0.0);
      n = ReduceSide(other.negative_spans, other.negative_buckets, &zeros, other.schema, schema);
    }
    AddSide(schema, zero_threshold, false, positive_spans, positive_buckets, &c.positive_buckets,
            p.spans, p.buckets, p.comp.empty() ? nullptr : &p.comp);
    AddSide(schema, zero_threshold, false, negative_spans, negative_buckets, &c.negative_buckets,
            n.spans, n.buckets, n.comp.empty() ? nullptr : &n.comp);
  } else {
    AddSide(schema, zero_threshold, false, positive_spans, positive_buckets, &c.positive_buckets,
            other.positive_spans, other.positive_buckets, nullptr);
    AddSide(schema, zero_threshold, false, negative_spans, negative_buckets, &c.negative_buckets,
            other.negative_spans, other.negative_buckets, nullptr);
  }
  c.schema = schema;
  c.zero_threshold = zero_threshold;
  c.positive_spans = positive_spans;
  c.negative_spans = negative_spans;
  return info;
}

FloatHistogram& FloatHistogram::TrimBuckets(double rhs, bool upper_trim) {
  double new_count = 0, new_sum = 0;
  bool trimmed = false;
  const bool custom = UsesCustomBuckets();
  bool has_positive = false, has_negative = false;
  auto trim_side = [&](bool positive) {
    std::vector<double>& buckets = positive ? positive_buckets : negative_buckets;
    size_t i = 0;
    for (ForwardBucketIter it(*this, positive, 0, schema); it.Next(); ++i) {
      Bucket b = it.At();
      if (b.count == 0) continue;
      (positive ? has_positive : has_negative) = true;
      const bool keep_all = upper_trim ? b.upper <= rhs : b.lower >= rhs;
      const bool straddles = upper_trim ? b.lower < rhs : b.upper > rhs;
      if (keep_all) {
        new_count += b.count;
        new_sum += TrimMidpoint(b.lower, b.upper, positive, custom) * b.count;
      } else if (straddles) {
        Kept k = TrimBucket(b, rhs, upper_trim, positive, custom);
        new_count += k.count;
        new_sum += k.midpoint * k.count;
        if (i < buckets.size() && buckets[i] != k.count) {
          buckets[i] = k.count;
          trimmed = true;
        }
      } else {
        if (i < buckets.size()) buckets[i] = 0;
        trimmed = true;
      }
    }
  };
  trim_side(true);
  trim_side(false);
  if (zero_count > 0) {
    Kept k = TrimZeroBucket(ZeroBucket(), rhs, has_negative, has_positive, upper_trim);
    if (zero_count != k.count) {
      zero_count = k.count;
      trimmed = true;
    }
    new_sum += k.midpoint * k.count;
    new_count += k.count;
  }
  if (trimmed) {
    count = new_count;
    sum = new_sum;
    Compact(0);
  }
  return *this;
}

bool FloatHistogram::Equals(const FloatHistogram& o) const {
  if (schema != o.schema || Bits(count) != Bits(o.count) || Bits(sum) != Bits(o.sum)) {
    return false;
  }
  if (UsesCustomBuckets() && !BoundsMatch(custom_values, o.custom_values)) return false;
  if (zero_threshold != o.zero_threshold || Bits(zero_count) != Bits(o.zero_count)) return false;
  return SpansMatch(negative_spans, o.negative_spans) &&
         BucketsMatch(negative_buckets, o.negative_buckets) &&
         SpansMatch(positive_spans, o.positive_spans) &&
         BucketsMatch(positive_buckets, o.positive_buckets);
}

bool FloatHistogram::DetectReset(const FloatHistogram& previous) const {
  if (counter_reset_hint == CounterResetHint::kCounterReset) return true;
  if (counter_reset_hint == CounterResetHint::kNotCounterReset) return false;
  // Unknown and gauge histograms are both examined (PromQL warns separately about gauges).
  if (count < previous.count) return true;
  if (UsesCustomBuckets()) {
    if (!previous.UsesCustomBuckets()) return true;
    if (!BoundsMatch(custom_values, previous.custom_values)) {
      return DetectResetMismatchedBounds(*this, previous);
    }
  }
  if (schema > previous.schema) return true;
  if (zero_threshold < previous.zero_threshold) return true;
  ZeroWidening w = ZeroCountForLargerThreshold(previous, zero_threshold, nullptr);
  if (w.threshold != zero_threshold) return true;  // threshold inside a populated bucket
  if (zero_count < w.zero_count) return true;
  if (DetectSideReset(ForwardBucketIter(*this, true, zero_threshold, schema),
                      ForwardBucketIter(previous, true, zero_threshold, schema))) {
    return true;
  }
  return DetectSideReset(ForwardBucketIter(*this, false, zero_threshold, schema),
                         ForwardBucketIter(previous, false, zero_threshold, schema));
}

util::Result<FloatHistogram> FloatHistogram::CopyToSchema(int32_t target_schema) const {
  if (target_schema == schema) return *this;
  if (UsesCustomBuckets()) {
    return util::Status::InvalidArgument(
        fmt::format("cannot reduce resolution to {} when there are custom buckets", target_schema));
  }
  if (IsCustomBucketsSchema(target_schema)) {
    return util::Status::InvalidArgument("cannot reduce resolution to custom buckets schema");
  }
  if (target_schema > schema) {
    return util::Status::InvalidArgument(
        fmt::format("cannot copy from schema {} to {}", schema, target_schema));
  }
  PROMKIT_RETURN_IF_ERROR(CheckLayouts(*this));
  FloatHistogram c;
  c.schema = target_schema;
  c.zero_threshold = zero_threshold;
  c.zero_count = zero_count;
  c.count = count;
  c.sum = sum;
  SideBuckets p = ReduceSide(positive_spans, positive_buckets, nullptr, schema, target_schema);
  SideBuckets n = ReduceSide(negative_spans, negative_buckets, nullptr, schema, target_schema);
  c.positive_spans = std::move(p.spans);
  c.positive_buckets = std::move(p.buckets);
  c.negative_spans = std::move(n.spans);
  c.negative_buckets = std::move(n.buckets);
  return c;
}

util::Status FloatHistogram::ReduceResolution(int32_t target_schema) {
  if (UsesCustomBuckets()) {
    return util::Status::InvalidArgument("cannot reduce resolution when there are custom buckets");
  }
  if (IsCustomBucketsSchema(target_schema)) {
    return util::Status::InvalidArgument("cannot reduce resolution to custom buckets schema");
  }
  if (target_schema >= schema) {
    return util::Status::InvalidArgument(
        fmt::format("cannot reduce resolution from schema {} to {}", schema, target_schema));
  }
  PROMKIT_RETURN_IF_ERROR(CheckLayouts(*this));
  SideBuckets p = ReduceSide(positive_spans, positive_buckets, nullptr, schema, target_schema);
  SideBuckets n = ReduceSide(negative_spans, negative_buckets, nullptr, schema, target_schema);
  positive_spans = std::move(p.spans);
  positive_buckets = std::move(p.buckets);
  negative_spans = std::move(n.spans);
  negative_buckets = std::move(n.buckets);
  schema = target_schema;
  return util::Status::Ok();
}

bool FloatHistogram::HasOverflow() const {
  if (std::isinf(zero_count) || std::isinf(count) || std::isinf(sum)) return true;
  auto any_inf = [](const std::vector<double>& v) {
    return std::any_of(v.begin(), v.end(), [](double x) { return std::isinf(x); });
  };
  return any_inf(positive_buckets) || any_inf(negative_buckets) || any_inf(custom_values);
}

int64_t FloatHistogram::Size() const {
  return 168 + 8 * static_cast<int64_t>(positive_spans.size() + negative_spans.size() +
                                        positive_buckets.size() + negative_buckets.size() +
                                        custom_values.size());
}

}  // namespace promkit::model
