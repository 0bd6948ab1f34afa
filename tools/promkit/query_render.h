#pragma once
// The printers of `query` (query_render.cpp): promtool's -o promql and -o json output of API
// results, and promkit's -o table. Pure functions of the response.

#include <cstdint>
#include <string>

#include "promql/api.h"

namespace promkit::cli {

enum class QueryEndpoint { kInstant, kRange, kSeries, kLabels };

// model.Time.String(): seconds since the epoch, shortest 'f' ("1700000000.5").
std::string ModelTime(int64_t ms);

// promtool's promqlPrinter: the value's String() form (vector lines `metric => v @[t]`, matrix
// blocks `metric =>` then `v @[t]` lines, sorted as model.Matrix sorts, `scalar: v @[t]`),
// series as label sets, label values one a line. Ends with a newline (an empty vector prints
// an empty line, as promtool).
std::string PromqlOutput(QueryEndpoint ep, const promql::ApiResponse& r);

// promtool's jsonPrinter: encoding/json of the model value, series or label values, one line.
std::string JsonOutput(QueryEndpoint ep, const promql::ApiResponse& r);

// -o table: aligned columns for people; empty for an empty result.
std::string TableOutput(QueryEndpoint ep, const promql::ApiResponse& r);

}  // namespace promkit::cli
