#include "util/source_error.h"

#include <algorithm>

#include <fmt/core.h>

namespace promkit::util {

LineCol PositionOf(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  LineCol pos;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      line_start = i + 1;
    }
  }
  pos.col = static_cast<int>(offset - line_start) + 1;
  return pos;
}

std::string_view LineAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  size_t start = text.rfind('\n', offset == 0 ? std::string_view::npos : offset - 1);
  start = (start == std::string_view::npos) ? 0 : start + 1;
  if (offset < text.size() && text[offset] == '\n' && offset > 0 && offset == start) {
    // offset sits on an empty line's newline: that empty line is the answer.
  }
  size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  if (end < offset) end = offset;
  std::string_view line = text.substr(start, end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string RenderCaret(std::string_view text, size_t offset, size_t len) {
  offset = std::min(offset, text.size());
  LineCol pos = PositionOf(text, offset);
  std::string_view line = LineAt(text, offset);
  std::string number = std::to_string(pos.line);
  std::string out = fmt::format("  {} | {}\n", number, line);
  std::string pad;
  size_t col_bytes = std::min(static_cast<size_t>(pos.col - 1), line.size());
  for (size_t i = 0; i < col_bytes; ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if (c == '\t') {
      pad += '\t';
    } else if ((c & 0xC0) != 0x80) {  // count the first byte of each UTF-8 sequence
      pad += ' ';
    }
  }
  size_t width = 1;
  if (len > 1) width = std::min(len, line.size() > col_bytes ? line.size() - col_bytes : 1);
  out += fmt::format("  {} | {}^{}\n", std::string(number.size(), ' '), pad,
                     std::string(width > 1 ? width - 1 : 0, '~'));
  return out;
}

std::string RenderSourceError(std::string_view file, std::string_view text, size_t offset,
                              size_t len, std::string_view message) {
  LineCol pos = PositionOf(text, offset);
  std::string out;
  if (!file.empty()) out = fmt::format("{}:", file);
  out += fmt::format("{}:{}: {}\n", pos.line, pos.col, message);
  out += RenderCaret(text, offset, len);
  return out;
}

}  // namespace promkit::util
