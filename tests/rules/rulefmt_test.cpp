// rulefmt: upstream's rulefmt_test.go cases, and go-yaml v3's decoding as upstream's two decodes
// report it (the texts marked "2.42" were checked against Debian's promtool, whose rulefmt also
// uses go-yaml v3; where 3.x's second decode differs from 2.42's the case says so).
#include "rules/rulefmt/rulefmt.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rules/rulefmt/lint.h"

namespace promkit::rules::rulefmt {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Messages(const ParseResult& r) {
  std::vector<std::string> out;
  for (const Error& e : r.errors) out.push_back(e.message);
  return out;
}

std::vector<std::string> Twice(const std::string& s) { return {s, s}; }

TEST(Rulefmt, DecodeErrors) {
  struct Case {
    std::string name;
    std::string yaml;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {"empty file", "", {}},
      {"comment only", "# nothing\n", {}},
      {"null groups", "groups:\n", {}},
      // go-yaml drops sequence elements that decode to nothing.
      {"null group", "groups: [~]\n", {}},
      // 2.42 reports the first; 3.x's second decode (into RuleGroupNode) repeats it.
      {"repeated key in a group", "groups:\n  - name: a\n    name: b\n",
       Twice("yaml: unmarshal errors:\n  line 3: mapping key \"name\" already defined at line 2")},
      {"repeated label",
       "groups:\n- name: a\n  rules:\n  - record: x\n    expr: 1\n    labels:\n      a: 1\n      "
       "a: 2\n",
       Twice("yaml: unmarshal errors:\n  line 8: mapping key \"a\" already defined at line 7")},
      {"groups not a list",
       "groups: 5\n",
       {"yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `5` into []rulefmt.RuleGroup",
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `5` into "
        "[]rulefmt.RuleGroupNode"}},
      {"group and rule not maps",
       "groups:\n- 5\n- name: x\n  rules: [3]\n",
       {"yaml: unmarshal errors:\n  line 2: cannot unmarshal !!int `5` into rulefmt.RuleGroup\n  "
        "line 4: cannot unmarshal !!int `3` into rulefmt.Rule",
        "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!int `5` into "
        "rulefmt.RuleGroupNode\n  line 4: cannot unmarshal !!int `3` into rulefmt.RuleNode"}},
      {"document is a string",
       "hello\n",
       {"yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `hello` into "
        "rulefmt.RuleGroups",
        "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `hello` into "
        "rulefmt.ruleGroups"}},
      {"unknown field",
       "groups:\n- name: a\n  rules:\n  - alert: x\n    expr: 1\n    annotation:\n      a: b\n",
       {"yaml: unmarshal errors:\n  line 6: field annotation not found in type rulefmt.Rule"}},
      {"unknown group field",
       "groups:\n- name: a\n  namespace: x\n",
       {"yaml: unmarshal errors:\n  line 3: field namespace not found in type rulefmt.RuleGroup"}},
      // A string where a scalar is wanted: only the first decode has a string there.
      {"record is a list",
       "groups:\n- name: a\n  rules:\n  - record: [x]\n    expr: 1\n",
       {"yaml: unmarshal errors:\n  line 4: cannot unmarshal !!seq into string"}},
      // v3 keeps only true/false as booleans: `yes` is a string. Long values are cut.
      {"limit not an int", "groups:\n- name: a\n  limit: yes\n- name: b\n  limit: abcdefghijkl\n",
       Twice("yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `yes` into int\n  line 5: "
             "cannot unmarshal !!str `abcdefg...` into int")},
      {"labels not a map", "groups:\n- name: a\n  labels: 5\n",
       Twice("yaml: unmarshal errors:\n  line 3: cannot unmarshal !!int `5` into "
             "map[string]string")},
      // model.Duration's own error stops go-yaml at once (2.42: once; 3.x: both decodes).
      {"bad duration", "groups:\n- name: a\n  interval: 5x\n  limit: x\n",
       Twice("unknown unit \"x\" in duration \"5x\"")},
      {"bad duration syntax", "groups:\n- name: a\n  interval: m5\n",
       Twice("not a valid duration string: \"m5\"")},
      {"empty duration", "groups:\n- name: x\n  rules:\n  - alert: a\n    expr: 1\n    for: \"\"\n",
       Twice("empty duration string")},
      {"duration not a string", "groups:\n- name: a\n  interval: [1]\n",
       Twice("yaml: unmarshal errors:\n  line 3: cannot unmarshal !!seq into string")},
      {"merge of a scalar", "groups:\n  - name: a\n    rules:\n      - <<: 5\n        record: x\n",
       Twice("yaml: map merge requires map or sequence of maps as the value")},
      {"merged unknown field",
       "groups:\n  - name: a\n    rules:\n      - &r\n        record: x\n        expr: 1\n      - "
       "<<: *r\n        record: y\n        foo: 1\n      - <<: [*r]\n        expr: 2\n",
       {"yaml: unmarshal errors:\n  line 9: field foo not found in type rulefmt.Rule"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ParseResult r = Parse(c.yaml);
    EXPECT_EQ(Messages(r), c.want);
  }
}

TEST(Rulefmt, SyntaxErrorsAreReportedByBothDecodes) {
  ParseResult r = Parse("groups:\n- name: a\n   bad: 1\n");
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].message, r.errors[1].message);
  EXPECT_TRUE(r.errors[0].message.starts_with("yaml: line 3: ")) << r.errors[0].message;
}

TEST(Rulefmt, Values) {
  ParseResult r = Parse(R"(groups:
- name: g
  interval: 30s
  query_offset: 1m
  limit: 2.7
  labels: {team: a}
  rules:
  - alert: A
    expr: up == 0
    for: 5m
    keep_firing_for: 1m
    labels: {severity: page, empty: ~}
    annotations: {summary: "{{ $labels.x }}"}
  - record: r
    expr: sum(up)
- name: h
  query_offset: ~
)");
  ASSERT_TRUE(r.ok()) << r.errors[0].message;
  ASSERT_EQ(r.groups.groups.size(), 2u);
  const RuleGroup& g = r.groups.groups[0];
  EXPECT_EQ(g.name, "g");
  EXPECT_EQ(g.interval_ms, 30'000);
  EXPECT_EQ(g.query_offset_ms, 60'000);
  EXPECT_EQ(g.limit, 2);  // go-yaml truncates a float into an int
  EXPECT_EQ(g.labels, (StringMap{{"team", "a"}}));
  ASSERT_EQ(g.rules.size(), 2u);
  EXPECT_EQ(g.rules[0].alert, "A");
  EXPECT_EQ(g.rules[0].for_ms, 300'000);
  EXPECT_EQ(g.rules[0].keep_firing_for_ms, 60'000);
  EXPECT_EQ(g.rules[0].labels, (StringMap{{"empty", ""}, {"severity", "page"}}));
  EXPECT_EQ(g.rules[0].expr_pos.line, 9);
  EXPECT_EQ(g.rules[0].expr_pos.col, 11);
  EXPECT_EQ(g.rules[1].Name(), "r");
  EXPECT_FALSE(r.groups.groups[1].query_offset_ms.has_value());
  EXPECT_EQ(r.RuleCount(), 2u);
}

TEST(Rulefmt, ValidationMessages) {
  struct Case {
    std::string name;
    std::string yaml;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      // Upstream 3.x reads group positions from a `node` field files do not have: 0:0.
      {"repeated group",
       "groups:\n  - name: yolo\n  - name: yolo\n",
       {"0:0: groupname: \"yolo\" is repeated in the same file"}},
      {"empty group name", "groups:\n  - name: \"\"\n", {"0:0: Groupname must not be empty"}},
      {"group labels",
       "groups:\n  - name: a\n    labels: {__name__: x, b: c}\n",
       {"invalid label name: __name__"}},
      {"record and alert (2.42)",
       "groups:\n  - name: yolo\n    rules:\n      - record: Hi\n        alert: Hello\n        "
       "expr: 1\n",
       {"4:17: 5:16: group \"yolo\", rule 1, \"Hello\": only one of 'record' and 'alert' must be "
        "set"}},
      // 2.42 has no second position here; 3.x points at both (absent) nodes.
      {"neither record nor alert",
       "groups:\n  - name: yolo\n    rules:\n      - expr: 1\n",
       {"0:0: 0:0: group \"yolo\", rule 1, \"\": one of 'record' or 'alert' must be set"}},
      {"no expr (2.42)",
       "groups:\n  - name: yolo\n    rules:\n      - record: ylo\n",
       {"0:0: group \"yolo\", rule 1, \"ylo\": field 'expr' must be set in rule"}},
      {"bad expr (2.42)",
       "groups:\n  - name: yolo\n    rules:\n      - record: yolo\n        expr: rate(hi)\n",
       {"5:15: group \"yolo\", rule 1, \"yolo\": could not parse expression: 1:6: parse error: "
        "expected type range vector in call to function \"rate\", got instant vector"}},
      {"recording rule fields (2.42)",
       "groups:\n  - name: g\n    rules:\n      - record: \"a{b}\"\n        expr: 1\n        for: "
       "1m\n        keep_firing_for: 1m\n        annotations: {x: y}\n",
       {"4:17: group \"g\", rule 1, \"a{b}\": invalid field 'annotations' in recording rule",
        "4:17: group \"g\", rule 1, \"a{b}\": invalid field 'for' in recording rule",
        "4:17: group \"g\", rule 1, \"a{b}\": invalid field 'keep_firing_for' in recording rule",
        "4:17: group \"g\", rule 1, \"a{b}\": braces present in the recording rule name; should it "
        "be in expr?: a{b}"}},
      {"rule labels (2.42)",
       "groups:\n  - name: yolo\n    rules:\n      - record: hola\n        expr: 1\n        "
       "labels:\n          __name__: anything\n",
       {"group \"yolo\", rule 1, \"hola\": invalid label name: __name__"}},
      // Upstream's TestTemplateParsing and TestUniqueErrorNodes.
      {"template: $label",
       "groups:\n- name: example\n  rules:\n  - alert: InstanceDown\n    expr: up == 0\n    "
       "annotations:\n      summary: \"Instance {{ $label.instance }} down\"\n",
       {"group \"example\", rule 1, \"InstanceDown\": annotation \"summary\": template: "
        "__alert_InstanceDown:1: undefined variable \"$label\""}},
      {"template in a label",
       "groups:\n- name: example\n  rules:\n  - alert: InstanceDown\n    expr: up == 0\n    "
       "labels:\n      severity: \"{{$this_is_wrong}}\"\n",
       {"group \"example\", rule 1, \"InstanceDown\": label \"severity\": template: "
        "__alert_InstanceDown:1: undefined variable \"$this_is_wrong\""}},
      {"templates of recording rules are not parsed",
       "groups:\n- name: example\n  rules:\n  - record: r\n    expr: up\n    labels:\n      "
       "severity: \"{{$this_is_wrong}}\"\n",
       {}},
      // Template texts that parsed once are not parsed again: the outcome must not change.
      {"repeated template texts",
       "groups:\n- name: g\n  rules:\n  - alert: B\n    expr: up == 0\n    annotations:\n"
       "      s: '{{define \"__alert_A\"}}x{{end}}'\n  - alert: A\n    expr: up == 0\n"
       "    annotations:\n      s: '{{define \"__alert_A\"}}x{{end}}'\n  - alert: C\n"
       "    expr: up == 0\n    annotations:\n      s: '{{ $nope }}'\n  - alert: D\n"
       "    expr: up == 0\n    annotations:\n      s: '{{ $nope }}'\n      t: '{{ $value }}'\n"
       "  - alert: E\n    expr: up == 0\n    annotations:\n      t: '{{ $value }}'\n",
       {"group \"g\", rule 2, \"A\": annotation \"s\": template: __alert_A:1: template: multiple "
        "definition of template \"__alert_A\"",
        "group \"g\", rule 3, \"C\": annotation \"s\": template: __alert_C:1: undefined variable "
        "\"$nope\"",
        "group \"g\", rule 4, \"D\": annotation \"s\": template: __alert_D:1: undefined variable "
        "\"$nope\""}},
      {"unique error nodes",
       "groups:\n- name: example\n  rules:\n  - alert: InstanceDown\n    expr: up ===== 0\n  - "
       "alert: InstanceUp\n    expr: up ===== 1\n",
       {"5:11: group \"example\", rule 1, \"InstanceDown\": could not parse expression: 1:6: "
        "parse error: unexpected <op:==>",
        "7:11: group \"example\", rule 2, \"InstanceUp\": could not parse expression: 1:6: parse "
        "error: unexpected <op:==>"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(Messages(Parse(c.yaml)), c.want);
  }
}

TEST(Rulefmt, TemplateParsingPasses) {
  // Upstream's TestTemplateParsing, the cases that must pass.
  ParseResult r = Parse(R"(
groups:
- name: example
  labels:
    team: myteam
  rules:
  - alert: InstanceDown
    expr: up == 0
    for: 5m
    labels:
      severity: "page"
    annotations:
      summary: "Instance {{ $labels.instance }} down"
      value: "{{ $value | humanize }} of {{ $externalLabels.x }} at {{ $externalURL }}"
)");
  EXPECT_EQ(Messages(r), std::vector<std::string>{});
  // `$labels.quantile * 100` is not a template.
  r = Parse(R"(
groups:
- name: example
  rules:
  - alert: InstanceDown
    expr: up == 0
    annotations:
      description: "{{$labels.quantile * 100}}"
)");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(r.errors[0].message.starts_with(
      "group \"example\", rule 1, \"InstanceDown\": annotation \"description\": template: "
      "__alert_InstanceDown:1: "))
      << r.errors[0].message;
}

TEST(Rulefmt, NameValidationSchemes) {
  const std::string yaml =
      "groups:\n- name: g\n  rules:\n  - alert: a\n    expr: 1\n    annotations:\n      "
      "ins-tance: x\n  - record: \"a-b\"\n    expr: 1\n    labels:\n      ins-tance: x\n";
  EXPECT_EQ(Messages(Parse(yaml)), std::vector<std::string>{});
  ParseOptions legacy;
  legacy.name_validation = model::ValidationScheme::kLegacy;
  EXPECT_EQ(Messages(Parse(yaml, legacy)),
            (std::vector<std::string>{
                "group \"g\", rule 1, \"a\": invalid annotation name: ins-tance",
                "8:13: group \"g\", rule 2, \"a-b\": invalid recording rule name: a-b",
                "group \"g\", rule 2, \"a-b\": invalid label name: ins-tance"}));
}

TEST(Rulefmt, IgnoreUnknownFields) {
  const std::string yaml =
      "groups:\n- name: a\n  owner: x\n  rules:\n  - record: r\n    expr: 1\n"
      "    team: y\n";
  EXPECT_EQ(Parse(yaml).errors.size(), 1u);
  ParseOptions opts;
  opts.ignore_unknown_fields = true;
  ParseResult r = Parse(yaml, opts);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.RuleCount(), 1u);
}

TEST(Rulefmt, ParserFeatures) {
  const std::string yaml =
      "groups:\n- name: a\n  rules:\n  - record: r\n    expr: "
      "sort_by_label(up, \"instance\")\n";
  ParseResult r = Parse(yaml);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("could not parse expression"), std::string::npos);
  ParseOptions opts;
  opts.parser.experimental_functions = true;
  EXPECT_TRUE(Parse(yaml, opts).ok());
}

// Upstream's TestMultiDocParse: only the first document counts, and more are warned about.
TEST(Rulefmt, MultipleDocuments) {
  const std::string valid =
      "\ngroups:\n- name: example\n  rules:\n  - alert: InstanceDown\n    "
      "expr: up == 0\n";
  ParseResult r = Parse(valid);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.warnings.empty());
  r = Parse("---\n" + valid + "...\n# end\n");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.warnings.empty());
  for (const std::string& more : {std::string("---\ngroups:\n- name: example2\n  rules: [}\n"),
                                  std::string("---\n"), std::string("...\n{a: b}\n")}) {
    SCOPED_TRACE(more);
    r = Parse(valid + more);
    EXPECT_TRUE(r.ok()) << r.errors[0].message;  // the second document is never parsed
    ASSERT_EQ(r.groups.groups.size(), 1u);
    EXPECT_EQ(r.groups.groups[0].name, "example");
    EXPECT_EQ(r.warnings, std::vector<std::string>{"Multiple document yaml rules files are not "
                                                   "supported, only the first document is "
                                                   "processed"});
  }
}

TEST(Rulefmt, PrometheusRuleManifest) {
  const std::string manifest = R"(apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: example
  labels: {prometheus: k8s}
spec:
  groups:
  - name: example
    partial_response_strategy: warn
    rules:
    - alert: Down
      expr: up == 0
    - record: job:up:sum
      expr: sum by (job) (up)
)";
  ParseResult r = Parse(manifest);
  ASSERT_TRUE(r.ok()) << r.errors[0].message;
  EXPECT_TRUE(r.operator_manifest);
  EXPECT_EQ(r.RuleCount(), 2u);
  EXPECT_EQ(r.groups.groups[0].partial_response_strategy, "warn");

  // Errors point into the manifest.
  r = Parse(
      "kind: PrometheusRule\nspec:\n  groups:\n  - name: a\n    rules:\n    - record: x\n"
      "      expr: rate(x)\n");
  EXPECT_EQ(Messages(r),
            std::vector<std::string>{"7:13: group \"a\", rule 1, \"x\": could not parse "
                                     "expression: 1:6: parse error: expected type range vector in "
                                     "call to function \"rate\", got instant vector"});
  r = Parse("kind: PrometheusRule\nspce: {}\n");
  EXPECT_EQ(Messages(r), std::vector<std::string>{"yaml: unmarshal errors:\n  line 2: field spce "
                                                  "not found in type v1.PrometheusRule"});
  // Outside a manifest, the Thanos field is unknown.
  r = Parse("groups:\n- name: a\n  partial_response_strategy: warn\n");
  EXPECT_EQ(r.errors.size(), 1u);
  // An empty manifest has no rules.
  r = Parse("apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec: {}\n");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.RuleCount(), 0u);
}

TEST(Rulefmt, ErrorOffsetsPointIntoTheFile) {
  struct Case {
    std::string yaml;
    std::string at;  // the file text the error's offset starts at
  };
  const Case cases[] = {
      {"groups:\n- name: a\n  rules:\n  - record: x\n    expr: up + foo(x)\n", "foo(x)\n"},
      {"groups:\n- name: a\n  rules:\n  - record: x\n    expr: 'rate(up[5m]) + '\n", "'\n"},
      {"groups:\n- name: a\n  rules:\n  - record: x\n    expr: |\n      sum(rate(up[5m]))\n    "
       "    / foo(x)\n",
       "foo(x)\n"},
      {"groups:\n- name: a\n  rules:\n  - record: x\n    expr: 1\n    for: 1m\n", "x\n"},
      {"groups:\n- name: a\n  rules:\n  - alert: x\n    expr: 1\n    labels: {a: '{{'}\n",
       "alert: x"},
      {"groups:\n- name: a\n  rules:\n  - record: x\n    expr: 1\n    labels: [1]\n",
       "labels: [1]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.yaml);
    ParseResult r = Parse(c.yaml);
    ASSERT_EQ(r.errors.size(), c.at == "labels: [1]" ? 2u : 1u);
    ASSERT_NE(r.errors[0].offset, std::string::npos) << r.errors[0].message;
    EXPECT_EQ(c.yaml.substr(r.errors[0].offset, c.at.size()), c.at) << r.errors[0].message;
  }
}

TEST(Rulefmt, ParseFile) {
  ParseResult r = ParseFile("/nonexistent/rules.yml");
  EXPECT_EQ(Messages(r), std::vector<std::string>{"/nonexistent/rules.yml: open "
                                                  "/nonexistent/rules.yml: no such file or "
                                                  "directory"});
  const fs::path dir = fs::path(PROMKIT_SOURCE_DIR) / "testdata" / "conformance" / "rulefmt";
  std::string content;
  r = ParseFile(dir / "bad_expr.bad.yaml", {}, &content);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(r.errors[0].message.starts_with((dir / "bad_expr.bad.yaml").string() + ": 5:15: "));
  EXPECT_EQ(content.substr(r.errors[0].offset, 2), "hi");
}

// cmd/promtool's TestCheckDuplicates, and its report.
TEST(RulefmtLint, DuplicateRules) {
  const fs::path promtool = fs::path(PROMKIT_SOURCE_DIR) / "testdata" / "conformance" / "promtool";
  ParseResult r = ParseFile(promtool / "rules.yml");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(FindDuplicateRules(r.groups).empty());

  r = ParseFile(promtool / "rules_duplicates.yml");
  ASSERT_TRUE(r.ok());
  auto dups = FindDuplicateRules(r.groups);
  ASSERT_EQ(dups.size(), 1u);
  EXPECT_EQ(dups[0].metric, "job:test:count_over_time1m");
  EXPECT_TRUE(dups[0].labels.empty());

  r = Parse(R"(groups:
- name: a
  labels: {team: x}
  rules:
  - {alert: B, expr: 1, labels: {severity: page}}
  - {alert: B, expr: 2, labels: {severity: page, team: x}}
  - {alert: B, expr: 3, labels: {severity: page, team: y}}
  - {alert: A, expr: 1}
- name: b
  rules:
  - {alert: B, expr: 1, labels: {severity: page, team: x}}
  - {alert: A, expr: 1, labels: {team: x}}
)");
  ASSERT_TRUE(r.ok()) << r.errors[0].message;
  dups = FindDuplicateRules(r.groups);
  EXPECT_EQ(DuplicateRulesReport(dups),
            "2 duplicate rule(s) found.\nMetric: A\nLabel(s):\n\tteam: x\nMetric: B\nLabel(s):\n"
            "\tseverity: page\n\tteam: x\nMight cause inconsistency while recording expressions");
}

}  // namespace
}  // namespace promkit::rules::rulefmt
