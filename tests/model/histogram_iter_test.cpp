#include <cfloat>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/histogram.h"

namespace promkit::model {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

FloatHistogram Exp(int32_t schema, double zt, double zc, std::vector<Span> ps,
                   std::vector<double> pb, std::vector<Span> ns = {}, std::vector<double> nb = {}) {
  FloatHistogram h;
  h.schema = schema;
  h.zero_threshold = zt;
  h.zero_count = zc;
  h.positive_spans = std::move(ps);
  h.positive_buckets = std::move(pb);
  h.negative_spans = std::move(ns);
  h.negative_buckets = std::move(nb);
  return h;
}

FloatHistogram Custom(std::vector<double> bounds, std::vector<Span> ps, std::vector<double> pb) {
  FloatHistogram h;
  h.schema = kCustomBucketsSchema;
  h.custom_values = std::move(bounds);
  h.positive_spans = std::move(ps);
  h.positive_buckets = std::move(pb);
  return h;
}

std::vector<std::string> Collect(BucketIterator&& it) {
  std::vector<std::string> out;
  while (it.Next()) out.push_back(it.At().String());
  return out;
}

std::vector<int32_t> Indexes(BucketIterator&& it) {
  std::vector<int32_t> out;
  while (it.Next()) out.push_back(it.At().index);
  return out;
}

TEST(BucketBound, Exponential) {
  const struct {
    int32_t idx, schema;
    double want;
  } cases[] = {
      {-1, -1, 0.25},
      {0, -1, 1},
      {1, -1, 4},
      {512, -1, DBL_MAX},
      {513, -1, kInf},
      {-1, 0, 0.5},
      {0, 0, 1},
      {1, 0, 2},
      {1024, 0, DBL_MAX},
      {1025, 0, kInf},
      {-1, 2, 0.8408964152537144},
      {0, 2, 1},
      {1, 2, 1.189207115002721},
      {4096, 2, DBL_MAX},
      {4097, 2, kInf},
      {-4, -4, std::ldexp(1.0, -64)},
      {3, 8, 1.0081558981184176},
      {-1, 8, 0.9972960560854698},
      {-256, 8, 0.5},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::to_string(c.idx) + "/" + std::to_string(c.schema));
    EXPECT_EQ(BucketBound(c.idx, c.schema, {}), c.want);
  }
}

TEST(BucketBound, CustomValues) {
  const std::vector<double> cv = {1, 2, 5};
  EXPECT_EQ(BucketBound(-1, kCustomBucketsSchema, cv), -kInf);
  EXPECT_EQ(BucketBound(0, kCustomBucketsSchema, cv), 1);
  EXPECT_EQ(BucketBound(2, kCustomBucketsSchema, cv), 5);
  EXPECT_EQ(BucketBound(3, kCustomBucketsSchema, cv), kInf);
  EXPECT_TRUE(std::isnan(BucketBound(4, kCustomBucketsSchema, cv)));
  EXPECT_TRUE(std::isnan(BucketBound(-2, kCustomBucketsSchema, cv)));
}

TEST(BucketBound, TargetIndex) {
  EXPECT_EQ(TargetBucketIndex(1, 2, 0), 1);
  EXPECT_EQ(TargetBucketIndex(4, 2, 0), 1);
  EXPECT_EQ(TargetBucketIndex(5, 2, 0), 2);
  EXPECT_EQ(TargetBucketIndex(0, 2, 0), 0);
  EXPECT_EQ(TargetBucketIndex(-3, 2, 0), 0);
  EXPECT_EQ(TargetBucketIndex(-4, 2, 0), -1);
  EXPECT_EQ(TargetBucketIndex(7, 3, 3), 7);
}

TEST(Bucket, FractionBelow) {
  const struct {
    Bucket b;
    double v;
    bool linear;
    double want;
  } cases[] = {
      {{0, 10}, 5, true, 0.5},
      {{2, 6}, 3, true, 0.25},
      {{-10, -5}, -6, true, 0.8},
      {{2, 8}, 4, false, 0.5},
      {{1, 16}, 2, false, 0.25},
      {{-8, -2}, -4, false, 0.5},
      {{-4, -2}, -3, false, 0.41503749927884383},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.b.String());
    EXPECT_NEAR(c.b.FractionBelow(c.v, c.linear), c.want, 1e-12);
  }
}

TEST(FloatHistogramString, Upstream) {
  FloatHistogram e = Exp(1, 0.01, 5.5, {{-2, 1}, {2, 3}}, {1, 3.3, 4.2, 0.1}, {{3, 2}, {3, 2}},
                         {3.1, 3, 1.234e5, 1000});
  e.count = 3493.3;
  e.sum = 2349209.324;
  EXPECT_EQ(e.String(),
            "{count:3493.3, sum:2.349209324e+06, [-22.62741699796952,-16):1000, "
            "[-16,-11.31370849898476):123400, [-4,-2.82842712474619):3, "
            "[-2.82842712474619,-2):3.1, [-0.01,0.01]:5.5, (0.35355339059327373,0.5]:1, "
            "(1,1.414213562373095]:3.3, (1.414213562373095,2]:4.2, (2,2.82842712474619]:0.1}");

  FloatHistogram c = Custom({1, 2, 5, 10, 15, 20}, {{0, 1}, {2, 4}}, {1, 3.3, 4.2, 0.1, 5});
  c.count = 3493.3;
  c.sum = 2349209.324;
  EXPECT_EQ(c.String(),
            "{count:3493.3, sum:2.349209324e+06, [-Inf,1]:1, (5,10]:3.3, (10,15]:4.2, "
            "(15,20]:0.1, (20,+Inf]:5}");

  // Empty buckets and a zero zero-bucket are left out.
  FloatHistogram z = Exp(0, 0.5, 0, {{0, 3}}, {1, 0, 2});
  EXPECT_EQ(z.String(), "{count:0, sum:0, (0.5,1]:1, (2,4]:2}");
  EXPECT_EQ(FloatHistogram{}.String(), "{count:0, sum:0}");
}

TEST(FloatHistogramTestExpression, Table) {
  FloatHistogram a = Exp(1, 0.001, 2, {{-1, 2}, {2, 1}}, {1, 2, 3}, {{0, 1}}, {4});
  a.count = 12;
  a.sum = 10.5;
  EXPECT_EQ(
      a.TestExpression(),
      "{{schema:1 count:12 sum:10.5 z_bucket:2 z_bucket_w:0.001 offset:-1 buckets:[1 2 0 0 3] "
      "n_buckets:[4]}}");

  FloatHistogram b = Exp(0, 0, 0, {{0, 2}}, {0, 1}, {{2, 1}}, {1e6});
  b.counter_reset_hint = CounterResetHint::kGauge;
  b.count = 1000001;
  EXPECT_EQ(b.TestExpression(),
            "{{count:1.000001e+06 counter_reset_hint:gauge offset:1 buckets:[1] n_offset:2 "
            "n_buckets:[1e+06]}}");

  FloatHistogram c = Custom({1, 2.5}, {{1, 2}}, {3, 4});
  c.count = 7;
  c.counter_reset_hint = CounterResetHint::kNotCounterReset;
  EXPECT_EQ(c.TestExpression(),
            "{{schema:-53 count:7 custom_values:[1 2.5] counter_reset_hint:not_reset offset:1 "
            "buckets:[3 4]}}");

  FloatHistogram d;
  d.counter_reset_hint = CounterResetHint::kCounterReset;
  EXPECT_EQ(d.TestExpression(), "{{counter_reset_hint:reset}}");
  EXPECT_EQ(FloatHistogram{}.TestExpression(), "{{}}");
}

TEST(BucketIterators, PositiveNegative) {
  FloatHistogram h = Exp(0, 0, 0, {{-1, 2}, {2, 1}}, {1, 2, 3}, {{1, 1}, {1, 2}}, {4, 5, 6});
  EXPECT_EQ(Collect(h.PositiveBucketIterator()),
            (std::vector<std::string>{"(0.25,0.5]:1", "(0.5,1]:2", "(4,8]:3"}));
  EXPECT_EQ(Indexes(h.PositiveBucketIterator()), (std::vector<int32_t>{-1, 0, 3}));
  EXPECT_EQ(Collect(h.NegativeBucketIterator()),
            (std::vector<std::string>{"[-2,-1):4", "[-8,-4):5", "[-16,-8):6"}));
  EXPECT_EQ(Collect(h.PositiveReverseBucketIterator()),
            (std::vector<std::string>{"(4,8]:3", "(0.5,1]:2", "(0.25,0.5]:1"}));
  EXPECT_EQ(Indexes(h.NegativeReverseBucketIterator()), (std::vector<int32_t>{4, 3, 1}));
  EXPECT_EQ(Collect(h.NegativeReverseBucketIterator()),
            (std::vector<std::string>{"[-16,-8):6", "[-8,-4):5", "[-2,-1):4"}));
}

TEST(BucketIterators, ZeroLengthSpansAndBadLayouts) {
  // Zero-length spans are stepped over, their offsets still count.
  FloatHistogram h = Exp(0, 0, 0, {{1, 0}, {2, 1}, {3, 0}, {0, 1}}, {1, 2});
  EXPECT_EQ(Indexes(h.PositiveBucketIterator()), (std::vector<int32_t>{3, 7}));
  EXPECT_EQ(Indexes(h.PositiveReverseBucketIterator()), (std::vector<int32_t>{7, 3}));
  // More spans than buckets, or more buckets than spans: no out-of-bounds reads.
  FloatHistogram few = Exp(0, 0, 0, {{0, 5}}, {1, 2});
  EXPECT_EQ(Indexes(few.PositiveBucketIterator()), (std::vector<int32_t>{0, 1}));
  EXPECT_EQ(Indexes(few.PositiveReverseBucketIterator()).size(), 2u);
  FloatHistogram many = Exp(0, 0, 0, {{0, 1}}, {1, 2, 3});
  EXPECT_EQ(Indexes(many.PositiveBucketIterator()), (std::vector<int32_t>{0}));
  EXPECT_EQ(Indexes(many.PositiveReverseBucketIterator()).size(), 1u);
  FloatHistogram nospans = Exp(0, 0, 0, {}, {1});
  EXPECT_TRUE(Indexes(nospans.PositiveBucketIterator()).empty());
}

TEST(BucketIterators, All) {
  // Buckets overlapping the zero bucket get clamped bounds.
  FloatHistogram h = Exp(0, 0.7, 3, {{0, 2}, {1, 1}}, {1, 2, 3}, {{0, 1}, {1, 1}}, {4, 5});
  EXPECT_EQ(Collect(h.AllBucketIterator()),
            (std::vector<std::string>{"[-4,-2):5", "[-1,-0.7):4", "[-0.7,0.7]:3", "(0.7,1]:1",
                                      "(1,2]:2", "(4,8]:3"}));
  EXPECT_EQ(Collect(h.AllReverseBucketIterator()),
            (std::vector<std::string>{"(4,8]:3", "(1,2]:2", "(0.7,1]:1", "[-0.7,0.7]:3",
                                      "[-1,-0.7):4", "[-4,-2):5"}));
  // No zero bucket when its count is 0.
  FloatHistogram nz = Exp(1, 0.001, 0, {{1, 1}}, {7}, {{1, 1}}, {8});
  EXPECT_EQ(Collect(nz.AllBucketIterator()),
            (std::vector<std::string>{"[-1.414213562373095,-1):8", "(1,1.414213562373095]:7"}));
  EXPECT_TRUE(Collect(FloatHistogram{}.AllBucketIterator()).empty());
}

TEST(BucketIterators, Custom) {
  FloatHistogram h = Custom({0, 10, 20}, {{0, 2}, {1, 1}}, {1, 2, 3});
  EXPECT_EQ(Collect(h.PositiveBucketIterator()),
            (std::vector<std::string>{"[-Inf,0]:1", "(0,10]:2", "(20,+Inf]:3"}));
  EXPECT_EQ(Collect(h.AllBucketIterator()),
            (std::vector<std::string>{"[-Inf,0]:1", "(0,10]:2", "(20,+Inf]:3"}));
  EXPECT_EQ(Collect(h.AllReverseBucketIterator()),
            (std::vector<std::string>{"(20,+Inf]:3", "(0,10]:2", "[-Inf,0]:1"}));
  EXPECT_TRUE(Collect(h.NegativeBucketIterator()).empty());
}

TEST(BucketIterators, TargetSchemaMerging) {
  // Schema 2 buckets 1..5 and 8 merge into schema 0 buckets 1 (1..4), 2 (5..8).
  FloatHistogram h = Exp(2, 0, 0, {{0, 6}, {2, 1}}, {1, 2, 3, 4, 5, 6, 7});
  ForwardBucketIter it(h, true, 0, 0);
  std::vector<std::string> got;
  while (it.Next()) got.push_back(it.At().String());
  EXPECT_EQ(got, (std::vector<std::string>{"(0.5,1]:1", "(1,2]:14", "(2,4]:13"}));
  // Negative side, to schema -1.
  FloatHistogram n = Exp(0, 0, 0, {}, {}, {{-2, 3}, {3, 2}}, {1, 2, 3, 4, 5});
  ForwardBucketIter nit(n, false, 0, -1);
  got.clear();
  while (nit.Next()) got.push_back(nit.At().String());
  EXPECT_EQ(got, (std::vector<std::string>{"[-0.25,-0.0625):1", "[-1,-0.25):5", "[-16,-4):4",
                                           "[-64,-16):5"}));
  // Start value skips buckets whose upper bound is <= it.
  ForwardBucketIter sit(h, true, 1, 0);
  got.clear();
  while (sit.Next()) got.push_back(sit.At().String());
  EXPECT_EQ(got, (std::vector<std::string>{"(1,2]:14", "(2,4]:13"}));
  ForwardBucketIter sit2(h, true, 1.2, 2);
  std::vector<int32_t> idx;
  while (sit2.Next()) idx.push_back(sit2.index());
  EXPECT_EQ(idx, (std::vector<int32_t>{2, 3, 4, 5, 8}));
  // Invalid targets give an empty iterator instead of a crash.
  EXPECT_FALSE(ForwardBucketIter(h, true, 0, 3).Next());
  EXPECT_FALSE(ForwardBucketIter(h, true, 0, kCustomBucketsSchema).Next());
}

}  // namespace
}  // namespace promkit::model
