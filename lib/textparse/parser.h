#pragma once
// Streaming parsers for the exposition formats a scrape returns (Prometheus text 0.0.4,
// OpenMetrics 1.0 text, protobuf MetricFamily), with one interface shaped like upstream's
// model/textparse Parser. A parser reads a caller-owned buffer; the string_views it returns point
// into that buffer (zero-copy) or into the parser's scratch, and stay valid until the next
// Next(). Thread-safety: none; one parser per goroutine-equivalent.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/histogram.h"
#include "model/labels.h"
#include "util/status.h"

namespace promkit::textparse {

enum class Entry : uint8_t {
  kInvalid = 0,
  kType,
  kHelp,
  kSeries,
  kComment,
  kUnit,
  kHistogram,  // a native histogram sample (protobuf only)
};

// Metric types as the formats name them ("unknown" is also Prometheus text's "untyped").
enum class MetricType : uint8_t {
  kUnknown = 0,
  kCounter,
  kGauge,
  kHistogram,
  kGaugeHistogram,
  kSummary,
  kInfo,
  kStateset,
};

// "counter", "gauge", ..., "unknown" as upstream's model.MetricType strings.
std::string_view MetricTypeName(MetricType t);

struct Exemplar {
  model::Labels labels;
  double value = 0;
  std::optional<int64_t> timestamp_ms;
};

class Parser {
 public:
  virtual ~Parser() = default;

  // Moves to the next entry. Returns false at the end of the input or on the first error; then
  // Err() is OK (clean end) or the error, whose message is in upstream's words and whose
  // offset() points at the offending byte.
  virtual bool Next() = 0;
  virtual Entry entry() const = 0;
  virtual const util::Status& Err() const = 0;
  // Byte offset in the input where the error was found (valid when !Err().ok()).
  virtual size_t error_offset() const = 0;

  // kHelp, kType, kUnit: the metric family name (unquoted and unescaped).
  virtual std::string_view FamilyName() const = 0;
  // kHelp: the help text, unescaped.
  virtual std::string_view HelpText() const = 0;
  // kType
  virtual MetricType Type() const = 0;
  // kUnit
  virtual std::string_view UnitText() const = 0;
  // kComment: the comment line, including its leading '#'.
  virtual std::string_view CommentText() const = 0;

  // kSeries: the series as it appears in the input (a cache key: equal bytes, equal series).
  virtual std::string_view SeriesBytes() const = 0;
  virtual double Value() const = 0;
  // Milliseconds since the epoch, when the sample carries one.
  virtual std::optional<int64_t> Timestamp() const = 0;
  // kSeries/kHistogram: the sample's labels, __name__ included.
  virtual model::Labels Labels() const = 0;
  // Fills `e` with the next exemplar of the current sample; false when there is none left.
  virtual bool NextExemplar(Exemplar* e) = 0;
  // The created timestamp (ms) of the current sample's series, when the format carries one
  // (OpenMetrics `_created`, protobuf created_timestamp).
  virtual std::optional<int64_t> CreatedTimestamp() = 0;

  // kHistogram: the native histogram of the current sample, compacted. Exactly one of the two
  // is non-null: the integer histogram, or the float one when the input carries float counts.
  // The pointee is owned by the parser and valid until the next Next(). Formats without
  // native histograms keep these defaults.
  virtual const model::Histogram* NativeHistogram() const { return nullptr; }
  virtual const model::FloatHistogram* NativeFloatHistogram() const { return nullptr; }
};

}  // namespace promkit::textparse
