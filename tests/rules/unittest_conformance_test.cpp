// Upstream's promtool unit-test fixtures (testdata/conformance/promtool): every row of
// expected-unittest.tsv (from upstream's TestRulesUnitTest / TestRulesUnitTestRun) passes or
// fails as it does under promtool 3.x, with the row's --run values and engine options. The
// failure texts of the failing fixtures are checked against what 3.x's unittest.go prints.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rules/unittest.h"
#include "testutil/tsv.h"
#include "util/strings.h"

namespace promkit::rules::unittest {
namespace {

namespace fs = std::filesystem;

// Paths as upstream's tests pass them, relative to the repository root (the test's working
// directory), so messages that embed them are comparable.
const std::string kDir = "testdata/conformance/promtool/";

// Rows promkit cannot pass, with the reason. The row is still run: it must fail, for that reason.
struct KnownDeviation {
  std::string file;
  std::string reason;
  std::string error_substring;  // every failure names it
};
const KnownDeviation kDeviations[] = {
    {"unittest.yml",
     "native histogram input series and exp_samples histograms: promkit's engine has no native "
     "histograms",
     "histogram"},
};

std::vector<std::string> RunFile(const std::string& file, const std::string& run,
                                 const std::string& options) {
  Options o;
  for (std::string_view r : util::SplitString(run, ",")) {
    if (!r.empty()) o.run.emplace_back(r);
  }
  o.enable_at_modifier = options.find("enable_at_modifier") != std::string::npos;
  o.enable_negative_offset = options.find("enable_negative_offset") != std::string::npos;
  o.ignore_unknown_fields = options.find("ignore_unknown_fields") != std::string::npos;
  auto t = Tester::Create(o);
  EXPECT_TRUE(t.ok());
  return (*t)->TestFile(kDir + file);
}

TEST(UnitTestConformance, ExpectedOutcomes) {
  auto rows = testutil::ReadTsv(fs::path(PROMKIT_SOURCE_DIR) / kDir / "expected-unittest.tsv");
  ASSERT_EQ(rows.size(), 21u);
  int agree = 0;
  int deviations = 0;
  for (const auto& row : rows) {
    const std::string& file = row.at("file");
    SCOPED_TRACE(file + " [" + row.at("upstream_case") + "]");
    std::vector<std::string> errs = RunFile(file, row.at("run"), row.at("options"));
    const KnownDeviation* dev = nullptr;
    for (const KnownDeviation& d : kDeviations) {
      if (d.file == file) dev = &d;
    }
    if (dev != nullptr) {
      ASSERT_FALSE(errs.empty());
      for (const std::string& e : errs) {
        EXPECT_NE(e.find(dev->error_substring), std::string::npos) << e;
      }
      ++deviations;
      continue;
    }
    const bool pass = row.at("outcome") == "pass";
    EXPECT_EQ(errs.empty(), pass) << (errs.empty() ? "" : errs[0]);
    if (errs.empty() == pass) ++agree;
  }
  std::cout << "promtool unit-test conformance: " << agree << "/" << rows.size()
            << " rows as upstream, " << deviations << " known deviation(s)\n";
  EXPECT_EQ(agree + deviations, static_cast<int>(rows.size()));
}

// unittest.yml without its native-histogram series and expectations: everything else in it
// (staleness, lookback, ALERTS, alert tests, interval vs evaluation_interval) must pass.
TEST(UnitTestConformance, UnitTestWithoutHistogramsPasses) {
  auto t = Tester::Create({});
  ASSERT_TRUE(t.ok());
  std::vector<std::string> errs =
      (*t)->TestFile("testdata/rules/unittest/unittest_no_histograms.yml");
  for (const std::string& e : errs) ADD_FAILURE() << e;
}

// The failures promtool 3.x prints for the failing fixtures (unittest.go's formats).
TEST(UnitTestConformance, FailureTexts) {
  struct Case {
    std::string file;
    std::string run;
    std::string options;
    std::vector<std::string> want;
  };
  // 3.x orders the two series (2.42 printed them as met).
  const std::string dup_err =
      "found duplicate series for the match group {a=\"1\"} on the right hand-side of the "
      "operation: [{__name__=\"join_2\", a=\"1\", b=\"3\"}, {__name__=\"join_2\", a=\"1\", "
      "b=\"4\"}];many-to-many matching not allowed: matching labels must be unique on one side";
  const Case cases[] = {
      {"failing.yml",
       "",
       "enable_at_modifier,enable_negative_offset",
       {"    name: Failing test,\n    alertname: Test, time: 0s, \n        exp:[\n            0:\n"
        "              Labels:{alertname=\"Test\"}\n              Annotations:{}\n            ], \n"
        "        got:[]",
        "    expr: \"test\", time: 0s,\n        exp: {__name__=\"test\"} 1E+00\n        got: "
        "{__name__=\"test\"} 0E+00",
        "    name: Failing alert test,\n    alertname: InstanceDown, time: 5m, \n        exp:[], \n"
        "        got:[\n            0:\n              Labels:{alertname=\"InstanceDown\", "
        "job=\"test\", severity=\"page\"}\n              Annotations:{description=\" of job test "
        "has been down for more than 5 minutes.\", summary=\"Instance  down\"}\n            ]",
        "    name: Failing alert test,\n    alertname: AlwaysFiring, time: 5m, \n        exp:[], \n"
        "        got:[\n            0:\n              Labels:{alertname=\"AlwaysFiring\"}\n"
        "              Annotations:{}\n            ]"}},
      // 3.x numbers the line of the series in the `load` text it builds (2.42 printed 1:48).
      {"bad-input-series.yml",
       "",
       "",
       {"2:48: parse error: unexpected character inside braces: '0'"}},
      {"bad-promql.yml",
       "",
       "",
       {"    expr: \"join_1 + on(a) join_2\", time: 0s, err: " + dup_err}},
      {"bad-rules-error-test.yml", "", "", {"    rule: joined, time: 0s, err: " + dup_err}},
      {"bad-rules-syntax-test.yml",
       "",
       "",
       {kDir + "bad-rules-syntax.yml: 7:15: group \"bad-syntax\", rule 1, \"x\": could not parse "
               "expression: 1:7: parse error: unexpected end of input"}},
      {"at-modifier-test.yml", "", "", {"    rule: x, time: 0s, err: @ modifier is disabled"}},
      {"negative-offset-test.yml",
       "",
       "",
       {"    rule: x, time: 0s, err: negative offset is disabled"}},
      {"rules_run.yml",
       "wrong",
       "",
       {"    expr: \"test\", time: 0s,\n        exp: {__name__=\"test\"} "
        "1E+00\n        got: {__name__=\"test\"} 0E+00"}},
      {"rules_run_no_fuzzy.yml",
       "",
       "",
       {"    expr: \"test_low\", time: 0s,\n        exp: "
        "{__name__=\"test_low\"} 3E+00\n        got: {__name__=\"test_low\"} "
        "2.9999999999999996E+00",
        "    expr: \"test_high\", time: 0s,\n        exp: "
        "{__name__=\"test_high\"} 3E+00\n        got: {__name__=\"test_high\"} "
        "3.0000000000000004E+00"}},
      // Upstream needs --ignore-unknown-fields for the rule file; the test file stays strict.
      {"rules_run_extrafields.yml",
       "",
       "",
       {kDir + "rules_extrafields.yml: yaml: unmarshal errors:\n  line 7: field namespace not "
               "found in type rulefmt.RuleGroup\n  line 21: field ownership not found in type "
               "rulefmt.RuleGroup"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file + " --run " + c.run);
    EXPECT_EQ(RunFile(c.file, c.run, c.options), c.want);
  }
}

}  // namespace
}  // namespace promkit::rules::unittest
