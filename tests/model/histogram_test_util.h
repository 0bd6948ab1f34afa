#pragma once
// Test helpers for native histogram tests: F is a FloatHistogram spelled with designated
// initializers (the field names of upstream's tests, shortened), so that tables read like
// upstream's test cases.

#include <cfloat>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "model/histogram.h"

namespace promkit::model::testing {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using H = CounterResetHint;

struct F {
  CounterResetHint hint = CounterResetHint::kUnknown;
  int32_t schema = 0;
  double zt = 0;
  double zc = 0;
  double count = 0;
  double sum = 0;
  std::vector<Span> ps;
  std::vector<Span> ns;
  std::vector<double> pb;
  std::vector<double> nb;
  std::vector<double> cv;

  FloatHistogram H() const {
    FloatHistogram h;
    h.counter_reset_hint = hint;
    h.schema = schema;
    h.zero_threshold = zt;
    h.zero_count = zc;
    h.count = count;
    h.sum = sum;
    h.positive_spans = ps;
    h.negative_spans = ns;
    h.positive_buckets = pb;
    h.negative_buckets = nb;
    h.custom_values = cv;
    return h;
  }
};

}  // namespace promkit::model::testing
