#pragma once
// Positions in user-supplied text (configs, rules, PromQL, expositions) and how errors about
// them are shown: `file:line:col: message`, then the offending line and a caret under it.

#include <cstddef>
#include <string>
#include <string_view>

namespace promkit::util {

struct LineCol {
  int line = 1;  // 1-based
  int col = 1;   // 1-based, in bytes from the start of the line (as upstream's positions)
};

// The line and column of byte `offset` in `text` (offset may equal text.size()).
LineCol PositionOf(std::string_view text, size_t offset);

// The whole line (without its newline) that contains byte `offset`.
std::string_view LineAt(std::string_view text, size_t offset);

// Renders the offending line of `text` with a caret (and `~` for len > 1) under byte `offset`:
//   "  12 | expr: rate(x[5m]))\n     |                  ^\n"
// Tabs are kept so the caret lines up in a terminal; multi-byte UTF-8 counts as one column.
std::string RenderCaret(std::string_view text, size_t offset, size_t len = 1);

// "file:line:col: message\n" + RenderCaret(...). An empty file name leaves out "file:".
std::string RenderSourceError(std::string_view file, std::string_view text, size_t offset,
                              size_t len, std::string_view message);

}  // namespace promkit::util
