// Mul, Div, DetectReset, CopyToSchema and KahanAdd with a given compensation histogram, against
// upstream's test tables (model/histogram/float_histogram_test.go): same inputs and expected
// values, generated from upstream's Go literals.

#include <cmath>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "model/histogram.h"
#include "model/histogram_test_util.h"

// The tables spell histograms with designated initializers and leave unused fields out.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace promkit::model {
namespace {

using testing::F;
using testing::H;
using testing::kInf;
using testing::kNaN;

struct ScaleCase {
  const char* name;
  F in;
  double factor;
  F expected;
};

struct ResetCase {
  const char* name;
  F previous, current;
  bool reset;
};

struct SchemaCase {
  const char* name;
  int32_t target;
  F in, expected;
};

struct KahanCase {
  const char* name;
  F in1;
  std::optional<F> comp;
  F in2;
  std::optional<F> expected;
  const char* err;
  bool collision;
  bool reconciled;
};

// Cases of upstream TestFloatHistogramMul.
const ScaleCase kFloatHistogramMul[] = {
    {"zero value", F{}, 3.1415, F{}},
    {"zero multiplier",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     0,
     F{.zt = 0.01,
       .zc = 0,
       .count = 0,
       .sum = 0,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {0, 0, 0, 0},
       .nb = {0, 0, 0, 0}}},
    {"no-op",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     1,
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}}},
    {"double",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     2,
     F{.zt = 0.01,
       .zc = 11,
       .count = 6986.6,
       .sum = 4698418.648,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {2, 6.6, 8.4, 0.2},
       .nb = {6.2, 6, 246800, 2000}}},
    {"triple",
     F{.zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 23,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3, 4, 7},
       .nb = {3, 1, 5, 6}},
     3,
     F{.zt = 0.01,
       .zc = 33,
       .count = 90,
       .sum = 69,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {3, 0, 9, 12, 21},
       .nb = {9, 3, 15, 18}}},
    {"negation",
     F{.zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 23,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3, 4, 7},
       .nb = {3, 1, 5, 6}},
     -1,
     F{.hint = H::kGauge,
       .zt = 0.01,
       .zc = -11,
       .count = -30,
       .sum = -23,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {-1, 0, -3, -4, -7},
       .nb = {-3, -1, -5, -6}}},
    {"negative multiplier",
     F{.zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 23,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3, 4, 7},
       .nb = {3, 1, 5, 6}},
     -2,
     F{.hint = H::kGauge,
       .zt = 0.01,
       .zc = -22,
       .count = -60,
       .sum = -46,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {-2, 0, -6, -8, -14},
       .nb = {-6, -2, -10, -12}}},
    {"no-op with custom buckets",
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 1}, {2, 3}},
       .pb = {1, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3}},
     1,
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 1}, {2, 3}},
       .pb = {1, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3}}},
    {"triple with custom buckets",
     F{.schema = -53,
       .count = 30,
       .sum = 23,
       .ps = {{0, 2}, {1, 3}},
       .pb = {1, 0, 3, 4, 7},
       .cv = {1, 2, 3, 4}},
     3,
     F{.schema = -53,
       .count = 90,
       .sum = 69,
       .ps = {{0, 2}, {1, 3}},
       .pb = {3, 0, 9, 12, 21},
       .cv = {1, 2, 3, 4}}},
};

// Cases of upstream TestFloatHistogramDiv.
const ScaleCase kFloatHistogramDiv[] = {
    {"zero value", F{}, 3.1415, F{}},
    {"zero divisor",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     0, F{.zt = 0.01, .zc = kInf, .count = kInf, .sum = kInf}},
    {"no-op",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     1,
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}}},
    {"half",
     F{.zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 23,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3, 4, 7},
       .nb = {3, 1, 5, 6}},
     2,
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 15,
       .sum = 11.5,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {0.5, 0, 1.5, 2, 3.5},
       .nb = {1.5, 0.5, 2.5, 3}}},
    {"negation",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     -1,
     F{.hint = H::kGauge,
       .zt = 0.01,
       .zc = -5.5,
       .count = -3493.3,
       .sum = -2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {-1, -3.3, -4.2, -0.1},
       .nb = {-3.1, -3, -123400, -1000}}},
    {"negative half",
     F{.zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 23,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3, 4, 7},
       .nb = {3, 1, 5, 6}},
     -2,
     F{.hint = H::kGauge,
       .zt = 0.01,
       .zc = -5.5,
       .count = -15,
       .sum = -11.5,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {-0.5, 0, -1.5, -2, -3.5},
       .nb = {-1.5, -0.5, -2.5, -3}}},
    {"no-op with custom buckets",
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 1}, {2, 3}},
       .pb = {1, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3}},
     1,
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 1}, {2, 3}},
       .pb = {1, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3}}},
    {"half with custom buckets",
     F{.schema = -53,
       .count = 30,
       .sum = 23,
       .ps = {{0, 2}, {1, 3}},
       .pb = {1, 0, 3, 4, 7},
       .cv = {1, 2, 3, 4}},
     2,
     F{.schema = -53,
       .count = 15,
       .sum = 11.5,
       .ps = {{0, 2}, {1, 3}},
       .pb = {0.5, 0, 1.5, 2, 3.5},
       .cv = {1, 2, 3, 4}}},
};

// Cases of upstream TestFloatHistogramDetectReset.
const ResetCase kFloatHistogramDetectReset[] = {
    {"zero values", F{}, F{}, false},
    {"no buckets to some buckets", F{},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"some buckets to no buckets",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{}, true},
    {"one bucket appears, nothing else changes",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"one bucket disappears, nothing else changes",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     true},
    {"an unpopulated bucket disappears, nothing else changes",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"an unpopulated bucket at the end disappears, nothing else changes",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2, 0},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 1}, {1, 2}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 3.3, 4.2},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"an unpopulated bucket disappears in a histogram with nothing else",
     F{.ps = {{23, 1}}, .pb = {0}}, F{}, false},
    {"zero count goes up",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.6,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"zero count goes down",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.4,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     true},
    {"count goes up",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.4,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"count goes down",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.2,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     true},
    {"sum goes up",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349210,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"sum goes down",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349200,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"one positive bucket goes up",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.3, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"one positive bucket goes down",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.1, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     true},
    {"one negative bucket goes up",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3.1, 123400, 1000}},
     false},
    {"one negative bucket goes down",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .nb = {3.1, 2.9, 123400, 1000}},
     true},
    {"zero threshold decreases",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.009,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     true},
    {"zero threshold increases without touching any existing buckets",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.011,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"zero threshold increases enough to cover existing buckets",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 1,
       .zc = 7.73,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"zero threshold increases into the middle of an existing buckets",
     F{.zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.zt = 0.3,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     true},
    {"schema increases without any other changes",
     F{.schema = 0,
       .zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     F{.schema = 1,
       .zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-5, 4}, {2, 6}},
       .ns = {{5, 4}, {6, 4}},
       .pb = {0.4, 0.6, 1, 0.23, 2, 1.3, 1.2, 3, 0.05, 0.05},
       .nb = {2, 1.1, 2, 1, 23400, 100000, 500, 500}},
     true},
    {"schema decreases without any other changes",
     F{.schema = 1,
       .zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-5, 4}, {2, 6}},
       .ns = {{5, 4}, {6, 4}},
       .pb = {0.4, 0.6, 1, 0.23, 2, 1.3, 1.2, 3, 0.05, 0.05},
       .nb = {2, 1.1, 2, 1, 23400, 100000, 500, 500}},
     F{.schema = 0,
       .zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"schema decreases and a bucket goes up",
     F{.schema = 1,
       .zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-5, 4}, {2, 6}},
       .ns = {{5, 4}, {6, 4}},
       .pb = {0.4, 0.6, 1, 0.23, 2, 1.3, 1.2, 3, 0.05, 0.05},
       .nb = {2, 1.1, 2, 1, 23400, 100000, 500, 500}},
     F{.schema = 0,
       .zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 4.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     false},
    {"schema decreases and a bucket goes down",
     F{.schema = 1,
       .zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-5, 4}, {2, 6}},
       .ns = {{5, 4}, {6, 4}},
       .pb = {0.4, 0.6, 1, 0.23, 2, 1.3, 1.2, 3, 0.05, 0.05},
       .nb = {2, 1.1, 2, 1, 23400, 100000, 500, 500}},
     F{.schema = 0,
       .zt = 0.01,
       .zc = 5.5,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{-2, 2}, {1, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 1.23, 2.3, 4.2, 0.1},
       .nb = {3.1, 3, 123400, 1000}},
     true},
    {"no buckets to some buckets with custom bounds", F{.schema = -53, .cv = {1, 2, 3}},
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 1}, {2, 3}},
       .pb = {1, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3}},
     false},
    {"some buckets to no buckets with custom bounds",
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 1}, {2, 3}},
       .pb = {1, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3}},
     F{.schema = -53, .cv = {1, 2, 3}}, true},
    {"one bucket appears, nothing else changes with custom bounds",
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 1}, {2, 3}},
       .pb = {1, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3, 4}},
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 2}, {1, 3}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3, 4}},
     false},
    {"one bucket disappears, nothing else changes with custom bounds",
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 2}, {1, 3}},
       .pb = {1, 1.23, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3, 4}},
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 1}, {2, 3}},
       .pb = {1, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3, 4}},
     true},
    {"an unpopulated bucket disappears, nothing else changes with custom bounds",
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 2}, {1, 3}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3, 4}},
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 1}, {2, 3}},
       .pb = {1, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3, 4}},
     false},
    {"one positive bucket goes up with custom bounds",
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 2}, {1, 3}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3, 4}},
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 2}, {1, 3}},
       .pb = {1, 0, 3.3, 4.3, 0.1},
       .cv = {1, 2, 3, 4}},
     false},
    {"one positive bucket goes down with custom bounds",
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 2}, {1, 3}},
       .pb = {1, 0, 3.3, 4.2, 0.1},
       .cv = {1, 2, 3, 4}},
     F{.schema = -53,
       .count = 3493.3,
       .sum = 2349209.324,
       .ps = {{0, 2}, {1, 3}},
       .pb = {1, 0, 3.3, 4.1, 0.1},
       .cv = {1, 2, 3, 4}},
     true},
    {"mismatched custom bounds - no reset when all buckets increase",
     F{.schema = -53,
       .count = 200,
       .sum = 1000,
       .ps = {{0, 4}},
       .pb = {20, 35, 40, 50},
       .cv = {0, 1, 2, 3}},
     F{.schema = -53,
       .count = 200,
       .sum = 1000,
       .ps = {{0, 5}},
       .pb = {25, 15, 40, 50, 70},
       .cv = {0, 0.5, 1, 2, 3}},
     false},
    {"mismatched custom bounds - reset in middle bucket",
     F{.schema = -53,
       .count = 100,
       .sum = 500,
       .ps = {{1, 4}},
       .pb = {10, 15, 20, 25},
       .cv = {0, 1, 3, 5}},
     F{.schema = -53,
       .count = 100,
       .sum = 500,
       .ps = {{1, 5}},
       .pb = {10, 16, 10, 5, 25},
       .cv = {0, 1, 2, 3, 5}},
     true},
    {"mismatched custom bounds - reset in last bucket",
     F{.schema = -53,
       .count = 100,
       .sum = 500,
       .ps = {{1, 3}},
       .pb = {10, 20, 20},
       .cv = {0, 1, 2}},
     F{.schema = -53,
       .count = 100,
       .sum = 500,
       .ps = {{1, 4}},
       .pb = {100, 200, 8, 7},
       .cv = {0, 1, 2, 3}},
     true},
    {"mismatched custom bounds - no common bounds",
     F{.schema = -53,
       .count = 100,
       .sum = 500,
       .ps = {{1, 3}},
       .pb = {10, 20, 30},
       .cv = {4, 5, 6}},
     F{.schema = -53,
       .count = 100,
       .sum = 500,
       .ps = {{1, 3}},
       .pb = {15, 25, 35},
       .cv = {1, 2, 3}},
     false},
    {"mismatched custom bounds - sparse common bounds",
     F{.schema = -53,
       .count = 200,
       .sum = 1000,
       .ps = {{0, 4}},
       .pb = {10, 20, 30, 40},
       .cv = {0, 1, 3, 5}},
     F{.schema = -53,
       .count = 200,
       .sum = 1000,
       .ps = {{0, 5}},
       .pb = {15, 25, 70, 50, 100},
       .cv = {0, 2, 3, 4, 5}},
     false},
    {"reset detected with mismatched custom bounds and split bucket spans",
     F{.schema = -53,
       .count = 200,
       .sum = 1000,
       .ps = {{0, 2}, {1, 3}},
       .pb = {10, 20, 30, 40, 50},
       .cv = {0, 1, 2, 3, 4, 5}},
     F{.schema = -53,
       .count = 200,
       .sum = 1000,
       .ps = {{0, 3}, {1, 2}},
       .pb = {15, 25, 35, 25, 60},
       .cv = {0, 1, 3, 4, 5, 7}},
     true},
    {"no reset with mismatched custom bounds and split bucket spans",
     F{.schema = -53,
       .count = 300,
       .sum = 1500,
       .ps = {{0, 2}, {2, 3}},
       .pb = {10, 20, 30, 40, 50},
       .cv = {0, 1, 2, 3, 4, 5, 6}},
     F{.schema = -53,
       .count = 300,
       .sum = 1500,
       .ps = {{0, 3}, {1, 2}},
       .pb = {12, 25, 45, 75, 95},
       .cv = {0, 0.5, 1, 3, 5, 7}},
     false},
    {"reset when a populated bucket following an empty one disappears",
     F{.zt = 0.001, .count = 10, .ps = {{0, 1}}, .ns = {{1, 2}}, .pb = {5}, .nb = {0, 5}},
     F{.zt = 0.001, .count = 20, .ps = {{0, 1}}, .pb = {20}}, true},
    {"reset when current ends before a later populated previous bucket",
     F{.zt = 0.001, .count = 7, .ps = {{0, 3}}, .pb = {2, 0, 5}},
     F{.zt = 0.001, .count = 100, .ps = {{0, 1}}, .pb = {100}}, true},
};

// Cases of upstream TestFloatHistogramCopyToSchema.
const SchemaCase kFloatHistogramCopyToSchema[] = {
    {"no schema change", 1,
     F{.schema = 1,
       .zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 2.345,
       .ps = {{-4, 3}, {5, 5}},
       .ns = {{6, 3}, {6, 4}},
       .pb = {1, 0, 0, 3, 2, 2, 3, 4},
       .nb = {3, 0.5, 0.5, 2, 3, 2, 4}},
     F{.schema = 1,
       .zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 2.345,
       .ps = {{-4, 3}, {5, 5}},
       .ns = {{6, 3}, {6, 4}},
       .pb = {1, 0, 0, 3, 2, 2, 3, 4},
       .nb = {3, 0.5, 0.5, 2, 3, 2, 4}}},
    {"schema change", 0,
     F{.schema = 1,
       .zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 2.345,
       .ps = {{-4, 3}, {5, 5}},
       .ns = {{6, 3}, {6, 4}},
       .pb = {1, 0, 0, 3, 2, 2, 3, 4},
       .nb = {3, 0.5, 0.5, 2, 3, 2, 4}},
     F{.schema = 0,
       .zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 2.345,
       .ps = {{-2, 2}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3, 4, 7},
       .nb = {3, 1, 5, 6}}},
    {"no schema change for custom buckets", -53,
     F{.schema = -53,
       .count = 30,
       .sum = 2.345,
       .ps = {{0, 3}, {5, 5}},
       .pb = {1, 0, 0, 3, 2, 2, 3, 4},
       .cv = {1, 2, 3, 4, 5, 6, 7}},
     F{.schema = -53,
       .count = 30,
       .sum = 2.345,
       .ps = {{0, 3}, {5, 5}},
       .pb = {1, 0, 0, 3, 2, 2, 3, 4},
       .cv = {1, 2, 3, 4, 5, 6, 7}}},
};

// Cases of upstream TestKahanAddWithCompHistogram.
const KahanCase kKahanAddWithCompHistogram[] = {
    {"larger zero bucket in first histogram",
     F{.zt = 1,
       .zc = 17,
       .count = 21,
       .sum = 1.234,
       .ps = {{1, 2}, {0, 3}},
       .ns = {{4, 2}, {1, 2}},
       .pb = {2, 3, 6, 2, 5},
       .nb = {1, 1, 4, 4}},
     F{.zt = 1,
       .ps = {{1, 2}, {0, 3}},
       .ns = {{4, 2}, {1, 2}},
       .pb = {0.02, 0.03, 0.06, 0.02, 0.05},
       .nb = {0.01, 0.01, 0.04, 0.04}},
     F{.zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 2.345,
       .ps = {{-2, 2}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 0, 3, 4, 7},
       .nb = {3, 1, 5, 6}},
     F{.zt = 1,
       .zc = 29,
       .count = 51,
       .sum = 3.579,
       .ps = {{1, 2}, {0, 3}},
       .ns = {{3, 3}, {1, 3}},
       .pb = {2.02, 6.03, 10.06, 9.02, 5.05},
       .nb = {3, 2.01, 1.01, 4.04, 9.04, 6}},
     "", false, false},
    {"smaller zero bucket in first histogram",
     F{.zt = 0.01,
       .zc = 11,
       .count = 40,
       .sum = 2.345,
       .ps = {{-2, 2}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {1, 2, 3, 4, 7},
       .nb = {3, 1, 5, 6}},
     F{.zt = 0.01,
       .zc = 0,
       .ps = {{-2, 2}, {2, 3}},
       .ns = {{3, 2}, {3, 2}},
       .pb = {0.02, 0.03, 0.06, 0.07, 0.05},
       .nb = {0.01, 0.01, 0.04, 0.04}},
     F{.zt = 1,
       .zc = 17,
       .count = 11,
       .sum = 1.234,
       .ps = {{1, 2}, {0, 3}},
       .ns = {{4, 2}, {1, 2}},
       .pb = {2, 3, 6, 2, 5},
       .nb = {1, 1, 4, 4}},
     F{.zt = 1,
       .zc = 31.05,
       .count = 51,
       .sum = 3.579,
       .ps = {{1, 5}},
       .ns = {{3, 3}, {1, 3}},
       .pb = {2, 6.06, 10.07, 9.05, 5},
       .nb = {3.01, 2.01, 1, 4, 9.04, 6.04}},
     "", false, false},
    {"first histogram contains zero buckets and Compact is called",
     F{.zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 2.345,
       .ps = {{-2, 2}, {1, 1}, {1, 3}},
       .pb = {1, 3, 3, 0, 7, -6}},
     F{.zt = 0.01, .ps = {{-2, 2}, {1, 1}, {1, 3}}, .pb = {7, 2, 0.03, 0, 0.05, 0.06}},
     F{.zt = 1, .zc = 17, .count = 21, .sum = 1.234, .ps = {{1, 2}, {1, 2}}, .pb = {2, 3, 2, 5}},
     F{.zt = 1,
       .zc = 41,
       .count = 51,
       .sum = 3.579,
       .ps = {{1, 2}, {1, 2}},
       .pb = {5.03, 3, 9.05, -0.94}},
     "", false, false},
    {"reduce resolution",
     F{.schema = 2,
       .zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 2.345,
       .ps = {{-2, 2}, {1, 1}, {1, 3}},
       .pb = {1, 3, 1e+100, 0, 7, -6}},
     F{.schema = 2,
       .zt = 0.01,
       .zc = 1,
       .ps = {{-2, 2}, {1, 1}, {1, 3}},
       .pb = {7, 2, 0.03, 0, 0.05, 0.06}},
     F{.schema = 1,
       .zt = 1,
       .zc = 17,
       .count = 21,
       .sum = 1.234,
       .ps = {{1, 2}, {1, 2}},
       .pb = {-1e+100, 3, 2, 5}},
     F{.schema = 1,
       .zt = 1,
       .zc = 42,
       .count = 51,
       .sum = 3.579,
       .ps = {{1, 5}},
       .pb = {0.03, 10.05, -5.94, 2, 5}},
     "", false, false},
    {"reduce resolution of 'other' histogram",
     F{.schema = 0,
       .zt = 1,
       .zc = 17,
       .count = 21,
       .sum = 1.234,
       .ps = {{1, 2}, {1, 2}},
       .pb = {2, 3, 2, 5}},
     F{.schema = 0, .zt = 1, .zc = 1, .ps = {{1, 2}, {1, 2}}, .pb = {17, 2, 0.03, 0}},
     F{.schema = 2,
       .zt = 0.01,
       .zc = 11,
       .count = 30,
       .sum = 2.345,
       .ps = {{-2, 3}, {1, 1}, {1, 3}},
       .pb = {1e+100, 4.1, -1e+100, 2.1, 0, 7, -6}},
     F{.schema = 0,
       .zt = 1,
       .zc = 33.1,
       .count = 51,
       .sum = 3.579,
       .ps = {{1, 2}, {1, 2}},
       .pb = {21.1, 6, 2.03, 5}},
     "", false, false},
    {"warn on counter reset hint collision", F{.hint = H::kCounterReset, .schema = -53},
     std::nullopt, F{.hint = H::kNotCounterReset, .schema = -53}, std::nullopt, "", true, false},
};

TEST(FloatHistogramMul, UpstreamTable) {
  for (const ScaleCase& c : kFloatHistogramMul) {
    SCOPED_TRACE(c.name);
    FloatHistogram h = c.in.H();
    FloatHistogram& r = h.Mul(c.factor);
    EXPECT_EQ(&r, &h);
    EXPECT_EQ(h, c.expected.H()) << h.TestExpression();
  }
}

TEST(FloatHistogramDiv, UpstreamTable) {
  for (const ScaleCase& c : kFloatHistogramDiv) {
    SCOPED_TRACE(c.name);
    FloatHistogram h = c.in.H();
    h.Div(c.factor);
    EXPECT_EQ(h, c.expected.H()) << h.TestExpression();
  }
}

TEST(FloatHistogramDiv, ZeroByZeroIsNaN) {
  FloatHistogram h = F{.zt = 0.01, .ps = {{0, 1}}, .pb = {0}}.H();
  h.Div(0);
  EXPECT_TRUE(std::isnan(h.count));
  EXPECT_TRUE(std::isnan(h.zero_count));
  EXPECT_TRUE(h.positive_spans.empty());
  EXPECT_EQ(h.counter_reset_hint, H::kUnknown);
  FloatHistogram g = F{.count = 4, .ps = {{0, 1}}, .pb = {4}}.H();
  g.Div(-2);
  EXPECT_EQ(g.counter_reset_hint, H::kGauge);
  EXPECT_EQ(g.positive_buckets, std::vector<double>{-2});
}

TEST(FloatHistogramDetectReset, UpstreamTable) {
  for (const ResetCase& c : kFloatHistogramDetectReset) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(c.current.H().DetectReset(c.previous.H()), c.reset);
  }
}

TEST(FloatHistogramCopyToSchema, UpstreamTable) {
  for (const SchemaCase& c : kFloatHistogramCopyToSchema) {
    SCOPED_TRACE(c.name);
    FloatHistogram in = c.in.H();
    auto got = in.CopyToSchema(c.target);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, c.expected.H()) << got->TestExpression();
    EXPECT_EQ(in, c.in.H());
  }
}

TEST(FloatHistogramCopyToSchema, Errors) {
  FloatHistogram e = F{.schema = 1}.H();
  EXPECT_EQ(e.CopyToSchema(2).status().message(), "cannot copy from schema 1 to 2");
  EXPECT_EQ(e.CopyToSchema(kCustomBucketsSchema).status().message(),
            "cannot reduce resolution to custom buckets schema");
  FloatHistogram c = F{.schema = kCustomBucketsSchema, .cv = {1}}.H();
  EXPECT_EQ(c.CopyToSchema(0).status().message(),
            "cannot reduce resolution to 0 when there are custom buckets");
  FloatHistogram bad = F{.schema = 2, .ps = {{0, 3}}, .pb = {1}}.H();
  EXPECT_FALSE(bad.CopyToSchema(0).ok());
  EXPECT_FALSE(bad.ReduceResolution(0).ok());
  EXPECT_EQ(e.ReduceResolution(1).message(), "cannot reduce resolution from schema 1 to 1");
}

TEST(FloatHistogramReduceResolution, MergesBuckets) {
  FloatHistogram h = F{
      .schema = 0,
      .ps = {{-2, 4}, {0, 0}, {3, 2}},
      .ns = {{0, 3}},
      .pb = {1, 2.5, 1, 1, 3, 5},
      .nb = {1, 2, 3}}.H();
  ASSERT_TRUE(h.ReduceResolution(-1).ok());
  // Indexes -2..1 map to -1, 0, 0, 1; 5, 6 map to 3, 3.
  FloatHistogram want =
      F{.schema = -1, .ps = {{-1, 3}, {1, 1}}, .ns = {{0, 2}}, .pb = {1, 3.5, 1, 8}, .nb = {1, 5}}
          .H();
  EXPECT_EQ(h, want) << h.TestExpression();
}

TEST(KahanAddWithCompHistogram, UpstreamTable) {
  for (const KahanCase& c : kKahanAddWithCompHistogram) {
    SCOPED_TRACE(c.name);
    FloatHistogram res = c.in1.H();
    std::optional<FloatHistogram> comp;
    if (c.comp) comp = c.comp->H();
    auto info = res.KahanAdd(c.in2.H(), &comp);
    if (*c.err != 0) {
      ASSERT_FALSE(info.ok());
      EXPECT_EQ(info.status().message(), c.err);
      continue;
    }
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->counter_reset_collision, c.collision);
    EXPECT_EQ(info->nhcb_bounds_reconciled, c.reconciled);
    ASSERT_TRUE(comp.has_value());
    EXPECT_EQ(comp->positive_spans, res.positive_spans);
    EXPECT_EQ(comp->negative_spans, res.negative_spans);
    ASSERT_TRUE(res.Add(*comp).ok());
    if (c.expected) {
      FloatHistogram want = c.expected->H();
      res.Compact(0);
      want.Compact(0);
      EXPECT_EQ(res, want) << res.TestExpression() << " vs " << want.TestExpression();
    }
  }
}

TEST(KahanAdd, CompensatesRounding) {
  // 1e16 + 1 + 1 loses both ones in plain float addition; the compensation keeps them.
  FloatHistogram sum = F{.count = 1e16, .sum = 1e16, .ps = {{0, 1}}, .pb = {1e16}}.H();
  FloatHistogram one = F{.count = 1, .sum = 1, .ps = {{0, 1}}, .pb = {1}}.H();
  std::optional<FloatHistogram> comp;
  ASSERT_TRUE(sum.KahanAdd(one, &comp).ok());
  ASSERT_TRUE(sum.KahanAdd(one, &comp).ok());
  EXPECT_EQ(sum.count, 1e16);
  EXPECT_EQ(comp->count, 2);
  EXPECT_EQ(comp->positive_buckets, std::vector<double>{2});
  ASSERT_TRUE(sum.Add(*comp).ok());
  EXPECT_EQ(sum.count, 1e16 + 2);
  EXPECT_EQ(sum.positive_buckets, std::vector<double>{1e16 + 2});
}

TEST(KahanAdd, Errors) {
  FloatHistogram exp = F{.count = 1}.H();
  FloatHistogram nhcb = F{.schema = kCustomBucketsSchema, .cv = {1}}.H();
  std::optional<FloatHistogram> comp;
  EXPECT_EQ(exp.KahanAdd(nhcb, &comp).status().message(), kErrHistogramsIncompatibleSchema);
  std::optional<FloatHistogram> bad = F{.ps = {{0, 1}}, .pb = {1}}.H();
  auto r = exp.KahanAdd(exp, &bad);
  EXPECT_FALSE(r.ok());
}

TEST(FloatHistogramAdd, RejectsBadLayouts) {
  FloatHistogram good = F{.count = 1, .ps = {{0, 1}}, .pb = {1}}.H();
  const F bad[] = {
      F{.ps = {{0, 2}}, .pb = {1}},
      F{.ns = {{0, 1}}},
      F{.ps = {{0, 1}, {-1, 1}}, .pb = {1, 1}},
      F{.zt = kNaN},
      F{.schema = 9},
      F{.schema = kCustomBucketsSchema, .ps = {{-1, 1}}, .pb = {1}, .cv = {1}},
  };
  for (const F& f : bad) {
    FloatHistogram h = f.H();
    SCOPED_TRACE(h.TestExpression());
    if (h.UsesCustomBuckets()) {
      FloatHistogram c = F{.schema = kCustomBucketsSchema, .cv = {1}}.H();
      EXPECT_FALSE(c.Add(h).ok());
      EXPECT_FALSE(h.Sub(c).ok());
      continue;
    }
    FloatHistogram g = good;
    EXPECT_FALSE(g.Add(h).ok());
    EXPECT_EQ(g, good);
    EXPECT_FALSE(h.Sub(good).ok());
  }
}

TEST(FloatHistogramEquals, Semantics) {
  FloatHistogram a = F{
      .schema = 3,
      .zt = 0.1,
      .zc = 1.1,
      .count = 2.2,
      .sum = 9.7,
      .ps = {{0, 1}},
      .ns = {{0, 1}},
      .pb = {3},
      .nb = {4}}.H();
  EXPECT_TRUE(a.Equals(a));
  FloatHistogram b = a;
  b.counter_reset_hint = H::kGauge;  // not compared
  EXPECT_TRUE(a.Equals(b));
  b = a;
  b.positive_spans = {{0, 0}, {0, 1}, {2, 0}};  // zero-length spans are ignored
  EXPECT_TRUE(a.Equals(b));
  b = a;
  b.positive_spans = {{1, 1}};
  EXPECT_FALSE(a.Equals(b));
  b = a;
  b.sum = kNaN;
  FloatHistogram c = b;
  EXPECT_TRUE(b.Equals(c)) << "NaN sums of equal bits are equal";
  EXPECT_FALSE(a.Equals(b));
  b = a;
  b.zero_count = 1.2;
  EXPECT_FALSE(a.Equals(b));
  b = a;
  b.zero_threshold = 0.2;
  EXPECT_FALSE(a.Equals(b));
  b = a;
  b.negative_buckets = {5};
  EXPECT_FALSE(a.Equals(b));
  b = a;
  b.schema = 2;
  EXPECT_FALSE(a.Equals(b));
  // Custom values count only for custom buckets.
  b = a;
  b.custom_values = {1, 2};
  EXPECT_TRUE(a.Equals(b));
  FloatHistogram n1 = F{.schema = kCustomBucketsSchema, .cv = {1, 2}}.H();
  FloatHistogram n2 = F{.schema = kCustomBucketsSchema, .cv = {1, 3}}.H();
  EXPECT_FALSE(n1.Equals(n2));
  EXPECT_TRUE(n1.Equals(n1));
}

TEST(CustomBucketBoundsMatch, Table) {
  EXPECT_TRUE(CustomBucketBoundsMatch({}, {}));
  EXPECT_TRUE(CustomBucketBoundsMatch({1, 2}, {1, 2}));
  EXPECT_FALSE(CustomBucketBoundsMatch({1, 2}, {1, 2, 3}));
  EXPECT_FALSE(CustomBucketBoundsMatch({1, 2}, {1, 3}));
  EXPECT_FALSE(CustomBucketBoundsMatch({kNaN}, {kNaN}));
}

TEST(FloatHistogram, SizeAndOverflow) {
  FloatHistogram h = F{.ps = {{0, 2}}, .ns = {{0, 1}}, .pb = {1, 2}, .nb = {3}}.H();
  EXPECT_EQ(h.Size(), 168 + 8 * 5);
  EXPECT_FALSE(h.HasOverflow());
  h.negative_buckets[0] = -kInf;
  EXPECT_TRUE(h.HasOverflow());
  h.negative_buckets[0] = 0;
  h.sum = kInf;
  EXPECT_TRUE(h.HasOverflow());
}

}  // namespace
}  // namespace promkit::model
