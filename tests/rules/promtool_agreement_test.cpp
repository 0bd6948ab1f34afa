// `promkit check rules` (invoked as promtool) against Debian's promtool 2.42 on upstream's rule
// fixtures and ours (testdata/rules): same exit code, stdout and stderr, except where promtool
// 3.x (which promkit follows) changed what 2.42 does. Every case names the channels that differ
// and why; a listed difference that disappears fails the test, so the list stays honest.
//
// One difference is everywhere and is normalized instead of listed: after a file that fails to
// parse, 2.42 prints an empty line on stdout and 3.x does not (cmd/promtool checkRules
// `continue`s before it).
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

enum Channel : unsigned { kExit = 1, kStdout = 2, kStderr = 4 };

struct Case {
  std::string dir;  // under testdata/
  std::vector<std::string> args = {};
  unsigned differs = 0;  // channels where 3.x differs from 2.42
  std::string why = {};
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> kCases = {
      // Upstream's model/rulefmt/testdata.
      {"conformance/rulefmt", {"bad_expr.bad.yaml"}},
      {"conformance/rulefmt",
       {"bad_field.bad.yaml"},
       kStderr,
       "3.x decodes rules strictly into rulefmt.Rule (2.42: rulefmt.RuleNode)"},
      {"conformance/rulefmt",
       {"duplicate_grp.bad.yaml"},
       kStderr,
       "3.x reads group positions from a `node` field files lack: 0:0 (2.42: 3:5)"},
      {"conformance/rulefmt", {"invalid_label_name.bad.yaml"}},
      {"conformance/rulefmt",
       {"invalid_record_name.bad.yaml"},
       kStderr,
       "3.x validates names as UTF-8: only the braces error remains"},
      {"conformance/rulefmt",
       {"legacy_validation_annotation.bad.yaml"},
       kExit | kStdout | kStderr,
       "3.x promtool validates names as UTF-8: `ins-tance` is a valid annotation name"},
      {"conformance/rulefmt", {"legacy_validation_annotation.good.yaml"}},
      {"conformance/rulefmt",
       {"no_rec_alert.bad.yaml"},
       kStderr,
       "3.x also prints the alert node's (absent) position: 0:0: 0:0:"},
      {"conformance/rulefmt", {"noexpr.bad.yaml"}},
      {"conformance/rulefmt", {"record_and_alert.bad.yaml"}},
      {"conformance/rulefmt", {"record_and_for.bad.yaml"}},
      {"conformance/rulefmt", {"record_and_keep_firing_for.bad.yaml"}},
      {"conformance/rulefmt", {"test.yaml"}},
      {"conformance/rulefmt",
       {"test_aliases.yaml"},
       kStderr,
       "2.42's go-yaml decodes `*alertname` as \"alertname\"; 3.x resolves the alias"},
      {"conformance/rulefmt",
       {"utf-8_annotation.good.yaml"},
       kExit | kStdout | kStderr,
       "3.x validates names as UTF-8"},
      {"conformance/rulefmt",
       {"utf-8_lname.good.yaml"},
       kExit | kStdout | kStderr,
       "3.x validates names as UTF-8"},
      // Upstream's cmd/promtool/testdata.
      {"conformance/promtool", {"rules.yml"}},
      {"conformance/promtool", {"rules-bad.yml"}},
      {"conformance/promtool", {"--lint-fatal", "prometheus-rules.lint.yml"}},
      {"conformance/promtool", {"rules_duplicates.yml"}},
      {"conformance/promtool", {"rules_extrafields.yml"}},
      {"conformance/promtool",
       {"--ignore-unknown-fields", "rules_extrafields.yml"},
       kExit | kStdout | kStderr,
       "--ignore-unknown-fields is new in 3.x"},
      {"conformance/promtool", {"bad-rules-syntax.yml", "bad-rules-error.yml", "rules.yml"}},
      {"conformance/promtool",
       {"--enable-feature=promql-experimental-functions",
        "--enable-feature=promql-extended-range-selectors",
        "--enable-feature=promql-binop-fill-modifiers", "features.yml"},
       kExit | kStdout | kStderr,
       "duration expressions, anchored ranges and fill() are 3.x PromQL"},
      // Ours.
      {"rules", {"good.yml"}},
      {"rules", {"bad_template.yml"}},
      {"rules", {"bad_expressions.yml"}},
      {"rules",
       {"bad_rules.yml"},
       kStderr,
       "3.x: `a b` is a valid UTF-8 record name; absent nodes print 0:0: 0:0:; group errors 0:0"},
      {"rules",
       {"bad_types.yml"},
       kStderr,
       "3.x's second decode (into rulefmt.RuleGroupNode) reports the type errors again"},
      {"rules",
       {"bad_duration.yml"},
       kStderr,
       "3.x's second decode (RuleNode.For is a model.Duration) reports the error again, and "
       "newer common/model words it `unknown unit \" minutes\" in duration \"5 minutes\"`"},
      {"rules",
       {"unknown_fields.yml"},
       kStderr,
       "3.x decodes rules strictly into rulefmt.Rule (2.42: rulefmt.RuleNode)"},
      {"rules",
       {"duplicate_keys.yml"},
       kStderr,
       "3.x's second decode (into RuleGroupNode) reports the repeated key again"},
      {"rules",
       {"bad_yaml.yml"},
       kStderr,
       "syntax error texts are yaml-cpp's, not libyaml's (same line, same count)"},
      {"rules", {"lint.yml"}},
      {"rules", {"--lint=none", "lint.yml"}},
      {"rules", {"--lint-fatal", "lint.yml"}},
      {"rules",
       {"--lint=all,bogus", "--lint-fatal", "lint.yml"},
       kStdout,
       "3.x quotes the unknown lint option: `unknown lint option: \"bogus\"`"},
      {"rules", {"empty.yml"}},
      {"rules", {"good.yml", "bad_template.yml", "lint.yml", "empty.yml"}},
      {"rules", {"query_offset.yml"}, kExit | kStdout | kStderr, "query_offset is new in 2.53"},
      {"rules",
       {"group_labels.yml"},
       kExit | kStderr,
       "group labels are new in 3.0 (2.42 rejects the field; 3.x lints the merged labels)"},
      {"rules",
       {"prometheusrule.yml"},
       kExit | kStdout | kStderr,
       "promkit reads PrometheusRule manifests (spec.groups)"},
      {"rules",
       {"prometheusrule_bad.yml"},
       kStderr,
       "promkit reads PrometheusRule manifests: the error is in the rule, not the wrapper"},
      {"rules", {"missing.yml"}, 0, ""},
      {"rules", {"."}, 0, ""},
  };
  return kCases;
}

// 2.42's empty line after a file that failed to parse: dropped when 3.x output lacks it.
std::string Normalize242Stdout(const std::string& ours, const std::string& theirs) {
  std::string out;
  size_t i = 0;
  size_t j = 0;
  while (j < theirs.size()) {
    if (i < ours.size() && ours[i] == theirs[j]) {
      out += theirs[j];
      ++i, ++j;
    } else if (theirs[j] == '\n' && j > 0 && theirs[j - 1] == '\n') {
      ++j;  // an extra empty line
    } else {
      out += theirs.substr(j);
      break;
    }
  }
  return out;
}

TEST(CheckRulesAgreesWithPromtool, Fixtures) {
  ASSERT_TRUE(fs::exists(kPromtool)) << "Debian's promtool is needed: apt-get install prometheus";
  int agreed = 0;
  int deviations = 0;
  for (const Case& c : Cases()) {
    std::string name = c.dir + ":";
    for (const std::string& a : c.args) name += " " + a;
    SCOPED_TRACE(name);
    fs::path dir = fs::path(PROMKIT_SOURCE_DIR) / "testdata" / c.dir;
    std::vector<std::string> argv = {"promtool", "check", "rules"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto ours = testutil::RunProcess(PROMKIT_BINARY, argv, "", dir);
    auto theirs = testutil::RunProcess(kPromtool, argv, "", dir);
    const std::string theirs_out = Normalize242Stdout(ours.out, theirs.out);
    const bool same[] = {ours.exit_code == theirs.exit_code, ours.out == theirs_out,
                         ours.err == theirs.err};
    const unsigned channels[] = {kExit, kStdout, kStderr};
    bool all_same = true;
    for (int k = 0; k < 3; ++k) {
      if (c.differs & channels[k]) {
        EXPECT_FALSE(same[k]) << "channel " << channels[k] << " now agrees; drop it (" << c.why
                              << ")";
      } else {
        all_same = all_same && same[k];
        EXPECT_TRUE(same[k]) << "channel " << channels[k] << "\nours (exit " << ours.exit_code
                             << "):\n"
                             << ours.out << "---\n"
                             << ours.err << "\npromtool 2.42 (exit " << theirs.exit_code << "):\n"
                             << theirs_out << "---\n"
                             << theirs.err;
      }
    }
    if (c.differs == 0 && all_same) ++agreed;
    if (c.differs != 0) ++deviations;
  }
  std::cout << agreed << " cases agree with promtool 2.42 on exit code, stdout and stderr; "
            << deviations << " listed 3.x deviations\n";
}

}  // namespace
}  // namespace promkit
