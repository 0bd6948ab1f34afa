// Alertmanager's notification templates: the data's methods (KV, Pairs, Alerts), the function
// set, JSON template data and the default templates.
#include "alertmanager/template.h"

#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "alertmanager/config.h"
#include "testutil/subprocess.h"
#include "testutil/tsv.h"

namespace promkit::alertmanager {
namespace {

TemplateData Data() {
  TemplateData d;
  d.receiver = "team-X";
  d.status = "firing";
  TemplateAlert a;
  a.status = "firing";
  a.labels = {{"alertname", "Up"}, {"job", "node"}, {"severity", "critical"}};
  a.annotations = {{"summary", "down"}};
  a.starts_at_ns = 1704708000'000'000'000;
  a.starts_at_zero = false;
  a.generator_url = "http://prom";
  TemplateAlert b = a;
  b.status = "resolved";
  b.labels["job"] = "api";
  d.alerts = {a, b};
  d.group_labels = {{"alertname", "Up"}};
  d.common_labels = {{"alertname", "Up"}, {"severity", "critical"}};
  d.external_url = "http://am:9093";
  return d;
}

TEST(AlertmanagerTemplate, Render) {
  auto set = TemplateSet::FromGlobs({});
  ASSERT_TRUE(set.ok()) << set.status().message();
  const std::tuple<std::string_view, std::string_view> cases[] = {
      {"{{ template \"__subject\" . }}", "[FIRING:1] Up (critical)"},
      {"{{ template \"__alertmanagerURL\" . }}", "http://am:9093/#/alerts?receiver=team-X"},
      {"{{ .CommonLabels.SortedPairs }}", "alertname=Up, severity=critical"},
      {"{{ .CommonLabels.Names | join \",\" }}", "alertname,severity"},
      {"{{ .CommonLabels.Values.Join \"+\" }}", "Up+critical"},
      {"{{ (.CommonLabels.Remove (stringSlice \"alertname\")).Names }}", "[severity]"},
      {"{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }}", "1/1"},
      {"{{ range .Alerts.Resolved }}{{ .Labels.job }}{{ end }}", "api"},
      {"{{ (index .Alerts 0).StartsAt | date \"2006-01-02\" }}", "2024-01-08"},
      {"{{ .GroupLabels | toJson }}", "{\"alertname\":\"Up\"}"},
      {"{{ \"a<b\" | base64encode }} {{ \"YTxi\" | base64decode }}", "YTxi a<b"},
      {"{{ title \"hello wORLD\" }} {{ trimSpace \"  x \" }}", "Hello World x"},
      {"{{ dict \"a\" 1 | toJson }} {{ list 1 \"x\" | toJson }}", "{\"a\":1} [1,\"x\"]"},
      {"{{ template \"jira.default.priority\" . }}", "High"},
      {"{{ (index .Alerts 0).StartsAt | tz \"Europe/Berlin\" }}", "2024-01-08 11:00:00 +0100 CET"},
      {"{{ (toDate \"2006-01-02\" \"2024-03-05\").Unix }} {{ (toDate \"2006\" \"x\").IsZero }}",
       "1709596800 true"},
  };
  for (const auto& [text, want] : cases) {
    SCOPED_TRACE(text);
    auto out = set->ExecuteText(text, TemplateDataValue(Data()));
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(*out, want);
  }
}

// Every default template (upstream's default.tmpl but the email ones) rendered over two data
// sets; the expected texts were produced by Go's text/template running upstream's
// default.tmpl (Alertmanager 0.34.0) on the same data.
TEST(AlertmanagerTemplate, DefaultTemplatesRenderAsUpstream) {
  const std::string dir = std::string(PROMKIT_SOURCE_DIR) + "/testdata/alertmanager/";
  auto set = TemplateSet::FromGlobs({});
  ASSERT_TRUE(set.ok());
  std::vector<testutil::TsvRow> rows = testutil::ReadTsv(dir + "default_templates_expected.tsv");
  ASSERT_EQ(rows.size(), 118u);
  for (const testutil::TsvRow& row : rows) {
    SCOPED_TRACE(row.at("data") + " " + row.at("template"));
    auto data = ParseTemplateData(testutil::ReadFileOrEmpty(dir + row.at("data")));
    ASSERT_TRUE(data.ok()) << data.status().message();
    auto out = set->ExecuteText("{{ template \"" + row.at("template") + "\" . }}",
                                TemplateDataValue(*data));
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(*out, row.at("expected"));
  }
}

TEST(AlertmanagerTemplate, DefaultTextAlertList) {
  auto set = TemplateSet::FromGlobs({});
  ASSERT_TRUE(set.ok());
  TemplateData d = Data();
  d.alerts.resize(1);
  auto out =
      set->ExecuteText("{{ template \"telegram.default.message\" . }}", TemplateDataValue(d));
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out,
            "\n\nAlerts Firing:\nLabels:\n - alertname = Up\n - job = node\n - severity = "
            "critical\nAnnotations:\n - summary = down\nSource: http://prom\n\n\n\n");
}

TEST(AlertmanagerTemplate, Data) {
  auto d = ParseTemplateData(
      R"({"Receiver": "r", "alerts": [{"status": "firing", "labels": {"a": "b"},
          "startsAt": "2024-01-08T10:00:00.5Z"}], "commonLabels": {"a": "b"}, "extra": 1})");
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->receiver, "r");
  ASSERT_EQ(d->alerts.size(), 1u);
  EXPECT_EQ(d->alerts[0].starts_at_ns, 1704708000'500'000'000);
  EXPECT_TRUE(d->alerts[0].ends_at_zero);
  auto bad = ParseTemplateData(R"({"receiver": 1})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "json: cannot unmarshal number into Go struct field Data.receiver of type string");
}

TEST(AlertmanagerTemplate, CheckTemplateGlobsNamesTheFile) {
  util::Status st = CheckTemplateGlobs(
      {std::string(PROMKIT_SOURCE_DIR) + "/testdata/alertmanager/templates/bad/*.tmpl"});
  EXPECT_EQ(st.message(), "template: broken.tmpl:1: unexpected \"}\" in operand");
  EXPECT_TRUE(CheckTemplateGlobs({"/nonexistent/*.tmpl"}).ok());
}

TEST(AlertmanagerTemplate, RenderReceiverTemplatesFindsSendTimeErrors) {
  auto cfg = Load(
      "route:\n  receiver: x\nreceivers:\n- name: x\n  webhook_configs:\n"
      "  - url: 'http://hook/{{ .Receiver }}'\n  - url: 'http://hook/{{ template \"nope\" . }}'\n"
      "  pushover_configs:\n  - {user_key: u, token: t}\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  auto set = TemplateSet::FromGlobs(cfg->templates);
  ASSERT_TRUE(set.ok());
  std::vector<TemplateProblem> p = RenderReceiverTemplates(*cfg, *set, 0);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].receiver, "x");
  EXPECT_EQ(p[0].integration, "webhook_configs[1]");
  EXPECT_EQ(p[0].field, "url");
  EXPECT_EQ(p[0].error,
            "template: :1:24: executing \"\" at <{{template \"nope\" .}}>: template \"nope\" not "
            "defined");
}

}  // namespace
}  // namespace promkit::alertmanager
