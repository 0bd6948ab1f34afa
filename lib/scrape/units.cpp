#include "scrape/units.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/core.h>

namespace promkit::scrape {
namespace {

constexpr uint64_t kMaxAbs = uint64_t{1} << 63;  // |min int64|

// Consumes leading decimal digits. Returns false on overflow past kMaxAbs.
bool LeadingInt(std::string_view& s, uint64_t* out) {
  uint64_t v = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (v > kMaxAbs / 10) return false;
    v = v * 10 + static_cast<uint64_t>(s[i] - '0');
    if (v > kMaxAbs) return false;
  }
  s.remove_prefix(i);
  *out = v;
  return true;
}

bool IsDigitOrDot(char c) { return c == '.' || (c >= '0' && c <= '9'); }

double ByteUnit(std::string_view u) {
  if (u == "B") return 1;
  static constexpr std::string_view kPrefixes = "KMGTPE";
  for (size_t i = 0; i < kPrefixes.size(); ++i) {
    if (u.size() < 2 || u[0] != kPrefixes[i]) continue;
    std::string_view rest = u.substr(1);
    if (rest == "iB" || rest == "B") {
      double v = 1;
      for (size_t k = 0; k <= i; ++k) v *= 1024;
      return v;
    }
  }
  return 0;
}

}  // namespace

util::Result<int64_t> ParseBase2Bytes(std::string_view s) {
  const std::string orig(s);
  auto invalid = [&] { return util::Status::InvalidArgument("units: invalid " + orig); };
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos) {
    uint64_t v = 0;
    std::string_view rest = s;
    if (!LeadingInt(rest, &v) || v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return util::Status::InvalidArgument("units: overflow parsing unit");
    }
    return static_cast<int64_t>(v);
  }
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t{0};
  if (s.empty()) return invalid();
  double total = 0;
  while (!s.empty()) {
    if (!IsDigitOrDot(s[0])) return invalid();
    size_t before = s.size();
    uint64_t x = 0;
    if (!LeadingInt(s, &x)) return invalid();
    double g = static_cast<double>(x);
    bool pre = before != s.size();
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t b = s.size();
      if (!LeadingInt(s, &x)) return invalid();
      double scale = 1;
      for (size_t n = b - s.size(); n > 0; --n) scale *= 10;
      g += static_cast<double>(x) / scale;
      post = b != s.size();
    }
    if (!pre && !post) return invalid();
    size_t i = 0;
    while (i < s.size() && !IsDigitOrDot(s[i])) ++i;
    std::string_view u = s.substr(0, i);
    s.remove_prefix(i);
    double unit = ByteUnit(u);
    if (unit == 0) {
      return util::Status::InvalidArgument(fmt::format("units: unknown unit {} in {}", u, orig));
    }
    total += g * unit;
  }
  if (neg) total = -total;
  if (total < -9.223372036854775808e18 || total >= 9.223372036854775808e18) {
    return util::Status::InvalidArgument("units: overflow parsing unit");
  }
  return static_cast<int64_t>(total);
}

std::string FormatBase2Bytes(int64_t n) {
  if (n == 0) return "0B";
  static constexpr const char* kNames[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  bool neg = n < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-(n + 1)) + 1 : static_cast<uint64_t>(n);
  std::string out;
  for (const char* name : kNames) {
    uint64_t part = u % 1024;
    u /= 1024;
    if (part != 0) out = fmt::format("{}{}", part, name) + out;
  }
  return neg ? "-" + out : out;
}

}  // namespace promkit::scrape
