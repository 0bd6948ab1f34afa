#include "util/source_error.h"

#include <gtest/gtest.h>

namespace promkit::util {
namespace {

TEST(SourceError, PositionOf) {
  const std::string_view text = "ab\ncde\n\nf";
  const std::tuple<size_t, int, int> cases[] = {{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 3},
                                                {7, 3, 1}, {8, 4, 1}, {9, 4, 2}, {99, 4, 2}};
  for (const auto& [off, line, col] : cases) {
    SCOPED_TRACE(off);
    LineCol p = PositionOf(text, off);
    EXPECT_EQ(p.line, line);
    EXPECT_EQ(p.col, col);
  }
}

TEST(SourceError, RendersCaret) {
  std::string got = RenderSourceError("m.prom", "a 1\nfoo{x=} 2\n", 10, 1, "bad value");
  EXPECT_EQ(got,
            "m.prom:2:7: bad value\n"
            "  2 | foo{x=} 2\n"
            "    |       ^\n");
}

TEST(SourceError, CaretCountsUtf8AsOneColumn) {
  std::string got = RenderCaret("é=x?", 2, 2);
  EXPECT_EQ(got, "  1 | é=x?\n    |  ^~\n");
}

}  // namespace
}  // namespace promkit::util
