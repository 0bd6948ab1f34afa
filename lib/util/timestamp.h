#pragma once
// Timestamps as the Prometheus HTTP API reads and writes them. Values are int64 milliseconds
// since the Unix epoch (UTC), as everywhere in promkit. Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace promkit::util {

// The API's open-range bounds (web/api/v1 MinTime / MaxTime) in milliseconds. Their RFC 3339
// forms, "-292273086-05-16T16:47:06Z" and "292277025-08-18T07:12:54.999999999Z", are accepted by
// ParseApiTime although ordinary RFC 3339 parsing needs a four-digit year.
inline constexpr int64_t kApiMinTimeMs = -9223309901257974000;
inline constexpr int64_t kApiMaxTimeMs = 9223309901257974999;

// web/api/v1 parseTime: Unix seconds as Go's strconv.ParseFloat reads them (e.g.
// "1435781451.781", "1e9"; the fraction rounded to milliseconds, halves away from zero), else an
// RFC 3339 time (see ParseRfc3339), else the two bound strings above. Error (InvalidArgument):
//   cannot parse "<s>" to a valid timestamp
// Unlike upstream, which silently wraps, NaN, ±Inf and seconds whose milliseconds overflow int64
// are rejected with the same error.
Result<int64_t> ParseApiTime(std::string_view s);

// Go's time.Parse(time.RFC3339Nano, s) (Go >= 1.20 rules), truncated to milliseconds:
// "YYYY-MM-DDTHH:MM:SS[.frac](Z|±hh:mm)" with a four-digit year, real calendar days and no leap
// second. As Go it also takes a one-digit hour, ',' before the fraction (then at most 9 digits)
// and zone offsets up to 24:60. Digits beyond nanoseconds are ignored.
// Error (InvalidArgument): parsing time "<s>": not an RFC 3339 timestamp
Result<int64_t> ParseRfc3339(std::string_view s);

// Go's t.UTC().Format(time.RFC3339Nano) for t = time.UnixMilli(ms): fraction without trailing
// zeros, "Z" zone; years outside 0000..9999 printed in full ("-0001", "10000").
std::string FormatRfc3339Nano(int64_t ms);
// Go's t.UTC().Format(time.RFC3339): as above without the fraction.
std::string FormatRfc3339(int64_t ms);

}  // namespace promkit::util
