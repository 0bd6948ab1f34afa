#pragma once
// Parsing PromQL expressions, metric selectors and series descriptions (upstream's
// promql/parser Parser). A hand-written precedence-climbing parser over Lexer that reports
// upstream's errors word for word with their byte ranges.
// Thread-safety: the functions are reentrant; results are plain values.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/histogram.h"
#include "model/labels.h"
#include "model/matchers.h"
#include "promql/parser/ast.h"
#include "util/status.h"

namespace promkit::promql::parser {

// Upstream's parser.Options (and Prometheus's feature flags that set them).
struct Options {
  bool experimental_functions = false;    // promql-experimental-functions (and limitk/limit_ratio)
  bool duration_expr = false;             // promql-duration-expr: step(), 5m+1m, ...
  bool extended_range_selectors = false;  // promql-extended-range-selectors: anchored/smoothed
  bool binop_fill_modifiers = false;      // promql-binop-fill-modifiers: fill(), fill_left() ...
};

// One parse error: upstream's ParseErr.
struct ParseErr {
  PositionRange range;
  std::string msg;

  // "1:14: parse error: <msg>" for `query` (line:col of range.start; "unknown position" for an
  // empty query, "invalid position" for a start outside it).
  std::string Error(std::string_view query) const;
};

// Every error of a failed parse, in the order upstream reports them. The Status of a failed
// parse holds the first one's Error() text.
struct ParseErrors {
  std::vector<ParseErr> errors;
};

// Parses a PromQL expression. On failure the Status message is errors[0].Error(input) and,
// when `errors` is given, it receives all of them.
util::Result<ExprPtr> ParseExpr(std::string_view input, const Options& opts = {},
                                ParseErrors* errors = nullptr);

// Parses a series selector such as `foo{a="b"}` (upstream's ParseMetricSelector).
util::Result<std::vector<model::Matcher>> ParseMetricSelector(std::string_view input,
                                                              ParseErrors* errors = nullptr);

// One value of a series description: a float (stale markers are the StaleNaN bit pattern), a
// native histogram ({{...}}), or an omitted sample ("_").
struct SequenceValue {
  SequenceValue() = default;
  SequenceValue(double v, bool omit) : value(v), omitted(omit) {}
  SequenceValue(std::shared_ptr<const model::FloatHistogram> h, bool hint_set)
      : histogram(std::move(h)), counter_reset_hint_set(hint_set) {}

  double value = 0;
  bool omitted = false;
  std::shared_ptr<const model::FloatHistogram> histogram;  // set for a histogram value
  // Whether the histogram description gave counter_reset_hint explicitly (promqltest then
  // compares the hint).
  bool counter_reset_hint_set = false;
};

struct SeriesDesc {
  model::Labels labels;
  std::vector<SequenceValue> values;
};

// Parses upstream's series notation (promqltest `load` lines and promtool test input_series):
// `a{b="c"} 1+2x3 _ _x2 stale -1`, and native histograms as upstream writes them:
// `{{schema:0 sum:5 count:4 z_bucket:1 z_bucket_w:0.001 buckets:[1 2 1] offset:1 n_buckets:[1]
// n_offset:0 custom_values:[1 2] counter_reset_hint:gauge}}`, repeated with `x3`, or grown with
// `{{a}}+{{b}}x3` / `{{a}}-{{b}}x3` (a, a+b, a+2b, a+3b).
util::Result<SeriesDesc> ParseSeriesDesc(std::string_view input, ParseErrors* errors = nullptr);

// The StaleNaN bit pattern Prometheus writes for staleness markers.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;

}  // namespace promkit::promql::parser
