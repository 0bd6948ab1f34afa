#pragma once
// Metric and label name validation as github.com/prometheus/common/model (metric.go, labels.go)
// defines it. Prometheus 3.x validates with the UTF-8 scheme by default; the legacy scheme is what
// scrape configs may still ask for, and what printers use to decide whether a name needs quotes.
// All functions are pure and thread-safe.

#include <string_view>

namespace promkit::model {

enum class ValidationScheme {
  kUtf8,    // any non-empty valid UTF-8 string (the 3.x default)
  kLegacy,  // [a-zA-Z_:][a-zA-Z0-9_:]* for metric names, [a-zA-Z_][a-zA-Z0-9_]* for label names
};

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsLegacyMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*
bool IsLegacyLabelName(std::string_view name);

bool IsValidMetricName(std::string_view name, ValidationScheme scheme = ValidationScheme::kUtf8);
bool IsValidLabelName(std::string_view name, ValidationScheme scheme = ValidationScheme::kUtf8);
// Label values may be any valid UTF-8 string, including the empty one.
bool IsValidLabelValue(std::string_view value);

}  // namespace promkit::model
