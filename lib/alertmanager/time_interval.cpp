#include "alertmanager/time_interval.h"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include <fmt/core.h>

#include "util/file.h"
#include "util/strings.h"

namespace promkit::alertmanager {

using util::Result;
using util::Status;

// ---------------------------------------------------------------------------------------------
// Time zones: TZif files (RFC 8536). Offsets past the file's last transition stay at the last
// one (Debian ships "fat" files with transitions through 2037).

struct LocationLoader {
  static uint32_t Be32(std::string_view b, size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
  }
  static int64_t Be64(std::string_view b, size_t at) {
    return static_cast<int64_t>((static_cast<uint64_t>(Be32(b, at)) << 32) | Be32(b, at + 4));
  }

  // Fills `loc` from TZif bytes; false when they are malformed.
  static bool Parse(std::string_view data, Location& loc) {
    if (data.size() < 44 || data.substr(0, 4) != "TZif") return false;
    auto counts = [&](size_t at, uint32_t c[6]) {
      for (int i = 0; i < 6; ++i) c[i] = Be32(data, at + 20 + 4 * static_cast<size_t>(i));
    };
    uint32_t c[6];
    counts(0, c);
    size_t time_size = 4;
    size_t at = 44;
    char version = data[4];
    if (version >= '2') {
      // Skip the v1 block; the v2 block repeats everything with 64-bit times.
      size_t v1 = static_cast<size_t>(c[3]) * 5 + static_cast<size_t>(c[4]) * 6 + c[5] +
                  static_cast<size_t>(c[2]) * 8 + c[1] + c[0];
      if (data.size() < 44 + v1 + 44) return false;
      at = 44 + v1;
      if (data.substr(at, 4) != "TZif") return false;
      counts(at, c);
      at += 44;
      time_size = 8;
    }
    uint32_t timecnt = c[3], typecnt = c[4], charcnt = c[5];
    size_t need =
        static_cast<size_t>(timecnt) * (time_size + 1) + static_cast<size_t>(typecnt) * 6 + charcnt;
    if (typecnt == 0 || data.size() < at + need) return false;
    std::vector<int64_t> times(timecnt);
    for (uint32_t i = 0; i < timecnt; ++i) {
      times[i] =
          time_size == 8 ? Be64(data, at + i * 8) : static_cast<int32_t>(Be32(data, at + i * 4));
    }
    size_t idx_at = at + timecnt * time_size;
    size_t types_at = idx_at + timecnt;
    auto offset_of = [&](size_t type) -> int32_t {
      if (type >= typecnt) type = 0;
      return static_cast<int32_t>(Be32(data, types_at + type * 6));
    };
    size_t chars_at = types_at + static_cast<size_t>(typecnt) * 6;
    auto abbrev_of = [&](size_t type) -> std::string {
      if (type >= typecnt) type = 0;
      size_t idx = static_cast<unsigned char>(data[types_at + type * 6 + 5]);
      if (idx >= charcnt) return "";
      std::string_view chars = data.substr(chars_at, charcnt);
      size_t end = chars.find('\0', idx);
      return std::string(chars.substr(idx, end == std::string_view::npos ? end : end - idx));
    };
    // Before the first transition: the first non-DST type (Go's lookupFirstZone, simplified).
    size_t first = 0;
    for (size_t t = 0; t < typecnt; ++t) {
      if (data[types_at + t * 6 + 4] == 0) {
        first = t;
        break;
      }
    }
    loc.initial_offset_ = offset_of(first);
    loc.initial_abbrev_ = abbrev_of(first);
    for (uint32_t i = 0; i < timecnt; ++i) {
      size_t type = static_cast<unsigned char>(data[idx_at + i]);
      loc.transitions_.push_back(times[i]);
      loc.offsets_.push_back(offset_of(type));
      loc.abbrevs_.push_back(abbrev_of(type));
    }
    return true;
  }
};

Result<std::shared_ptr<const Location>> Location::Load(std::string_view name) {
  auto loc = std::make_shared<Location>();
  loc->name_ = std::string(name);
  if (name.empty() || name == "UTC") {
    loc->name_ = "UTC";
    return std::shared_ptr<const Location>(std::move(loc));
  }
  std::string path;
  if (name == "Local") {
    const char* tz = std::getenv("TZ");
    path = tz != nullptr && *tz != '\0'
               ? std::string("/usr/share/zoneinfo/") + (*tz == ':' ? tz + 1 : tz)
               : "/etc/localtime";
  } else {
    // Go's containsDotDot and leading-separator checks.
    bool bad = name.front() == '/' || name.front() == '\\';
    for (size_t i = 0; i + 1 < name.size() && !bad; ++i) {
      bad = name[i] == '.' && name[i + 1] == '.';
    }
    if (bad) return Status::InvalidArgument("time: invalid location name");
    path = "/usr/share/zoneinfo/" + std::string(name);
  }
  auto data = util::ReadFile(path);
  if (!data.ok() || !LocationLoader::Parse(*data, *loc)) {
    if (name == "Local") {
      loc->name_ = "Local";
      return std::shared_ptr<const Location>(std::move(loc));  // UTC, as Go falls back
    }
    return Status::InvalidArgument(fmt::format("unknown time zone {}", name));
  }
  return std::shared_ptr<const Location>(std::move(loc));
}

int32_t Location::OffsetAt(int64_t unix_seconds) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), unix_seconds);
  if (it == transitions_.begin()) return initial_offset_;
  return offsets_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

std::string Location::AbbreviationAt(int64_t unix_seconds) const {
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), unix_seconds);
  if (it == transitions_.begin()) return initial_abbrev_;
  return abbrevs_[static_cast<size_t>(it - transitions_.begin()) - 1];
}

// ---------------------------------------------------------------------------------------------
// Range parsing.

namespace {

// strconv.Atoi with its error text.
Result<int> Atoi(std::string_view s) {
  std::string_view digits = s;
  bool neg = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  bool ok = !digits.empty();
  int64_t v = 0;
  bool range = false;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') {
      ok = false;
      break;
    }
    v = v * 10 + (ch - '0');
    if (v > (int64_t{1} << 40)) range = true;
  }
  if (!ok) {
    return Status::InvalidArgument(
        fmt::format("strconv.Atoi: parsing {}: invalid syntax", util::GoQuote(s)));
  }
  if (range || v > INT32_MAX) {
    // Go's int is 64-bit; ranges this large are rejected later by the callers' checks anyway.
    if (range) {
      return Status::InvalidArgument(
          fmt::format("strconv.Atoi: parsing {}: value out of range", util::GoQuote(s)));
    }
  }
  return static_cast<int>(neg ? -v : v);
}

const std::map<std::string, int, std::less<>>& Weekdays() {
  static const std::map<std::string, int, std::less<>> kDays = {
      {"sunday", 0},   {"monday", 1}, {"tuesday", 2}, {"wednesday", 3},
      {"thursday", 4}, {"friday", 5}, {"saturday", 6}};
  return kDays;
}

const std::map<std::string, int, std::less<>>& Months() {
  static const std::map<std::string, int, std::less<>> kMonths = {
      {"january", 1},   {"february", 2}, {"march", 3},     {"april", 4},
      {"may", 5},       {"june", 6},     {"july", 7},      {"august", 8},
      {"september", 9}, {"october", 10}, {"november", 11}, {"december", 12}};
  return kMonths;
}

std::string MonthName(int m) {
  for (const auto& [name, v] : Months()) {
    if (v == m) return name;
  }
  return "";
}

enum class RangeKind { kInt, kWeekday, kMonth };

Result<int> Member(std::string_view s, RangeKind kind) {
  if (kind == RangeKind::kWeekday) {
    auto it = Weekdays().find(s);
    if (it == Weekdays().end()) {
      return Status::InvalidArgument(fmt::format("{} is not a valid weekday", s));
    }
    return it->second;
  }
  if (kind == RangeKind::kMonth) {
    auto it = Months().find(s);
    if (it != Months().end()) return it->second;
    auto v = Atoi(s);
    if (!v.ok()) return Status::InvalidArgument(fmt::format("{} is not a valid month", s));
    return *v;
  }
  return Atoi(s);
}

// stringableRangeFromString.
Result<InclusiveRange> RangeFromString(std::string_view in, RangeKind kind) {
  std::string lower = util::ToLower(in);
  InclusiveRange r;
  if (lower.find(':') != std::string::npos) {
    std::vector<std::string_view> parts = util::SplitString(lower, ":");
    if (parts.size() != 2) {
      return Status::InvalidArgument(fmt::format("couldn't parse range {}, invalid format", lower));
    }
    PROMKIT_ASSIGN_OR_RETURN(r.begin, Member(parts[0], kind));
    PROMKIT_ASSIGN_OR_RETURN(r.end, Member(parts[1], kind));
    return r;
  }
  PROMKIT_ASSIGN_OR_RETURN(r.begin, Member(lower, kind));
  r.end = r.begin;
  return r;
}

// ^((([01][0-9])|(2[0-3])):[0-5][0-9])$|(^24:00$)
Result<int> ParseClock(std::string_view in) {
  bool ok = false;
  if (in.size() == 5 && in[2] == ':' && std::isdigit(static_cast<unsigned char>(in[0])) &&
      std::isdigit(static_cast<unsigned char>(in[1])) && in[3] >= '0' && in[3] <= '5' &&
      std::isdigit(static_cast<unsigned char>(in[4]))) {
    int h = (in[0] - '0') * 10 + (in[1] - '0');
    ok = h <= 23;
  }
  if (in == "24:00") ok = true;
  if (!ok) {
    return Status::InvalidArgument(fmt::format("couldn't parse timestamp {}, invalid format", in));
  }
  int h = (in[0] - '0') * 10 + (in[1] - '0');
  int m = (in[3] - '0') * 10 + (in[4] - '0');
  return h * 60 + m;
}

}  // namespace

Result<InclusiveRange> ParseTimeRange(std::string_view start, std::string_view end) {
  if (end.empty() || start.empty()) {
    return Status::InvalidArgument("both start and end times must be provided");
  }
  InclusiveRange r;
  PROMKIT_ASSIGN_OR_RETURN(r.begin, ParseClock(start));
  PROMKIT_ASSIGN_OR_RETURN(r.end, ParseClock(end));
  if (r.begin >= r.end) {
    return Status::InvalidArgument("start time cannot be equal or greater than end time");
  }
  return r;
}

Result<InclusiveRange> ParseWeekdayRange(std::string_view s) {
  PROMKIT_ASSIGN_OR_RETURN(InclusiveRange r, RangeFromString(s, RangeKind::kWeekday));
  if (r.begin > r.end) return Status::InvalidArgument("start day cannot be before end day");
  return r;  // names always map into 0..6
}

Result<InclusiveRange> ParseDayOfMonthRange(std::string_view s) {
  PROMKIT_ASSIGN_OR_RETURN(InclusiveRange r, RangeFromString(s, RangeKind::kInt));
  if (r.begin == 0 || r.begin < -31 || r.begin > 31) {
    return Status::InvalidArgument(
        fmt::format("{} is not a valid day of the month: out of range", r.begin));
  }
  if (r.end == 0 || r.end < -31 || r.end > 31) {
    return Status::InvalidArgument(
        fmt::format("{} is not a valid day of the month: out of range", r.end));
  }
  if (r.begin < 0 && r.end > 0) {
    return Status::InvalidArgument("end day must be negative if start day is negative");
  }
  int check_begin = r.begin < 0 ? 28 + r.begin : r.begin;
  int check_end = r.end < 0 ? 28 + r.end : r.end;
  if (check_begin > check_end) {
    return Status::InvalidArgument(
        fmt::format("end day {} is always before start day {}", r.end, r.begin));
  }
  return r;
}

Result<InclusiveRange> ParseMonthRange(std::string_view s) {
  PROMKIT_ASSIGN_OR_RETURN(InclusiveRange r, RangeFromString(s, RangeKind::kMonth));
  if (r.begin > r.end) {
    return Status::InvalidArgument(
        fmt::format("end month {} is before start month {}", MonthName(r.end), MonthName(r.begin)));
  }
  return r;
}

Result<InclusiveRange> ParseYearRange(std::string_view s) {
  PROMKIT_ASSIGN_OR_RETURN(InclusiveRange r, RangeFromString(s, RangeKind::kInt));
  if (r.begin > r.end) {
    return Status::InvalidArgument(
        fmt::format("end year {} is before start year {}", r.end, r.begin));
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// Evaluation.

namespace {

struct Civil {
  int year, month, day, weekday, minute_of_day;
};

// Howard Hinnant's days-to-civil.
Civil ToCivil(int64_t secs) {
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t rem = secs - days * 86400;
  Civil c{};
  c.minute_of_day = static_cast<int>(rem / 60);
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int>(c.month <= 2 ? y + 1 : y);
  return c;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return kDays[month - 1];
}

bool AnyIn(const std::vector<InclusiveRange>& ranges, int v) {
  for (const InclusiveRange& r : ranges) {
    if (v >= r.begin && v <= r.end) return true;
  }
  return false;
}

}  // namespace

bool TimeInterval::ContainsTime(int64_t unix_seconds) const {
  int64_t local = unix_seconds + (location ? location->OffsetAt(unix_seconds) : 0);
  Civil c = ToCivil(local);
  if (times) {
    bool in = false;
    for (const InclusiveRange& r : *times) {
      if (c.minute_of_day >= r.begin && c.minute_of_day < r.end) {
        in = true;
        break;
      }
    }
    if (!in) return false;
  }
  if (days_of_month) {
    bool in = false;
    int dim = DaysInMonth(c.year, c.month);
    for (const InclusiveRange& r : *days_of_month) {
      int begin = r.begin < 0 ? dim + r.begin + 1 : r.begin;
      int end = r.end < 0 ? dim + r.end + 1 : r.end;
      if (begin > dim) continue;
      begin = std::clamp(begin, -dim, dim);
      end = std::clamp(end, -dim, dim);
      if (c.day >= begin && c.day <= end) {
        in = true;
        break;
      }
    }
    if (!in) return false;
  }
  if (months && !AnyIn(*months, c.month)) return false;
  if (weekdays && !AnyIn(*weekdays, c.weekday)) return false;
  if (years && !AnyIn(*years, c.year)) return false;
  return true;
}

}  // namespace promkit::alertmanager
