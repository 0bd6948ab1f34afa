// Expected values were produced by prometheus/common model.ParseDuration / Duration.String and
// Go 1.19's time.ParseDuration / time.Duration.String.
#include "util/duration.h"

#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "util/strings.h"

namespace promkit::util {
namespace {

using namespace std::string_view_literals;

struct ParseCase {
  std::string_view in;
  int64_t want;
  std::string_view want_err;
};

void CheckParse(const ParseCase& c, const Result<int64_t>& r) {
  if (c.want_err.empty()) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, c.want);
  } else {
    ASSERT_FALSE(r.ok()) << "got " << *r;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.want_err);
  }
}

TEST(ParseDuration, MatchesPrometheus) {
  const ParseCase cases[] = {
      {"0"sv, 0, ""sv},
      {""sv, 0, "empty duration string"sv},
      {"1s"sv, 1000, ""sv},
      {"1m"sv, 60000, ""sv},
      {"1h"sv, 3600000, ""sv},
      {"1d"sv, 86400000, ""sv},
      {"1w"sv, 604800000, ""sv},
      {"1y"sv, 31536000000, ""sv},
      {"1ms"sv, 1, ""sv},
      {"1y2w3d4h5m6s7ms"sv, 33019506007, ""sv},
      {"90m"sv, 5400000, ""sv},
      {"1h30m"sv, 5400000, ""sv},
      {"0s"sv, 0, ""sv},
      {"00s"sv, 0, ""sv},
      {"0ms"sv, 0, ""sv},
      {"5m0s"sv, 300000, ""sv},
      {"1s1s"sv, 0, "not a valid duration string: \0421s1s\042"sv},
      {"1m1h"sv, 0, "not a valid duration string: \0421m1h\042"sv},
      {"1ms1s"sv, 0, "not a valid duration string: \0421ms1s\042"sv},
      {"1.5s"sv, 0, "unknown unit \042.\042 in duration \0421.5s\042"sv},
      {"-1s"sv, 0, "not a valid duration string: \042-1s\042"sv},
      {"+1s"sv, 0, "not a valid duration string: \042+1s\042"sv},
      {"1"sv, 0, "not a valid duration string: \0421\042"sv},
      {"s"sv, 0, "not a valid duration string: \042s\042"sv},
      {"1x"sv, 0, "unknown unit \042x\042 in duration \0421x\042"sv},
      {"1sec"sv, 0, "unknown unit \042sec\042 in duration \0421sec\042"sv},
      {"1 s"sv, 0, "unknown unit \042 s\042 in duration \0421 s\042"sv},
      {" 1s"sv, 0, "not a valid duration string: \042 1s\042"sv},
      {"1s "sv, 0, "unknown unit \042s \042 in duration \0421s \042"sv},
      {"1\302\265s"sv, 0, "unknown unit \042\302\265s\042 in duration \0421\302\265s\042"sv},
      {"1S"sv, 0, "unknown unit \042S\042 in duration \0421S\042"sv},
      {"1h2"sv, 0, "not a valid duration string: \0421h2\042"sv},
      {"292y"sv, 9208512000000, ""sv},
      {"293y"sv, 0, "duration out of range"sv},
      {"106751d"sv, 9223286400000, ""sv},
      {"106752d"sv, 0, "duration out of range"sv},
      {"9223372036854775807ms"sv, 0, "duration out of range"sv},
      {"9223372036854ms"sv, 9223372036854, ""sv},
      {"9223372036854775s"sv, 0, "duration out of range"sv},
      {"9223372036855s"sv, 0, "duration out of range"sv},
      {"18446744073709551616s"sv, 0,
       "not a valid duration string: \04218446744073709551616s\042"sv},
      {"1e3s"sv, 0, "unknown unit \042e\042 in duration \0421e3s\042"sv},
      {"0x1s"sv, 0, "unknown unit \042x\042 in duration \0420x1s\042"sv},
      {"100000000y"sv, 0, "duration out of range"sv},
      {"2562047h47m16s854ms"sv, 9223372036854, ""sv},
      {"2562047h47m16s855ms"sv, 0, "duration out of range"sv},
      {"3d4d"sv, 0, "not a valid duration string: \0423d4d\042"sv},
      {"1d1h1m1s1ms"sv, 90061001, ""sv},
      {"3650d"sv, 315360000000, ""sv},
      {"365d"sv, 31536000000, ""sv},
      {"52w"sv, 31449600000, ""sv},
      {"53w"sv, 32054400000, ""sv},
      {"7d"sv, 604800000, ""sv},
      {"14d"sv, 1209600000, ""sv},
      {"10ms5"sv, 0, "not a valid duration string: \04210ms5\042"sv},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(GoQuote(c.in));
    CheckParse(c, ParseDuration(c.in));
  }
}

TEST(ParseDurationAllowNegative, MatchesPrometheus) {
  const ParseCase cases[] = {
      {"-1s"sv, -1000, ""sv},
      {"-0"sv, 0, ""sv},
      {"--1s"sv, 0, "not a valid duration string: \042-1s\042"sv},
      {"-"sv, 0, "empty duration string"sv},
      {"-1y"sv, -31536000000, ""sv},
      {"1s"sv, 1000, ""sv},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(GoQuote(c.in));
    CheckParse(c, ParseDurationAllowNegative(c.in));
  }
}

TEST(FormatDuration, MatchesPrometheus) {
  struct Case {
    int64_t ms;
    std::string_view want;
  };
  const Case cases[] = {
      {0, "0s"sv},
      {1, "1ms"sv},
      {-1, "-1ms"sv},
      {999, "999ms"sv},
      {1000, "1s"sv},
      {1500, "1s500ms"sv},
      {-1500, "-1s500ms"sv},
      {60000, "1m"sv},
      {5400000, "1h30m"sv},
      {3600000, "1h"sv},
      {86400000, "1d"sv},
      {604800000, "1w"sv},
      {7776000000, "90d"sv},
      {31536000000, "1y"sv},
      {31622400000, "366d"sv},
      {63072000000, "2y"sv},
      {1209600000, "2w"sv},
      {31536000001, "365d1ms"sv},
      {32140800000, "372d"sv},
      {123456789, "1d10h17m36s789ms"sv},
      {9223372036854, "106751d23h47m16s854ms"sv},
      {-9223372036854, "-106751d23h47m16s854ms"sv},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ms);
    EXPECT_EQ(FormatDuration(c.ms), c.want);
    // The canonical form parses back to the same value.
    Result<int64_t> back = ParseDurationAllowNegative(c.want);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, c.ms);
  }
}

TEST(ParseGoDuration, MatchesGo) {
  const ParseCase cases[] = {
      {"0"sv, 0LL, ""sv},
      {"+0"sv, 0LL, ""sv},
      {"-0"sv, 0LL, ""sv},
      {""sv, 0LL, "time: invalid duration \042\042"sv},
      {"-"sv, 0LL, "time: invalid duration \042-\042"sv},
      {"+"sv, 0LL, "time: invalid duration \042+\042"sv},
      {"1.5s"sv, 1500000000LL, ""sv},
      {"300ms"sv, 300000000LL, ""sv},
      {"1m30s"sv, 90000000000LL, ""sv},
      {"-2h"sv, -7200000000000LL, ""sv},
      {"1us"sv, 1000LL, ""sv},
      {"1\302\265s"sv, 1000LL, ""sv},
      {"1\316\274s"sv, 1000LL, ""sv},
      {"1ns"sv, 1LL, ""sv},
      {"1h1m1s"sv, 3661000000000LL, ""sv},
      {".5s"sv, 500000000LL, ""sv},
      {"5.s"sv, 5000000000LL, ""sv},
      {".s"sv, 0LL, "time: invalid duration \042.s\042"sv},
      {"1"sv, 0LL, "time: missing unit in duration \0421\042"sv},
      {"1."sv, 0LL, "time: missing unit in duration \0421.\042"sv},
      {"s"sv, 0LL, "time: invalid duration \042s\042"sv},
      {"1x"sv, 0LL, "time: unknown unit \042x\042 in duration \0421x\042"sv},
      {"1sec"sv, 0LL, "time: unknown unit \042sec\042 in duration \0421sec\042"sv},
      {"1h 1m"sv, 0LL, "time: unknown unit \042h \042 in duration \0421h 1m\042"sv},
      {"1s1s"sv, 2000000000LL, ""sv},
      {"1m1h"sv, 3660000000000LL, ""sv},
      {"1.5h"sv, 5400000000000LL, ""sv},
      {"0.333333333333h"sv, 1199999999998LL, ""sv},
      {"1.000000000000000000001s"sv, 1000000000LL, ""sv},
      {"2562047h47m16.854775807s"sv, 9223372036854775807LL, ""sv},
      {"2562047h47m16.854775808s"sv, 0LL,
       "time: invalid duration \0422562047h47m16.854775808s\042"sv},
      {"-2562047h47m16.854775808s"sv, INT64_MIN, ""sv},
      {"-2562047h47m16.854775809s"sv, 0LL,
       "time: invalid duration \042-2562047h47m16.854775809s\042"sv},
      {"9223372036854775807ns"sv, 9223372036854775807LL, ""sv},
      {"9223372036854775808ns"sv, 0LL, "time: invalid duration \0429223372036854775808ns\042"sv},
      {"-9223372036854775808ns"sv, INT64_MIN, ""sv},
      {"99999999999999999999ns"sv, 0LL, "time: invalid duration \04299999999999999999999ns\042"sv},
      {"1e3s"sv, 0LL, "time: unknown unit \042e\042 in duration \0421e3s\042"sv},
      {"1\377s"sv, 0LL, "time: unknown unit \042\134xffs\042 in duration \0421\134xffs\042"sv},
      {"1\042s"sv, 0LL, "time: unknown unit \042\134\042s\042 in duration \0421\134\042s\042"sv},
      {"0.1ns"sv, 0LL, ""sv},
      {"1.9ns"sv, 1LL, ""sv},
      {"3.000000001s"sv, 3000000001LL, ""sv},
      {"0.0000000001h"sv, 360LL, ""sv},
      {"1.00000000000000000000000000000000000000000001s"sv, 1000000000LL, ""sv},
      {"100000000000000000000000.5s"sv, 0LL,
       "time: invalid duration \042100000000000000000000000.5s\042"sv},
      {"1h.5m"sv, 3630000000000LL, ""sv},
      {"1_0s"sv, 0LL, "time: unknown unit \042_\042 in duration \0421_0s\042"sv},
      {"1S"sv, 0LL, "time: unknown unit \042S\042 in duration \0421S\042"sv},
      {"1H"sv, 0LL, "time: unknown unit \042H\042 in duration \0421H\042"sv},
  };
  for (const ParseCase& c : cases) {
    SCOPED_TRACE(GoQuote(c.in));
    CheckParse(c, ParseGoDuration(c.in));
  }
}

TEST(FormatGoDuration, MatchesGo) {
  struct Case {
    int64_t ns;
    std::string_view want;
  };
  const Case cases[] = {
      {0LL, "0s"sv},
      {1LL, "1ns"sv},
      {-1LL, "-1ns"sv},
      {999LL, "999ns"sv},
      {1000LL, "1\302\265s"sv},
      {1001LL, "1.001\302\265s"sv},
      {1500LL, "1.5\302\265s"sv},
      {999999LL, "999.999\302\265s"sv},
      {1000000LL, "1ms"sv},
      {1500000LL, "1.5ms"sv},
      {999999999LL, "999.999999ms"sv},
      {1000000000LL, "1s"sv},
      {1500000000LL, "1.5s"sv},
      {60000000000LL, "1m0s"sv},
      {90000000000LL, "1m30s"sv},
      {3600000000000LL, "1h0m0s"sv},
      {5400000000000LL, "1h30m0s"sv},
      {-7200000000000LL, "-2h0m0s"sv},
      {1000000000000000000LL, "277777h46m40s"sv},
      {9223372036854775807LL, "2562047h47m16.854775807s"sv},
      {INT64_MIN, "-2562047h47m16.854775808s"sv},
      {86400000000001LL, "24h0m0.000000001s"sv},
      {61000000100LL, "1m1.0000001s"sv},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ns);
    EXPECT_EQ(FormatGoDuration(c.ns), c.want);
    Result<int64_t> back = ParseGoDuration(c.want);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, c.ns);
  }
}

}  // namespace
}  // namespace promkit::util
