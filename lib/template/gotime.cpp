#include "template/gotime.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>
#include <span>
#include <string>

#include <fmt/core.h>

#include "util/duration.h"
#include "util/strings.h"

namespace promkit::tmpl {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::string_view kLongMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
constexpr std::string_view kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};

struct Civil {
  int64_t year;
  int month;    // 1..12
  int day;      // 1..31
  int yday;     // 1..366
  int weekday;  // 0 = Sunday
  int hour, minute, second;
  int64_t nanos;
};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

// Days since 1970-01-01 to a proleptic Gregorian date (Hinnant's civil_from_days).
Civil ToCivil(int64_t unix_nanos) {
  Civil c{};
  if (unix_nanos == kGoZeroTime) {  // 0001-01-01 00:00:00, a Monday
    c.year = 1;
    c.month = 1;
    c.day = 1;
    c.weekday = 1;
    c.yday = 1;
    return c;
  }
  const int64_t secs = FloorDiv(unix_nanos, kNanosPerSecond);
  c.nanos = unix_nanos - secs * kNanosPerSecond;
  const int64_t days = FloorDiv(secs, 86400);
  int64_t rem = secs - days * 86400;
  c.hour = static_cast<int>(rem / 3600);
  rem %= 3600;
  c.minute = static_cast<int>(rem / 60);
  c.second = static_cast<int>(rem % 60);
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
  static constexpr int kCumDays[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  c.yday = kCumDays[c.month - 1] + c.day + (c.month > 2 && IsLeap(c.year) ? 1 : 0);
  return c;
}

void AppendInt(std::string& out, int64_t v, int width) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  if (v < 0) out.push_back('-');
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out.push_back('0');
  out += digits;
}

bool StartsWithLower(std::string_view s) { return !s.empty() && s[0] >= 'a' && s[0] <= 'z'; }
bool IsDigitAt(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

enum class Std {
  kNone,
  kLongMonth,
  kMonth,
  kNumMonth,
  kZeroMonth,
  kLongWeekDay,
  kWeekDay,
  kDay,
  kUnderDay,
  kZeroDay,
  kUnderYearDay,
  kZeroYearDay,
  kHour,
  kHour12,
  kZeroHour12,
  kMinute,
  kZeroMinute,
  kSecond,
  kZeroSecond,
  kLongYear,
  kYear,
  kPM,
  kpm,
  kTZ,
  kISO8601TZ,  // Z0700 family: "Z" in UTC
  kNumTZ,      // -0700 family: "+0000"-like in UTC
  kFracSecond0,
  kFracSecond9,
};

struct Chunk {
  size_t prefix_len;  // literal text before the word
  Std std;
  size_t word_len;
  std::string tz_text;  // for the zone words: the UTC rendering
  int tz_form = 0;      // numeric zone words: index into the forms (070000 07:00:00 0700 07:00 07)
  char frac_sep = '.';
  int frac_digits = 0;
};

// Go's nextStdChunk: finds the first layout word in `layout`.
Chunk NextChunk(std::string_view layout) {
  for (size_t i = 0; i < layout.size(); ++i) {
    const std::string_view rest = layout.substr(i);
    auto make = [&](Std s, size_t len) { return Chunk{i, s, len, {}, '.', 0}; };
    switch (layout[i]) {
      case 'J':
        if (rest.starts_with("Jan")) {
          if (rest.starts_with("January")) return make(Std::kLongMonth, 7);
          if (!StartsWithLower(rest.substr(3))) return make(Std::kMonth, 3);
        }
        break;
      case 'M':
        if (rest.starts_with("Mon")) {
          if (rest.starts_with("Monday")) return make(Std::kLongWeekDay, 6);
          if (!StartsWithLower(rest.substr(3))) return make(Std::kWeekDay, 3);
        }
        if (rest.starts_with("MST")) return make(Std::kTZ, 3);
        break;
      case '0':
        if (rest.size() >= 2 && rest[1] >= '1' && rest[1] <= '6') {
          static constexpr Std kZeroX[] = {Std::kZeroMonth,  Std::kZeroDay,    Std::kZeroHour12,
                                           Std::kZeroMinute, Std::kZeroSecond, Std::kYear};
          return make(kZeroX[rest[1] - '1'], 2);
        }
        if (rest.starts_with("002")) return make(Std::kZeroYearDay, 3);
        break;
      case '1':
        if (rest.starts_with("15")) return make(Std::kHour, 2);
        return make(Std::kNumMonth, 1);
      case '2':
        if (rest.starts_with("2006")) return make(Std::kLongYear, 4);
        return make(Std::kDay, 1);
      case '_':
        if (rest.size() >= 2 && rest[1] == '2') {
          if (rest.substr(1).starts_with("2006"))
            return Chunk{i + 1, Std::kLongYear, 4, {}, '.', 0};
          return make(Std::kUnderDay, 2);
        }
        if (rest.starts_with("__2")) return make(Std::kUnderYearDay, 3);
        break;
      case '3':
        return make(Std::kHour12, 1);
      case '4':
        return make(Std::kMinute, 1);
      case '5':
        return make(Std::kSecond, 1);
      case 'P':
        if (rest.starts_with("PM")) return make(Std::kPM, 2);
        break;
      case 'p':
        if (rest.starts_with("pm")) return make(Std::kpm, 2);
        break;
      case '-':
      case 'Z': {
        const bool iso = layout[i] == 'Z';
        struct Form {
          std::string_view word;
          std::string_view utc;
        };
        static constexpr Form kForms[] = {{"070000", "000000"},
                                          {"07:00:00", "00:00:00"},
                                          {"0700", "0000"},
                                          {"07:00", "00:00"},
                                          {"07", "00"}};
        for (size_t k = 0; k < std::size(kForms); ++k) {
          const Form& f = kForms[k];
          if (rest.substr(1).starts_with(f.word)) {
            Chunk c = make(iso ? Std::kISO8601TZ : Std::kNumTZ, 1 + f.word.size());
            c.tz_text = iso ? std::string("Z") : "+" + std::string(f.utc);
            c.tz_form = static_cast<int>(k);
            return c;
          }
        }
        break;
      }
      case '.':
      case ',':
        if (rest.size() >= 2 && (rest[1] == '0' || rest[1] == '9')) {
          const char ch = rest[1];
          size_t j = 1;
          while (j < rest.size() && rest[j] == ch) ++j;
          if (!IsDigitAt(rest, j)) {
            Chunk c = make(ch == '0' ? Std::kFracSecond0 : Std::kFracSecond9, j);
            c.frac_sep = layout[i];
            c.frac_digits = static_cast<int>(j - 1);
            return c;
          }
        }
        break;
      default:
        break;
    }
  }
  return Chunk{layout.size(), Std::kNone, 0, {}, '.', 0};
}

void AppendFrac(std::string& out, int64_t nanos, int digits, bool trim, char sep) {
  std::string frac =
      fmt::format("{:09d}", nanos).substr(0, static_cast<size_t>(std::min(digits, 9)));
  if (trim) {
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    if (frac.empty()) return;
  }
  out.push_back(sep);
  out += frac;
}

Status WrongType(std::string_view want, const Value& got) {
  return Status::InvalidArgument(
      fmt::format("wrong type for value; expected {}; got {}", want, got.TypeName()));
}

}  // namespace

// A numeric zone offset in one of the layout forms: +hhmmss, +hh:mm:ss, +hhmm, +hh:mm, +hh.
std::string NumericZone(int32_t offset, int form) {
  const char sign = offset < 0 ? '-' : '+';
  const int32_t a = offset < 0 ? -offset : offset;
  const int h = a / 3600, m = a / 60 % 60, sec = a % 60;
  switch (form) {
    case 0:
      return fmt::format("{}{:02d}{:02d}{:02d}", sign, h, m, sec);
    case 1:
      return fmt::format("{}{:02d}:{:02d}:{:02d}", sign, h, m, sec);
    case 2:
      return fmt::format("{}{:02d}{:02d}", sign, h, m);
    case 3:
      return fmt::format("{}{:02d}:{:02d}", sign, h, m);
    default:
      return fmt::format("{}{:02d}", sign, h);
  }
}

std::string FormatGoTime(int64_t unix_nanos, std::string_view layout, int32_t offset_seconds,
                         std::string_view zone) {
  const Civil c =
      ToCivil(unix_nanos == kGoZeroTime ? unix_nanos
                                        : unix_nanos + int64_t{offset_seconds} * kNanosPerSecond);
  std::string out;
  while (!layout.empty()) {
    const Chunk ch = NextChunk(layout);
    out.append(layout.substr(0, ch.prefix_len));
    if (ch.std == Std::kNone) break;
    layout.remove_prefix(ch.prefix_len + ch.word_len);
    const int hour12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
    switch (ch.std) {
      case Std::kLongMonth:
        out += kLongMonths[c.month - 1];
        break;
      case Std::kMonth:
        out += kLongMonths[c.month - 1].substr(0, 3);
        break;
      case Std::kNumMonth:
        AppendInt(out, c.month, 0);
        break;
      case Std::kZeroMonth:
        AppendInt(out, c.month, 2);
        break;
      case Std::kLongWeekDay:
        out += kLongDays[c.weekday];
        break;
      case Std::kWeekDay:
        out += kLongDays[c.weekday].substr(0, 3);
        break;
      case Std::kDay:
        AppendInt(out, c.day, 0);
        break;
      case Std::kUnderDay:
        if (c.day < 10) out.push_back(' ');
        AppendInt(out, c.day, 0);
        break;
      case Std::kZeroDay:
        AppendInt(out, c.day, 2);
        break;
      case Std::kUnderYearDay:
        if (c.yday < 100) out.push_back(' ');
        if (c.yday < 10) out.push_back(' ');
        AppendInt(out, c.yday, 0);
        break;
      case Std::kZeroYearDay:
        AppendInt(out, c.yday, 3);
        break;
      case Std::kHour:
        AppendInt(out, c.hour, 2);
        break;
      case Std::kHour12:
        AppendInt(out, hour12, 0);
        break;
      case Std::kZeroHour12:
        AppendInt(out, hour12, 2);
        break;
      case Std::kMinute:
        AppendInt(out, c.minute, 0);
        break;
      case Std::kZeroMinute:
        AppendInt(out, c.minute, 2);
        break;
      case Std::kSecond:
        AppendInt(out, c.second, 0);
        break;
      case Std::kZeroSecond:
        AppendInt(out, c.second, 2);
        break;
      case Std::kLongYear:
        AppendInt(out, c.year, 4);
        break;
      case Std::kYear:
        AppendInt(out, ((c.year % 100) + 100) % 100, 2);
        break;
      case Std::kPM:
        out += c.hour >= 12 ? "PM" : "AM";
        break;
      case Std::kpm:
        out += c.hour >= 12 ? "pm" : "am";
        break;
      case Std::kTZ:
        // Go prints the abbreviation, else the offset as -0700 (-07 when whole hours).
        if (!zone.empty()) {
          out += zone;
        } else {
          out += NumericZone(offset_seconds, offset_seconds % 3600 == 0 ? 4 : 2);
        }
        break;
      case Std::kISO8601TZ:
      case Std::kNumTZ:
        if (offset_seconds == 0) {
          out += ch.tz_text;
        } else {
          out += NumericZone(offset_seconds, ch.tz_form);
        }
        break;
      case Std::kFracSecond0:
        AppendFrac(out, c.nanos, ch.frac_digits, false, ch.frac_sep);
        break;
      case Std::kFracSecond9:
        AppendFrac(out, c.nanos, ch.frac_digits, true, ch.frac_sep);
        break;
      case Std::kNone:
        break;
    }
  }
  return out;
}

namespace {

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Reads `n` digits (exactly when `fixed`, else 1..n) from the front of `v`.
bool GetNum(std::string_view& v, size_t n, bool fixed, int& out) {
  size_t i = 0;
  while (i < v.size() && i < n && v[i] >= '0' && v[i] <= '9') ++i;
  if (i == 0 || (fixed && i != n)) return false;
  out = 0;
  for (size_t k = 0; k < i; ++k) out = out * 10 + (v[k] - '0');
  v.remove_prefix(i);
  return true;
}

bool LookupName(std::string_view& v, std::span<const std::string_view> names, size_t len,
                int& out) {
  for (size_t k = 0; k < names.size(); ++k) {
    std::string_view n = len == 0 ? names[k] : names[k].substr(0, len);
    if (v.size() >= n.size() && std::equal(n.begin(), n.end(), v.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      out = static_cast<int>(k);
      v.remove_prefix(n.size());
      return true;
    }
  }
  return false;
}

}  // namespace

Result<int64_t> ParseGoTime(std::string_view layout, std::string_view value) {
  const std::string orig_layout(layout), orig_value(value);
  auto bad = [&](std::string_view what_value, std::string_view what_layout) {
    return Status::InvalidArgument(fmt::format(
        "parsing time {} as {}: cannot parse {} as {}", util::GoQuote(orig_value),
        util::GoQuote(orig_layout), util::GoQuote(what_value), util::GoQuote(what_layout)));
  };
  auto range = [&](std::string_view what) {
    return Status::InvalidArgument(
        fmt::format("parsing time {}: {} out of range", util::GoQuote(orig_value), what));
  };
  int year = 1, month = -1, day = -1, yday = -1, hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;
  bool pm_set = false, pm = false;
  int32_t offset = 0;
  std::string_view v = value;
  while (true) {
    const Chunk ch = NextChunk(layout);
    const std::string_view prefix = layout.substr(0, ch.prefix_len);
    // Go's skip: spaces in the layout match any run of spaces.
    std::string_view p = prefix;
    while (!p.empty()) {
      if (p[0] == ' ') {
        if (!v.empty() && v[0] != ' ') return bad(v, prefix);
        while (!p.empty() && p[0] == ' ') p.remove_prefix(1);
        while (!v.empty() && v[0] == ' ') v.remove_prefix(1);
        continue;
      }
      if (v.empty() || v[0] != p[0]) return bad(v, prefix);
      p.remove_prefix(1);
      v.remove_prefix(1);
    }
    if (ch.std == Std::kNone) {
      if (!v.empty()) {
        return Status::InvalidArgument(fmt::format("parsing time {}: extra text: {}",
                                                   util::GoQuote(orig_value), util::GoQuote(v)));
      }
      break;
    }
    const std::string_view word = layout.substr(ch.prefix_len, ch.word_len);
    layout.remove_prefix(ch.prefix_len + ch.word_len);
    const std::string_view before = v;
    bool ok = true;
    switch (ch.std) {
      case Std::kLongYear:
        ok = v.size() >= 4 && GetNum(v, 4, true, year);
        break;
      case Std::kYear: {
        int y = 0;
        ok = GetNum(v, 2, true, y);
        year = y >= 69 ? 1900 + y : 2000 + y;
        break;
      }
      case Std::kLongMonth:
        ok = LookupName(v, kLongMonths, 0, month);
        ++month;
        break;
      case Std::kMonth:
        ok = LookupName(v, kLongMonths, 3, month);
        ++month;
        break;
      case Std::kNumMonth:
      case Std::kZeroMonth:
        ok = GetNum(v, 2, ch.std == Std::kZeroMonth, month);
        if (ok && (month <= 0 || month > 12)) return range("month");
        break;
      case Std::kLongWeekDay:
      case Std::kWeekDay: {
        int unused = 0;
        ok = LookupName(v, kLongDays, ch.std == Std::kWeekDay ? 3 : 0, unused);
        break;
      }
      case Std::kDay:
      case Std::kUnderDay:
      case Std::kZeroDay:
        if (ch.std == Std::kUnderDay && !v.empty() && v[0] == ' ') v.remove_prefix(1);
        ok = GetNum(v, 2, ch.std == Std::kZeroDay, day);
        break;
      case Std::kUnderYearDay:
      case Std::kZeroYearDay:
        while (ch.std == Std::kUnderYearDay && !v.empty() && v[0] == ' ') v.remove_prefix(1);
        ok = GetNum(v, 3, ch.std == Std::kZeroYearDay, yday);
        break;
      case Std::kHour:
        ok = GetNum(v, 2, false, hour);
        if (ok && (hour < 0 || hour >= 24)) return range("hour");
        break;
      case Std::kHour12:
      case Std::kZeroHour12:
        ok = GetNum(v, 2, ch.std == Std::kZeroHour12, hour);
        if (ok && (hour < 0 || hour > 12)) return range("hour");
        break;
      case Std::kMinute:
      case Std::kZeroMinute:
        ok = GetNum(v, 2, ch.std == Std::kZeroMinute, minute);
        if (ok && (minute < 0 || minute >= 60)) return range("minute");
        break;
      case Std::kSecond:
      case Std::kZeroSecond: {
        ok = GetNum(v, 2, ch.std == Std::kZeroSecond, second);
        if (ok && (second < 0 || second >= 60)) return range("second");
        // A fraction the layout does not spell out is still accepted after the seconds.
        const Chunk next = NextChunk(layout);
        if (ok && v.size() >= 2 && (v[0] == '.' || v[0] == ',') && v[1] >= '0' && v[1] <= '9' &&
            !(next.prefix_len == 0 &&
              (next.std == Std::kFracSecond0 || next.std == Std::kFracSecond9))) {
          size_t n = 1;
          while (n < v.size() && v[n] >= '0' && v[n] <= '9') ++n;
          std::string digits(v.substr(1, std::min<size_t>(n - 1, 9)));
          digits.resize(9, '0');
          nanos = std::stoll(digits);
          v.remove_prefix(n);
        }
        break;
      }
      case Std::kPM:
      case Std::kpm: {
        std::string_view ap = v.substr(0, 2);
        pm_set = true;
        if (ap == "PM" || ap == "pm") {
          pm = true;
        } else if (ap != "AM" && ap != "am") {
          ok = false;
        }
        if (ok) v.remove_prefix(2);
        break;
      }
      case Std::kTZ: {
        if (v.substr(0, 3) == "UTC") {
          v.remove_prefix(3);
          break;
        }
        size_t n = 0;
        while (n < v.size() && n < 5 && std::isupper(static_cast<unsigned char>(v[n]))) ++n;
        ok = n >= 3;
        if (ok) v.remove_prefix(n);
        break;
      }
      case Std::kISO8601TZ:
      case Std::kNumTZ: {
        if (ch.std == Std::kISO8601TZ && !v.empty() && v[0] == 'Z') {
          v.remove_prefix(1);
          break;
        }
        if (v.empty() || (v[0] != '+' && v[0] != '-')) {
          ok = false;
          break;
        }
        const bool neg = v[0] == '-';
        v.remove_prefix(1);
        int hh = 0, mm = 0, ss = 0;
        const bool colons = ch.tz_form == 1 || ch.tz_form == 3;
        ok = GetNum(v, 2, true, hh);
        if (ok && ch.tz_form != 4) {
          if (colons) ok = !v.empty() && v[0] == ':' && (v.remove_prefix(1), true);
          ok = ok && GetNum(v, 2, true, mm);
          if (ok && ch.tz_form <= 1) {
            if (colons) ok = !v.empty() && v[0] == ':' && (v.remove_prefix(1), true);
            ok = ok && GetNum(v, 2, true, ss);
          }
        }
        offset = (hh * 3600 + mm * 60 + ss) * (neg ? -1 : 1);
        break;
      }
      case Std::kFracSecond0:
      case Std::kFracSecond9: {
        if (v.empty() || (v[0] != '.' && v[0] != ',')) {
          ok = ch.std == Std::kFracSecond9;
          break;
        }
        size_t n = 1;
        while (n < v.size() && v[n] >= '0' && v[n] <= '9') ++n;
        if (ch.std == Std::kFracSecond0 && n - 1 != static_cast<size_t>(ch.frac_digits)) {
          ok = false;
          break;
        }
        std::string digits(v.substr(1, std::min<size_t>(n - 1, 9)));
        digits.resize(9, '0');
        nanos = std::stoll(digits);
        v.remove_prefix(n);
        break;
      }
      case Std::kNone:
        break;
    }
    if (!ok) return bad(before, word);
  }
  if (pm_set) {
    if (pm && hour < 12) hour += 12;
    if (!pm && hour == 12) hour = 0;
  }
  if (yday >= 0 && month < 0) {
    const int days_in_year = IsLeapYear(year) ? 366 : 365;
    if (yday < 1 || yday > days_in_year) return range("day-of-year");
    static constexpr int kCum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
    month = 1;
    while (month < 12 && yday > kCum[month] + (month >= 2 && IsLeapYear(year) ? 1 : 0)) ++month;
    day = yday - kCum[month - 1] - (month > 2 && IsLeapYear(year) ? 1 : 0);
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  static constexpr int kDim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int dim = kDim[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0);
  if (day < 1 || day > dim) return range("day");
  const int64_t secs =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  // Instants before 1678 or after 2262 do not fit int64 nanoseconds; the zero time stands for
  // them (Go's zero time, year 1, is the one that matters in practice).
  if (secs < INT64_MIN / kNanosPerSecond + 1 || secs > INT64_MAX / kNanosPerSecond - 1) {
    return kGoZeroTime;
  }
  return secs * kNanosPerSecond + nanos;
}

std::string GoTimeString(int64_t unix_nanos, int32_t offset_seconds, std::string_view zone) {
  return FormatGoTime(unix_nanos, "2006-01-02 15:04:05.999999999 -0700 MST", offset_seconds, zone);
}

Member GoTime::Lookup(std::string_view name) const {
  if (name == "Format") return Member{Member::Kind::kMethod, {"string"}, false};
  if (name == "Add") return Member{Member::Kind::kMethod, {"time.Duration"}, false};
  if (name == "Sub") return Member{Member::Kind::kMethod, {"time.Time"}, false};
  if (name == "Before" || name == "After" || name == "Equal") {
    return Member{Member::Kind::kMethod, {"time.Time"}, false};
  }
  for (std::string_view m : {"String", "Unix", "UnixMilli", "UnixNano", "UTC", "Year", "YearDay",
                             "Day", "Hour", "Minute", "Second", "Nanosecond", "IsZero"}) {
    if (name == m) return Member{Member::Kind::kMethod, {}, false};
  }
  return Member{};
}

Result<Value> GoTime::Call(std::string_view name, std::span<const Value> args) const {
  const Civil c =
      ToCivil(nanos_ == kGoZeroTime ? nanos_ : nanos_ + int64_t{offset_} * kNanosPerSecond);
  if (name == "Format") return Value(FormatGoTime(nanos_, args[0].AsString(), offset_, zone_));
  if (name == "String") return Value(GoTimeString(nanos_, offset_, zone_));
  if (name == "Unix") return Value(FloorDiv(nanos_, kNanosPerSecond));
  if (name == "UnixMilli") return Value(FloorDiv(nanos_, 1'000'000));
  if (name == "UnixNano") return Value(nanos_);
  if (name == "UTC") return Make(nanos_, false);
  if (name == "Year") return Value(c.year);
  if (name == "YearDay") return Value(c.yday);
  if (name == "Day") return Value(c.day);
  if (name == "Hour") return Value(c.hour);
  if (name == "Minute") return Value(c.minute);
  if (name == "Second") return Value(c.second);
  if (name == "Nanosecond") return Value(c.nanos);
  if (name == "IsZero") return Value(nanos_ == kGoZeroTime);
  if (name == "Add") {
    const auto* d = args[0].kind() == Value::Kind::kHost
                        ? dynamic_cast<const GoDuration*>(&args[0].host())
                        : nullptr;
    if (d == nullptr) return WrongType("time.Duration", args[0]);
    return Make(nanos_ + d->nanos(), false, offset_, zone_);
  }
  const auto* other = args.empty() || args[0].kind() != Value::Kind::kHost
                          ? nullptr
                          : dynamic_cast<const GoTime*>(&args[0].host());
  if (other == nullptr) return WrongType("time.Time", args.empty() ? Value() : args[0]);
  if (name == "Sub") return GoDuration::Make(nanos_ - other->nanos_, false);
  if (name == "Before") return Value(nanos_ < other->nanos_);
  if (name == "After") return Value(nanos_ > other->nanos_);
  if (name == "Equal") return Value(nanos_ == other->nanos_);
  return HostObject::Call(name, args);
}

Member GoDuration::Lookup(std::string_view name) const {
  for (std::string_view m :
       {"String", "Seconds", "Minutes", "Hours", "Milliseconds", "Microseconds", "Nanoseconds"}) {
    if (name == m) return Member{Member::Kind::kMethod, {}, false};
  }
  return Member{};
}

Result<Value> GoDuration::Call(std::string_view name, std::span<const Value> args) const {
  const int64_t sec = nanos_ / kNanosPerSecond;
  const int64_t nsec = nanos_ % kNanosPerSecond;
  if (name == "String") return Value(util::FormatGoDuration(nanos_));
  if (name == "Seconds") return Value(static_cast<double>(sec) + static_cast<double>(nsec) / 1e9);
  if (name == "Minutes") {
    const int64_t min = nanos_ / (60 * kNanosPerSecond);
    const int64_t rest = nanos_ % (60 * kNanosPerSecond);
    return Value(static_cast<double>(min) + static_cast<double>(rest) / (60e9));
  }
  if (name == "Hours") {
    const int64_t hour = nanos_ / (3600 * kNanosPerSecond);
    const int64_t rest = nanos_ % (3600 * kNanosPerSecond);
    return Value(static_cast<double>(hour) + static_cast<double>(rest) / (3600e9));
  }
  if (name == "Milliseconds") return Value(nanos_ / 1'000'000);
  if (name == "Microseconds") return Value(nanos_ / 1'000);
  if (name == "Nanoseconds") return Value(nanos_);
  return HostObject::Call(name, args);
}

std::string GoDuration::Format() const { return util::FormatGoDuration(nanos_); }

bool GoDuration::ToFloat(double* out) const {
  if (pointer_) return false;  // Prometheus's ConvertToFloat matches time.Duration only
  *out = static_cast<double>(nanos_ / kNanosPerSecond) +
         static_cast<double>(nanos_ % kNanosPerSecond) / 1e9;
  return true;
}

}  // namespace promkit::tmpl
