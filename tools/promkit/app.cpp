#include "app.h"

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

namespace promkit::cli {

#ifndef PROMKIT_VERSION
#define PROMKIT_VERSION "0.0.0"
#endif

Mode ModeFromArgv0(std::string_view argv0) {
  size_t slash = argv0.rfind('/');
  std::string_view base = slash == std::string_view::npos ? argv0 : argv0.substr(slash + 1);
  if (base == "promtool") return Mode::kPromtool;
  return Mode::kPromkit;
}

std::string_view ProgramName(Mode mode) {
  return mode == Mode::kPromtool ? "promtool" : "promkit";
}

std::string VersionText(Mode mode) {
  return fmt::format("{}, version {} (promkit)\n  compiler: {}\n  platform: linux/{}\n",
                     ProgramName(mode), PROMKIT_VERSION,
#if defined(__clang__)
                     fmt::format("clang {}.{}", __clang_major__, __clang_minor__),
#else
                     fmt::format("gcc {}.{}", __GNUC__, __GNUC_MINOR__),
#endif
#if defined(__x86_64__)
                     "amd64"
#elif defined(__aarch64__)
                     "arm64"
#else
                     "unknown"
#endif
  );
}

void BuildApp(CLI::App& app, Mode mode, int* exit_code) {
  if (mode == Mode::kPromtool) {
    app.description("Tooling for the Prometheus monitoring system (promkit's promtool mode).");
  } else {
    app.description(
        "promkit: Prometheus's toolkit in one binary. Lint metrics and configs, scrape targets, "
        "and more; invoked as 'promtool' it answers promtool's command tree.");
  }
  app.name(std::string(ProgramName(mode)));
  app.require_subcommand(1);
  app.set_help_all_flag("--help-long", "Show help for all commands.");
  app.add_flag_callback(
      "--version",
      [mode] {
        std::fputs(VersionText(mode).c_str(), stdout);
        throw CLI::Success();
      },
      "Show application version.");
  app.footer(mode == Mode::kPromtool ? "" : "See 'man promkit' and 'promkit COMMAND --help'.");

  RegisterCheck(app, mode, exit_code);
  if (mode == Mode::kPromkit) RegisterScrape(app, mode, exit_code);
  RegisterDocs(app, mode, exit_code);
}

int Run(int argc, char** argv) {
  Mode mode = ModeFromArgv0(argc > 0 ? argv[0] : "promkit");
  CLI::App app;
  int exit_code = kExitOk;
  BuildApp(app, mode, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::Success&) {
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    // kingpin (promtool) style: "promtool: error: <why>, try --help", exit code 1.
    std::fprintf(stderr, "%s: error: %s, try --help\n", std::string(ProgramName(mode)).c_str(),
                 e.what());
    return kExitFailure;
  }
  return exit_code;
}

}  // namespace promkit::cli
