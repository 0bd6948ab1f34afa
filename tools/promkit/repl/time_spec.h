#pragma once
// The times and durations the repl's dot-commands accept. A time is one of
//   - an RFC 3339 timestamp ("2023-11-14T22:13:20Z", "2023-11-14T23:13:20.5+01:00");
//   - Unix seconds, possibly fractional ("1700000000", "1700000000.25");
//   - "now" or "now±DUR": the wall clock, shifted by a Prometheus duration ("now-1h30m");
//   - "latest" or "latest±DUR": the newest sample of the data directory, shifted likewise.
// Relative forms are kept as written (TimeSpec) and resolved each time a query runs, so a
// session's "now-1h" follows the clock. Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace promkit::cli::repl {

// What relative times are relative to, in ms since the epoch.
struct TimeAnchors {
  int64_t now_ms = 0;
  int64_t latest_ms = 0;
};

// A parsed time, absolute or relative to an anchor.
struct TimeSpec {
  enum class Base : uint8_t { kAbsolute, kNow, kLatest };
  Base base = Base::kLatest;
  int64_t ms = 0;    // the time (kAbsolute) or the signed offset from the anchor
  std::string text;  // as the user wrote it, for display

  int64_t Resolve(const TimeAnchors& a) const;
};

// Parses one of the forms above. Error (InvalidArgument):
//   cannot parse "<s>" as a time (want RFC 3339, Unix seconds, now[-DUR] or latest[-DUR])
util::Result<TimeSpec> ParseTimeSpec(std::string_view s);

// Resolves `s` at once: ParseTimeSpec(s) then Resolve(a).
util::Result<int64_t> ParseTime(std::string_view s, const TimeAnchors& a);

// A query step or lookback: a Prometheus duration ("30s", "1m30s") or positive seconds ("15",
// "0.5"), in ms; must be > 0. Error: cannot parse "<s>" as a duration ...
util::Result<int64_t> ParseStep(std::string_view s);

}  // namespace promkit::cli::repl
