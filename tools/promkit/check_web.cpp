// 'check web-config': validates web config files (--web.config.file) as promtool does; the
// checks live in lib/config (ValidateWebConfigFile).
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "app.h"
#include "config/web_config.h"

namespace promkit::cli {

std::string ExistingFilesError(const std::vector<std::string>& files) {
  for (const std::string& f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) {
      if (errno == ENOENT) return fmt::format("path '{}' does not exist", f);
      continue;  // other stat errors surface when the file is read
    }
    if (S_ISDIR(st.st_mode)) {
      // kingpin names the directory by its base name.
      std::string base = f;
      while (base.size() > 1 && base.back() == '/') base.pop_back();
      if (size_t slash = base.rfind('/'); slash != std::string::npos && base.size() > 1) {
        base = base.substr(slash + 1);
      }
      return fmt::format("'{}' is a directory", base);
    }
  }
  return "";
}

namespace {

struct CheckWebConfigFlags {
  std::vector<std::string> files;
};

int RunCheckWebConfig(const CheckWebConfigFlags& flags, Mode mode) {
  if (std::string err = ExistingFilesError(flags.files); !err.empty()) {
    std::fprintf(stderr, "%s: error: %s, try --help\n", std::string(ProgramName(mode)).c_str(),
                 err.c_str());
    return kExitFailure;
  }
  bool failed = false;
  for (const std::string& f : flags.files) {
    util::Status st = config::ValidateWebConfigFile(f);
    std::string line =
        st.ok() ? fmt::format("{} SUCCESS\n", f) : fmt::format("{} FAILED: {}\n", f, st.message());
    std::fputs(line.c_str(), stderr);
    failed = failed || !st.ok();
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterCheckWebConfig(CLI::App& check, Mode mode, int* exit_code) {
  auto flags = std::make_shared<CheckWebConfigFlags>();
  CLI::App* cmd =
      check.add_subcommand("web-config", "Check if the web config files are valid or not.");
  cmd->add_option("web-config-files", flags->files, "The config files to check.")->required();
  cmd->callback([flags, mode, exit_code] { *exit_code = RunCheckWebConfig(*flags, mode); });
}

}  // namespace promkit::cli
