#include "util/tabwriter.h"

#include <string_view>
#include <tuple>

#include <gtest/gtest.h>

namespace promkit::util {
namespace {

// Outputs of Go's tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) for the same input.
TEST(GoTabwrite, Table) {
  const std::tuple<std::string_view, std::string_view> cases[] = {
      {"", ""},
      {"no tabs\n", "no tabs\n"},
      // Terminated cells pad to the widest in the column plus 2.
      {"a\tb\tc\naaa\tbbbb\t\n", "a    b     c\naaa  bbbb  \n"},
      // Text after the last tab is in no column.
      {"a\tb\tc\naa\tbb\n", "a   b  c\naa  bb\n"},
      // No final newline: the last line is written as it is.
      {"a\tb", "a  b"},
      // Widths count runes.
      {"\xc3\xa9\tx\nab\ty\n", "\xc3\xa9   x\nab  y\n"},
      // A line without a cell in a column ends its block (amtool's cluster show -o extended).
      {"Cluster Status:\tready\nNode Name:\tn1\n\nAddress\tName\n1.2.3.4:9094\tn1\t\n",
       "Cluster Status:  ready\nNode Name:       n1\n\nAddress       Name\n1.2.3.4:9094  n1  \n"},
      {"x\t\n\nyyyy\t\n", "x  \n\nyyyy  \n"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(GoTabwrite(in), want);
  }
}

}  // namespace
}  // namespace promkit::util
