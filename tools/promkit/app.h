#pragma once
// The promkit command tree. Each command family registers its subcommands on the root app in
// its own file (check.cpp, scrape.cpp, ...); app.cpp builds the root, parses the command line the
// way kingpin (promtool's parser) does, prints kingpin-style help and errors, and dispatches.
// Only implemented commands are registered.
//
// Conventions the help, man pages and completions read from the CLI11 tree (docs.cpp):
//   - a subcommand or option in group "" is hidden (absent from help, docs and completions);
//   - a fixed value set is a CLI::IsMember validator on the option (listed as allowed values);
//   - option_text("NAME") on an option sets the value placeholder shown in help;
//     option_text(kEmptyPlaceholder) shows none ("--enable-feature= ...", kingpin's form for a
//     repeatable flag whose default is empty).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "promql/parser/parser.h"

namespace CLI {
class App;
}

namespace promkit::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitLint = 3;

inline constexpr std::string_view kEmptyPlaceholder = "\x01";

// Which command tree the binary answers, chosen by the name it was invoked as.
enum class Mode {
  kPromkit,   // promkit's full tree
  kPromtool,  // promtool's tree only (same commands, flags, output, exit codes)
  kAmtool,    // amtool's tree (the `am` family at the root, amtool's global flags)
};

Mode ModeFromArgv0(std::string_view argv0);
std::string_view ProgramName(Mode mode);
// A usage error as kingpin prints it: "<program>: error: <msg>, try --help\n".
std::string UsageError(Mode mode, std::string_view msg);
std::string VersionText(Mode mode);

// The root app with every family registered. `exit_code` receives the command's result when a
// command's callback runs.
void BuildApp(CLI::App& app, Mode mode, int* exit_code);

// Family registrations (one per file in tools/promkit/).
void RegisterCheck(CLI::App& root, Mode mode, int* exit_code);
// `check web-config` (check_web.cpp), registered by RegisterCheck under `check`.
void RegisterCheckWebConfig(CLI::App& check, Mode mode, int* exit_code);
// `check service-discovery` (check_sd.cpp), registered by RegisterCheck under `check`.
void RegisterCheckServiceDiscovery(CLI::App& check, Mode mode, int* exit_code);
// kingpin's ExistingFile(s) argument check (check_web.cpp): every path must exist and not be a
// directory, checked while parsing, so nothing runs when one is wrong. "" when all are usable,
// else the error ("path 'x' does not exist").
std::string ExistingFilesError(const std::vector<std::string>& files);
void RegisterScrape(CLI::App& root, Mode mode, int* exit_code);
void RegisterQuery(CLI::App& root, Mode mode, int* exit_code);
void RegisterRepl(CLI::App& root, Mode mode, int* exit_code);
// The `test` family: `test rules` (test_rules.cpp).
void RegisterTest(CLI::App& root, Mode mode, int* exit_code);
// `test relabel` (test_relabel.cpp, promkit's own), registered by RegisterTest; `junit` is the
// family's --junit value, read when the command runs.
void RegisterTestRelabel(CLI::App& test, Mode mode, int* exit_code,
                         std::shared_ptr<const std::string> junit);
void RegisterTsdb(CLI::App& root, Mode mode, int* exit_code);
void RegisterDocs(CLI::App& root, Mode mode, int* exit_code);
void RegisterPromql(CLI::App& root, Mode mode, int* exit_code);
// The `am` family (am.cpp): amtool's commands, under `am` for promkit and at the root when
// invoked as amtool (with amtool's global flags).
void RegisterAm(CLI::App& root, Mode mode, int* exit_code);
// kingpin's Default() subcommand: selected when its parent is named without a subcommand, and
// marked with '*' in help listings.
void SetDefaultSubcommand(CLI::App& parent, CLI::App& child);
// promtool's global --enable-feature (features.cpp). Registered after the families, so help
// lists it after their root flags, as kingpin does; unknown names print promtool's warning
// before the command runs.
void RegisterEnableFeature(CLI::App& root, Mode mode);
// The PromQL parser options promtool's commands parse with, --enable-feature applied. Valid
// once the command line is parsed.
promql::parser::Options PromtoolParserOptions();

// Parses argv and runs the selected command; returns the process exit code.
int Run(int argc, char** argv);

// A CLI11-free snapshot of the visible command tree, the single source for help text, man pages
// and shell completions. Plain values; safe to copy and share between threads.
struct FlagDoc {
  std::string name;  // long name without "--"; empty when the flag has only a short name
  char short_name = '\0';
  std::string help;
  std::string placeholder;    // shown for the value ("START", "\"data/\""); empty for booleans
  std::string default_value;  // raw default, empty when none
  std::vector<std::string> allowed;  // fixed value set, empty when any value is accepted
  bool boolean = false;              // takes no value; kingpin also accepts --no-<name>
  bool required = false;
  bool repeatable = false;
};

struct ArgDoc {
  std::string name;
  std::string help;
  bool required = false;
  bool repeatable = false;
};

struct CommandDoc {
  std::string name;       // "rules"; the program name at the root
  std::string full_name;  // "check rules"; empty at the root
  std::string help;
  std::vector<FlagDoc> flags;  // this command's own visible flags (the root's include --help)
  std::vector<ArgDoc> args;
  std::vector<CommandDoc> commands;  // visible subcommands, in registration order
  bool default_command = false;      // kingpin's Default(): runs when the parent is named alone
};

// Describes `app` and its visible subtree. Non-const because CLI11 exposes validators only on
// mutable options; nothing is modified.
CommandDoc DescribeApp(CLI::App& app);

// kingpin's one-line argument summary of a command: "[<flags>] <rule-files>...".
std::string CommandSummary(const CommandDoc& cmd);

// The whole tree on one man page (what --help-man prints); docs.cpp.
std::string RenderFullManPage(const CommandDoc& root, Mode mode);

}  // namespace promkit::cli
