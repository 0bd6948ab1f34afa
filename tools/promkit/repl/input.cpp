#include "repl/input.h"

#include "util/strings.h"

namespace promkit::cli::repl {

bool NeedsMoreInput(std::string_view text) {
  int open = 0;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\' && quote != '`') {
        ++i;  // an escaped character never closes the string
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    switch (c) {
      case '"':
      case '\'':
      case '`':
        quote = c;
        break;
      case '#':
        while (i < text.size() && text[i] != '\n') ++i;
        break;
      case '(':
      case '[':
      case '{':
        ++open;
        break;
      case ')':
      case ']':
      case '}':
        if (open > 0) --open;
        break;
      default:
        break;
    }
  }
  return open > 0 || quote != 0;
}

bool IsBlankOrComment(std::string_view line) {
  std::string_view t = util::TrimSpace(line);
  return t.empty() || t[0] == '#';
}

std::vector<Statement> SplitStatements(std::string_view script) {
  std::vector<Statement> out;
  std::string pending;
  int pending_line = 0;
  int line_no = 0;
  size_t pos = 0;
  while (pos < script.size()) {
    size_t nl = script.find('\n', pos);
    if (nl == std::string_view::npos) nl = script.size();
    std::string_view line = script.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    ++line_no;
    if (pending_line == 0) {
      if (IsBlankOrComment(line)) continue;
      pending = std::string(line);
      pending_line = line_no;
    } else {
      pending += '\n';
      pending += line;
    }
    if (!NeedsMoreInput(pending)) {
      out.push_back(Statement{std::move(pending), pending_line});
      pending.clear();
      pending_line = 0;
    }
  }
  if (pending_line != 0) out.push_back(Statement{std::move(pending), pending_line});
  return out;
}

}  // namespace promkit::cli::repl

namespace promkit::cli::repl {

std::span<const DotCommand> DotCommands() {
  static constexpr DotCommand kCommands[] = {
      {".at", "[TIME]", "evaluate instant queries at TIME (default: latest)"},
      {".range", "[START END [STEP]]",
       "evaluate range queries from START to END (STEP: default fits the graph)"},
      {".lookback", "[DUR]", "set the lookback delta of instant vector selectors (default 5m)"},
      {".format", "[table|json|graph|csv|auto]",
       "set the output format (auto: graph for range queries, table otherwise)"},
      {".stats", "[on|off]", "print series, samples and time after each query"},
      {".explain", "EXPR", "show the parsed expression and what each selector reads"},
      {".series", "SELECTOR", "list the series a selector matches"},
      {".labels", "[NAME]", "list label names, or the values of label NAME"},
      {".metrics", "[REGEX]", "list metric names (those matching REGEX)"},
      {".help", "", "show this help"},
      {".quit", "", "leave (also Ctrl-D)"},
  };
  return kCommands;
}

std::span<const std::string_view> FormatNames() {
  static constexpr std::string_view kFormats[] = {"auto", "table", "json", "graph", "csv"};
  return kFormats;
}

}  // namespace promkit::cli::repl
