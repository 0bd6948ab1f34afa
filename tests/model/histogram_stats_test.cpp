#include "model/histogram_stats.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "model/histogram_test_util.h"
#include "model/internal/go_math.h"

namespace promkit::model {
namespace {

using testing::AlmostEqual;
using testing::kInf;
using testing::kNaN;
using testing::ParseTestHistogram;

struct StatCase {
  int line;
  const char* fn;
  double a, b;
  const char* histogram;
  double want;
  bool nan_info;
};

// Generated from testdata/conformance/promql/native_histograms.test: single-histogram
// evaluations of histogram_quantile/fraction/stddev/stdvar (line, function, arguments,
// histogram, expected value, whether a NaN-observation info is expected).
const StatCase kConformanceStats[] = {
    {49, "histogram_fraction", 1, 2, "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}", 0.5, false},
    {53, "histogram_fraction", 0, 8, "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}", 1, false},
    {61, "histogram_quantile", 0.5, 0, "{{schema:0 sum:5 count:4 buckets:[1 2 1]}}",
     1.414213562373095, false},
    {211, "histogram_fraction", -0.5, 0.5,
     "{{schema:0 z_bucket:1 z_bucket_w:0.5 sum:0.25 count:1}}", 1, false},
    {215, "histogram_quantile", 0.5, 0, "{{schema:0 z_bucket:1 z_bucket_w:0.5 sum:0.25 count:1}}",
     0, false},
    {234, "histogram_fraction", -2, -1, "{{schema:0 sum:-5 count:4 n_buckets:[1 2 1]}}", 0.5,
     false},
    {238, "histogram_quantile", 0.5, 0, "{{schema:0 sum:-5 count:4 n_buckets:[1 2 1]}}",
     -1.414213562373095, false},
    {332, "histogram_stddev", 0, 0, "{{schema:2 count:4 sum:10 buckets:[1 0 0 0 1 0 0 1 1]}}",
     1.0787993180043811, false},
    {335, "histogram_stdvar", 0, 0, "{{schema:2 count:4 sum:10 buckets:[1 0 0 0 1 0 0 1 1]}}",
     1.163807968526718, false},
    {344, "histogram_stddev", 0, 0, "{{schema:8 count:10 sum:10 buckets:[1 2 3 4]}}",
     0.0048960313898237465, false},
    {347, "histogram_stdvar", 0, 0, "{{schema:8 count:10 sum:10 buckets:[1 2 3 4]}}",
     2.3971123370139447e-05, false},
    {356, "histogram_stddev", 0, 0,
     "{{schema:3 count:7 sum:62 z_bucket:1 buckets:[0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 "
     "0 1 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ] n_buckets:[0 0 0 0 0 0 0 0 "
     "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ]}}",
     42.94723640026, false},
    {359, "histogram_stdvar", 0, 0,
     "{{schema:3 count:7 sum:62 z_bucket:1 buckets:[0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 "
     "0 1 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ] n_buckets:[0 0 0 0 0 0 0 0 "
     "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ]}}",
     1844.4651144196398, false},
    {368, "histogram_stddev", 0, 0,
     "{{schema:0 count:10 sum:-112946 z_bucket:0 n_buckets:[0 0 1 1 1 0 1 1 0 0 3 0 0 0 1 0 0 1]}}",
     27556.344499842, false},
    {371, "histogram_stdvar", 0, 0,
     "{{schema:0 count:10 sum:-112946 z_bucket:0 n_buckets:[0 0 1 1 1 0 1 1 0 0 3 0 0 0 1 0 0 1]}}",
     759352122.1939945, false},
    {380, "histogram_stddev", 0, 0,
     "{{schema:0 count:10 sum:-100 z_bucket:0 n_buckets:[0 0 0 0 10]}}", 1.3137084989848, false},
    {383, "histogram_stdvar", 0, 0,
     "{{schema:0 count:10 sum:-100 z_bucket:0 n_buckets:[0 0 0 0 10]}}", 1.725830020304794, false},
    {392, "histogram_stddev", 0, 0,
     "{{schema:3 count:7 sum:NaN z_bucket:1 buckets:[0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 "
     "0 1 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ] n_buckets:[0 0 0 0 0 0 0 0 "
     "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ]}}",
     kNaN, false},
    {395, "histogram_stdvar", 0, 0,
     "{{schema:3 count:7 sum:NaN z_bucket:1 buckets:[0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 "
     "0 1 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ] n_buckets:[0 0 0 0 0 0 0 0 "
     "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ]}}",
     kNaN, false},
    {404, "histogram_stddev", 0, 0,
     "{{schema:3 count:7 sum:Inf z_bucket:1 buckets:[0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 "
     "0 1 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ] n_buckets:[0 0 0 0 0 0 0 0 "
     "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ]}}",
     kInf, false},
    {407, "histogram_stdvar", 0, 0,
     "{{schema:3 count:7 sum:Inf z_bucket:1 buckets:[0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 "
     "0 1 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ] n_buckets:[0 0 0 0 0 0 0 0 "
     "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 ]}}",
     kInf, false},
    {416, "histogram_quantile", 1.001, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", kInf, false},
    {420, "histogram_quantile", 1, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 16, false},
    {427, "histogram_quantile", 0.99, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     15.67072476139083, false},
    {431, "histogram_quantile", 0.9, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     12.99603834169977, false},
    {435, "histogram_quantile", 0.6, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     4.594793419988138, false},
    {439, "histogram_quantile", 0.5, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     1.5874010519681994, false},
    {444, "histogram_quantile", 0.1, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0.0006,
     false},
    {448, "histogram_quantile", 0, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {452, "histogram_quantile", -1, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", -kInf, false},
    {462, "histogram_quantile", 1.001, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", kInf,
     false},
    {466, "histogram_quantile", 1, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {473, "histogram_quantile", 0.99, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", -0.00006,
     false},
    {477, "histogram_quantile", 0.9, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", -0.0006,
     false},
    {481, "histogram_quantile", 0.5, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}",
     -1.5874010519681996, false},
    {485, "histogram_quantile", 0.1, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}",
     -12.996038341699768, false},
    {489, "histogram_quantile", 0, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", -16, false},
    {493, "histogram_quantile", -1, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", -kInf,
     false},
    {505, "histogram_quantile", 1.001, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     kInf, false},
    {509, "histogram_quantile", 1, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     16, false},
    {513, "histogram_quantile", 0.99, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     15.34822590920423, false},
    {517, "histogram_quantile", 0.9, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     10.556063286183155, false},
    {521, "histogram_quantile", 0.7, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     1.2030250360821164, false},
    {527, "histogram_quantile", 0.55, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.0006, false},
    {531, "histogram_quantile", 0.5, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0, false},
    {535, "histogram_quantile", 0.45, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     -0.0006, false},
    {540, "histogram_quantile", 0.3, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     -1.2030250360821169, false},
    {544, "histogram_quantile", 0.1, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     -10.556063286183155, false},
    {548, "histogram_quantile", 0.01, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     -15.34822590920423, false},
    {552, "histogram_quantile", 0, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     -16, false},
    {556, "histogram_quantile", -1, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     -kInf, false},
    {650, "histogram_fraction", 3.1415, 42, "{{}}", kNaN, false},
    {659, "histogram_fraction", 0, kInf,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 1, false},
    {662, "histogram_fraction", -kInf, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {665, "histogram_fraction", -0.001, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {668, "histogram_fraction", 0, 0.001,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     0.16666666666666666, false},
    {676, "histogram_fraction", 0, 0.0005,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     0.08333333333333333, false},
    {681, "histogram_quantile", 0.08333333333333333, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0.0005,
     false},
    {687, "histogram_fraction", 1, 2,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0.25, false},
    {694, "histogram_fraction", 0, 1.5,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     0.4795739585136224, false},
    {697, "histogram_fraction", 1.5, 2,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     0.10375937481971091, false},
    {700, "histogram_fraction", 1, 8,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     0.3333333333333333, false},
    {703, "histogram_fraction", 0, 6,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     0.6320802083934297, false},
    {706, "histogram_quantile", 0.6320802083934297, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 6, false},
    {709, "histogram_fraction", 1, 6,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     0.29874687506009634, false},
    {712, "histogram_fraction", 1.5, 6,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}",
     0.15250624987980724, false},
    {715, "histogram_fraction", -2, -1,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {718, "histogram_fraction", -2, -1.5,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {721, "histogram_fraction", -8, -1,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {724, "histogram_fraction", -6, -1,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {727, "histogram_fraction", -6, -1.5,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {730, "histogram_fraction", 42, 3.1415,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {733, "histogram_fraction", 0, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {736, "histogram_fraction", 0.000001, 0.000001,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {739, "histogram_fraction", 42, 42,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {742, "histogram_fraction", -3.1, -3.1,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 0, false},
    {745, "histogram_fraction", 3.1415, kNaN,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", kNaN, false},
    {748, "histogram_fraction", kNaN, 42,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", kNaN, false},
    {751, "histogram_fraction", kNaN, kNaN,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", kNaN, false},
    {754, "histogram_fraction", -kInf, kInf,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 buckets:[2 3 0 1 4]}}", 1, false},
    {761, "histogram_fraction", 0, kInf,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {764, "histogram_fraction", -kInf, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 1, false},
    {767, "histogram_fraction", -0.001, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}",
     0.16666666666666666, false},
    {770, "histogram_fraction", 0, 0.001,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {773, "histogram_fraction", -0.0005, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}",
     0.08333333333333333, false},
    {779, "histogram_quantile", 0.9166666666666666, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", -0.0005,
     false},
    {788, "histogram_fraction", 1, 2,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {791, "histogram_fraction", 1.5, 2,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {794, "histogram_fraction", 1, 8,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {797, "histogram_fraction", 1, 6,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {800, "histogram_fraction", 1.5, 6,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {803, "histogram_fraction", -2, -1,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0.25,
     false},
    {806, "histogram_fraction", -2, -1.5,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}",
     0.10375937481971091, false},
    {809, "histogram_fraction", -8, -1,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}",
     0.3333333333333333, false},
    {815, "histogram_quantile", 0.36791979160657035, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", -6, false},
    {818, "histogram_fraction", -6, -1,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}",
     0.29874687506009634, false},
    {821, "histogram_fraction", -6, -1.5,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}",
     0.15250624987980724, false},
    {824, "histogram_fraction", 42, 3.1415,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {827, "histogram_fraction", 0, 0,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {830, "histogram_fraction", 0.000001, 0.000001,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {833, "histogram_fraction", 42, 42,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {836, "histogram_fraction", -3.1, -3.1,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 0, false},
    {839, "histogram_fraction", 3.1415, kNaN,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", kNaN,
     false},
    {842, "histogram_fraction", kNaN, 42,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", kNaN,
     false},
    {845, "histogram_fraction", kNaN, kNaN,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", kNaN,
     false},
    {848, "histogram_fraction", -kInf, kInf,
     "{{schema:0 count:12 sum:100 z_bucket:2 z_bucket_w:0.001 n_buckets:[2 3 0 1 4]}}", 1, false},
    {857, "histogram_fraction", 0, kInf,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.5, false},
    {860, "histogram_fraction", -kInf, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.5, false},
    {863, "histogram_fraction", -0.001, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.08333333333333333, false},
    {866, "histogram_fraction", 0, 0.001,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.08333333333333333, false},
    {869, "histogram_fraction", -0.0005, 0.0005,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.08333333333333333, false},
    {875, "histogram_quantile", 0.5416666666666666, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.0005, false},
    {881, "histogram_quantile", 0.4583333333333333, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     -0.0005, false},
    {890, "histogram_fraction", 1, 2,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.125, false},
    {893, "histogram_fraction", 1.5, 2,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.051879687409855414, false},
    {896, "histogram_fraction", 1, 8,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.16666666666666666, false},
    {899, "histogram_fraction", 1, 6,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.14937343753004825, false},
    {902, "histogram_fraction", 1.5, 6,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.07625312493990366, false},
    {905, "histogram_fraction", -2, -1,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.125, false},
    {908, "histogram_fraction", -2, -1.5,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.051879687409855456, false},
    {911, "histogram_fraction", -8, -1,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.16666666666666666, false},
    {914, "histogram_fraction", -6, -1,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.14937343753004817, false},
    {917, "histogram_fraction", -6, -1.5,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0.07625312493990362, false},
    {920, "histogram_fraction", 42, 3.1415,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0, false},
    {923, "histogram_fraction", 0, 0,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0, false},
    {926, "histogram_fraction", 0.000001, 0.000001,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0, false},
    {929, "histogram_fraction", 42, 42,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0, false},
    {932, "histogram_fraction", -3.1, -3.1,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     0, false},
    {935, "histogram_fraction", 3.1415, kNaN,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     kNaN, false},
    {938, "histogram_fraction", kNaN, 42,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     kNaN, false},
    {941, "histogram_fraction", kNaN, kNaN,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     kNaN, false},
    {944, "histogram_fraction", -kInf, kInf,
     "{{schema:0 count:24 sum:100 z_bucket:4 z_bucket_w:0.001 buckets:[2 3 0 1 4] n_buckets:[2 3 0 "
     "1 4]}}",
     1, false},
};

TEST(HistogramStats, ConformanceCases) {
  for (const StatCase& c : kConformanceStats) {
    SCOPED_TRACE(std::string("native_histograms.test:") + std::to_string(c.line) + " " + c.fn);
    bool ok;
    FloatHistogram h = ParseTestHistogram(c.histogram, &ok);
    ASSERT_TRUE(ok) << c.histogram;
    std::string fn = c.fn;
    double got;
    bool nan_info = false;
    if (fn == "histogram_quantile") {
      HistogramQuantileResult r = HistogramQuantile(c.a, h);
      got = r.value;
      nan_info = r.nan_result || r.nan_skew;
    } else if (fn == "histogram_fraction") {
      HistogramFractionResult r = HistogramFraction(c.a, c.b, h);
      got = r.value;
      nan_info = r.nan_observations;
    } else if (fn == "histogram_stddev") {
      got = HistogramStdDev(h);
    } else {
      got = HistogramStdVar(h);
    }
    EXPECT_TRUE(AlmostEqual(got, c.want)) << "got " << got << " want " << c.want;
    EXPECT_EQ(nan_info, c.nan_info);
  }
}

FloatHistogram Parse(const char* s) {
  bool ok;
  FloatHistogram h = ParseTestHistogram(s, &ok);
  EXPECT_TRUE(ok) << s;
  return h;
}

TEST(HistogramQuantile, Edges) {
  FloatHistogram h = Parse("{{schema:0 count:4 sum:5 buckets:[1 2 1]}}");
  EXPECT_EQ(HistogramQuantile(-0.1, h).value, -kInf);
  EXPECT_EQ(HistogramQuantile(1.01, h).value, kInf);
  EXPECT_TRUE(std::isnan(HistogramQuantile(kNaN, h).value));
  EXPECT_TRUE(std::isnan(HistogramQuantile(0.5, FloatHistogram{}).value));
  EXPECT_EQ(HistogramQuantile(0, h).value, 0.5);
  EXPECT_EQ(HistogramQuantile(1, h).value, 4);
}

TEST(HistogramQuantile, NaNObservations) {
  // Upstream native_histograms.test, "NaN observations".
  FloatHistogram some = Parse("{{schema:0 count:15 sum:NaN buckets:[12]}}");
  HistogramQuantileResult r = HistogramQuantile(0.8, some);
  EXPECT_EQ(r.value, 1);
  EXPECT_TRUE(r.nan_skew);
  EXPECT_FALSE(r.nan_result);
  r = HistogramQuantile(0.4, some);
  EXPECT_EQ(r.value, 0.7071067811865475);  // Go's Exp2(-0.5), one bit below the C library's
  EXPECT_TRUE(r.nan_skew);
  for (double q : {0.81, 1.0}) {
    r = HistogramQuantile(q, some);
    EXPECT_TRUE(std::isnan(r.value));
    EXPECT_TRUE(r.nan_result);
  }
  FloatHistogram all = Parse("{{schema:0 count:3 sum:NaN}}");
  r = HistogramQuantile(0.4, all);
  EXPECT_TRUE(std::isnan(r.value));
  EXPECT_TRUE(r.nan_result);
  // The skew scan leaves upstream's interpolation on the last bucket: rank 2.5 is found in
  // (0.5,1] but interpolated in (1,2].
  FloatHistogram two = Parse("{{schema:0 count:10 sum:NaN buckets:[4 4]}}");
  r = HistogramQuantile(0.25, two);
  EXPECT_EQ(r.value, 1.542210825407941) << r.value;
  EXPECT_TRUE(r.nan_skew);
}

TEST(HistogramQuantile, CustomBuckets) {
  FloatHistogram h =
      Parse("{{schema:-53 count:10 sum:20 custom_values:[1 2 5] buckets:[1 2 3 4]}}");
  EXPECT_EQ(HistogramQuantile(0.05, h).value, 0.5);  // [-Inf,1] counts from 0
  EXPECT_EQ(HistogramQuantile(0.95, h).value, 5);    // (5,+Inf] gives its lower bound
  EXPECT_EQ(HistogramQuantile(0.5, h).value, 4);     // (2,5], linear
  FloatHistogram neg = Parse("{{schema:-53 count:5 sum:-20 custom_values:[-1 2] buckets:[5]}}");
  EXPECT_EQ(HistogramQuantile(0.1, neg).value, -1);
}

TEST(HistogramFraction, EdgesAndCustomBuckets) {
  FloatHistogram h =
      Parse("{{schema:-53 count:10 sum:20 custom_values:[1 2 5] buckets:[1 2 3 4]}}");
  EXPECT_TRUE(std::isnan(HistogramFraction(kNaN, 1, h).value));
  EXPECT_TRUE(std::isnan(HistogramFraction(0, 1, FloatHistogram{}).value));
  EXPECT_EQ(HistogramFraction(2, 2, h).value, 0);
  // [-Inf,1] straddles 0 and the histogram has no negative buckets, so upstream treats it as
  // [0,1] and interpolates linearly: 1 + 1 of 10 observations.
  EXPECT_EQ(HistogramFraction(0, 1.5, h).value, 0.2);
  // Below 0 it counts nothing from that bucket.
  EXPECT_EQ(HistogramFraction(-5, 0, h).value, 0);
  EXPECT_EQ(HistogramFraction(-kInf, kInf, h).value, 1);
  EXPECT_EQ(HistogramFraction(5, kInf, h).value, 0.4);
  FloatHistogram some = Parse("{{schema:0 count:15 sum:NaN buckets:[12]}}");
  HistogramFractionResult r = HistogramFraction(-kInf, kInf, some);
  EXPECT_EQ(r.value, 0.8);
  EXPECT_TRUE(r.nan_observations);
  r = HistogramFraction(-kInf, 0.7071067811865475, some);
  EXPECT_EQ(r.value, 0.39999999999999986);  // what Go computes (promqltest accepts it as 0.4)
  EXPECT_TRUE(r.nan_observations);
  EXPECT_FALSE(HistogramFraction(-kInf, kInf, h).nan_observations);
}

TEST(GoMath, MatchesGoBitForBit) {
  // Values printed by Go 1.19 (linux/amd64) for math.Log2 and math.Exp2.
  EXPECT_EQ(internal::GoExp2(-0.5), 0.7071067811865475);
  EXPECT_EQ(internal::GoExp2(0.625), 1.542210825407941);
  EXPECT_EQ(internal::GoLog2(3), 1.5849625007211563);
  EXPECT_EQ(internal::GoLog2(0.25), -2);
  EXPECT_EQ(internal::GoLog2(0), -kInf);
  EXPECT_TRUE(std::isnan(internal::GoLog2(-1)));
  EXPECT_EQ(internal::GoExp2(-kInf), 0);
  EXPECT_EQ(internal::GoExp2(2000), kInf);
  EXPECT_EQ(internal::GoExp2(10), 1024);
}

TEST(HistogramStdDev, CustomBucketsUseArithmeticMidpoints) {
  FloatHistogram h =
      Parse("{{schema:-53 count:2 sum:20 custom_values:[0 10 20] offset:1 buckets:[1 1]}}");
  EXPECT_EQ(HistogramStdVar(h), 25);
  EXPECT_EQ(HistogramStdDev(h), 5);
  EXPECT_EQ(HistogramAvg(h), 10);
}

}  // namespace
}  // namespace promkit::model
