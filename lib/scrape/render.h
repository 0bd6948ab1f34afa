#pragma once
// How `promkit scrape` shows its results: the exposition formats (Prometheus text, OpenMetrics),
// one JSON document, or an aligned table. Renderers return strings; lib/ never prints.
// Thread-safety: pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "scrape/scrape_once.h"

namespace promkit::scrape {

enum class OutputFormat { kText, kOpenMetrics, kJson, kTable };

// "text", "openmetrics", "json", "table".
util::Result<OutputFormat> ParseOutputFormat(std::string_view s);

struct RenderOptions {
  bool synthetic = true;   // include up, scrape_duration_seconds, ... (else exposed samples only)
  bool with_lint = false;  // JSON: include each target's "lint" list
};

// A target's result with what the command adds to it.
struct RenderedTarget {
  const TargetResult* result = nullptr;
  // promlint problems as "<metric> <text>" (only with --lint).
  std::vector<std::string> lint;
};

// Prometheus text format: every sample (exposed, then the synthetic series) as
// `name{labels} value [timestamp_ms]`, samples of one metric name kept together. Values as
// expfmt writes them (Go 'g' shortest, +Inf, -Inf, NaN).
std::string RenderText(const std::vector<RenderedTarget>& targets, const RenderOptions& o);
// OpenMetrics 1.0: as text, with OpenMetrics floats ("1.0"), timestamps in seconds and the
// closing "# EOF".
std::string RenderOpenMetrics(const std::vector<RenderedTarget>& targets, const RenderOptions& o);
// One JSON document: {"targets":[{url, job, instance, health, error, content_type,
// scrape_duration_seconds, samples:[{labels, value, timestamp?}], warnings, lint?}]}. Values are
// strings, as in Prometheus's HTTP API (NaN and infinities are not JSON numbers).
std::string RenderJson(const std::vector<RenderedTarget>& targets, const RenderOptions& o);
// Aligned columns NAME, VALUE, TIMESTAMP (when any sample has one) and LABELS last.
std::string RenderTable(const std::vector<RenderedTarget>& targets, const RenderOptions& o);

std::string Render(OutputFormat f, const std::vector<RenderedTarget>& targets,
                   const RenderOptions& o);

// `name{l="v",...}` as the text format spells a series: names that are not legacy-valid are
// quoted (`{"a.b",l="v"}`), values escape \\, \" and \n.
std::string SeriesText(const model::Labels& labels);

}  // namespace promkit::scrape
