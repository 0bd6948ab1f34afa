#include "scrape/units.h"

#include <cstdint>
#include <string_view>
#include <tuple>

#include <gtest/gtest.h>

namespace promkit::scrape {
namespace {

TEST(ParseBase2Bytes, Table) {
  const std::tuple<std::string_view, bool, int64_t> cases[] = {
      {"0", true, 0},           {"1024", true, 1024},
      {"1KB", true, 1024},      {"1KiB", true, 1024},
      {"10MB", true, 10 << 20}, {"1GiB", true, int64_t{1} << 30},
      {"1.5KiB", true, 1536},   {"1GB512MB", true, (int64_t{1} << 30) + (int64_t{512} << 20)},
      {"12B", true, 12},        {"", false, 0},
      {"1XB", false, 0},        {"MB", false, 0},
      {"99999999EB", false, 0},
  };
  for (const auto& [in, ok, n] : cases) {
    SCOPED_TRACE(in);
    auto got = ParseBase2Bytes(in);
    ASSERT_EQ(got.ok(), ok) << got.status().ToString();
    if (ok) {
      EXPECT_EQ(*got, n);
    }
  }
  EXPECT_EQ(ParseBase2Bytes("1XB").status().ToString(), "units: unknown unit XB in 1XB");
}

TEST(FormatBase2Bytes, Table) {
  EXPECT_EQ(FormatBase2Bytes(0), "0B");
  EXPECT_EQ(FormatBase2Bytes(1024), "1KiB");
  EXPECT_EQ(FormatBase2Bytes(1536), "1KiB512B");
  EXPECT_EQ(FormatBase2Bytes(10 << 20), "10MiB");
  EXPECT_EQ(FormatBase2Bytes(100), "100B");
}

}  // namespace
}  // namespace promkit::scrape
