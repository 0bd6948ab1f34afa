// `test rules`: promtool's rule unit tests (the `test` family). The tests run in
// lib/rules/unittest; this prints promtool's per-file verdicts and writes the JUnit report.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "app.h"
#include "rules/unittest.h"
#include "util/file.h"
#include "util/strings.h"

namespace promkit::cli {
namespace {

namespace unittest = rules::unittest;

void Out(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

// Go writes stdout and stderr unbuffered; keep their interleaving on a shared terminal or pipe.
void Err(std::string_view s) {
  std::fflush(stdout);
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fflush(stderr);
}

struct TestRulesFlags {
  std::string junit;  // `test --junit`
  std::vector<std::string> run;
  std::vector<std::string> files;
  bool debug = false;
  bool diff = false;
  bool ignore_unknown_fields = false;
  bool coverage = false;
  bool fail_on_warnings = false;
  std::string coverage_format = "text";
};

// kingpin's OpenFile flag opens the JUnit file while parsing the command line, so an unusable
// path fails before any test runs. promkit only checks that it can create the file: the report
// replaces it atomically at the end.
std::string JUnitPathError(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fmt::format("open {}: {}", path, util::ErrnoText(errno));
  ::close(fd);
  return "";
}

// kingpin's ExistingFiles argument: every path must exist and not be a directory.
std::string ExistingFilesError(const std::vector<std::string>& files) {
  for (const std::string& f : files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) != 0) {
      if (errno == ENOENT) return fmt::format("path '{}' does not exist", f);
      continue;  // other failures surface when the file is read
    }
    if (S_ISDIR(st.st_mode)) {
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

// Go's regexp.MustCompile quotes the pattern with backquotes when it can.
std::string GoRegexpQuote(const std::string& s) {
  for (char c : s) {
    if (c == '`' || (static_cast<unsigned char>(c) < 0x20 && c != '\t')) return util::GoQuote(s);
  }
  return "`" + s + "`";
}

int RunTestRules(const TestRulesFlags& f, Mode mode) {
  if (!f.junit.empty()) {
    if (std::string err = JUnitPathError(f.junit); !err.empty()) {
      Err(fmt::format("{}: error: {}, try --help\n", ProgramName(mode), err));
      return kExitFailure;
    }
  }
  if (std::string err = ExistingFilesError(f.files); !err.empty()) {
    Err(fmt::format("{}: error: {}, try --help\n", ProgramName(mode), err));
    return kExitFailure;
  }

  unittest::Options opts;
  opts.run = f.run;
  opts.diff = f.diff;
  opts.debug = f.debug;
  opts.ignore_unknown_fields = f.ignore_unknown_fields;
  opts.parser = PromtoolParserOptions();
  // --fail-on-warnings: a file whose run warned (a rule_files pattern matching nothing) fails.
  bool warned = false;
  opts.log = [&warned](std::string_view s) {
    if (s.find("WARNING:") != std::string_view::npos) warned = true;
    Err(s);
  };
  util::Result<std::unique_ptr<unittest::Tester>> tester = unittest::Tester::Create(opts);
  if (!tester.ok()) {
    std::string pattern;
    for (size_t i = 0; i < f.run.size(); ++i) pattern += (i > 0 ? "|" : "") + f.run[i];
    if (mode == Mode::kPromtool) {
      // promtool panics in regexp.MustCompile (exit code 2).
      Err(fmt::format("panic: regexp: Compile({}): {}\n", GoRegexpQuote(pattern),
                      tester.status().message()));
      return 2;
    }
    Err(fmt::format("{}: error: invalid --run pattern {}: {}, try --help\n", ProgramName(mode),
                    GoRegexpQuote(pattern), tester.status().message()));
    return kExitFailure;
  }

  bool failed = false;
  for (const std::string& file : f.files) {
    warned = false;
    std::vector<std::string> errs = (*tester)->TestFile(file);
    if (f.fail_on_warnings && warned) {
      errs.insert(errs.begin(), "    the warnings above fail the file (--fail-on-warnings)");
    }
    if (!errs.empty()) {
      Err("  FAILED:\n");
      for (const std::string& e : errs) {
        Err(e + "\n");
        Out("\n");
      }
      failed = true;
    } else {
      Out("  SUCCESS\n");
    }
    Out("\n");
  }
  if (f.coverage) Out(unittest::RenderCoverage((*tester)->coverage(), f.coverage_format == "json"));
  std::fflush(stdout);
  if (!f.junit.empty()) {
    util::Status st = util::WriteFileAtomic(f.junit, unittest::RenderJUnitXml((*tester)->junit()));
    if (!st.ok()) Err(fmt::format("failed to write JUnit XML: {}\n", st.message()));
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterTest(CLI::App& root, Mode mode, int* exit_code) {
  auto flags = std::make_shared<TestRulesFlags>();
  CLI::App* test = root.add_subcommand("test", "Unit testing.");
  test->require_subcommand(1);
  test->add_option("--junit", flags->junit, "File path to store JUnit XML test results.");

  CLI::App* rules = test->add_subcommand("rules", "Unit tests for rules.");
  rules
      ->add_option("--run", flags->run,
                   "If set, will only run test groups whose names match the regular "
                   "expression. Can be specified multiple times.")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  rules->add_option("test-rule-file", flags->files, "The unit test file.")->required();
  rules->add_flag("--debug", flags->debug, "Enable unit test debugging.");
  rules->add_flag("--diff", flags->diff,
                  mode == Mode::kPromtool
                      ? "[Experimental] Print differential output between expected & received "
                        "output."
                      : "Show alert mismatches as a diff naming the labels and annotations "
                        "that differ, instead of both alert lists.");
  rules->add_flag("--ignore-unknown-fields", flags->ignore_unknown_fields,
                  mode == Mode::kPromtool
                      ? "Ignore unknown fields in the test files. This is useful when you want "
                        "to extend rule files with custom metadata. Ensure that those fields are "
                        "removed before loading them into the Prometheus server as it performs "
                        "strict checks by default."
                      : "Ignore unknown fields in the rule files the tests load (the test files "
                        "themselves stay strict), e.g. custom metadata. Prometheus rejects them "
                        "when it loads the rule files.");
  if (mode == Mode::kPromkit) {
    rules->add_flag("--fail-on-warnings", flags->fail_on_warnings,
                    "Fail a test file whose run warns, e.g. a rule_files pattern that matches "
                    "no file (promtool only warns).");
    rules->add_flag("--coverage", flags->coverage,
                    "After the results, report per rule file which rules no test covers: a "
                    "recording rule is covered when a promql_expr_test selects its output by "
                    "name, an alerting rule when an alert_rule_test names it. Does not change "
                    "the exit code.");
    rules
        ->add_option("--coverage.format", flags->coverage_format,
                     "Format of the --coverage report: text, or json for machines.")
        ->default_str("text")
        ->check(CLI::IsMember({"text", "json"}));
  }
  rules->callback([flags, mode, exit_code] { *exit_code = RunTestRules(*flags, mode); });
  if (mode == Mode::kPromkit) {
    RegisterTestRelabel(*test, mode, exit_code,
                        std::shared_ptr<const std::string>(flags, &flags->junit));
  }
}

}  // namespace promkit::cli
