// lib/rules/unittest: promtool's rule unit-test format and reports (upstream
// cmd/promtool/unittest.go), over small test files written to a temporary directory.
#include "rules/unittest.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "promql/parser/metric.h"

namespace promkit::rules::unittest {
namespace {

namespace fs = std::filesystem;

class UnitTest : public testing::Test {
 protected:
  UnitTest() {
    dir_ =
        fs::temp_directory_path() / ("promkit-unittest-" + std::to_string(getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~UnitTest() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return p.string();
  }

  // Runs `test_file` (written as test.yml) and returns its failures; `log` gets what goes to
  // stderr while it runs.
  std::vector<std::string> Run(const std::string& test_file, Options o = {}) {
    o.log = [this](std::string_view s) { log_ += s; };
    auto t = Tester::Create(o);
    EXPECT_TRUE(t.ok()) << t.status().message();
    std::vector<std::string> errs = (*t)->TestFile(Write("test.yml", test_file));
    junit_ = (*t)->junit();
    return errs;
  }

  fs::path dir_;
  std::string log_;
  std::vector<JUnitSuite> junit_;
};

const char kRules[] = R"(groups:
  - name: g
    rules:
      - record: doubled
        expr: x * 2
      - alert: XHigh
        expr: x > 1
        for: 1m
        labels: {severity: page}
        annotations: {summary: "x is {{ $value }} on {{ $labels.i }}"}
)";

TEST_F(UnitTest, StrictDecodingErrors) {
  const std::pair<std::string, std::string> cases[] = {
      {"tests:\n  - name: a\n    inputs: []\n",
       "yaml: unmarshal errors:\n  line 3: field inputs not found in type main.testGroup"},
      {"tests: 5\n",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `5` into "
       "[]main.testGroup"},
      {"rule_files: a.yml\nfoo: 1\n",
       "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `a.yml` into []string\n  line 2: "
       "field foo not found in type main.unitTestFile"},
      {"evaluation_interval: 1x\n", "unknown unit \"x\" in duration \"1x\""},
      {"tests:\n  - start_timestamp: yesterday\n",
       "cannot parse \"yesterday\" to a valid timestamp"},
      {"tests:\n  - promql_expr_test:\n      - expr: x\n        exp_samples:\n          - value: "
       "abc\n",
       "yaml: unmarshal errors:\n  line 5: cannot unmarshal !!str `abc` into float64"},
      {"tests:\n  - external_labels: [a]\n",
       "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!seq into map[string]string"},
      {"tests:\n  - alert_rule_test:\n      - exp_alerts:\n          - exp_labels: {a: 1, a: 2}\n",
       "yaml: unmarshal errors:\n  line 4: key \"a\" already set in map"},
      {"group_eval_order: [a, b, a]\n", "group name repeated in evaluation order: a"},
      // The syntax error's text is util::ParseYaml's (go-yaml: "yaml: line 1: did not find
      // expected node content"); it is the file's only failure either way.
      {"tests: [\n", "yaml: line 2: end of sequence flow not found"},
  };
  for (const auto& [yaml, want] : cases) {
    SCOPED_TRACE(yaml);
    EXPECT_EQ(Run(yaml), std::vector<std::string>{want});
  }
}

TEST_F(UnitTest, PassingAlertAndExpressionTests) {
  Write("rules.yml", kRules);
  EXPECT_EQ(Run(R"(rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'x{i="a"}'
        values: '0 2 2 2'
      - series: 'x{i="b"}'
        values: '1x3'
    alert_rule_test:
      - eval_time: 1m
        alertname: XHigh
        exp_alerts: []
      # eval_time between evaluations: the state of the evaluation before.
      - eval_time: 2m30s
        alertname: XHigh
        exp_alerts:
          - exp_labels: {i: a, severity: page}
            exp_annotations: {summary: "x is 2 on a"}
    promql_expr_test:
      - expr: doubled
        eval_time: 3m
        exp_samples:
          - {labels: 'doubled{i="b"}', value: 2}
          - {labels: 'doubled{i="a"}', value: 4}
      - expr: count(ALERTS) by (alertstate)
        eval_time: 1m
        exp_samples:
          - {labels: '{alertstate="pending"}', value: 1}
)"),
            std::vector<std::string>{});
  EXPECT_EQ(log_, "");
}

TEST_F(UnitTest, FailureReports) {
  Write("rules.yml", kRules);
  std::vector<std::string> errs = Run(R"(rule_files: [rules.yml]
tests:
  - name: t1
    input_series:
      - series: 'x{i="a"}'
        values: '2x3'
    alert_rule_test:
      - eval_time: 1m
        alertname: XHigh
        exp_alerts:
          - exp_labels: {i: a, severity: critical}
    promql_expr_test:
      - expr: doubled
        eval_time: 0m
        exp_samples:
          - {labels: 'doubled{i="a"}', value: 5}
      - expr: 'doubled +'
      - expr: doubled
        exp_samples:
          - {labels: 'doubled{', value: 5}
)");
  ASSERT_EQ(errs.size(), 4u);
  EXPECT_EQ(errs[0],
            "    name: t1,\n    alertname: XHigh, time: 1m, \n        exp:[\n            0:\n"
            "              Labels:{alertname=\"XHigh\", i=\"a\", severity=\"critical\"}\n"
            "              Annotations:{}\n            ], \n        got:[\n            0:\n"
            "              Labels:{alertname=\"XHigh\", i=\"a\", severity=\"page\"}\n"
            "              Annotations:{summary=\"x is 2 on a\"}\n            ]");
  EXPECT_EQ(errs[1],
            "    expr: \"doubled\", time: 0s,\n        exp: {__name__=\"doubled\", i=\"a\"} 5E+00\n"
            "        got: {__name__=\"doubled\", i=\"a\"} 4E+00");
  EXPECT_EQ(errs[2],
            "    expr: \"doubled +\", time: 0s, err: 1:10: parse error: unexpected end of input");
  EXPECT_EQ(errs[3],
            "    expr: \"doubled\", time: 0s, err: labels \"doubled{\": 1:9: parse error: "
            "unexpected end of input inside braces");
}

TEST_F(UnitTest, DiffNamesWhatDiffers) {
  Write("rules.yml", kRules);
  Options o;
  o.diff = true;
  std::vector<std::string> errs = Run(R"(rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'x{i="a"}'
        values: '2x3'
      - series: 'x{i="b"}'
        values: '3x3'
    alert_rule_test:
      - eval_time: 1m
        alertname: XHigh
        exp_alerts:
          - exp_labels: {i: a, severity: critical}
            exp_annotations: {summary: "x is 2 on a"}
          - exp_labels: {i: c, severity: page}
)",
                                      o);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0],
            "    alertname: XHigh, time: 1m, \n        diff: (- expected, + got)\n"
            "            alert {alertname=\"XHigh\", i=\"a\"}:\n"
            "              - label severity=\"critical\"\n"
            "              + label severity=\"page\"\n"
            "            alert {alertname=\"XHigh\", severity=\"page\"}:\n"
            "              - label i=\"c\"\n"
            "              + label i=\"b\"\n"
            "              + annotation summary=\"x is 3 on b\"");

  // Nothing firing, or nothing expected.
  errs = Run(R"(rule_files: [rules.yml]
tests:
  - input_series:
      - series: 'x{i="a"}'
        values: '2x3'
    alert_rule_test:
      - eval_time: 0m
        alertname: XHigh
        exp_alerts:
          - exp_labels: {i: a, severity: page}
      - eval_time: 1m
        alertname: XHigh
        exp_alerts: []
)",
             o);
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0],
            "    alertname: XHigh, time: 0s, \n        diff: (- expected, + got)\n"
            "            - alert not firing: {alertname=\"XHigh\", i=\"a\", severity=\"page\"} "
            "annotations {}");
  EXPECT_EQ(errs[1],
            "    alertname: XHigh, time: 1m, \n        diff: (- expected, + got)\n"
            "            + alert firing, not expected: {alertname=\"XHigh\", i=\"a\", "
            "severity=\"page\"} annotations {summary=\"x is 2 on a\"}");
}

TEST_F(UnitTest, RuleErrorsEndTheTest) {
  Write("rules.yml", R"(groups:
  - name: g
    rules:
      - record: x
        expr: x * 2
)");
  // The rule writes x at the input's own timestamps with another value: upstream's storage
  // rejects it, and the test stops at the first evaluation with errors.
  std::vector<std::string> errs = Run(R"(rule_files: [rules.yml]
tests:
  - input_series:
      - series: x
        values: '1 1'
    promql_expr_test:
      - expr: x
        eval_time: 1m
        exp_samples: [{labels: x, value: 5}]
)");
  EXPECT_EQ(errs, std::vector<std::string>{
                      "    rule: x, time: 0s, err: duplicate sample for timestamp 0; overrides "
                      "not allowed: existing 1, new value 2"});
}

TEST_F(UnitTest, RuleFilesGlobsAndLoadErrors) {
  Write("rules/a.yml", "groups:\n  - name: a\n    rules:\n      - record: r_a\n        expr: 1\n");
  Write("rules/b.yml", "groups:\n  - name: b\n    rules:\n      - record: r_b\n        expr: 2\n");
  EXPECT_EQ(Run(R"(rule_files: ['rules/*.yml', 'none-*.yml']
tests:
  - promql_expr_test:
      - expr: r_a + r_b
        exp_samples: [{value: 3}]
)"),
            std::vector<std::string>{});
  EXPECT_EQ(log_, "  WARNING: no file match pattern " + (dir_ / "none-*.yml").string() + "\n");

  Write("bad.yml", "groups:\n  - name: a\n    rules:\n      - record: r\n        expr: 'r +'\n");
  std::vector<std::string> errs = Run(R"(rule_files: [bad.yml]
tests:
  - {}
  - {}
)");
  // Every test group loads the rule files, so each reports their errors.
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0], errs[1]);
  EXPECT_EQ(errs[0].rfind((dir_ / "bad.yml").string() + ": ", 0), 0u) << errs[0];
}

TEST_F(UnitTest, GroupEvalOrder) {
  Write("rules.yml", R"(groups:
  - name: second
    rules:
      - record: b
        expr: a + 1
  - name: first
    rules:
      - record: a
        expr: vector(time())
)");
  const std::string tests = R"(tests:
  - promql_expr_test:
      - expr: b
        eval_time: 2m
        exp_samples: [{labels: b, value: 121}]
)";
  // In file order `second` reads the `a` of the evaluation before.
  std::vector<std::string> errs = Run("rule_files: [rules.yml]\n" + tests);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].find("got: {__name__=\"b\"} 6.1E+01"), std::string::npos) << errs[0];
  EXPECT_EQ(Run("rule_files: [rules.yml]\ngroup_eval_order: [first, second]\n" + tests),
            std::vector<std::string>{});
}

TEST_F(UnitTest, RunSelectsNamedGroupsAndJUnit) {
  Options o;
  o.run = {"^keep", "also"};
  std::vector<std::string> errs = Run(R"(tests:
  - name: keep me
    promql_expr_test: [{expr: '1', exp_samples: [{value: 2}]}]
  - name: skip me
    promql_expr_test: [{expr: '1', exp_samples: [{value: 3}]}]
  - promql_expr_test: [{expr: '1', exp_samples: [{value: 4}]}]
  - name: also <this> & "that"
)",
                                      o);
  ASSERT_EQ(errs.size(), 1u);
  ASSERT_EQ(junit_.size(), 1u);
  const JUnitSuite& s = junit_[0];
  EXPECT_EQ(s.tests, 2);
  EXPECT_EQ(s.failures, 1);
  ASSERT_EQ(s.cases.size(), 2u);
  EXPECT_EQ(s.cases[0].name, "keep me");
  EXPECT_EQ(s.cases[0].failures, errs);
  EXPECT_EQ(s.cases[1].name, "also <this> & \"that\"");
  std::string xml = RenderJUnitXml(junit_);
  EXPECT_TRUE(std::regex_match(
      xml, std::regex(
               "<testsuites><testsuite name=\"[^\"]*/test.yml\" tests=\"2\" failures=\"1\" "
               "errors=\"0\" skipped=\"0\" timestamp=\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\">"
               "<testcase name=\"keep me\"><failure>    expr: &#34;1&#34;, time: 0s,&#xA;        "
               "exp: \\{\\} 2E\\+00&#xA;        got: \\{\\} 1E\\+00</failure></testcase>"
               "<testcase name=\"also &lt;this&gt; &amp; &#34;that&#34;\"></testcase>"
               "</testsuite></testsuites>")))
      << xml;

  // Unnamed groups are "unnamed#<index>"; a file that cannot be decoded aborts its suite.
  errs = Run("tests:\n  - promql_expr_test: [{expr: '1', exp_samples: [{value: 2}]}]\n");
  EXPECT_EQ(junit_[0].cases[0].name, "unnamed#0");
  Run("tests: 1\n");
  EXPECT_EQ(RenderJUnitXml(junit_),
            "<testsuites><testsuite name=\"" + (dir_ / "test.yml").string() +
                "\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" timestamp=\"\">"
                "<testcase name=\"unknown\"><error>yaml: unmarshal errors:&#xA;  line 1: "
                "cannot unmarshal !!int `1` into []main.testGroup</error></testcase>"
                "</testsuite></testsuites>");
  EXPECT_EQ(RenderJUnitXml({}), "<testsuites></testsuites>");
}

// exp_samples labels go through upstream's ParseMetric (checked against promtool 2.42).
TEST(ExpSampleLabels, ParseMetric) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "{}"},
      {"test", "{__name__=\"test\"}"},
      {"{}", "{}"},
      {"foo{a=\"1\", b=\"2\",}", "{__name__=\"foo\", a=\"1\", b=\"2\"}"},
      // With a name the set is built with a labels.Builder, which drops empty values.
      {"foo{a=\"\"}", "{__name__=\"foo\"}"},
      {"{a=\"\"}", "{a=\"\"}"},
      {"{\"utf-8 name\", job=\"x\"}", "{__name__=\"utf-8 name\", job=\"x\"}"},
      {"foo 1", "1:5: parse error: unexpected number \"1\""},
      {"foo{", "1:5: parse error: unexpected end of input inside braces"},
      {"foo bar", "1:5: parse error: unexpected identifier \"bar\""},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    auto m = promql::parser::ParseMetric(in);
    EXPECT_EQ(m.ok() ? m->ToString() : std::string(m.status().message()), want);
  }
}

TEST_F(UnitTest, BadRunPattern) {
  Options o;
  o.run = {"("};
  auto t = Tester::Create(o);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "error parsing regexp: missing closing ): `(`");
}

TEST_F(UnitTest, InputSeriesNotation) {
  // _ skips, stale ends the series, x repeats; a later definition of a series replaces the
  // earlier one; interval defaults to evaluation_interval.
  EXPECT_EQ(Run(R"(evaluation_interval: 30s
tests:
  - input_series:
      - {series: a, values: '1 _ 3 stale'}
      - {series: b, values: '9'}
      - {series: b, values: '1+1x3'}
    promql_expr_test:
      - {expr: a, eval_time: 30s, exp_samples: [{labels: a, value: 1}]}
      - {expr: timestamp(a), eval_time: 1m, exp_samples: [{value: 60}]}
      - {expr: a, eval_time: 90s, exp_samples: []}
      - {expr: b, eval_time: 90s, exp_samples: [{labels: b, value: 4}]}
)"),
            std::vector<std::string>{});

  // Line 1 of upstream's load text is "load <interval>": the first series is line 2.
  EXPECT_EQ(Run("tests:\n  - input_series:\n      - {series: a, values: '1'}\n      - "
                "{series: 'b{', values: '1'}\n"),
            std::vector<std::string>{"3:4: parse error: unexpected character inside braces: '1'"});
  // A series line that is blank or a comment ends the load: later series are not loaded.
  EXPECT_EQ(Run(R"(tests:
  - input_series:
      - {series: '#a', values: ''}
      - {series: b, values: '1'}
    promql_expr_test:
      - {expr: b, exp_samples: []}
)"),
            std::vector<std::string>{});
}

TEST_F(UnitTest, FuzzyCompareAndStartTimestamp) {
  const std::string tests = R"(
tests:
  - start_timestamp: 1700000000.5
    input_series:
      - {series: v, values: '0.30000000000000004'}
    promql_expr_test:
      - {expr: v, exp_samples: [{labels: v, value: 0.3}]}
      - {expr: time(), eval_time: 1m, exp_samples: [{value: 1700000060.5}]}
)";
  EXPECT_EQ(Run("fuzzy_compare: true" + tests), std::vector<std::string>{});
  EXPECT_EQ(Run("fuzzy_compare: false" + tests).size(), 1u);
}

TEST_F(UnitTest, MissingAlertnameAndExternalLabels) {
  EXPECT_EQ(Run(R"(tests:
  - name: t
    alert_rule_test:
      - eval_time: 2m
)"),
            std::vector<std::string>{"an item under alert_rule_test misses required attribute "
                                     "alertname at eval_time 2m (in TestGroup t)"});
  Write("rules.yml", R"(groups:
  - name: g
    rules:
      - alert: A
        expr: vector(1)
        labels: {region: '{{ $externalLabels.region }}'}
        annotations: {url: '{{ $externalURL }}/graph'}
)");
  EXPECT_EQ(Run(R"(rule_files: [rules.yml]
tests:
  - external_labels: {region: eu}
    external_url: http://p:9090
    alert_rule_test:
      - eval_time: 0s
        alertname: A
        exp_alerts:
          - exp_labels: {region: eu}
            exp_annotations: {url: http://p:9090/graph}
)"),
            std::vector<std::string>{});
}

TEST_F(UnitTest, DebugDumpsEverySeries) {
  Options o;
  o.debug = true;
  EXPECT_EQ(Run(R"(tests:
  - name: d
    input_series:
      - {series: 'a{x="1"}', values: '1 2'}
    promql_expr_test:
      - {expr: a, eval_time: 1m, exp_samples: [{labels: 'a{x="1"}', value: 2}]}
)",
                o),
            std::vector<std::string>{});
  EXPECT_TRUE(std::regex_match(
      log_, std::regex("DEBUG: Starting test d\n"
                       "DEBUG: Dump of all data \\(input_series and rules\\) at 1m1s:\n"
                       // 3.x ranges are left-open: the sample at 0 is outside (0, 61s].
                       "\\{__name__=\"a\", x=\"1\"\\} =>\n2 @\\[60000\\]\n"
                       "DEBUG: Test d finished, took [0-9.]+(ns|µs|ms|s)\n")))
      << log_;
}

}  // namespace
}  // namespace promkit::rules::unittest
