// `check rules`: rule files (or standard input) through lib/rules/rulefmt, with promtool's
// output, duplicate-rules lint and exit codes. `check config` checks its rule files here too.
#include "check_rules.h"

#include <sys/stat.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "rules/rulefmt/lint.h"
#include "rules/rulefmt/rulefmt.h"
#include "util/source_error.h"
#include "util/strings.h"
#include "util/timestamp.h"

namespace promkit::cli {
namespace {

namespace rulefmt = rules::rulefmt;

void Out(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

// Go writes stdout and stderr unbuffered; keep their interleaving on a shared terminal or pipe.
void Err(std::string_view s) {
  std::fflush(stdout);
  std::fwrite(s.data(), 1, s.size(), stderr);
}

rulefmt::ParseOptions OptionsFor(const RulesLint& lint) {
  rulefmt::ParseOptions opts;
  opts.ignore_unknown_fields = lint.ignore_unknown_fields;
  opts.name_validation = model::ValidationScheme::kUtf8;  // promtool 3.x checks with UTF-8
  opts.parser = PromtoolParserOptions();
  return opts;
}

// What upstream logs through promslog (logfmt on stderr).
void PrintWarnings(const rulefmt::ParseResult& r) {
  for (const std::string& w : r.warnings) {
    Err(fmt::format("time={} level=WARN source=rulefmt.go msg={}\n",
                    util::FormatRfc3339(static_cast<int64_t>(std::time(nullptr)) * 1000),
                    util::GoQuote(w)));
  }
}

void PrintErrors(const rulefmt::ParseResult& r, std::string_view content, Mode mode) {
  std::string out = "  FAILED:\n";
  for (const rulefmt::Error& e : r.errors) {
    out += e.message;
    out += '\n';
    // promkit's addition: where it is. promtool mode prints promtool's lines only.
    if (mode == Mode::kPromkit && e.offset != std::string::npos && e.offset <= content.size()) {
      out += util::RenderCaret(content, e.offset, e.length);
    }
  }
  Err(out);
}

// promtool's checkRuleGroups and what checkRules prints after a clean parse.
void ReportGroups(const rulefmt::ParseResult& r, const RulesLint& lint, RulesCheckOutcome& o) {
  if (lint.LintDuplicateRules()) {
    auto dups = rulefmt::FindDuplicateRules(r.groups);
    if (!dups.empty()) {
      Err(fmt::format("  FAILED:\nlint error {}\n", rulefmt::DuplicateRulesReport(dups)));
      o.failed = true;
      Out("\n");
      return;
    }
  }
  Out(fmt::format("  SUCCESS: {} rules found\n\n", r.RuleCount()));
}

// Reports one parsed input. After errors promtool prints no blank line.
void CheckParsed(const rulefmt::ParseResult& r, std::string_view content, const RulesLint& lint,
                 Mode mode, RulesCheckOutcome& o) {
  PrintWarnings(r);
  if (!r.ok()) {
    o.failed = o.has_errors = true;
    PrintErrors(r, content, mode);
    return;
  }
  ReportGroups(r, lint, o);
}

struct CheckRulesFlags {
  std::vector<std::string> files;
  std::string lint = "duplicate-rules";
  bool lint_fatal = false;
  bool ignore_unknown_fields = false;
};

int RunCheckRules(const CheckRulesFlags& f, Mode mode) {
  // kingpin's ExistingFiles rejects the command line before anything runs.
  for (const std::string& file : f.files) {
    struct stat st {};
    std::string error;
    if (::stat(file.c_str(), &st) != 0) {
      error = fmt::format("path '{}' does not exist", file);
    } else if (S_ISDIR(st.st_mode)) {
      std::string_view base = file;
      while (base.size() > 1 && base.back() == '/') base.remove_suffix(1);
      if (size_t slash = base.rfind('/'); slash != std::string_view::npos && base.size() > 1) {
        base.remove_prefix(slash + 1);
      }
      error = fmt::format("'{}' is a directory", base);
    }
    if (!error.empty()) {
      Err(fmt::format("{}: error: {}, try --help\n", ProgramName(mode), error));
      return kExitFailure;
    }
  }
  RulesLint lint = ParseRulesLint(f.lint, f.lint_fatal, f.ignore_unknown_fields);
  RulesCheckOutcome o;
  if (f.files.empty()) {
    Out("Checking standard input\n");
    std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    CheckParsed(rulefmt::Parse(data, OptionsFor(lint)), data, lint, mode, o);
  } else {
    o = CheckRuleFiles(f.files, lint, mode);
  }
  std::fflush(stdout);
  if (o.failed && o.has_errors) return kExitFailure;
  if (o.failed && lint.fatal) return kExitLint;
  return kExitOk;
}

}  // namespace

RulesLint ParseRulesLint(std::string_view lint, bool fatal, bool ignore_unknown_fields) {
  RulesLint ls;
  ls.fatal = fatal;
  ls.ignore_unknown_fields = ignore_unknown_fields;
  if (lint.empty()) return ls;
  for (std::string_view opt : util::SplitString(lint, ",")) {
    if (opt == "all") {
      ls.all = true;
    } else if (opt == "duplicate-rules") {
      ls.duplicate_rules = true;
    } else if (opt != "none") {
      Out(fmt::format("WARNING: unknown lint option: {}\n", util::GoQuote(opt)));
    }
  }
  return ls;
}

RulesCheckOutcome CheckRuleFiles(const std::vector<std::string>& files, const RulesLint& lint,
                                 Mode mode) {
  RulesCheckOutcome o;
  const rulefmt::ParseOptions opts = OptionsFor(lint);
  for (const std::string& file : files) {
    Out(fmt::format("Checking {}\n", file));
    std::string content;
    rulefmt::ParseResult r = rulefmt::ParseFile(file, opts, &content);
    CheckParsed(r, content, lint, mode, o);
  }
  std::fflush(stdout);
  return o;
}

void RegisterCheckRules(CLI::App& check, Mode mode, int* exit_code) {
  auto flags = std::make_shared<CheckRulesFlags>();
  CLI::App* cmd = check.add_subcommand("rules", "Check if the rule files are valid or not.");
  cmd->add_option("rule-files", flags->files,
                  "The rule files to check, default is read from standard input.");
  cmd->add_option("--lint", flags->lint,
                  "Linting checks to apply. Available options are: all, duplicate-rules, none. "
                  "Use --lint=none to disable linting")
      ->default_str("duplicate-rules");
  cmd->add_flag("--lint-fatal", flags->lint_fatal, "Make lint errors exit with exit code 3.");
  cmd->add_flag("--ignore-unknown-fields", flags->ignore_unknown_fields,
                "Ignore unknown fields in the rule files. This is useful when you want to extend "
                "rule files with custom metadata. Ensure that those fields are removed before "
                "loading them into the Prometheus server as it performs strict checks by "
                "default.");
  cmd->callback([flags, mode, exit_code] { *exit_code = RunCheckRules(*flags, mode); });
}

}  // namespace promkit::cli
