#pragma once
// Context-sensitive completion of PromQL for the repl: what may be typed at the cursor, found by
// scanning the statement up to it (brackets, strings, the last token), and the candidates for
// that context from a CompletionSource (the data directory's index).
//   start of an operand        functions, aggregations, metric names (+ "bool", "on", ... where
//                              a binary operator allows them)
//   after an operand           and or unless atan2 offset (+ by without after an aggregation)
//   after an aggregation name  by without
//   {  or ,  inside braces     label names (of the selector's metric when it names one)
//   after = != =~ !~           label values, quoted (of that label, for the selector's metric)
//   by(...) on(...) ...        label names (of the metrics the statement mentions)
//   [ ... ] and after offset   durations
// Pure functions over the source; thread-compatible.

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace promkit::cli::repl {

enum class CompletionKind : uint8_t {
  kNone,
  kExpression,    // an operand starts here
  kAfterOperand,  // a binary operator or modifier may follow (keywords only)
  kLabelName,
  kLabelValue,
  kGroupingLabel,
  kDuration,
};

struct CompletionContext {
  CompletionKind kind = CompletionKind::kNone;
  size_t word_start = 0;  // byte offset of the word the candidates replace
  std::string prefix;     // the text from word_start to the cursor
  // kLabelName, kLabelValue: the selector's metric name ("" when it names none).
  std::string metric;
  std::string label;  // kLabelValue: the matcher's label name
  char quote = 0;     // kLabelValue: the opening quote already typed, 0 when none
  // Keywords that are valid here ("by", "bool", "group_left", ...), offered with the rest.
  std::vector<std::string> keywords;
  // kGroupingLabel: the metric names the statement mentions, to scope the label names.
  std::vector<std::string> metrics;
};

// Analyses `text`, the statement from its start to the cursor (earlier lines of a multi-line
// statement included).
CompletionContext AnalyzeCompletion(std::string_view text);

// Where completion data comes from. Results are sorted and unique; implementations cache.
class CompletionSource {
 public:
  virtual ~CompletionSource() = default;
  virtual const std::vector<std::string>& MetricNames() = 0;
  // Label names of the series of `metrics`; of all series when `metrics` is empty.
  virtual std::vector<std::string> LabelNames(std::span<const std::string> metrics) = 0;
  // Values of `label` among the series of `metric` (of all series when it is "").
  virtual const std::vector<std::string>& LabelValues(const std::string& label,
                                                      const std::string& metric) = 0;
};

// The sorted union of the label names of several metrics, each list from `names_of` (a
// CompletionSource's cache); for CompletionSource::LabelNames with metrics.
std::vector<std::string> UnionOfLabelNames(
    std::span<const std::string> metrics,
    const std::function<const std::vector<std::string>&(const std::string&)>& names_of);

// Options of the language that change what is offered.
struct CompletionOptions {
  bool experimental_functions = false;  // offer experimental functions and limitk/limit_ratio
};

// The candidates for `ctx`, each a full replacement of text[word_start, cursor), sorted and
// unique, all starting with ctx.prefix except label values typed without a quote.
std::vector<std::string> Complete(const CompletionContext& ctx, CompletionSource& source,
                                  const CompletionOptions& opts = {});

// Completion of a whole repl statement up to the cursor: dot-command names, their arguments
// (.format and .stats values, label names for .labels, metric names for .metrics, PromQL for
// .explain and .series), else PromQL as above.
struct StatementCompletion {
  size_t word_start = 0;  // byte offset in the statement of the text the candidates replace
  std::vector<std::string> candidates;
};
StatementCompletion CompleteStatement(std::string_view text, CompletionSource& source,
                                      const CompletionOptions& opts = {});

// A label value as a PromQL string literal body for `quote` (" or '), with the closing quote.
// Values a backtick string cannot hold (containing '`') give "".
std::string QuoteLabelValue(std::string_view value, char quote);

}  // namespace promkit::cli::repl
