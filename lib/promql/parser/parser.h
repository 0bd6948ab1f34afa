#pragma once
// Parsing PromQL expressions, metric selectors and series descriptions (upstream's
// promql/parser Parser). A hand-written precedence-climbing parser over Lexer that reports
// upstream's errors word for word with their byte ranges.
// Thread-safety: the functions are reentrant; results are plain values.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

// One value of a series description: a float (stale markers are the StaleNaN bit pattern) or
// an omitted sample ("_").
struct SequenceValue {
  double value = 0;
  bool omitted = false;
};

struct SeriesDesc {
  model::Labels labels;
  std::vector<SequenceValue> values;
};

// Parses upstream's series notation (promqltest `load` lines and promtool test input_series):
// `a{b="c"} 1+2x3 _ _x2 stale -1`. Native-histogram values ({{...}}) are not supported and
// fail with a clear error.
util::Result<SeriesDesc> ParseSeriesDesc(std::string_view input, ParseErrors* errors = nullptr);

// The StaleNaN bit pattern Prometheus writes for staleness markers.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;

}  // namespace promkit::promql::parser
