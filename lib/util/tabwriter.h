#pragma once
// Go's text/tabwriter for the settings the Prometheus tools use (padchar ' ', no flags): text
// cells end with a tab, a column block is a run of consecutive lines that have a cell in that
// column, and each cell of a block is padded to the block's widest cell plus `padding`, counted
// in runes. A line's text after its last tab is not part of any column. amtool's tables
// (tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)) come out byte for byte.
// Pure function; thread-safe.

#include <string>
#include <string_view>

namespace promkit::util {

// The aligned form of `text` (all of it, as Writer.Flush writes it).
std::string GoTabwrite(std::string_view text, int minwidth = 0, int padding = 2);

}  // namespace promkit::util
