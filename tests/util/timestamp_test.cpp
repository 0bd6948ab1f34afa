// Expected values were produced with Go by running web/api/v1's parseTime and time.Format;
// rows marked otherwise follow newer Go (Prometheus 3 builds with Go >= 1.22) or our documented
// rejection of values upstream silently wraps.
#include "util/timestamp.h"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "util/strings.h"

namespace promkit::util {
namespace {

using namespace std::string_view_literals;

TEST(ParseApiTime, MatchesPrometheus) {
  struct Case {
    std::string_view in;
    int64_t want;
    std::string_view want_err;
  };
  const Case cases[] = {
      {"0"sv, 0LL, ""sv},
      {"1435781451.781"sv, 1435781451781LL, ""sv},
      {"1435781451"sv, 1435781451000LL, ""sv},
      {"1435781451.7815"sv, 1435781451782LL, ""sv},
      {"1435781451.7805"sv, 1435781451780LL, ""sv},
      {"-1.5"sv, -1500LL, ""sv},
      {"-0.0005"sv, -1LL, ""sv},
      {"-0.0015"sv, -2LL, ""sv},
      {"0.0005"sv, 1LL, ""sv},
      {"0.0015"sv, 2LL, ""sv},
      {"1.999"sv, 1999LL, ""sv},
      {"1.9995"sv, 2000LL, ""sv},
      {"1e3"sv, 1000000LL, ""sv},
      {"+1"sv, 1000LL, ""sv},
      {".5"sv, 500LL, ""sv},
      {"1_000"sv, 1000000LL, ""sv},
      {"0x10p0"sv, 16000LL, ""sv},
      {"1.001"sv, 1001LL, ""sv},
      {"1.003"sv, 1003LL, ""sv},
      {"1.005"sv, 1005LL, ""sv},
      {"1.007"sv, 1007LL, ""sv},
      {"1.009"sv, 1009LL, ""sv},
      {"1.013"sv, 1013LL, ""sv},
      {"12345678.123"sv, 12345678123LL, ""sv},
      {"1700000000.123"sv, 1700000000123LL, ""sv},
      {"1700000000.999"sv, 1700000000999LL, ""sv},
      {"1700000000.9999"sv, 1700000001000LL, ""sv},
      {"-1700000000.001"sv, -1700000000001LL, ""sv},
      {"9.123"sv, 9123LL, ""sv},
      {"2015-07-01T20:10:51.781Z"sv, 1435781451781LL, ""sv},
      {"2015-07-01T20:10:51Z"sv, 1435781451000LL, ""sv},
      {"2015-07-01T20:10:51.781123456Z"sv, 1435781451781LL, ""sv},
      {"2015-07-01T20:10:51.7811234567891Z"sv, 1435781451781LL, ""sv},  // Go >= 1.20 fast path
      {"2015-07-01T20:10:51,5Z"sv, 1435781451500LL, ""sv},
      {"2015-07-01T20:10:51.781+02:00"sv, 1435774251781LL, ""sv},
      {"2015-07-01T20:10:51-07:30"sv, 1435808451000LL, ""sv},
      {"2015-07-01T20:10:51+24:00"sv, 1435695051000LL, ""sv},
      {"2015-07-01T20:10:51+25:00"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51+25:00\042 to a valid timestamp"sv},  // Go >= 1.21:
                                                                                  // hour > 24
      {"2015-07-01T20:10:51+00:60"sv, 1435777851000LL, ""sv},
      {"2015-07-01T20:10:51+00:61"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51+00:61\042 to a valid timestamp"sv},  // Go >= 1.21:
                                                                                  // minute > 60
      {"2015-07-01T2:10:51Z"sv, 1435716651000LL, ""sv},
      {"2015-07-01T20:1:51Z"sv, 0LL,
       "cannot parse \0422015-07-01T20:1:51Z\042 to a valid timestamp"sv},
      {"2015-7-01T20:10:51Z"sv, 0LL,
       "cannot parse \0422015-7-01T20:10:51Z\042 to a valid timestamp"sv},
      {"2015-07-1T20:10:51Z"sv, 0LL,
       "cannot parse \0422015-07-1T20:10:51Z\042 to a valid timestamp"sv},
      {"15-07-01T20:10:51Z"sv, 0LL,
       "cannot parse \04215-07-01T20:10:51Z\042 to a valid timestamp"sv},
      {"2015-07-01t20:10:51Z"sv, 0LL,
       "cannot parse \0422015-07-01t20:10:51Z\042 to a valid timestamp"sv},
      {"2015-07-01T20:10:51z"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51z\042 to a valid timestamp"sv},
      {"2015-07-01 20:10:51Z"sv, 0LL,
       "cannot parse \0422015-07-01 20:10:51Z\042 to a valid timestamp"sv},
      {"2015-07-01T20:10:51"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51\042 to a valid timestamp"sv},
      {"2015-07-01T20:10:51.Z"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51.Z\042 to a valid timestamp"sv},
      {"2015-07-01T20:10:51Z "sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51Z \042 to a valid timestamp"sv},
      {"2015-02-29T00:00:00Z"sv, 0LL,
       "cannot parse \0422015-02-29T00:00:00Z\042 to a valid timestamp"sv},
      {"2016-02-29T00:00:00Z"sv, 1456704000000LL, ""sv},
      {"2015-04-31T00:00:00Z"sv, 0LL,
       "cannot parse \0422015-04-31T00:00:00Z\042 to a valid timestamp"sv},
      {"2015-13-01T00:00:00Z"sv, 0LL,
       "cannot parse \0422015-13-01T00:00:00Z\042 to a valid timestamp"sv},
      {"2015-00-01T00:00:00Z"sv, 0LL,
       "cannot parse \0422015-00-01T00:00:00Z\042 to a valid timestamp"sv},
      {"2015-07-00T00:00:00Z"sv, 0LL,
       "cannot parse \0422015-07-00T00:00:00Z\042 to a valid timestamp"sv},
      {"2015-07-01T24:00:00Z"sv, 0LL,
       "cannot parse \0422015-07-01T24:00:00Z\042 to a valid timestamp"sv},
      {"2015-07-01T23:60:00Z"sv, 0LL,
       "cannot parse \0422015-07-01T23:60:00Z\042 to a valid timestamp"sv},
      {"2015-07-01T23:59:60Z"sv, 0LL,
       "cannot parse \0422015-07-01T23:59:60Z\042 to a valid timestamp"sv},
      {"0000-01-01T00:00:00Z"sv, -62167219200000LL, ""sv},
      {"9999-12-31T23:59:59.999999999Z"sv, 253402300799999LL, ""sv},
      {"1969-12-31T23:59:59.9995Z"sv, -1LL, ""sv},
      {"1900-01-01T00:00:00Z"sv, -2208988800000LL, ""sv},
      {"2015-07-01T20:10:51+0200"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51+0200\042 to a valid timestamp"sv},
      {"2015-07-01T20:10:51+02"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51+02\042 to a valid timestamp"sv},
      {"2015-07-01T20:10:51+2:00"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51+2:00\042 to a valid timestamp"sv},
      {"2015-07-01T20:10:51+02:0a"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51+02:0a\042 to a valid timestamp"sv},
      {"2015-07-01T20:10:51Z07:00"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51Z07:00\042 to a valid timestamp"sv},
      {"abc"sv, 0LL, "cannot parse \042abc\042 to a valid timestamp"sv},
      {""sv, 0LL, "cannot parse \042\042 to a valid timestamp"sv},
      {"now"sv, 0LL, "cannot parse \042now\042 to a valid timestamp"sv},
      {"NaN"sv, 0LL, "cannot parse \042NaN\042 to a valid timestamp"sv},  // upstream wraps silently
      {"Inf"sv, 0LL, "cannot parse \042Inf\042 to a valid timestamp"sv},  // upstream wraps silently
      {"-Inf"sv, 0LL,
       "cannot parse \042-Inf\042 to a valid timestamp"sv},  // upstream wraps silently
      {"1e20"sv, 0LL,
       "cannot parse \0421e20\042 to a valid timestamp"sv},  // upstream wraps silently
      {"-1e20"sv, 0LL,
       "cannot parse \042-1e20\042 to a valid timestamp"sv},  // upstream wraps silently
      {"9223372036854775"sv, 0LL,
       "cannot parse \0429223372036854775\042 to a valid timestamp"sv},  // upstream wraps silently
      {"9223372036854775.807"sv, 0LL,
       "cannot parse \0429223372036854775.807\042 to a valid timestamp"sv},  // upstream wraps
                                                                             // silently
      {"9223372036854776"sv, 0LL,
       "cannot parse \0429223372036854776\042 to a valid timestamp"sv},  // upstream wraps silently
      {"-9223372036854775.808"sv, 0LL,
       "cannot parse \042-9223372036854775.808\042 to a valid timestamp"sv},  // upstream wraps
                                                                              // silently
      {"-9223372036854776"sv, 0LL,
       "cannot parse \042-9223372036854776\042 to a valid timestamp"sv},  // upstream wraps silently
      {"-292273086-05-16T16:47:06Z"sv, -9223309901257974000LL, ""sv},
      {"292277025-08-18T07:12:54.999999999Z"sv, 9223309901257974999LL, ""sv},
      {"2015-07-01T20:10:51.123456789123456789123Z"sv, 1435781451123LL,
       ""sv},  // Go >= 1.20 fast path
      {"+2015-07-01T20:10:51Z"sv, 0LL,
       "cannot parse \042+2015-07-01T20:10:51Z\042 to a valid timestamp"sv},
      {"2015-07-01T20:10:51.-1Z"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:51.-1Z\042 to a valid timestamp"sv},
      {"2015-07-01T20:10:5Z"sv, 0LL,
       "cannot parse \0422015-07-01T20:10:5Z\042 to a valid timestamp"sv},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(GoQuote(c.in));
    Result<int64_t> r = ParseApiTime(c.in);
    if (c.want_err.empty()) {
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(*r, c.want);
    } else {
      ASSERT_FALSE(r.ok()) << "got " << *r;
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
      EXPECT_EQ(r.status().message(), c.want_err);
    }
  }
}

TEST(ParseRfc3339, OwnErrorAndNoBoundStrings) {
  EXPECT_EQ(ParseRfc3339("2015-07-01T20:10:51.781Z").value_or(0), 1435781451781);
  Result<int64_t> r = ParseRfc3339("-292273086-05-16T16:47:06Z");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "parsing time \"-292273086-05-16T16:47:06Z\": not an RFC 3339 timestamp");
  EXPECT_FALSE(ParseRfc3339("1435781451").ok());
}

TEST(FormatRfc3339, MatchesGo) {
  struct Case {
    int64_t ms;
    std::string_view nano;
    std::string_view plain;
  };
  const Case cases[] = {
      {0LL, "1970-01-01T00:00:00Z"sv, "1970-01-01T00:00:00Z"sv},
      {1LL, "1970-01-01T00:00:00.001Z"sv, "1970-01-01T00:00:00Z"sv},
      {10LL, "1970-01-01T00:00:00.01Z"sv, "1970-01-01T00:00:00Z"sv},
      {100LL, "1970-01-01T00:00:00.1Z"sv, "1970-01-01T00:00:00Z"sv},
      {120LL, "1970-01-01T00:00:00.12Z"sv, "1970-01-01T00:00:00Z"sv},
      {1435781451781LL, "2015-07-01T20:10:51.781Z"sv, "2015-07-01T20:10:51Z"sv},
      {1435781451000LL, "2015-07-01T20:10:51Z"sv, "2015-07-01T20:10:51Z"sv},
      {1435781451500LL, "2015-07-01T20:10:51.5Z"sv, "2015-07-01T20:10:51Z"sv},
      {-1LL, "1969-12-31T23:59:59.999Z"sv, "1969-12-31T23:59:59Z"sv},
      {-1000LL, "1969-12-31T23:59:59Z"sv, "1969-12-31T23:59:59Z"sv},
      {-1001LL, "1969-12-31T23:59:58.999Z"sv, "1969-12-31T23:59:58Z"sv},
      {253402300799999LL, "9999-12-31T23:59:59.999Z"sv, "9999-12-31T23:59:59Z"sv},
      {253402300800000LL, "10000-01-01T00:00:00Z"sv, "10000-01-01T00:00:00Z"sv},
      {-62135596800000LL, "0001-01-01T00:00:00Z"sv, "0001-01-01T00:00:00Z"sv},
      {-62135596800001LL, "0000-12-31T23:59:59.999Z"sv, "0000-12-31T23:59:59Z"sv},
      {-62167219200000LL, "0000-01-01T00:00:00Z"sv, "0000-01-01T00:00:00Z"sv},
      {-62167219200001LL, "-0001-12-31T23:59:59.999Z"sv, "-0001-12-31T23:59:59Z"sv},
      {-9223309901257974000LL, "-292273086-05-16T16:47:06Z"sv, "-292273086-05-16T16:47:06Z"sv},
      {9223309901257974999LL, "292277025-08-18T07:12:54.999Z"sv, "292277025-08-18T07:12:54Z"sv},
      {9223372036854775807LL, "292278994-08-17T07:12:55.807Z"sv, "292278994-08-17T07:12:55Z"sv},
      {INT64_MIN, "-292275055-05-16T16:47:04.192Z"sv, "-292275055-05-16T16:47:04Z"sv},
      {951782400000LL, "2000-02-29T00:00:00Z"sv, "2000-02-29T00:00:00Z"sv},
      {4107542400000LL, "2100-03-01T00:00:00Z"sv, "2100-03-01T00:00:00Z"sv},
      {1000000000000000LL, "33658-09-27T01:46:40Z"sv, "33658-09-27T01:46:40Z"sv},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ms);
    EXPECT_EQ(FormatRfc3339Nano(c.ms), c.nano);
    EXPECT_EQ(FormatRfc3339(c.ms), c.plain);
  }
}

TEST(FormatRfc3339, RoundTripsThroughApiParsing) {
  std::mt19937_64 rng(1);
  // Years 0000..9999 parse back as RFC 3339; the whole int64 range is not representable there.
  std::uniform_int_distribution<int64_t> dist(-62167219200000, 253402300799999);
  for (int i = 0; i < 20000; ++i) {
    const int64_t ms = dist(rng);
    const std::string s = FormatRfc3339Nano(ms);
    SCOPED_TRACE(s);
    Result<int64_t> back = ParseApiTime(s);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, ms);
  }
  EXPECT_EQ(ParseApiTime(FormatRfc3339Nano(kApiMinTimeMs)).value_or(0), kApiMinTimeMs);
}

}  // namespace
}  // namespace promkit::util
