// TrimBuckets (the PromQL "</" and ">/" operators) against the conformance cases.

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "model/histogram.h"
#include "model/histogram_test_util.h"

namespace promkit::model {
namespace {

using testing::AlmostEqual;
using testing::kInf;
using testing::ParseTestHistogram;

struct TrimCase {
  int line;
  const char* in;
  double rhs;
  bool upper;
  const char* want;
};

// Generated from testdata/conformance/promql/native_histograms.test: trim operator evaluations
// (line, input histogram, rhs, upper trim ("</"), expected histogram).
const TrimCase kConformanceTrims[] = {
    {2043,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     -kInf, false,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}"},
    {2046,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     kInf, true,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}"},
    {2049,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     kInf, false, "{{schema:0 z_bucket_w:0.001}}"},
    {2052,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     -kInf, true, "{{schema:0 z_bucket_w:0.001}}"},
    {2055,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     0, false,
     "{{schema:0 sum:120.20840280171308 count:30.5 z_bucket:0.5 z_bucket_w:0.001 buckets:[2 4 8 "
     "16]}}"},
    {2058,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     0, true,
     "{{schema:0 sum:-3.53578390593273768 count:3.5 z_bucket:0.5 z_bucket_w:0.001 n_buckets:[1 "
     "2]}}"},
    {2063,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     1.4142135624, true,
     "{{count:8 sum:0.2570938865989847 z_bucket:1 z_bucket_w:0.001 buckets:[2 2] n_buckets:[1 "
     "2]}}"},
    {2066,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     1.4142135624, false,
     "{{count:26 sum:116.50067065070982 z_bucket_w:0.001 buckets:[0 2 8 16]}}"},
    {2073,
     "{{schema:2 sum:12.8286080906 count:28 z_bucket:1 z_bucket_w:0.001 buckets:[1 2 4 7 3] "
     "n_buckets:[1 5 3 1]}}",
     1.13, true,
     "{{schema:2 count:13.410582181123704 sum:-9.385798726068233 z_bucket:1 z_bucket_w:0.001 "
     "buckets:[1 1.410582181123704] n_buckets:[1 5 3 1]}}"},
    {2076,
     "{{schema:2 sum:12.8286080906 count:28 z_bucket:1 z_bucket_w:0.001 buckets:[1 2 4 7 3] "
     "n_buckets:[1 5 3 1]}}",
     1.13, false,
     "{{schema:2 count:14.589417818876296 sum:22.168126492693734 z_bucket_w:0.001 offset:1 "
     "buckets:[0.589417818876296 4 7 3]}}"},
    {2079,
     "{{schema:2 sum:12.8286080906 count:28 z_bucket:1 z_bucket_w:0.001 buckets:[1 2 4 7 3] "
     "n_buckets:[1 5 3 1]}}",
     -1.3, false,
     "{{schema:2 count:25.54213947904476 sum:16.29588491217537 z_bucket:1 z_bucket_w:0.001 "
     "buckets:[1 2 4 7 3] n_buckets:[1 5 1.54213947904476]}}"},
    {2082,
     "{{schema:2 sum:12.8286080906 count:28 z_bucket:1 z_bucket_w:0.001 buckets:[1 2 4 7 3] "
     "n_buckets:[1 5 3 1]}}",
     -1.3, true,
     "{{schema:2 count:2.45786052095524 sum:-3.5189307983595066 z_bucket_w:0.001 n_offset:2 "
     "n_buckets:[1.45786052095524 1]}}"},
    {2086,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     2, true,
     "{{count:10 sum:3.5355339059327373 z_bucket:1 z_bucket_w:0.001 buckets:[2 4] n_buckets:[1 "
     "2]}}"},
    {2089,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     2, false, "{{count:24 sum:113.13708498984761 z_bucket_w:0.001 offset:2 buckets:[8 16]}}"},
    {2092,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     -1, false,
     "{{count:32 sum:119.50104602052653 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] "
     "n_buckets:[1]}}"},
    {2095,
     "{{schema:0 sum:123.75 count:34 z_bucket:1 z_bucket_w:0.001 buckets:[2 4 8 16] n_buckets:[1 "
     "2]}}",
     -1, true, "{{count:2 sum:-2.8284271247461903 z_bucket_w:0.001 n_offset:1 n_buckets:[2]}}"},
    {2103, "{{schema:0 sum:8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 buckets:[10]}}",
     0.5, false,
     "{{schema:0 count:10 sum:7.0710678118654755 z_bucket:0 z_bucket_w:0.5 buckets:[10]}}"},
    {2106, "{{schema:0 sum:8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 buckets:[10]}}",
     0.1, false,
     "{{schema:0 count:11.6 sum:7.551067811865476 z_bucket:1.6 z_bucket_w:0.5 buckets:[10]}}"},
    {2109, "{{schema:0 sum:8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 buckets:[10]}}", 0,
     false, "{{schema:0 sum:8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 buckets:[10]}}"},
    {2112, "{{schema:0 sum:8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 buckets:[10]}}",
     0.5, true, "{{schema:0 count:2 sum:0.5 z_bucket:2 z_bucket_w:0.5}}"},
    {2115, "{{schema:0 sum:8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 buckets:[10]}}",
     0.1, true, "{{schema:0 count:0.4 sum:0.02 z_bucket:0.4 z_bucket_w:0.5}}"},
    {2118, "{{schema:0 sum:8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 buckets:[10]}}", 0,
     true, "{{schema:0 z_bucket_w:0.5}}"},
    {2126, "{{schema:0 sum:-8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 n_buckets:[10]}}",
     -0.5, true,
     "{{schema:0 count:10 sum:-7.0710678118654755 z_bucket:0 z_bucket_w:0.5 n_buckets:[10]}}"},
    {2129, "{{schema:0 sum:-8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 n_buckets:[10]}}",
     -0.1, true,
     "{{schema:0 count:11.6 sum:-7.551067811865476 z_bucket:1.6 z_bucket_w:0.5 n_buckets:[10]}}"},
    {2132, "{{schema:0 sum:-8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 n_buckets:[10]}}",
     0, true,
     "{{schema:0 sum:-8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 n_buckets:[10]}}"},
    {2135, "{{schema:0 sum:-8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 n_buckets:[10]}}",
     -0.5, false, "{{schema:0 count:2 sum:-0.5 z_bucket:2 z_bucket_w:0.5}}"},
    {2138, "{{schema:0 sum:-8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 n_buckets:[10]}}",
     -0.1, false, "{{schema:0 count:0.4 sum:-0.02 z_bucket:0.4 z_bucket_w:0.5}}"},
    {2141, "{{schema:0 sum:-8.0210678118654755 count:12 z_bucket:2 z_bucket_w:0.5 n_buckets:[10]}}",
     0, false, "{{schema:0 z_bucket_w:0.5}}"},
    {2149, "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}", 0.1, false,
     "{{schema:0 count:0 sum:0 z_bucket:0 z_bucket_w:0.1 }}"},
    {2152, "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}", 0.1, true,
     "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}"},
    {2155, "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}", 0.05, false,
     "{{schema:0 count:1.25 sum:0.09375 z_bucket:1.25 z_bucket_w:0.1 }}"},
    {2158, "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}", 0.05, true,
     "{{schema:0 count:3.75 sum:-0.09375 z_bucket:3.75 z_bucket_w:0.1 }}"},
    {2161, "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}", 0, false,
     "{{schema:0 count:2.5 sum:0.125 z_bucket:2.5 z_bucket_w:0.1 }}"},
    {2164, "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}", 0, true,
     "{{schema:0 count:2.5 sum:-0.125 z_bucket:2.5 z_bucket_w:0.1 }}"},
    {2167, "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}", -0.05, false,
     "{{schema:0 count:3.75 sum:0.09375 z_bucket:3.75 z_bucket_w:0.1 }}"},
    {2170, "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}", -0.05, true,
     "{{schema:0 count:1.25 sum:-0.09375 z_bucket:1.25 z_bucket_w:0.1 }}"},
    {2173, "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}", -0.1, true,
     "{{schema:0 count:0 sum:0 z_bucket:0 z_bucket_w:0.1 }}"},
    {2176, "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}", -0.1, false,
     "{{schema:0 count:5 sum:0 z_bucket:5 z_bucket_w:0.1 }}"},
    {2184, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}", 15,
     true, "{{schema:-53 count:11 sum:97.5 custom_values:[5 10 15 20] buckets:[1 6 4]}}"},
    {2187, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}", 15,
     false, "{{schema:-53 count:4 sum:72.5 custom_values:[5 10 15 20] offset:3 buckets:[3 1]}}"},
    {2191, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}", 13,
     true, "{{schema:-53 count:9.4 sum:75.1 custom_values:[5 10 15 20] buckets:[1 6 2.4]}}"},
    {2194, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}", 13,
     false,
     "{{schema:-53 count:5.6 sum:94.9 custom_values:[5 10 15 20] offset:2 buckets:[1.6 3 1]}}"},
    {2197, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}", 7.5,
     true, "{{schema:-53 count:4 sum:21.25 custom_values:[5 10 15 20] buckets:[1 3]}}"},
    {2201, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}", 50,
     true, "{{schema:-53 count:14 sum:150.0 custom_values:[5 10 15 20] buckets:[1 6 4 3]}}"},
    {2204, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}",
     -kInf, true, "{{schema:-53 custom_values:[5 10 15 20]}}"},
    {2207, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}", kInf,
     false, "{{schema:-53 custom_values:[5 10 15 20]}}"},
    {2210, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}", kInf,
     true, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}"},
    {2213, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}",
     -kInf, false,
     "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}"},
    {2217, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}", 0,
     false, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}"},
    {2220, "{{schema:-53 sum:172.5 count:15 custom_values:[5 10 15 20] buckets:[1 6 4 3 1]}}", 0,
     true, "{{schema:-53 custom_values:[5 10 15 20]}}"},
    {2228, "{{schema:-53 sum:172.5 count:15 custom_values:[-10 5 10 15 20] buckets:[2 1 6 4 3 1]}}",
     2, true, "{{schema:-53 count:2.8 sum:-23.2 custom_values:[-10 5 10 15 20] buckets:[2 0.8]}}"},
    {2231, "{{schema:-53 sum:172.5 count:15 custom_values:[-10 5 10 15 20] buckets:[2 1 6 4 3 1]}}",
     -4, true, "{{schema:-53 count:2.4 sum:-22.8 custom_values:[-10 5 10 15 20] buckets:[2 0.4]}}"},
    {2234, "{{schema:-53 sum:172.5 count:15 custom_values:[-10 5 10 15 20] buckets:[2 1 6 4 3 1]}}",
     -15, true, "{{schema:-53 count:2 sum:-30 custom_values:[-10 5 10 15 20] buckets:[2]}}"},
    {2242, "{{schema:0 sum:-6.75 z_bucket:5 z_bucket_w:0.01 buckets:[2 3] n_buckets:[1 2 3]}}",
     -0.005, true,
     "{{count:7.25 sum:-12.03019028017131 z_bucket:1.25 z_bucket_w:0.01 n_buckets:[1 2 3]}}"},
    {2245, "{{schema:0 sum:-6.75 z_bucket:5 z_bucket_w:0.01 buckets:[2 3] n_buckets:[1 2 3]}}", 0,
     false, "{{count:7.5 sum:5.669354249492381 z_bucket:2.5 z_bucket_w:0.01 buckets:[2 3]}}"},
    {2253, "{{schema:-53 sum:100.0 count:100 buckets:[100]}}", 10.0, true,
     "{{schema:-53 sum:0.0 count:0 buckets:[0]}}"},
    {2257, "{{schema:-53 sum:100.0 count:100 buckets:[100]}}", 10.0, false,
     "{{schema:-53 sum:0.0 count:0 buckets:[0]}}"},
    {2261, "{{schema:-53 sum:100.0 count:100 buckets:[100]}}", kInf, true,
     "{{schema:-53 sum:100 count:100 buckets:[100]}}"},
    {2265, "{{schema:-53 sum:100.0 count:100 buckets:[100]}}", kInf, false,
     "{{schema:-53 sum:0 count:0 buckets:[0]}}"},
    {2269, "{{schema:-53 sum:100.0 count:100 buckets:[100]}}", -kInf, false,
     "{{schema:-53 sum:100 count:100 buckets:[100]}}"},
    {2273, "{{schema:-53 sum:100.0 count:100 buckets:[100]}}", -kInf, true,
     "{{schema:-53 sum:0 count:0 buckets:[0]}}"},
    {2281, "{{schema:-53 sum:33.0 count:100 custom_values:[0] buckets:[1 100]}}", 10.0, true,
     "{{schema:-53 sum:0.0 count:1 custom_values:[0] buckets:[1 0]}}"},
    {2285, "{{schema:-53 sum:33.0 count:100 custom_values:[0] buckets:[1 100]}}", 0.0, true,
     "{{schema:-53 sum:0.0 count:1 custom_values:[0] buckets:[1 0]}}"},
    {2289, "{{schema:-53 sum:33.0 count:100 custom_values:[0] buckets:[1 100]}}", -10.0, true,
     "{{schema:-53 sum:-10.0 count:1 custom_values:[0] buckets:[1 0]}}"},
    {2293, "{{schema:-53 sum:33.0 count:100 custom_values:[0] buckets:[1 100]}}", -10.0, false,
     "{{schema:-53 sum:0.0 count:100 custom_values:[0] buckets:[0 100]}}"},
    {2297, "{{schema:-53 sum:33.0 count:100 custom_values:[0] buckets:[1 100]}}", 0.0, false,
     "{{schema:-53 sum:0.0 count:100 custom_values:[0] buckets:[0 100]}}"},
    {2301, "{{schema:-53 sum:33.0 count:100 custom_values:[0] buckets:[1 100]}}", 10.0, false,
     "{{schema:-53 sum:1000.0 count:100 custom_values:[0] buckets:[0 100]}}"},
    {2309, "{{schema:-53 sum:33 count:101 custom_values:[5] buckets:[1 100]}}", 10.0, true,
     "{{schema:-53 sum:2.5 count:1 custom_values:[5] buckets:[1 0]}}"},
    {2313, "{{schema:-53 sum:33 count:101 custom_values:[5] buckets:[1 100]}}", 2.0, true,
     "{{schema:-53 sum:0.4 count:0.4 custom_values:[5] buckets:[0.4 0]}}"},
    {2317, "{{schema:-53 sum:33 count:101 custom_values:[5] buckets:[1 100]}}", 0.0, true,
     "{{schema:-53 custom_values:[5]}}"},
    {2321, "{{schema:-53 sum:33 count:101 custom_values:[5] buckets:[1 100]}}", -10.0, true,
     "{{schema:-53 sum:0.0 count:0 custom_values:[5] buckets:[0 0]}}"},
    {2325, "{{schema:-53 sum:33 count:101 custom_values:[5] buckets:[1 100]}}", -10.0, false,
     "{{schema:-53 sum:500.0 count:100 custom_values:[5] buckets:[0 100]}}"},
    {2329, "{{schema:-53 sum:33 count:101 custom_values:[5] buckets:[1 100]}}", 0.0, false,
     "{{schema:-53 sum:33.0 count:101 custom_values:[5] buckets:[1 100]}}"},
    {2333, "{{schema:-53 sum:33 count:101 custom_values:[5] buckets:[1 100]}}", 2.0, false,
     "{{schema:-53 sum:502.1 count:100.6 custom_values:[5] buckets:[0.6 100]}}"},
    {2337, "{{schema:-53 sum:33 count:101 custom_values:[5] buckets:[1 100]}}", 10.0, false,
     "{{schema:-53 sum:1000.0 count:100 custom_values:[5] buckets:[0 100]}}"},
    {2345, "{{schema:-53 sum:33 count:101 custom_values:[-5] buckets:[1 100]}}", 10.0, true,
     "{{schema:-53 sum:-5.0 count:1 custom_values:[-5] buckets:[1 0]}}"},
    {2349, "{{schema:-53 sum:33 count:101 custom_values:[-5] buckets:[1 100]}}", 0.0, true,
     "{{schema:-53 sum:-5 count:1 custom_values:[-5] buckets:[1 0]}}"},
    {2353, "{{schema:-53 sum:33 count:101 custom_values:[-5] buckets:[1 100]}}", -2.0, true,
     "{{schema:-53 sum:-5.0 count:1 custom_values:[-5] buckets:[1 0]}}"},
    {2357, "{{schema:-53 sum:33 count:101 custom_values:[-5] buckets:[1 100]}}", -10.0, true,
     "{{schema:-53 sum:-10.0 count:1 custom_values:[-5] buckets:[1 0]}}"},
    {2361, "{{schema:-53 sum:33 count:101 custom_values:[-5] buckets:[1 100]}}", -10.0, false,
     "{{schema:-53 sum:-500 count:100 custom_values:[-5] buckets:[0 100]}}"},
    {2365, "{{schema:-53 sum:33 count:101 custom_values:[-5] buckets:[1 100]}}", -2.0, false,
     "{{schema:-53 sum:-200 count:100 custom_values:[-5] buckets:[0 100]}}"},
    {2369, "{{schema:-53 sum:33 count:101 custom_values:[-5] buckets:[1 100]}}", 0.0, false,
     "{{schema:-53 sum:0.0 count:100 custom_values:[-5] buckets:[0 100]}}"},
    {2373, "{{schema:-53 sum:33 count:101 custom_values:[-5] buckets:[1 100]}}", 10.0, false,
     "{{schema:-53 sum:1000.0 count:100 custom_values:[-5] buckets:[0 100]}}"},
};

// promqltest's comparison: same layout after compaction, floats almost equal.
void ExpectSimilar(FloatHistogram got, FloatHistogram want) {
  got.Compact(0);
  want.Compact(0);
  EXPECT_EQ(got.schema, want.schema);
  EXPECT_EQ(got.zero_threshold, want.zero_threshold);
  EXPECT_TRUE(AlmostEqual(got.count, want.count)) << got.count << " vs " << want.count;
  EXPECT_TRUE(AlmostEqual(got.sum, want.sum)) << got.sum << " vs " << want.sum;
  EXPECT_TRUE(AlmostEqual(got.zero_count, want.zero_count));
  EXPECT_EQ(got.positive_spans, want.positive_spans);
  EXPECT_EQ(got.negative_spans, want.negative_spans);
  EXPECT_EQ(got.custom_values, want.custom_values);
  ASSERT_EQ(got.positive_buckets.size(), want.positive_buckets.size());
  ASSERT_EQ(got.negative_buckets.size(), want.negative_buckets.size());
  for (size_t i = 0; i < got.positive_buckets.size(); ++i) {
    EXPECT_TRUE(AlmostEqual(got.positive_buckets[i], want.positive_buckets[i])) << i;
  }
  for (size_t i = 0; i < got.negative_buckets.size(); ++i) {
    EXPECT_TRUE(AlmostEqual(got.negative_buckets[i], want.negative_buckets[i])) << i;
  }
}

TEST(FloatHistogramTrimBuckets, ConformanceCases) {
  for (const TrimCase& c : kConformanceTrims) {
    SCOPED_TRACE("native_histograms.test:" + std::to_string(c.line));
    bool ok1, ok2;
    FloatHistogram h = ParseTestHistogram(c.in, &ok1);
    FloatHistogram want = ParseTestHistogram(c.want, &ok2);
    ASSERT_TRUE(ok1 && ok2);
    FloatHistogram& r = h.TrimBuckets(c.rhs, c.upper);
    EXPECT_EQ(&r, &h);
    ExpectSimilar(h, want);
    if (HasFailure()) {
      ADD_FAILURE() << "got " << h.TestExpression() << " want " << want.TestExpression();
      return;
    }
  }
}

TEST(FloatHistogramTrimBuckets, UntouchedWhenNothingTrimmed) {
  bool ok;
  FloatHistogram h = ParseTestHistogram("{{schema:0 count:30 sum:100 buckets:[5 5 10 10]}}", &ok);
  FloatHistogram before = h;
  h.TrimBuckets(8, true);  // every bucket ends at or below 8
  EXPECT_EQ(h, before);
  h.TrimBuckets(4, true);  // (4,8] goes
  EXPECT_EQ(h.positive_buckets, (std::vector<double>{5, 5, 10}));
  EXPECT_EQ(h.count, 20);
}

}  // namespace
}  // namespace promkit::model
