// Expected values were produced by Go 1.19's strconv.FormatFloat / strconv.ParseFloat.
#include "util/numbers.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "util/strings.h"

namespace promkit::util {
namespace {

using namespace std::string_view_literals;

struct FormatCase {
  uint64_t bits;
  char fmt;
  int prec;
  std::string_view want;
};

constexpr FormatCase kFormatCases[] = {
#include "util/format_float_cases.inc"
};

TEST(FormatFloat, MatchesGo) {
  for (const FormatCase& c : kFormatCases) {
    const double v = std::bit_cast<double>(c.bits);
    SCOPED_TRACE(std::string(c.want) + " fmt " + c.fmt + " prec " + std::to_string(c.prec));
    EXPECT_EQ(FormatFloat(v, c.fmt, c.prec), c.want);
  }
}

TEST(FormatFloat, SpecialsAndUnknownVerb) {
  EXPECT_EQ(FormatFloat(std::numeric_limits<double>::quiet_NaN(), 'f', 3), "NaN");
  EXPECT_EQ(FormatFloat(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatFloat(1.5, 'x', -1), "%x");
  std::string out = "v=";
  AppendFloat(out, 0.25);
  EXPECT_EQ(out, "v=0.25");
}

TEST(FormatFloat, HugePrecisionPadsWithZeros) {
  // Go: strconv.FormatFloat(0.1, 'f', 1100, 64) is the exact expansion then zeros.
  const std::string f = FormatFloat(0.1, 'f', 1100);
  ASSERT_EQ(f.size(), 1102u);
  EXPECT_EQ(f.substr(0, 30), "0.1000000000000000055511151231");
  EXPECT_EQ(f.substr(2 + 55), std::string(1100 - 55, '0'));
  const std::string e = FormatFloat(5e-324, 'e', 800);
  EXPECT_EQ(e.substr(0, 12), "4.9406564584");
  EXPECT_EQ(e.substr(e.size() - 5), "e-324");
  EXPECT_EQ(e.size(), 2u + 800u + 5u);
}

TEST(FormatFloat, ShortestRoundTripsRandomBits) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    const uint64_t bits = rng();
    const double v = std::bit_cast<double>(bits);
    if (std::isnan(v)) continue;
    for (char fmt : {'g', 'e', 'f'}) {
      const std::string s = FormatFloat(v, fmt, -1);
      Result<double> back = ParseFloat(s);
      SCOPED_TRACE(s);
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(std::bit_cast<uint64_t>(*back), bits);
    }
  }
}

constexpr uint64_t kNaN = 0x7ff8000000000001ULL;  // marker: any NaN

struct ParseCase {
  std::string_view in;
  uint64_t bits;  // when want_err is empty
  std::string_view want_err;
};

TEST(ParseFloat, MatchesGo) {
  const ParseCase cases[] = {
      {"0"sv, 0x0000000000000000ULL, ""sv},
      {"-0"sv, 0x8000000000000000ULL, ""sv},
      {"+0"sv, 0x0000000000000000ULL, ""sv},
      {"1"sv, 0x3ff0000000000000ULL, ""sv},
      {"-1"sv, 0xbff0000000000000ULL, ""sv},
      {"0.1"sv, 0x3fb999999999999aULL, ""sv},
      {"5e-324"sv, 0x0000000000000001ULL, ""sv},
      {"4e-324"sv, 0x0000000000000001ULL, ""sv},
      {"2e-324"sv, 0x0000000000000000ULL, ""sv},
      {"2.4703282292062328e-324"sv, 0x0000000000000001ULL, ""sv},
      {"2.4703282292062327e-324"sv, 0x0000000000000000ULL, ""sv},
      {"1.7976931348623157e308"sv, 0x7fefffffffffffffULL, ""sv},
      {"1.7976931348623158e308"sv, 0x7fefffffffffffffULL, ""sv},
      {"1.7976931348623159e308"sv, 0x7ff0000000000000ULL,
       "strconv.ParseFloat: parsing \0421.7976931348623159e308\042: value out of range"sv},
      {"1e308"sv, 0x7fe1ccf385ebc8a0ULL, ""sv},
      {"1e309"sv, 0x7ff0000000000000ULL,
       "strconv.ParseFloat: parsing \0421e309\042: value out of range"sv},
      {"-1e309"sv, 0xfff0000000000000ULL,
       "strconv.ParseFloat: parsing \042-1e309\042: value out of range"sv},
      {"1e-400"sv, 0x0000000000000000ULL, ""sv},
      {"-1e-400"sv, 0x8000000000000000ULL, ""sv},
      {"1e21"sv, 0x444b1ae4d6e2ef50ULL, ""sv},
      {"1e20"sv, 0x4415af1d78b58c40ULL, ""sv},
      {"123456789"sv, 0x419d6f3454000000ULL, ""sv},
      {"1e-7"sv, 0x3e7ad7f29abcaf48ULL, ""sv},
      {"100"sv, 0x4059000000000000ULL, ""sv},
      {"1e6"sv, 0x412e848000000000ULL, ""sv},
      {"1.5e-5"sv, 0x3eef75104d551d69ULL, ""sv},
      {"9007199254740993"sv, 0x4340000000000000ULL, ""sv},
      {"9007199254740992"sv, 0x4340000000000000ULL, ""sv},
      {"9007199254740995"sv, 0x4340000000000002ULL, ""sv},
      {"0x1p-2"sv, 0x3fd0000000000000ULL, ""sv},
      {"0X1P-2"sv, 0x3fd0000000000000ULL, ""sv},
      {"0x1.8p1"sv, 0x4008000000000000ULL, ""sv},
      {"0x.8p1"sv, 0x3ff0000000000000ULL, ""sv},
      {"0x1.p1"sv, 0x4000000000000000ULL, ""sv},
      {"0x1ep1"sv, 0x404e000000000000ULL, ""sv},
      {"0x1p-1074"sv, 0x0000000000000001ULL, ""sv},
      {"0x1p-1075"sv, 0x0000000000000000ULL, ""sv},
      {"0x1.0000000000001p-1075"sv, 0x0000000000000001ULL, ""sv},
      {"0x1p1023"sv, 0x7fe0000000000000ULL, ""sv},
      {"0x1p1024"sv, 0x7ff0000000000000ULL,
       "strconv.ParseFloat: parsing \0420x1p1024\042: value out of range"sv},
      {"0x1.fffffffffffffp1023"sv, 0x7fefffffffffffffULL, ""sv},
      {"0x1.fffffffffffff8p1023"sv, 0x7ff0000000000000ULL,
       "strconv.ParseFloat: parsing \0420x1.fffffffffffff8p1023\042: value out of range"sv},
      {"0x1.00000000000008p0"sv, 0x3ff0000000000000ULL, ""sv},
      {"0x1.00000000000018p0"sv, 0x3ff0000000000002ULL, ""sv},
      {"0x1.000000000000081p0"sv, 0x3ff0000000000001ULL, ""sv},
      {"0x123456789abcdef0123p0"sv, 0x44723456789abcdfULL, ""sv},
      {"1_000"sv, 0x408f400000000000ULL, ""sv},
      {"1_000.5"sv, 0x408f440000000000ULL, ""sv},
      {"0_1"sv, 0x3ff0000000000000ULL, ""sv},
      {"1__0"sv, 0, "strconv.ParseFloat: parsing \0421__0\042: invalid syntax"sv},
      {"_1"sv, 0, "strconv.ParseFloat: parsing \042_1\042: invalid syntax"sv},
      {"1_"sv, 0, "strconv.ParseFloat: parsing \0421_\042: invalid syntax"sv},
      {"1_e5"sv, 0, "strconv.ParseFloat: parsing \0421_e5\042: invalid syntax"sv},
      {"1e1_0"sv, 0x4202a05f20000000ULL, ""sv},
      {"1e_10"sv, 0, "strconv.ParseFloat: parsing \0421e_10\042: invalid syntax"sv},
      {"0x_1p0"sv, 0x3ff0000000000000ULL, ""sv},
      {"0x1_p1"sv, 0, "strconv.ParseFloat: parsing \0420x1_p1\042: invalid syntax"sv},
      {"0x1p1_0"sv, 0x4090000000000000ULL, ""sv},
      {"0x_p1"sv, 0, "strconv.ParseFloat: parsing \0420x_p1\042: invalid syntax"sv},
      {"+_1"sv, 0, "strconv.ParseFloat: parsing \042+_1\042: invalid syntax"sv},
      {"1._5"sv, 0, "strconv.ParseFloat: parsing \0421._5\042: invalid syntax"sv},
      {"1_.5"sv, 0, "strconv.ParseFloat: parsing \0421_.5\042: invalid syntax"sv},
      {"inf"sv, 0x7ff0000000000000ULL, ""sv},
      {"-inf"sv, 0xfff0000000000000ULL, ""sv},
      {"+inf"sv, 0x7ff0000000000000ULL, ""sv},
      {"Inf"sv, 0x7ff0000000000000ULL, ""sv},
      {"INF"sv, 0x7ff0000000000000ULL, ""sv},
      {"infinity"sv, 0x7ff0000000000000ULL, ""sv},
      {"-Infinity"sv, 0xfff0000000000000ULL, ""sv},
      {"+INFINITY"sv, 0x7ff0000000000000ULL, ""sv},
      {"infin"sv, 0, "strconv.ParseFloat: parsing \042infin\042: invalid syntax"sv},
      {"infinit"sv, 0, "strconv.ParseFloat: parsing \042infinit\042: invalid syntax"sv},
      {"infinityy"sv, 0, "strconv.ParseFloat: parsing \042infinityy\042: invalid syntax"sv},
      {"nan"sv, kNaN, ""sv},
      {"NaN"sv, kNaN, ""sv},
      {"NAN"sv, kNaN, ""sv},
      {"+nan"sv, 0, "strconv.ParseFloat: parsing \042+nan\042: invalid syntax"sv},
      {"-nan"sv, 0, "strconv.ParseFloat: parsing \042-nan\042: invalid syntax"sv},
      {"nana"sv, 0, "strconv.ParseFloat: parsing \042nana\042: invalid syntax"sv},
      {"in"sv, 0, "strconv.ParseFloat: parsing \042in\042: invalid syntax"sv},
      {""sv, 0, "strconv.ParseFloat: parsing \042\042: invalid syntax"sv},
      {"."sv, 0, "strconv.ParseFloat: parsing \042.\042: invalid syntax"sv},
      {"+"sv, 0, "strconv.ParseFloat: parsing \042+\042: invalid syntax"sv},
      {"-"sv, 0, "strconv.ParseFloat: parsing \042-\042: invalid syntax"sv},
      {"1e"sv, 0, "strconv.ParseFloat: parsing \0421e\042: invalid syntax"sv},
      {"1e+"sv, 0, "strconv.ParseFloat: parsing \0421e+\042: invalid syntax"sv},
      {"1e-"sv, 0, "strconv.ParseFloat: parsing \0421e-\042: invalid syntax"sv},
      {"e1"sv, 0, "strconv.ParseFloat: parsing \042e1\042: invalid syntax"sv},
      {".e1"sv, 0, "strconv.ParseFloat: parsing \042.e1\042: invalid syntax"sv},
      {"+.5"sv, 0x3fe0000000000000ULL, ""sv},
      {".5"sv, 0x3fe0000000000000ULL, ""sv},
      {"5."sv, 0x4014000000000000ULL, ""sv},
      {"..5"sv, 0, "strconv.ParseFloat: parsing \042..5\042: invalid syntax"sv},
      {"1.2.3"sv, 0, "strconv.ParseFloat: parsing \0421.2.3\042: invalid syntax"sv},
      {" 1"sv, 0, "strconv.ParseFloat: parsing \042 1\042: invalid syntax"sv},
      {"1 "sv, 0, "strconv.ParseFloat: parsing \0421 \042: invalid syntax"sv},
      {"1\012"sv, 0, "strconv.ParseFloat: parsing \0421\134n\042: invalid syntax"sv},
      {"0x"sv, 0, "strconv.ParseFloat: parsing \0420x\042: invalid syntax"sv},
      {"0x1"sv, 0, "strconv.ParseFloat: parsing \0420x1\042: invalid syntax"sv},
      {"0x1p"sv, 0, "strconv.ParseFloat: parsing \0420x1p\042: invalid syntax"sv},
      {"0x.p1"sv, 0, "strconv.ParseFloat: parsing \0420x.p1\042: invalid syntax"sv},
      {"0xp1"sv, 0, "strconv.ParseFloat: parsing \0420xp1\042: invalid syntax"sv},
      {"0xg"sv, 0, "strconv.ParseFloat: parsing \0420xg\042: invalid syntax"sv},
      {"00x1p1"sv, 0, "strconv.ParseFloat: parsing \04200x1p1\042: invalid syntax"sv},
      {"0b101"sv, 0, "strconv.ParseFloat: parsing \0420b101\042: invalid syntax"sv},
      {"0o17"sv, 0, "strconv.ParseFloat: parsing \0420o17\042: invalid syntax"sv},
      {"1e0x1"sv, 0, "strconv.ParseFloat: parsing \0421e0x1\042: invalid syntax"sv},
      {"0x1e"sv, 0, "strconv.ParseFloat: parsing \0420x1e\042: invalid syntax"sv},
      {"1E5"sv, 0x40f86a0000000000ULL, ""sv},
      {"1e+05"sv, 0x40f86a0000000000ULL, ""sv},
      {"1e-05"sv, 0x3ee4f8b588e368f1ULL, ""sv},
      {"1.e3"sv, 0x408f400000000000ULL, ""sv},
      {"1d"sv, 0, "strconv.ParseFloat: parsing \0421d\042: invalid syntax"sv},
      {"1f"sv, 0, "strconv.ParseFloat: parsing \0421f\042: invalid syntax"sv},
      {"0.000000000000000000000000000000000000000000001"sv, 0x3696d601ad376ab9ULL, ""sv},
      {"123456789012345678901234567890"sv, 0x45f8ee90ff6c373eULL, ""sv},
      {"1e100000"sv, 0x7ff0000000000000ULL,
       "strconv.ParseFloat: parsing \0421e100000\042: value out of range"sv},
      {"1e-100000"sv, 0x0000000000000000ULL, ""sv},
      {"1.00000000000000011102230246251565404236316680908203125"sv, 0x3ff0000000000000ULL, ""sv},
      {"1.00000000000000011102230246251565404236316680908203124"sv, 0x3ff0000000000000ULL, ""sv},
      {"1.00000000000000011102230246251565404236316680908203126"sv, 0x3ff0000000000001ULL, ""sv},
      {"2.2250738585072011e-308"sv, 0x000fffffffffffffULL, ""sv},
      {"2.2250738585072012e-308"sv, 0x0010000000000000ULL, ""sv},
      {"4.9406564584124654e-324"sv, 0x0000000000000001ULL, ""sv},
      {"0.1e-308"sv, 0x0000b8157268fdafULL, ""sv},
      {"1e-320"sv, 0x00000000000007e8ULL, ""sv},
      {"+1.5"sv, 0x3ff8000000000000ULL, ""sv},
      {"--1"sv, 0, "strconv.ParseFloat: parsing \042--1\042: invalid syntax"sv},
      {"+-1"sv, 0, "strconv.ParseFloat: parsing \042+-1\042: invalid syntax"sv},
      {"\357\274\221"sv, 0, "strconv.ParseFloat: parsing \042\357\274\221\042: invalid syntax"sv},
      {"1\000"sv, 0, "strconv.ParseFloat: parsing \0421\134x00\042: invalid syntax"sv},
      {"3.141592653589793238462643383279502884197169399375105820974944592307816406286"sv,
       0x400921fb54442d18ULL, ""sv},
      {"9999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999"sv,
       0x7ff0000000000000ULL,
       "strconv.ParseFloat: parsing \0429999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999\042: value out of range"sv},
      {"0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001"sv,
       0x0000000000000000ULL, ""sv},
      {"18446744073709551615"sv, 0x43f0000000000000ULL, ""sv},
      {"18446744073709551616"sv, 0x43f0000000000000ULL, ""sv},
      {"0x8000000000000001p0"sv, 0x43e0000000000000ULL, ""sv},
      {"0x10000000000000001p-64"sv, 0x3ff0000000000000ULL, ""sv},
      {"-0x1p-1080"sv, 0x8000000000000000ULL, ""sv},
      {"1e-99999999999"sv, 0x0000000000000000ULL, ""sv},
      {"1e99999999999"sv, 0x7ff0000000000000ULL,
       "strconv.ParseFloat: parsing \0421e99999999999\042: value out of range"sv},
      {"0e99999999999"sv, 0x0000000000000000ULL, ""sv},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(GoQuote(c.in));
    Result<double> r = ParseFloat(c.in);
    if (!c.want_err.empty()) {
      ASSERT_FALSE(r.ok()) << "got " << FormatFloat(*r);
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
      EXPECT_EQ(r.status().message(), c.want_err);
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (c.bits == kNaN) {
      EXPECT_TRUE(std::isnan(*r));
    } else {
      EXPECT_EQ(std::bit_cast<uint64_t>(*r), c.bits) << FormatFloat(*r);
    }
  }
}

}  // namespace
}  // namespace promkit::util
