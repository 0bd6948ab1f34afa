// Go's time.ParseInLocation(layout, value, time.UTC) and zoned time formatting; expected values
// from Go 1.19's time package.
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "template/gotime.h"

namespace promkit::tmpl {
namespace {

TEST(ParseGoTime, Table) {
  const std::tuple<std::string_view, std::string_view, std::string_view> cases[] = {
      {"2006-01-02", "2024-03-05", "2024-03-05T00:00:00Z"},
      {"2006-01-02 15:04:05", "2024-03-05 07:08:09", "2024-03-05T07:08:09Z"},
      {"2006-01-02T15:04:05Z07:00", "2024-03-05T07:08:09+02:00", "2024-03-05T05:08:09Z"},
      {"2006-01-02T15:04:05Z07:00", "2024-03-05T07:08:09.123Z", "2024-03-05T07:08:09.123Z"},
      {"Jan 2, 2006 at 3:04pm (MST)", "Feb 3, 2013 at 7:54pm (PST)", "2013-02-03T19:54:00Z"},
      {"02/01/06", "31/12/99", "1999-12-31T00:00:00Z"},
      {"Monday, 02-Jan-06 15:04:05 MST", "Tuesday, 05-Mar-24 07:08:09 UTC", "2024-03-05T07:08:09Z"},
      {"2006-002", "2024-060", "2024-02-29T00:00:00Z"},
      {"Jan _2 2006", "Mar  5 2024", "2024-03-05T00:00:00Z"},
      {"2006-01-02", "2024-13-05", "parsing time \"2024-13-05\": month out of range"},
      {"2006-01-02", "2024-02-30", "parsing time \"2024-02-30\": day out of range"},
      {"2006-01-02", "x", "parsing time \"x\" as \"2006-01-02\": cannot parse \"x\" as \"2006\""},
      {"15:04", "25:00", "parsing time \"25:00\": hour out of range"},
      {"2006-01-02T15:04:05Z07:00", "2024-03-05T07:08:09",
       "parsing time \"2024-03-05T07:08:09\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"\" "
       "as \"Z07:00\""},
      {"2006-01-02", "2024-03-05 extra",
       "parsing time \"2024-03-05 extra\": extra text: \" extra\""},
  };
  for (const auto& [layout, value, want] : cases) {
    SCOPED_TRACE(std::string(layout) + " " + std::string(value));
    auto t = ParseGoTime(layout, value);
    std::string got = t.ok() ? FormatGoTime(*t, "2006-01-02T15:04:05.999999999Z07:00")
                             : std::string(t.status().message());
    EXPECT_EQ(got, want);
  }
}

TEST(FormatGoTime, ZonesAndTheZeroTime) {
  const int64_t t = 1704708000'000'000'000;  // 2024-01-08T10:00:00Z
  EXPECT_EQ(GoTimeString(t, 3600, "CET"), "2024-01-08 11:00:00 +0100 CET");
  EXPECT_EQ(FormatGoTime(t, "Mon 15:04 MST -07:00 Z07:00", -18000, "EST"),
            "Mon 05:00 EST -05:00 -05:00");
  EXPECT_EQ(FormatGoTime(t, "2006-01-02T15:04:05Z07:00", 19800, "IST"),
            "2024-01-08T15:30:00+05:30");
  EXPECT_EQ(GoTimeString(kGoZeroTime), "0001-01-01 00:00:00 +0000 UTC");
}

}  // namespace
}  // namespace promkit::tmpl
