#include "util/timestamp.h"

#include <cmath>
#include <string_view>

#include "util/numbers.h"
#include "util/strings.h"

namespace promkit::util {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr std::string_view kApiMinTimeText = "-292273086-05-16T16:47:06Z";
constexpr std::string_view kApiMaxTimeText = "292277025-08-18T07:12:54.999999999Z";

bool IsLeap(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int DaysIn(int month, int64_t year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeap(year)) return 29;
  return kDays[month - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Days since 1970-01-01 of a proleptic Gregorian date (the usual era-based computation, with
// March as the first month so leap days end each cycle).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = FloorDiv(y, 400);
  const int64_t yoe = y - era * 400;                          // [0, 399]
  const int64_t mp = (m + 9) % 12;                            // March = 0
  const int64_t doy = (153 * mp + 2) / 5 + d - 1;             // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;  // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int month;
  int day;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  Civil c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
  return c;
}

bool Digit(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Reads exactly `n` digits at s[*i].
bool Fixed(std::string_view s, size_t* i, int n, int* out) {
  int v = 0;
  for (int k = 0; k < n; ++k) {
    if (!Digit(s, *i)) return false;
    v = v * 10 + (s[(*i)++] - '0');
  }
  *out = v;
  return true;
}

bool Literal(std::string_view s, size_t* i, char c) {
  if (*i >= s.size() || s[*i] != c) return false;
  ++*i;
  return true;
}

struct Parsed {
  int64_t unix_sec;
  int64_t nsec;  // [0, 1e9)
};

bool ParseRfc3339Parts(std::string_view s, Parsed* out) {
  size_t i = 0;
  int year, month, day, hour, minute, second;
  if (!Fixed(s, &i, 4, &year) || !Literal(s, &i, '-') || !Fixed(s, &i, 2, &month) ||
      !Literal(s, &i, '-') || !Fixed(s, &i, 2, &day) || !Literal(s, &i, 'T')) {
    return false;
  }
  // Hour: Go's general parser takes one or two digits; its RFC 3339 fast path two.
  const size_t hour_start = i;
  if (!Digit(s, i)) return false;
  hour = s[i++] - '0';
  if (Digit(s, i)) hour = hour * 10 + (s[i++] - '0');
  const bool two_digit_hour = i - hour_start == 2;
  if (!Literal(s, &i, ':') || !Fixed(s, &i, 2, &minute) || !Literal(s, &i, ':') ||
      !Fixed(s, &i, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  if (day < 1 || day > DaysIn(month, year)) return false;
  int64_t nsec = 0;
  size_t frac_digits = 0;
  char frac_sep = 0;
  if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && Digit(s, i + 1)) {
    frac_sep = s[i++];
    int64_t scale = 100'000'000;
    for (; Digit(s, i); ++i, ++frac_digits) {
      if (frac_digits < 9) {
        nsec += (s[i] - '0') * scale;
        scale /= 10;
      }
    }
  }
  int64_t offset = 0;
  bool fast_zone = true;  // within the fast path's 00:00..23:59
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else {
    if (s.size() - i < 6 || s[i + 3] != ':') return false;
    const char sign = s[i++];
    if (sign != '+' && sign != '-') return false;
    int zh, zm;
    if (!Fixed(s, &i, 2, &zh)) return false;
    ++i;  // ':'
    if (!Fixed(s, &i, 2, &zm)) return false;
    if (zh > 24 || zm > 60) return false;
    fast_zone = zh <= 23 && zm <= 59;
    offset = (zh * 60 + zm) * 60;
    if (sign == '-') offset = -offset;
  }
  if (i != s.size()) return false;
  // More than nine fraction digits only pass Go's fast path, which wants '.', a two-digit hour
  // and a zone within 23:59.
  if (frac_digits > 9 && !(frac_sep == '.' && two_digit_hour && fast_zone)) return false;
  out->unix_sec = DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 +
                  second - offset;
  out->nsec = nsec;
  return true;
}

std::string CannotParse(std::string_view s) {
  return "cannot parse " + GoQuote(s) + " to a valid timestamp";
}

void AppendPadded(std::string& out, int64_t v, int width) {
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
  out += digits;
}

std::string Format(int64_t ms, bool nanos) {
  const int64_t sec = FloorDiv(ms, 1000);
  int64_t milli = ms % 1000;     // not ms - sec * 1000: that overflows at INT64_MIN
  if (milli < 0) milli += 1000;  // [0, 999]
  const int64_t days = FloorDiv(sec, kSecondsPerDay);
  const int64_t sod = sec - days * kSecondsPerDay;
  const Civil c = CivilFromDays(days);
  std::string out;
  if (c.year < 0) {
    out.push_back('-');
    AppendPadded(out, -c.year, 4);
  } else {
    AppendPadded(out, c.year, 4);
  }
  out.push_back('-');
  AppendPadded(out, c.month, 2);
  out.push_back('-');
  AppendPadded(out, c.day, 2);
  out.push_back('T');
  AppendPadded(out, sod / 3600, 2);
  out.push_back(':');
  AppendPadded(out, sod / 60 % 60, 2);
  out.push_back(':');
  AppendPadded(out, sod % 60, 2);
  if (nanos && milli != 0) {
    std::string frac;
    AppendPadded(frac, milli, 3);
    while (frac.back() == '0') frac.pop_back();
    out.push_back('.');
    out += frac;
  }
  out.push_back('Z');
  return out;
}

}  // namespace

Result<int64_t> ParseRfc3339(std::string_view s) {
  Parsed p;
  if (!ParseRfc3339Parts(s, &p)) {
    return Status::InvalidArgument("parsing time " + GoQuote(s) + ": not an RFC 3339 timestamp");
  }
  return p.unix_sec * 1000 + p.nsec / 1'000'000;
}

Result<int64_t> ParseApiTime(std::string_view s) {
  if (Result<double> f = ParseFloat(s); f.ok()) {
    const double t = *f;
    // Go: s, ns := math.Modf(t); ns = math.Round(ns*1000)/1000; time.Unix(int64(s), int64(ns*1e9)).
    double whole;
    double frac = std::modf(t, &whole);
    if (!std::isfinite(t) || std::fabs(whole) >= 9223372036854775808.0) {
      return Status::InvalidArgument(CannotParse(s));
    }
    frac = std::round(frac * 1000) / 1000;
    int64_t sec = static_cast<int64_t>(whole);
    int64_t nsec = static_cast<int64_t>(frac * 1e9);
    if (nsec < 0 || nsec >= 1'000'000'000) {
      const int64_t n = nsec / 1'000'000'000;
      sec += n;
      nsec -= n * 1'000'000'000;
      if (nsec < 0) {
        nsec += 1'000'000'000;
        --sec;
      }
    }
    int64_t ms;
    if (__builtin_mul_overflow(sec, int64_t{1000}, &ms) ||
        __builtin_add_overflow(ms, nsec / 1'000'000, &ms)) {
      return Status::InvalidArgument(CannotParse(s));
    }
    return ms;
  }
  Parsed p;
  if (ParseRfc3339Parts(s, &p)) return p.unix_sec * 1000 + p.nsec / 1'000'000;
  if (s == kApiMinTimeText) return kApiMinTimeMs;
  if (s == kApiMaxTimeText) return kApiMaxTimeMs;
  return Status::InvalidArgument(CannotParse(s));
}

std::string FormatRfc3339Nano(int64_t ms) { return Format(ms, true); }
std::string FormatRfc3339(int64_t ms) { return Format(ms, false); }

}  // namespace promkit::util
