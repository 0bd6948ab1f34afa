// Go's text/tabwriter (format/writeLines) for padchar ' ' and no flags.
#include "util/tabwriter.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace promkit::util {
namespace {

struct Cell {
  std::string text;
  int width = 0;  // runes
};

using Line = std::vector<Cell>;

int RuneCount(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

class Formatter {
 public:
  Formatter(std::vector<Line> lines, int minwidth, int padding)
      : lines_(std::move(lines)), minwidth_(minwidth), padding_(padding) {}

  std::string Run() {
    Format(0, lines_.size());
    return std::move(out_);
  }

 private:
  // Writes lines [line0, line1) with the current column widths.
  void WriteLines(size_t line0, size_t line1) {
    for (size_t i = line0; i < line1; ++i) {
      const Line& line = lines_[i];
      for (size_t j = 0; j < line.size(); ++j) {
        const Cell& c = line[j];
        out_ += c.text;
        if (j < widths_.size()) out_.append(static_cast<size_t>(widths_[j] - c.width), ' ');
      }
      // The last line holds the text after the final newline (empty when the text ends in
      // one): no newline of its own.
      if (i + 1 < lines_.size()) out_ += '\n';
    }
  }

  // tabwriter's format(): finds the column blocks of column len(widths_) within the lines.
  void Format(size_t line0, size_t line1) {
    const size_t column = widths_.size();
    for (size_t cur = line0; cur < line1; ++cur) {
      if (column + 1 >= lines_[cur].size()) continue;
      // A cell in this column: the lines before it are done at the current widths.
      WriteLines(line0, cur);
      line0 = cur;
      int width = minwidth_;
      for (; cur < line1; ++cur) {
        const Line& line = lines_[cur];
        if (column + 1 >= line.size()) break;
        width = std::max(width, line[column].width + padding_);
      }
      widths_.push_back(width);
      Format(line0, cur);
      widths_.pop_back();
      line0 = cur;
      if (cur >= line1) break;
    }
    WriteLines(line0, line1);
  }

  std::vector<Line> lines_;
  int minwidth_;
  int padding_;
  std::vector<int> widths_;
  std::string out_;
};

}  // namespace

std::string GoTabwrite(std::string_view text, int minwidth, int padding) {
  std::vector<Line> lines(1);
  std::string cell;
  for (char c : text) {
    if (c == '\t' || c == '\n') {
      int w = RuneCount(cell);
      lines.back().push_back({std::move(cell), w});
      cell.clear();
      if (c == '\n') lines.emplace_back();
    } else {
      cell += c;
    }
  }
  lines.back().push_back({cell, RuneCount(cell)});
  return Formatter(std::move(lines), minwidth, padding).Run();
}

}  // namespace promkit::util
