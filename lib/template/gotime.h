#pragma once
// Go's time.Time and time.Duration as template values: Prometheus's toTime/toDuration return
// them, and templates call their methods ({{ (now | toTime).Format "2006" }}). Times are UTC,
// as Prometheus makes them. Immutable; thread-safe.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "template/value.h"

namespace promkit::tmpl {

// Go's Time.Format(layout) for the UTC instant `unix_nanos`, with Go's layout words (2006 01
// Jan January 02 _2 002 15 03 3 04 05 PM pm Mon Monday MST -0700 -07:00 Z07:00 .000 .999 ...).
std::string FormatGoTime(int64_t unix_nanos, std::string_view layout);
// Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST" in UTC.
std::string GoTimeString(int64_t unix_nanos);

// A time.Time (or *time.Time when `pointer`). Methods: Format, String, Unix, UnixMilli,
// UnixNano, Add, Sub, UTC, Year, YearDay, Day, Hour, Minute, Second, Nanosecond, Before, After,
// Equal, IsZero.
class GoTime : public HostObject {
 public:
  GoTime(int64_t unix_nanos, bool pointer) : nanos_(unix_nanos), pointer_(pointer) {}
  static Value Make(int64_t unix_nanos, bool pointer) {
    return Value::Host(std::make_shared<GoTime>(unix_nanos, pointer));
  }
  int64_t unix_nanos() const { return nanos_; }

  std::string TypeName() const override { return pointer_ ? "*time.Time" : "time.Time"; }
  Member Lookup(std::string_view name) const override;
  Result<Value> Call(std::string_view name, std::span<const Value> args) const override;
  std::string Format() const override { return GoTimeString(nanos_); }

 private:
  int64_t nanos_;
  bool pointer_;
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
