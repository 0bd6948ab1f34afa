#include "model/histogram.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace promkit::model {
namespace {

using Spans = std::vector<Span>;
using Deltas = std::vector<int64_t>;
using Counts = std::vector<double>;

Histogram Int(Spans ps, Deltas pb, Spans ns = {}, Deltas nb = {}) {
  Histogram h;
  h.positive_spans = std::move(ps);
  h.positive_buckets = std::move(pb);
  h.negative_spans = std::move(ns);
  h.negative_buckets = std::move(nb);
  return h;
}

TEST(HistogramCompact, Table) {
  struct Case {
    std::string name;
    Histogram in;
    int max_empty;
    Histogram want;
  };
  const Case cases[] = {
      {"empty", Int({}, {}), 0, Int({}, {})},
      {"unchanged", Int({{-2, 1}, {2, 3}}, {1, 3, -3, 42}, {{3, 2}, {3, 2}}, {5, 3, 7, 1000}), 0,
       Int({{-2, 1}, {2, 3}}, {1, 3, -3, 42}, {{3, 2}, {3, 2}}, {5, 3, 7, 1000})},
      {"zero offsets merged",
       Int({{-2, 1}, {0, 3}, {0, 1}}, {1, 3, -3, 42, 3}, {{0, 2}, {0, 2}, {2, 1}, {0, 1}},
           {5, 3, 9, 1000, 3, 4}),
       0, Int({{-2, 5}}, {1, 3, -3, 42, 3}, {{0, 4}, {2, 2}}, {5, 3, 9, 1000, 3, 4})},
      {"zero-length spans dropped",
       Int({{-2, 2}, {2, 0}, {2, 0}, {2, 0}, {3, 3}}, {1, 3, -3, 42, 3}), 0,
       Int({{-2, 2}, {9, 3}}, {1, 3, -3, 42, 3})},
      {"empty buckets cut at both ends",
       Int({{-4, 4}, {5, 6}}, {0, 0, 1, 3, -3, 42, 3, -46, 0, 0}, {{-2, 4}, {3, 5}},
           {0, 0, 5, 3, -4, -2, 3, 4, -9}),
       0, Int({{-2, 2}, {5, 3}}, {1, 3, -3, 42, 3}, {{0, 2}, {3, 4}}, {5, 3, -4, -2, 3, 4})},
      {"empty run inside a span splits it",
       Int({{-4, 6}, {3, 3}}, {0, 0, 1, -1, 0, 3, -2, 42, 3}, {{0, 2}, {3, 5}},
           {5, 3, -4, -2, -2, 3, 4}),
       0,
       Int({{-2, 1}, {2, 1}, {3, 3}}, {1, 2, -2, 42, 3}, {{0, 2}, {3, 2}, {1, 2}},
           {5, 3, -4, -2, 1, 4})},
      {"short empty run kept with max 1",
       Int({{-4, 6}, {3, 3}}, {0, 0, 1, -1, 0, 3, -2, 42, 3}, {{0, 2}, {3, 5}},
           {5, 3, -4, -2, -2, 3, 4}),
       1,
       Int({{-2, 1}, {2, 1}, {3, 3}}, {1, 2, -2, 42, 3}, {{0, 2}, {3, 5}},
           {5, 3, -4, -2, -2, 3, 4})},
      {"gaps filled with max 10",
       Int({{-4, 4}, {5, 3}}, {0, 0, 1, 3, -3, 42, 3}, {{0, 2}, {3, 5}}, {5, 3, -4, -2, 3, 4, -9}),
       10,
       Int({{-2, 10}}, {1, 3, -4, 0, 0, 0, 0, 1, 42, 3}, {{0, 9}}, {5, 3, -8, 0, 0, 4, -2, 3, 4})},
      {"all empty", Int({{0, 3}}, {0, 0, 0}), 0, Int({}, {})},
      {"mismatched layout left alone", Int({{0, 3}}, {0, 1}), 0, Int({{0, 3}}, {0, 1})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Histogram h = c.in;
    h.Compact(c.max_empty);
    EXPECT_EQ(h.positive_spans, c.want.positive_spans);
    EXPECT_EQ(h.positive_buckets, c.want.positive_buckets);
    EXPECT_EQ(h.negative_spans, c.want.negative_spans);
    EXPECT_EQ(h.negative_buckets, c.want.negative_buckets);
    // Compaction never changes what the histogram counts.
    EXPECT_EQ(h.ToFloat().positive_buckets.size(), h.positive_buckets.size());
  }
}

TEST(FloatHistogramCompact, AbsoluteCounts) {
  FloatHistogram f;
  f.positive_spans = {{-4, 6}, {3, 3}};
  f.positive_buckets = {0, 0, 1, 0, 0, 3, 1, 43, 46};
  f.Compact(0);
  EXPECT_EQ(f.positive_spans, (Spans{{-2, 1}, {2, 1}, {3, 3}}));
  EXPECT_EQ(f.positive_buckets, (Counts{1, 3, 1, 43, 46}));
}

TEST(HistogramValidate, Table) {
  struct Case {
    std::string name;
    Histogram h;
    std::string err;  // empty: valid
  };
  auto with = [](Histogram h, auto fn) {
    fn(h);
    return h;
  };
  const double nan = std::nan("");
  const Case cases[] = {
      {"valid",
       with(Int({{0, 2}, {1, 2}}, {1, 1, -1, 0}, {{0, 2}, {1, 2}}, {1, 1, -1, 0}),
            [](Histogram& h) {
              h.schema = 1;
              h.count = 12;
              h.zero_count = 2;
              h.zero_threshold = 0.001;
              h.sum = 19.4;
            }),
       ""},
      {"NaN sum allows a larger count",
       with(Int({{0, 1}}, {1}),
            [&](Histogram& h) {
              h.zero_count = 2;
              h.count = 4;
              h.sum = nan;
            }),
       ""},
      {"count mismatch",
       with(Int({{0, 1}}, {1}),
            [](Histogram& h) {
              h.zero_count = 2;
              h.count = 4;
              h.sum = 333;
            }),
       "3 observations found in buckets, but the Count field is 4: histogram's observation count "
       "should equal the number of observations found in the buckets (in absence of NaN)"},
      {"NaN sum, count too small",
       with(Int({{0, 1}}, {5}),
            [&](Histogram& h) {
              h.count = 4;
              h.sum = nan;
            }),
       "5 observations found in buckets, but the Count field is 4: histogram's observation count "
       "should be at least the number of observations found in the buckets"},
      {"negative spans need more", Int({}, {}, {{0, 1}}, {}),
       "negative side: spans need 1 buckets, have 0 buckets: histogram spans specify different "
       "number of buckets than provided"},
      {"positive spans need fewer", Int({{0, 1}}, {1, 2}),
       "positive side: spans need 1 buckets, have 2 buckets: histogram spans specify different "
       "number of buckets than provided"},
      {"negative offset", Int({{-1, 1}, {-1, 1}}, {1, 2}),
       "positive side: span number 2 with offset -1: histogram has a span whose offset is "
       "negative"},
      {"negative bucket", Int({}, {}, {{-1, 1}}, {-1}),
       "negative side: bucket number 1 has observation count of -1: histogram has a bucket whose "
       "observation count is negative"},
      {"exponential with custom values",
       with(Int({{0, 1}}, {1}),
            [](Histogram& h) {
              h.count = 1;
              h.custom_values = {1, 2};
            }),
       "histogram with exponential schema must not have custom bounds"},
      {"invalid schema", with(Int({}, {}), [](Histogram& h) { h.schema = 9; }),
       "histogram has an invalid schema, which must be between -4 and 8 for exponential buckets, "
       "or -53 for custom buckets, got schema 9"},
      {"custom too few bounds",
       with(Int({{0, 2}, {1, 2}}, {1, 1, -1, 0}),
            [](Histogram& h) {
              h.schema = kCustomBucketsSchema;
              h.count = 5;
            }),
       "custom buckets: only 0 custom bounds defined which is insufficient to cover total span "
       "length of 5: histogram custom bounds are too few"},
      {"custom zero count",
       with(Int({{0, 1}}, {1}),
            [](Histogram& h) {
              h.schema = kCustomBucketsSchema;
              h.custom_values = {1};
              h.count = 3;
              h.zero_count = 2;
            }),
       "custom buckets: must have zero count of 0"},
      {"custom negative offset",
       with(Int({{-1, 1}}, {1}),
            [](Histogram& h) {
              h.schema = kCustomBucketsSchema;
              h.custom_values = {1};
              h.count = 1;
            }),
       "custom buckets: span number 1 with offset -1: histogram has a span whose offset is "
       "negative"},
      {"custom unordered",
       with(Int({{0, 1}}, {1}),
            [](Histogram& h) {
              h.schema = kCustomBucketsSchema;
              h.custom_values = {2, 1.5};
              h.count = 1;
            }),
       "custom buckets: previous bound is 2.000000 and current is 1.500000: histogram custom "
       "bounds must be in strictly increasing order"},
      {"custom +Inf",
       with(Int({{0, 1}}, {1}),
            [](Histogram& h) {
              h.schema = kCustomBucketsSchema;
              h.custom_values = {1, std::numeric_limits<double>::infinity()};
              h.count = 1;
            }),
       "custom buckets: last +Inf bound must not be explicitly defined: histogram custom bounds "
       "must be finite"},
      {"custom NaN",
       with(Int({{0, 1}}, {1}),
            [&](Histogram& h) {
              h.schema = kCustomBucketsSchema;
              h.custom_values = {nan};
              h.count = 1;
            }),
       "custom buckets: histogram custom bounds must not be NaN"},
      {"custom valid",
       with(Int({{0, 2}}, {1, 1}),
            [](Histogram& h) {
              h.schema = kCustomBucketsSchema;
              h.custom_values = {1, 2};
              h.count = 3;
            }),
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    util::Status st = c.h.Validate();
    if (c.err.empty()) {
      EXPECT_TRUE(st.ok()) << st.ToString();
    } else {
      EXPECT_EQ(st.ToString(), c.err);
    }
  }
}

TEST(FloatHistogramValidate, Table) {
  struct Case {
    std::string name;
    FloatHistogram h;
    std::string err;
  };
  auto make = [](auto fn) {
    FloatHistogram h;
    fn(h);
    return h;
  };
  const Case cases[] = {
      {"valid, count not checked against buckets", make([](FloatHistogram& h) {
         h.positive_spans = {{0, 2}};
         h.positive_buckets = {1.5, 2};
         h.count = 1;
       }),
       ""},
      {"negative count", make([](FloatHistogram& h) { h.count = -2.5; }),
       "observation count is  -2.5: histogram's observation count is negative"},
      {"negative zero bucket", make([](FloatHistogram& h) { h.zero_count = -1; }),
       "zero bucket has observation count of -1: histogram has a bucket whose observation count "
       "is negative"},
      {"negative bucket", make([](FloatHistogram& h) {
         h.positive_spans = {{0, 2}};
         h.positive_buckets = {1, -0.5};
       }),
       "positive side: bucket number 2 has observation count of -0.5: histogram has a bucket "
       "whose observation count is negative"},
      {"tiny negative count in exponent form", make([](FloatHistogram& h) { h.count = -1e-7; }),
       "observation count is  -1e-07: histogram's observation count is negative"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    util::Status st = c.h.Validate();
    if (c.err.empty()) {
      EXPECT_TRUE(st.ok()) << st.ToString();
    } else {
      EXPECT_EQ(st.ToString(), c.err);
    }
  }
}

TEST(HistogramToFloat, DeltasBecomeAbsolute) {
  Histogram h = Int({{0, 3}}, {2, 1, -3}, {{1, 2}}, {4, -1});
  h.schema = 3;
  h.count = 11;
  h.zero_count = 1;
  h.zero_threshold = 0.5;
  h.sum = 7.5;
  h.counter_reset_hint = CounterResetHint::kGauge;
  FloatHistogram f = h.ToFloat();
  EXPECT_EQ(f.positive_buckets, (Counts{2, 3, 0}));
  EXPECT_EQ(f.negative_buckets, (Counts{4, 3}));
  EXPECT_EQ(f.count, 11);
  EXPECT_EQ(f.zero_count, 1);
  EXPECT_EQ(f.zero_threshold, 0.5);
  EXPECT_EQ(f.schema, 3);
  EXPECT_EQ(f.counter_reset_hint, CounterResetHint::kGauge);

  Histogram c = Int({{0, 2}}, {1, 1});
  c.schema = kCustomBucketsSchema;
  c.custom_values = {1, 2};
  c.zero_count = 9;  // ignored with custom buckets
  FloatHistogram cf = c.ToFloat();
  EXPECT_EQ(cf.zero_count, 0);
  EXPECT_EQ(cf.custom_values, (Counts{1, 2}));
  EXPECT_EQ(cf.positive_buckets, (Counts{1, 2}));
}

}  // namespace
}  // namespace promkit::model
