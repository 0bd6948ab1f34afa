#pragma once
// How the repl prints query results: an aligned table (one column per label, series sorted),
// CSV, the Prometheus HTTP API's JSON body, and a terminal graph of range results drawn with
// braille characters (2x4 dots per cell), with y-axis labels, a time axis and a legend, sized
// to the terminal. Colour (ANSI SGR) only when asked for. Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/labels.h"
#include "promql/engine.h"
#include "promql/value.h"

namespace promkit::cli::repl {

struct RenderOptions {
  bool color = false;
  int width = 80;   // terminal columns the output must fit (graph; tables are not cut)
  int height = 12;  // graph plot rows
};

// A sample value for people: Go's shortest 'f' form, 'e' from 1e21 and below 1e-6 (as the
// API's JSON), "NaN", "+Inf", "-Inf".
std::string FormatValue(double v);
// A series as Prometheus writes it: `name{a="b", c="d"}` (labels other than the name in
// braces, "{}" when there are none); label names and values coloured with `color`.
std::string FormatMetric(const model::Labels& ls, bool color);

// Instant vectors as a table (a column per label name, __name__ first, then "value"), scalars
// and strings as their value, matrices (from a range selector or a range query) as one row per
// point with a "time" column (RFC 3339). Ends with a newline; "(no series)" for an empty result.
std::string RenderTable(const promql::Value& v, const RenderOptions& opts);

// RFC 4180 CSV with a header row: label columns, then "timestamp" (Unix seconds) and "value".
std::string RenderCsv(const promql::Value& v);

// The body /api/v1/query (or query_range) would answer, on one line, and a newline.
std::string RenderJson(const promql::Result& r);
// The API's body for a request that did not parse: bad_data, `invalid parameter "query": ...`.
std::string RenderJsonError(std::string_view error_type, std::string_view message);

// A graph of `m` over [start_ms, end_ms] (points `step_ms` apart; a larger gap breaks a line).
// Lines are at most opts.width columns wide (the legend is cut to fit).
std::string RenderGraph(const promql::Matrix& m, int64_t start_ms, int64_t end_ms, int64_t step_ms,
                        const RenderOptions& opts);

// A list of label sets (.series), one per line, sorted.
std::string RenderSeriesList(std::vector<model::Labels> series, bool color);

// The number of terminal columns `s` takes: UTF-8 sequences count one, ANSI escapes none.
size_t DisplayWidth(std::string_view s);

}  // namespace promkit::cli::repl
