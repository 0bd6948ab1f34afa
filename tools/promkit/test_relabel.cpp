// `promkit test relabel FILE...`: relabeling unit tests in promkit's own YAML format
// (lib/discovery/relabel_unittest.h), reported like `test rules`; `test --junit` applies.
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "app.h"
#include "discovery/relabel_unittest.h"
#include "rules/unittest.h"
#include "util/file.h"

namespace promkit::cli {
namespace {

constexpr std::string_view kTestRelabelHelp =
    "Unit tests for relabeling: each test feeds a target's or a series' labels through a job's "
    "relabel_configs or metric_relabel_configs (or inline rules) and checks the labels that come "
    "out, or that the input is dropped. A failure shows got, want and every relabel step that "
    "changed the labels.\n"
    "\n"
    "Test file format (YAML):\n"
    "\n"
    "  config_file: prometheus.yml   # default for all tests, relative to the test file\n"
    "  job: web                      # default job\n"
    "  tests:\n"
    "    - name: databases are not scraped    # optional\n"
    "      target: {__address__: db-1:5432}  # labels of a discovered target\n"
    "      expect: dropped\n"
    "    - target: {__address__: web-1:9100, env: prod}\n"
    "      expect: {host: web-1, instance: web-1:9100, job: web, env: prod}\n"
    "    - series: {__name__: go_gc_duration_seconds}  # through metric_relabel_configs\n"
    "      expect: dropped\n"
    "    - relabel_configs: [{source_labels: [a], target_label: b}]  # inline rules\n"
    "      target: {a: x}\n"
    "      expect: {a: x, b: x}\n"
    "    - target: {}\n"
    "      expect_error: no address      # the target is invalid (substring of the error)\n"
    "\n"
    "A target with a job goes through the job's whole target building, as check "
    "service-discovery shows it (job defaults, relabel_configs or the test's inline rules, "
    "address and interval checks, instance); with inline rules only they are applied to the "
    "labels as given. A series goes through the job's metric_relabel_configs or the test's "
    "inline metric_relabel_configs (or relabel_configs). In expect, every label not starting "
    "with \"__\" (and __name__) must match exactly; other \"__\" labels are compared only when "
    "listed.";

struct TestRelabelFlags {
  std::vector<std::string> files;
};

std::string LocalTimestamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

int RunTestRelabel(const TestRelabelFlags& f, const std::string& junit, Mode mode) {
  if (std::string err = ExistingFilesError(f.files); !err.empty()) {
    std::fprintf(stderr, "%s: error: %s, try --help\n", std::string(ProgramName(mode)).c_str(),
                 err.c_str());
    return kExitFailure;
  }
  bool failed = false;
  std::vector<rules::unittest::JUnitSuite> suites;
  for (const std::string& file : f.files) {
    std::printf("Unit Testing:  %s\n", file.c_str());
    std::fflush(stdout);
    rules::unittest::JUnitSuite suite;
    suite.name = file;
    suite.timestamp = LocalTimestamp();
    discovery::RelabelTestFileResult r = discovery::RunRelabelTestFile(file);
    if (!r.error.ok()) {
      std::fprintf(stderr, "  FAILED:\n    %s\n", r.error.ToString().c_str());
      suite.errors = 1;
      suite.cases.push_back({file, {}, r.error.ToString()});
    } else if (!r.ok()) {
      std::string out = "  FAILED:\n";
      for (const discovery::RelabelTestResult& t : r.tests) {
        for (const std::string& failure : t.failures) {
          out += fmt::format("  test {}:\n{}", t.name, failure);
        }
      }
      std::fputs(out.c_str(), stderr);
    } else {
      std::printf("  SUCCESS\n");
    }
    for (const discovery::RelabelTestResult& t : r.tests) {
      ++suite.tests;
      if (!t.failures.empty()) ++suite.failures;
      suite.cases.push_back({t.name, t.failures, ""});
    }
    failed = failed || !r.ok();
    std::printf("\n");
    std::fflush(stdout);
    suites.push_back(std::move(suite));
  }
  if (!junit.empty()) {
    util::Status st = util::WriteFileAtomic(junit, rules::unittest::RenderJUnitXml(suites));
    if (!st.ok()) std::fprintf(stderr, "failed to write JUnit XML: %s\n", st.ToString().c_str());
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace

void RegisterTestRelabel(CLI::App& test, Mode mode, int* exit_code,
                         std::shared_ptr<const std::string> junit) {
  auto flags = std::make_shared<TestRelabelFlags>();
  CLI::App* cmd = test.add_subcommand("relabel", std::string(kTestRelabelHelp));
  cmd->add_option("test-relabel-file", flags->files, "The relabel test files.")->required();
  cmd->callback(
      [flags, junit, mode, exit_code] { *exit_code = RunTestRelabel(*flags, *junit, mode); });
}

}  // namespace promkit::cli
