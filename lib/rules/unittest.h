#pragma once
// Rule unit tests (upstream cmd/promtool/unittest.go): the `test rules` file format and its
// evaluation. A test file names rule files (globs, relative to the test file) and test groups;
// each group loads input series in promqltest's expanding notation into a fresh in-memory
// storage, evaluates every rule group once per evaluation_interval from the start time up to
// the latest eval_time, compares the firing alerts at each alert_rule_test's eval_time and the
// result of each promql_expr_test, and reports the differences in promtool's words.
//
// The storage accepts samples as upstream's test TSDB does (in order per series, no second value
// for a timestamp, nothing more than 12h older than the newest sample), so rules that collide
// fail the same way. The engine is the one promtool's unit tests use: 5m lookback, 10000 samples
// at most per query, subqueries without a step use evaluation_interval.
//
// Thread-safety: a Tester runs one file at a time; separate Testers are independent.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "promql/parser/parser.h"
#include "util/status.h"

namespace re2 {
class RE2;
}

namespace promkit::rules::unittest {

struct Options {
  // --run: only test groups whose name matches one of these (unanchored) regular expressions.
  // Empty: every group.
  std::vector<std::string> run;
  // --diff: alert mismatches show what differs, label by label, instead of both lists whole.
  bool diff = false;
  // --debug: per-test timings and a dump of all series after each test, through `log`.
  bool debug = false;
  // --ignore-unknown-fields: unknown keys in rule files are not errors (test files stay strict).
  bool ignore_unknown_fields = false;
  promql::parser::Options parser;  // PromQL feature flags (--enable-feature)
  // promtool always enables both; upstream's own tests turn them off.
  bool enable_at_modifier = true;
  bool enable_negative_offset = true;
  // What upstream writes to stderr while running: "  WARNING: no file match pattern ..." and the
  // DEBUG lines. Each call is one or more whole lines. Unset: dropped.
  std::function<void(std::string_view)> log;
};

// One upstream junitxml test case and suite (a suite per test file, a case per test group).
struct JUnitCase {
  std::string name;
  std::vector<std::string> failures;
  std::string error;
};

struct JUnitSuite {
  std::string name;
  int tests = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
  std::string timestamp;  // local time, "2006-01-02T15:04:05"; empty if the file never ran
  std::vector<JUnitCase> cases;
};

// The document upstream's junitxml package writes: Go encoding/xml of the suites, on one line,
// without an XML declaration.
std::string RenderJUnitXml(const std::vector<JUnitSuite>& suites);

// --coverage: one rule of a rule file the tested files load, and whether a test covers it. A
// recording rule is covered when a promql_expr_test's expression selects its output by name; an
// alerting rule when an alert_rule_test names it.
struct RuleCoverage {
  std::string file;  // the rule file as the test file's rule_files resolved it
  std::string group;
  std::string name;
  bool alerting = false;
  bool covered = false;
};

// The --coverage report: per rule file "covered/total", then each rule no test covers. `json`:
// one JSON document {"files":[{"file","rules","covered","uncovered":[{"group","name","type"}]}]}.
std::string RenderCoverage(const std::vector<RuleCoverage>& rules, bool json);

class Tester {
 public:
  // Fails with Go's regexp error when a --run pattern does not compile.
  static util::Result<std::unique_ptr<Tester>> Create(Options options);
  ~Tester();
  Tester(const Tester&) = delete;
  Tester& operator=(const Tester&) = delete;

  // Runs every (selected) test group of the unit-test file at `path`. Returns the failures in
  // upstream's order and words, each one message (often several lines); empty when all passed.
  // A file that cannot be read or decoded, or whose rule files fail to load, is a failure too.
  std::vector<std::string> TestFile(const std::string& path);

  // The JUnit suites of the files tested so far.
  const std::vector<JUnitSuite>& junit() const { return suites_; }

  // The rules of every rule file the files tested so far load (each file once, in the order
  // first met), with what the tests (the selected groups) cover of them.
  const std::vector<RuleCoverage>& coverage() const { return coverage_; }

 private:
  explicit Tester(Options options);
  bool Selected(const std::string& name) const;

  Options opts_;
  std::unique_ptr<re2::RE2> run_;
  std::vector<JUnitSuite> suites_;
  std::vector<RuleCoverage> coverage_;
};

}  // namespace promkit::rules::unittest
