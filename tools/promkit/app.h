#pragma once
// The promkit command tree. Each command family registers its subcommands on the root app in
// its own file (check.cpp, scrape.cpp, ...); app.cpp builds the root, dispatches and maps CLI
// errors to promtool's exit codes. Only implemented commands are registered.

#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace promkit::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitLint = 3;

// Which command tree the binary answers, chosen by the name it was invoked as.
enum class Mode {
  kPromkit,   // promkit's full tree
  kPromtool,  // promtool's tree only (same commands, flags, output, exit codes)
};

Mode ModeFromArgv0(std::string_view argv0);
std::string_view ProgramName(Mode mode);
std::string VersionText(Mode mode);

// The root app with every family registered. `exit_code` receives the command's result when a
// command's callback runs.
void BuildApp(CLI::App& app, Mode mode, int* exit_code);

// Family registrations (one per file in tools/promkit/).
void RegisterCheck(CLI::App& root, Mode mode, int* exit_code);
void RegisterScrape(CLI::App& root, Mode mode, int* exit_code);
void RegisterDocs(CLI::App& root, Mode mode, int* exit_code);

// Parses argv and runs the selected command; returns the process exit code.
int Run(int argc, char** argv);

}  // namespace promkit::cli
