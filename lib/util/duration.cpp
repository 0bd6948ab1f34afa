#include "util/duration.h"

#include <array>

#include "util/strings.h"

namespace promkit::util {
namespace {

constexpr uint64_t kNanosPerMilli = 1'000'000;
constexpr uint64_t kTwoTo63 = uint64_t{1} << 63;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct PromUnit {
  std::string_view name;
  int pos;         // position in the mandatory order, biggest first
  uint64_t nanos;  // length in nanoseconds (the overflow check is in Go's unit)
};

constexpr uint64_t kMsNanos = kNanosPerMilli;
constexpr std::array<PromUnit, 7> kPromUnits = {{
    {"y", 1, 365ULL * 24 * 3600'000 * kMsNanos},
    {"w", 2, 7ULL * 24 * 3600'000 * kMsNanos},
    {"d", 3, 24ULL * 3600'000 * kMsNanos},
    {"h", 4, 3600'000 * kMsNanos},
    {"m", 5, 60'000 * kMsNanos},
    {"s", 6, 1000 * kMsNanos},
    {"ms", 7, kMsNanos},
}};

const PromUnit* FindPromUnit(std::string_view u) {
  for (const PromUnit& unit : kPromUnits) {
    if (unit.name == u) return &unit;
  }
  return nullptr;
}

std::string NotValid(std::string_view s) { return "not a valid duration string: " + GoQuote(s); }

// Package time's own quoting for error messages: like %q for printable ASCII, every byte of
// anything else as \xNN.
std::string TimeQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || c < ' ') {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
      continue;
    }
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(static_cast<char>(c));
  }
  out.push_back('"');
  return out;
}

struct GoUnit {
  std::string_view name;
  uint64_t nanos;
};

constexpr std::array<GoUnit, 8> kGoUnits = {{
    {"ns", 1},
    {"us", 1000},
    {"\xC2\xB5s", 1000},  // U+00B5 micro sign
    {"\xCE\xBCs", 1000},  // U+03BC Greek mu
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
}};

Status GoInvalid(std::string_view orig) {
  return Status::InvalidArgument("time: invalid duration " + TimeQuote(orig));
}

// Writes the decimal fraction of v / 10^prec (without trailing zeros, no point when zero) in
// front of `out`'s tail, returning v / 10^prec.
uint64_t PrependFrac(std::string& rev, uint64_t v, int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    const auto digit = static_cast<char>(v % 10);
    print = print || digit != 0;
    if (print) rev.push_back(static_cast<char>('0' + digit));
    v /= 10;
  }
  if (print) rev.push_back('.');
  return v;
}

void PrependInt(std::string& rev, uint64_t v) {
  do {
    rev.push_back(static_cast<char>('0' + v % 10));
    v /= 10;
  } while (v > 0);
}

}  // namespace

Result<int64_t> ParseDuration(std::string_view s) {
  if (s == "0") return int64_t{0};
  if (s.empty()) return Status::InvalidArgument("empty duration string");
  const std::string_view orig = s;
  uint64_t total = 0;  // nanoseconds
  int last_pos = 0;
  while (!s.empty()) {
    if (!IsDigit(s[0])) return Status::InvalidArgument(NotValid(orig));
    size_t i = 0;
    uint64_t v = 0;
    bool overflow = false;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      const auto d = static_cast<uint64_t>(s[i] - '0');
      if (v > (UINT64_MAX - d) / 10) overflow = true;
      v = v * 10 + d;
    }
    if (overflow) return Status::InvalidArgument(NotValid(orig));  // ParseUint failed
    s.remove_prefix(i);
    for (i = 0; i < s.size() && !IsDigit(s[i]); ++i) {
    }
    if (i == 0) return Status::InvalidArgument(NotValid(orig));
    const std::string_view u = s.substr(0, i);
    s.remove_prefix(i);
    const PromUnit* unit = FindPromUnit(u);
    if (unit == nullptr) {
      return Status::InvalidArgument("unknown unit " + GoQuote(u) + " in duration " +
                                     GoQuote(orig));
    }
    if (unit->pos <= last_pos) return Status::InvalidArgument(NotValid(orig));
    last_pos = unit->pos;
    if (v > kTwoTo63 / unit->nanos) return Status::InvalidArgument("duration out of range");
    total += v * unit->nanos;
    if (total > kTwoTo63 - 1) return Status::InvalidArgument("duration out of range");
  }
  return static_cast<int64_t>(total / kNanosPerMilli);
}

Result<int64_t> ParseDurationAllowNegative(std::string_view s) {
  if (s.empty() || s[0] != '-') return ParseDuration(s);
  PROMKIT_ASSIGN_OR_RETURN(int64_t ms, ParseDuration(s.substr(1)));
  return -ms;
}

std::string FormatDuration(int64_t ms) {
  if (ms == 0) return "0s";
  std::string out;
  uint64_t rest = static_cast<uint64_t>(ms);
  if (ms < 0) {
    out.push_back('-');
    rest = 0 - rest;
  }
  struct Unit {
    std::string_view name;
    uint64_t ms;
    bool exact;
  };
  static constexpr Unit kUnits[] = {
      {"y", 365ULL * 24 * 3600'000, true},
      {"w", 7ULL * 24 * 3600'000, true},
      {"d", 24ULL * 3600'000, false},
      {"h", 3600'000, false},
      {"m", 60'000, false},
      {"s", 1000, false},
      {"ms", 1, false},
  };
  for (const Unit& u : kUnits) {
    if (u.exact && rest % u.ms != 0) continue;
    const uint64_t v = rest / u.ms;
    if (v > 0) {
      out += std::to_string(v);
      out += u.name;
      rest -= v * u.ms;
    }
  }
  return out;
}

Result<int64_t> ParseGoDuration(std::string_view s) {
  const std::string_view orig = s;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return GoInvalid(orig);
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || IsDigit(s[0]))) return GoInvalid(orig);
    // Integer part; overflow past 2^63 is an error.
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (v > kTwoTo63 / 10) return GoInvalid(orig);
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > kTwoTo63) return GoInvalid(orig);
    }
    const bool pre = i > 0;
    s.remove_prefix(i);
    // Fraction; digits past uint64 precision are consumed and ignored.
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      for (i = 0; i < s.size() && IsDigit(s[i]); ++i) {
        if (overflow) continue;
        if (f > (kTwoTo63 - 1) / 10) {
          overflow = true;
          continue;
        }
        const uint64_t y = f * 10 + static_cast<uint64_t>(s[i] - '0');
        if (y > kTwoTo63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = i > 0;
      s.remove_prefix(i);
    }
    if (!pre && !post) return GoInvalid(orig);
    for (i = 0; i < s.size() && s[i] != '.' && !IsDigit(s[i]); ++i) {
    }
    if (i == 0) {
      return Status::InvalidArgument("time: missing unit in duration " + TimeQuote(orig));
    }
    const std::string_view u = s.substr(0, i);
    s.remove_prefix(i);
    uint64_t unit = 0;
    for (const GoUnit& gu : kGoUnits) {
      if (gu.name == u) unit = gu.nanos;
    }
    if (unit == 0) {
      return Status::InvalidArgument("time: unknown unit " + TimeQuote(u) + " in duration " +
                                     TimeQuote(orig));
    }
    if (v > kTwoTo63 / unit) return GoInvalid(orig);
    v *= unit;
    if (f > 0) {
      // Same double arithmetic as Go, so fractions round identically.
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kTwoTo63) return GoInvalid(orig);
    }
    total += v;
    if (total > kTwoTo63) return GoInvalid(orig);
  }
  if (neg) return static_cast<int64_t>(0 - total);
  if (total > kTwoTo63 - 1) return GoInvalid(orig);
  return static_cast<int64_t>(total);
}

std::string FormatGoDuration(int64_t ns) {
  // Built back to front, then reversed.
  std::string rev;
  uint64_t u = static_cast<uint64_t>(ns);
  const bool neg = ns < 0;
  if (neg) u = 0 - u;
  if (u < 1'000'000'000) {
    if (u == 0) return "0s";
    int prec;
    rev.push_back('s');
    if (u < 1000) {
      prec = 0;
      rev.push_back('n');
    } else if (u < 1'000'000) {
      prec = 3;
      rev += "\xB5\xC2";  // "µ" reversed
    } else {
      prec = 6;
      rev.push_back('m');
    }
    u = PrependFrac(rev, u, prec);
    PrependInt(rev, u);
  } else {
    rev.push_back('s');
    u = PrependFrac(rev, u, 9);
    PrependInt(rev, u % 60);
    u /= 60;
    if (u > 0) {
      rev.push_back('m');
      PrependInt(rev, u % 60);
      u /= 60;
      if (u > 0) {
        rev.push_back('h');
        PrependInt(rev, u);
      }
    }
  }
  if (neg) rev.push_back('-');
  return std::string(rev.rbegin(), rev.rend());
}

}  // namespace promkit::util
