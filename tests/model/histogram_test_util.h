#pragma once
// Test helpers for native histogram tests: F is a FloatHistogram spelled with designated
// initializers (the field names of upstream's tests, shortened), so that tables read like
// upstream's test cases.

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/histogram.h"
#include "util/numbers.h"
#include "util/strings.h"

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

// Parses the promqltest notation of one histogram, "{{schema:0 count:4 sum:5 buckets:[1 2 1]
// offset:1 z_bucket:1 z_bucket_w:0.5 n_buckets:[...] n_offset:-1 custom_values:[...]}}", into
// a FloatHistogram with one span per side. Aborts the test on malformed input via *ok=false.
inline FloatHistogram ParseTestHistogram(std::string_view s, bool* ok) {
  *ok = true;
  FloatHistogram h;
  auto num = [&](std::string_view v) {
    auto r = util::ParseFloat(v);
    if (!r.ok()) {
      *ok = false;
      return 0.0;
    }
    return *r;
  };
  auto list = [&](std::string_view v) {
    std::vector<double> out;
    if (v.size() < 2 || v.front() != '[' || v.back() != ']') {
      *ok = false;
      return out;
    }
    for (std::string_view part : util::SplitString(v.substr(1, v.size() - 2), " ")) {
      if (!part.empty()) out.push_back(num(part));
    }
    return out;
  };
  if (s.size() < 4 || s.substr(0, 2) != "{{" || s.substr(s.size() - 2) != "}}") {
    *ok = false;
    return h;
  }
  s = s.substr(2, s.size() - 4);
  int32_t offset = 0, n_offset = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    if (s[pos] == ' ') {
      ++pos;
      continue;
    }
    size_t colon = s.find(':', pos);
    if (colon == std::string_view::npos) {
      *ok = false;
      return h;
    }
    std::string_view key = s.substr(pos, colon - pos);
    size_t end = colon + 1;
    if (end < s.size() && s[end] == '[') {
      end = s.find(']', end);
      if (end == std::string_view::npos) {
        *ok = false;
        return h;
      }
      ++end;
    } else {
      end = s.find(' ', end);
      if (end == std::string_view::npos) end = s.size();
    }
    std::string_view val = s.substr(colon + 1, end - colon - 1);
    pos = end;
    if (key == "schema") {
      h.schema = static_cast<int32_t>(num(val));
    } else if (key == "count") {
      h.count = num(val);
    } else if (key == "sum") {
      h.sum = num(val);
    } else if (key == "z_bucket") {
      h.zero_count = num(val);
    } else if (key == "z_bucket_w") {
      h.zero_threshold = num(val);
    } else if (key == "buckets") {
      h.positive_buckets = list(val);
    } else if (key == "n_buckets") {
      h.negative_buckets = list(val);
    } else if (key == "offset") {
      offset = static_cast<int32_t>(num(val));
    } else if (key == "n_offset") {
      n_offset = static_cast<int32_t>(num(val));
    } else if (key == "custom_values") {
      h.custom_values = list(val);
    } else if (key == "counter_reset_hint") {
      if (val == "reset")
        h.counter_reset_hint = CounterResetHint::kCounterReset;
      else if (val == "not_reset")
        h.counter_reset_hint = CounterResetHint::kNotCounterReset;
      else if (val == "gauge")
        h.counter_reset_hint = CounterResetHint::kGauge;
    } else {
      *ok = false;
    }
  }
  if (!h.positive_buckets.empty()) {
    h.positive_spans = {{offset, static_cast<uint32_t>(h.positive_buckets.size())}};
  }
  if (!h.negative_buckets.empty()) {
    h.negative_spans = {{n_offset, static_cast<uint32_t>(h.negative_buckets.size())}};
  }
  return h;
}

// promqltest's float comparison (almost.Equal with epsilon 1e-6): exact, both NaN, or a
// relative difference below epsilon.
inline bool AlmostEqual(double a, double b, double epsilon = 1e-6) {
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  constexpr double kMinNormal = 2.2250738585072014e-308;
  double abs_sum = std::fabs(a) + std::fabs(b);
  double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < kMinNormal) return diff < epsilon * kMinNormal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

}  // namespace promkit::model::testing
