#pragma once
// An in-memory metric-family model (shaped like io.prometheus.client.MetricFamily) and a parser
// of the Prometheus text format 0.0.4 into it with the semantics of prometheus/common's
// expfmt.TextParser (TextToMetricFamilies): same acceptance, same error messages, same merging
// of summary/histogram lines into one metric, and the same quirks (a line with only a label set
// `{a="b"} 1` re-uses the previous line's metric object, as upstream does). This is what
// `promtool check metrics` lints; the streaming Parser in parser.h is what scrapes use.
// Thread-safety: values; ParseTextFamilies is reentrant.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace promkit::textparse {

// io.prometheus.client.MetricType; the numeric values are the protobuf enum's.
enum class FamilyType : uint8_t {
  kCounter = 0,
  kGauge = 1,
  kSummary = 2,
  kUntyped = 3,
  kHistogram = 4,
  kGaugeHistogram = 5,
};

// "COUNTER", "GAUGE", "SUMMARY", "UNTYPED", "HISTOGRAM", "GAUGE_HISTOGRAM" (the enum's names).
std::string_view FamilyTypeName(FamilyType t);

// How metric and label names are validated (common/model.ValidationScheme).
enum class NameValidation : uint8_t {
  kLegacy,  // [a-zA-Z_:][a-zA-Z0-9_:]* (labels without ':')
  kUtf8,    // any non-empty valid UTF-8
};

struct LabelPair {
  std::string name;
  std::string value;
  friend bool operator==(const LabelPair&, const LabelPair&) = default;
};

struct Quantile {
  double quantile = 0;
  double value = 0;
};

struct Summary {
  std::optional<uint64_t> sample_count;
  std::optional<double> sample_sum;
  std::vector<Quantile> quantiles;
};

struct Bucket {
  double upper_bound = 0;
  // Exactly one is set: an integral count, or a float one for non-integral populations.
  std::optional<uint64_t> cumulative_count;
  std::optional<double> cumulative_count_float;
};

struct Histogram {
  std::optional<uint64_t> sample_count;
  std::optional<double> sample_count_float;
  std::optional<double> sample_sum;
  std::vector<Bucket> buckets;
};

struct Metric {
  // In input order, without `quantile` (summaries) and `le` (histograms). Not deduplicated.
  std::vector<LabelPair> labels;
  std::optional<double> counter;
  std::optional<double> gauge;
  std::optional<double> untyped;
  std::unique_ptr<Summary> summary;
  std::unique_ptr<Histogram> histogram;
  std::optional<int64_t> timestamp_ms;
};

struct MetricFamily {
  std::string name;
  std::optional<std::string> help;
  // Unset only when samples reached the family through upstream's `{labels} value` quirk after a
  // HELP line; type() then reads as counter, as protobuf's getter does.
  std::optional<FamilyType> declared_type;
  // Indices into ParsedFamilies::metrics. The same index may appear twice (upstream quirk).
  std::vector<uint32_t> metrics;

  FamilyType type() const { return declared_type.value_or(FamilyType::kCounter); }
};

// The result of a parse. Families are in order of first appearance (upstream returns a map);
// families without metrics are dropped as upstream does.
struct ParsedFamilies {
  std::vector<MetricFamily> families;
  std::vector<Metric> metrics;

  const Metric& metric(uint32_t index) const { return metrics[index]; }
};

// Where and why parsing stopped. `message` is upstream's ParseError.Msg; the Status returned by
// ParseTextFamilies reads "text format parsing error in line <line>: <message>".
struct TextParseErrorInfo {
  int line = 0;
  size_t offset = 0;  // byte offset of the offending byte (text.size() at the end of input)
  std::string message;
};

// Parses `text` (the whole exposition). On failure returns InvalidArgument and, when `info` is
// not null, fills it.
util::Result<ParsedFamilies> ParseTextFamilies(std::string_view text, NameValidation scheme,
                                               TextParseErrorInfo* info = nullptr);

// Go's strconv.ParseFloat(s, 64) as expfmt uses it: rejects 'p', 'P' and '_' anywhere, accepts
// decimal and special ("Inf", "+inf", "infinity", "NaN") forms, fails on overflow.
std::optional<double> ParseExpfmtFloat(std::string_view s);

}  // namespace promkit::textparse
