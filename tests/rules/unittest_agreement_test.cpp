// `promkit test rules` (invoked as promtool) against Debian's promtool 2.42 on upstream's
// unit-test fixtures and ours: the same exit code, except where promtool 3.x (which promkit
// follows) changed what 2.42 does. Every deviation says why; one that disappears fails the test,
// so the list stays honest.
//
// Only exit codes are compared: 2.42 prints a "Unit Testing:  <file>" line that 3.x dropped,
// numbers input-series parse errors differently and lacks most 3.x flags; the texts are checked
// against 3.x's formats in unittest_conformance_test and the CLI goldens.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPromtool = "/usr/bin/promtool";

struct Case {
  std::string dir;  // under testdata/
  std::vector<std::string> args = {};
  std::string deviation = {};  // why 2.42's exit code differs; empty when it must not
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> kCases = {
      // Upstream's cmd/promtool/testdata.
      // Both fail, for different reasons: 2.42 has no exp_samples `histogram` field, promkit no
      // native histograms.
      {"conformance/promtool", {"unittest.yml"}},
      {"conformance/promtool", {"long-period.yml"}},
      {"conformance/promtool", {"bad-input-series.yml"}},
      {"conformance/promtool", {"bad-promql.yml"}},
      {"conformance/promtool", {"bad-rules-syntax-test.yml"}},
      {"conformance/promtool", {"bad-rules-error-test.yml"}},
      {"conformance/promtool", {"failing.yml"}},
      {"conformance/promtool", {"at-modifier-test.yml"}},
      {"conformance/promtool", {"negative-offset-test.yml"}},
      {"conformance/promtool",
       {"no-test-group-interval.yml"},
       "a test without `interval` loads its series every evaluation_interval since 2.47 "
       "(#12729); 2.42 loads them all at time 0"},
      {"conformance/promtool",
       {"start-time-test.yml"},
       "start_timestamp is new in 3.x (2.42: field not found in type main.testGroup)"},
      {"conformance/promtool", {"rules_run.yml"}},
      {"conformance/promtool", {"rules_run_extrafields.yml"}},
      {"conformance/promtool", {"rules_run_no_fuzzy.yml"}},
      {"conformance/promtool", {"rules_run_fuzzy.yml"}},
      {"conformance/promtool", {"unittest.yml", "long-period.yml", "failing.yml"}},
      {"conformance/promtool", {"long-period.yml", "at-modifier-test.yml"}},
      // Ours.
      {"rules/unittest", {"pass.yml"}},
      {"rules/unittest", {"fail.yml"}},
      {"rules/unittest",
       {"unittest_no_histograms.yml"},
       "3.x selects ranges and looks back left-open, (t-range, t]; 2.42 includes the left edge "
       "(count_over_time over 1h of 1m samples: 61, 3.x 60)"},
      {"rules/unittest", {"pass.yml", "fail.yml"}},
      {"rules/unittest", {"warn.yml"}},
      {"rules/unittest", {"missing.yml"}},
      {"rules/unittest",
       {"--run", "instance", "pass.yml"},
       "--run is new in 2.44 (2.42: unknown long flag)"},
  };
  return kCases;
}

TEST(TestRulesAgreesWithPromtool, ExitCodes) {
  ASSERT_TRUE(fs::exists(kPromtool)) << "Debian's promtool is needed: apt-get install prometheus";
  int agreed = 0;
  int deviations = 0;
  for (const Case& c : Cases()) {
    std::string name = c.dir + ":";
    for (const std::string& a : c.args) name += " " + a;
    SCOPED_TRACE(name);
    fs::path dir = fs::path(PROMKIT_SOURCE_DIR) / "testdata" / c.dir;
    std::vector<std::string> argv = {"promtool", "test", "rules"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto ours = testutil::RunProcess(PROMKIT_BINARY, argv, "", dir);
    auto theirs = testutil::RunProcess(kPromtool, argv, "", dir);
    // promtool 2.42's keep_firing_for is not deterministic (pass.yml's keep_firing_for test
    // fails about one run in eight, more under load): a disagreement counts only when it
    // persists over three of its runs.
    for (int retry = 0; retry < 2 && c.deviation.empty() && ours.exit_code != theirs.exit_code;
         ++retry) {
      theirs = testutil::RunProcess(kPromtool, argv, "", dir);
    }
    if (!c.deviation.empty()) {
      EXPECT_NE(ours.exit_code, theirs.exit_code) << "now agrees; drop the deviation";
      ++deviations;
      continue;
    }
    EXPECT_EQ(ours.exit_code, theirs.exit_code) << "ours:\n"
                                                << ours.out << "---\n"
                                                << ours.err << "\npromtool 2.42:\n"
                                                << theirs.out << "---\n"
                                                << theirs.err;
    if (ours.exit_code == theirs.exit_code) ++agreed;
  }
  std::cout << "test rules: " << agreed << " cases agree with promtool 2.42 on the exit code; "
            << deviations << " listed 3.x deviations\n";
}

}  // namespace
}  // namespace promkit
