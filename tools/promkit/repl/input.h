#pragma once
// How the repl cuts input into statements. A statement is a PromQL expression or a dot-command
// (".at 1h"); it may span lines: while brackets, parentheses or braces are left open, or a
// quoted string is unterminated, the next line continues it. Blank lines and lines starting
// with '#' between statements are skipped. Pure functions; thread-safe.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace promkit::cli::repl {

// Whether `text` needs another line: an opening ( [ { without its closer, or a "..." '...' or
// `...` string without its closing quote. '#' starts a comment to the end of the line (outside
// strings). Extra closers do not count: the parser reports them.
bool NeedsMoreInput(std::string_view text);

struct Statement {
  std::string text;  // lines joined with '\n', without the final newline
  int line = 1;      // 1-based line of the input where it starts
};

// Cuts a whole script into statements. A statement still open at the end of the input is
// returned as it is (evaluating it reports the error).
std::vector<Statement> SplitStatements(std::string_view script);

// Whether a line (or the first line of a statement) is blank or only a comment.
bool IsBlankOrComment(std::string_view line);

}  // namespace promkit::cli::repl

namespace promkit::cli::repl {

// A dot-command: its name (".at"), its arguments as help shows them and what it does.
struct DotCommand {
  std::string_view name;
  std::string_view args;
  std::string_view help;
};

// Every dot-command the repl runs, in help order.
std::span<const DotCommand> DotCommands();

// The output formats of .format, in help order.
std::span<const std::string_view> FormatNames();

}  // namespace promkit::cli::repl
