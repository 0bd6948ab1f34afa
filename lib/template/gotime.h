#pragma once
// Go's time.Time and time.Duration as template values: Prometheus's toTime/toDuration return
// them, and templates call their methods ({{ (now | toTime).Format "2006" }}). Times are UTC,
// as Prometheus makes them. Immutable; thread-safe.

#include <climits>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "template/value.h"

namespace promkit::tmpl {

// Go's Time.Format(layout) for the UTC instant `unix_nanos`, with Go's layout words (2006 01
// Jan January 02 _2 002 15 03 3 04 05 PM pm Mon Monday MST -0700 -07:00 Z07:00 .000 .999 ...).
// With `offset_seconds` and `zone` (an abbreviation such as "CET"), the instant is shown in that
// zone, as a Time from t.In(loc) formats; an empty abbreviation prints as "-0700" does, as Go.
std::string FormatGoTime(int64_t unix_nanos, std::string_view layout, int32_t offset_seconds = 0,
                         std::string_view zone = "UTC");
// Go's zero time (0001-01-01 00:00:00 UTC) lies outside int64 nanoseconds; GoTime stands for it
// with this value (it formats as Go's zero time and IsZero reports true).
inline constexpr int64_t kGoZeroTime = INT64_MIN;

// Go's time.Parse(layout, value) in UTC (ParseInLocation with time.UTC): the layout words of
// FormatGoTime, numeric zones applied, zone abbreviations other than UTC taken as offset 0.
// Errors as Go's: `parsing time "x" as "2006-01-02": cannot parse "x" as "2006"`, `parsing time
// "2024-13-01": month out of range`.
Result<int64_t> ParseGoTime(std::string_view layout, std::string_view value);

// Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST" (in UTC unless a zone is given).
std::string GoTimeString(int64_t unix_nanos, int32_t offset_seconds = 0,
                         std::string_view zone = "UTC");

// A time.Time (or *time.Time when `pointer`), in UTC unless given a zone (offset and
// abbreviation, as time.Time.In gives). Methods: Format, String, Unix, UnixMilli, UnixNano, Add,
// Sub, UTC, Year, YearDay, Day, Hour, Minute, Second, Nanosecond, Before, After, Equal, IsZero.
class GoTime : public HostObject {
 public:
  GoTime(int64_t unix_nanos, bool pointer, int32_t offset_seconds = 0, std::string zone = "UTC")
      : nanos_(unix_nanos), pointer_(pointer), offset_(offset_seconds), zone_(std::move(zone)) {}
  static Value Make(int64_t unix_nanos, bool pointer, int32_t offset_seconds = 0,
                    std::string zone = "UTC") {
    return Value::Host(
        std::make_shared<GoTime>(unix_nanos, pointer, offset_seconds, std::move(zone)));
  }
  int64_t unix_nanos() const { return nanos_; }
  int32_t offset_seconds() const { return offset_; }
  const std::string& zone() const { return zone_; }

  std::string TypeName() const override { return pointer_ ? "*time.Time" : "time.Time"; }
  Member Lookup(std::string_view name) const override;
  Result<Value> Call(std::string_view name, std::span<const Value> args) const override;
  std::string Format() const override { return GoTimeString(nanos_, offset_, zone_); }

 private:
  int64_t nanos_;
  bool pointer_;
  int32_t offset_;
  std::string zone_;
};

// A time.Duration (or *time.Duration). Methods: String, Seconds, Minutes, Hours, Milliseconds,
// Microseconds, Nanoseconds. As a non-pointer it converts to float seconds for humanize*.
class GoDuration : public HostObject {
 public:
  GoDuration(int64_t nanos, bool pointer) : nanos_(nanos), pointer_(pointer) {}
  static Value Make(int64_t nanos, bool pointer) {
    return Value::Host(std::make_shared<GoDuration>(nanos, pointer));
  }
  int64_t nanos() const { return nanos_; }

  std::string TypeName() const override { return pointer_ ? "*time.Duration" : "time.Duration"; }
  Member Lookup(std::string_view name) const override;
  Result<Value> Call(std::string_view name, std::span<const Value> args) const override;
  std::string Format() const override;
  bool Truth() const override { return pointer_ || nanos_ != 0; }
  bool ToFloat(double* out) const override;

 private:
  int64_t nanos_;
  bool pointer_;
};

}  // namespace promkit::tmpl
