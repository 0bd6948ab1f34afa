#pragma once
// Alertmanager's time intervals (upstream timeinterval/timeinterval.go): times of day, weekdays,
// days of the month (negative counts from the month's end), months, years and a time zone. Each
// range is parsed and validated as upstream's UnmarshalYAML does, with its messages; ContainsTime
// answers whether an instant lies inside (every given criterion must hold).
// Time zones are read from the system's zoneinfo files (TZif), as Go's time.LoadLocation does.
// Thread-safety: immutable after parsing; share freely.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace promkit::alertmanager {

// A loaded time zone: UTC offsets by transition time.
class Location {
 public:
  // time.LoadLocation: "" and "UTC" are UTC, "Local" the system's zone; otherwise a zoneinfo
  // name. Errors: "unknown time zone <name>", "time: invalid location name".
  static util::Result<std::shared_ptr<const Location>> Load(std::string_view name);
  const std::string& name() const { return name_; }
  // Seconds east of UTC in effect at `unix_seconds`.
  int32_t OffsetAt(int64_t unix_seconds) const;
  // The zone's abbreviation then ("CET", "CEST"; "UTC" for UTC).
  std::string AbbreviationAt(int64_t unix_seconds) const;

 private:
  std::string name_;
  std::vector<int64_t> transitions_;  // sorted unix seconds
  std::vector<int32_t> offsets_;      // offset after each transition
  std::vector<std::string> abbrevs_;  // abbreviation after each transition
  int32_t initial_offset_ = 0;        // before the first transition (or always)
  std::string initial_abbrev_ = "UTC";
  friend struct LocationLoader;
};

struct InclusiveRange {
  int begin = 0;
  int end = 0;
};

struct TimeInterval {
  std::optional<std::vector<InclusiveRange>> times;     // minutes of the day, end exclusive
  std::optional<std::vector<InclusiveRange>> weekdays;  // 0 = Sunday
  std::optional<std::vector<InclusiveRange>> days_of_month;
  std::optional<std::vector<InclusiveRange>> months;  // 1..12
  std::optional<std::vector<InclusiveRange>> years;
  std::shared_ptr<const Location> location;  // null = UTC

  bool ContainsTime(int64_t unix_seconds) const;
};

// The parsers behind each range kind; errors are upstream's texts.
util::Result<InclusiveRange> ParseTimeRange(std::string_view start, std::string_view end);
util::Result<InclusiveRange> ParseWeekdayRange(std::string_view s);
util::Result<InclusiveRange> ParseDayOfMonthRange(std::string_view s);
util::Result<InclusiveRange> ParseMonthRange(std::string_view s);
util::Result<InclusiveRange> ParseYearRange(std::string_view s);

}  // namespace promkit::alertmanager
