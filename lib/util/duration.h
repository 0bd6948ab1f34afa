#pragma once
// Durations in the two syntaxes Prometheus users meet:
//  * Prometheus durations (prometheus/common model.ParseDuration / Duration.String): units
//    y w d h m s ms, each at most once and in that order, e.g. "1y2w3d4h5m6s7ms"; "0" alone is
//    allowed. Values are int64 milliseconds (a year is 365 days).
//  * Go durations (time.ParseDuration / time.Duration.String): signed, fractional, units
//    ns us µs μs ms s m h in any order, e.g. "1.5s", "-2h", "1m30s". Values are int64 nanoseconds.
// Error messages are upstream's, word for word. Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace promkit::util {

// model.ParseDuration. The total must fit a Go time.Duration (int64 nanoseconds, ~292 years).
// Errors: `empty duration string`, `not a valid duration string: "<s>"`,
// `unknown unit "<u>" in duration "<s>"`, `duration out of range` (strings as Go's %q).
Result<int64_t> ParseDuration(std::string_view s);
// model.ParseDurationAllowNegative: a leading '-' negates what ParseDuration parses of the rest.
Result<int64_t> ParseDurationAllowNegative(std::string_view s);
// model.Duration.String: "0s" for zero; years and weeks only when they divide the rest exactly
// ("90d", not "12w6d"); e.g. 5400000 -> "1h30m", -1500 -> "-1s500ms".
std::string FormatDuration(int64_t ms);

// time.ParseDuration. Errors: `time: invalid duration "<s>"`, `time: missing unit in duration
// "<s>"`, `time: unknown unit "<u>" in duration "<s>"` (quoted the way package time does:
// bytes outside printable ASCII as \xNN).
Result<int64_t> ParseGoDuration(std::string_view s);
// time.Duration.String: e.g. "1h30m0s", "1.5s", "300ms", "1µs" (U+00B5), "0s", "-2h0m0s".
std::string FormatGoDuration(int64_t ns);

}  // namespace promkit::util
