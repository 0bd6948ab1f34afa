#pragma once
// A stand-in parser for PromQL series selectors (`name{l="v", l2=~"re"}`), enough for
// `tsdb dump --match` until lib/promql/parser exists. TODO(#4): switch callers to the PromQL
// parser's ParseMetricSelector and delete this file.
// Accepts: an optional metric name (identifier with ':'), braces with matchers separated by
// commas (a trailing comma allowed), label names as identifiers or quoted strings, a quoted
// string alone in braces as the metric name, values in "...", '...' or `...` with Go escapes.
// Errors read "1:<col>: parse error: <what>" as the PromQL parser words them where it can.
// Pure function; thread-safe.

#include <string_view>
#include <vector>

#include "model/matchers.h"
#include "util/status.h"

namespace promkit::tsdb {

util::Result<std::vector<model::Matcher>> ParseSelectorStopgap(std::string_view input);

}  // namespace promkit::tsdb
