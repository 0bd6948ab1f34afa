// Strict decoding in go-yaml v2's words (texts checked against promtool), defaults, validations.
#include <string>

#include <gtest/gtest.h>

#include "config/config.h"

namespace promkit::config {
namespace {

std::string Err(const std::string& yaml) {
  auto cfg = Load(yaml);
  return cfg.ok() ? "<ok>" : cfg.status().ToString();
}

TEST(ConfigLoad, StrictErrorsReadAsGoYaml) {
  EXPECT_EQ(
      Err("scrape_configs:\n"
          "  - job_name: a\n"
          "    foo: 1\n"
          "    static_configs:\n"
          "      - targets: [a:1]\n"
          "        bar: 2\n"
          "    honor_labels: 3\n"
          "    basic_auth: {username: a, x: 1}\n"
          "    tls_config: {y: 1}\n"
          "    params: {a: [1], a: [2]}\n"
          "    relabel_configs:\n"
          "      - {source_labels: 1, z: 1}\n"
          "    file_sd_configs: [{files: [a], q: 1}]\n"),
      "yaml: unmarshal errors:\n"
      "  line 3: field foo not found in type config.ScrapeConfig\n"
      "  line 6: field bar not found in type struct { Targets []string \"yaml:\\\"targets\\\"\"; "
      "Labels model.LabelSet \"yaml:\\\"labels\\\"\" }\n"
      "  line 7: cannot unmarshal !!int `3` into bool\n"
      "  line 8: field x not found in type config.plain\n"
      "  line 9: field y not found in type config.plain\n"
      "  line 10: key \"a\" already set in map\n"
      "  line 12: cannot unmarshal !!int `1` into model.LabelNames\n"
      "  line 12: field z not found in type relabel.plain\n"
      "  line 13: field q not found in type file.plain");
  EXPECT_EQ(
      Err("global:\n  external_labels: {a: 1, a: 2}\n  scrape_interval: [1]\nrule_files: x\n"),
      "yaml: unmarshal errors:\n"
      "  line 2: key \"a\" already set in map\n"
      "  line 3: cannot unmarshal !!seq into string\n"
      "  line 4: cannot unmarshal !!str `x` into []string");
  EXPECT_EQ(Err("global:\n  scrape_interval: 1m\nglobal:\n  a: 1\n"),
            "yaml: unmarshal errors:\n  line 3: field global already set in type config.plain");
  EXPECT_EQ(Err("scrape_configs:\n  - job_name: a\n    honor_labels: yes\n    sample_limit: x\n"
                "    scrape_interval: 1m\n    scrape_interval: 2m\n"),
            "yaml: unmarshal errors:\n"
            "  line 4: cannot unmarshal !!str `x` into uint\n"
            "  line 6: field scrape_interval already set in type config.ScrapeConfig");
  EXPECT_EQ(Err("scrape_configs:\n  - job_name: a\n    scrape_interval: abc\n    foo: 1\n"),
            "not a valid duration string: \"abc\"");
  EXPECT_EQ(
      Err("scrape_configs:\n  - job_name: a\n    metric_relabel_configs:\n      - action: foo\n"),
      "unknown relabel action \"foo\"");
  EXPECT_EQ(Err("global:\n  scrape_interval: 1m\n  scrape_timeout: 2m\n"),
            "global scrape timeout greater than scrape interval");
  EXPECT_EQ(Err("scrape_configs:\n  - job_name: a\n    sample_limit: 12345678901234\n"
                "    body_size_limit: 10MBx\n"),
            "units: unknown unit MBx in 10MBx");
}

TEST(ConfigLoad, DefaultsAsUpstream) {
  auto cfg = Load(
      "global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: a\n"
      "  - job_name: b\n    scrape_interval: 1m\n    scrape_timeout: 20s\n"
      "    bearer_token: t\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->global.scrape_timeout_ms, 5000);
  EXPECT_EQ(cfg->global.evaluation_interval_ms, 60000);
  const ScrapeConfig& a = cfg->scrape_configs[0];
  EXPECT_EQ(a.scrape_interval_ms, 5000);
  EXPECT_EQ(a.scrape_timeout_ms, 5000);
  EXPECT_EQ(a.metrics_path, "/metrics");
  EXPECT_EQ(a.scheme, "http");
  EXPECT_TRUE(a.honor_timestamps);
  EXPECT_TRUE(a.http.follow_redirects);
  EXPECT_EQ(a.scrape_protocols.front(), "OpenMetricsText1.0.0");
  const ScrapeConfig& b = cfg->scrape_configs[1];
  EXPECT_EQ(b.scrape_timeout_ms, 20000);
  ASSERT_TRUE(b.http.authorization.has_value());
  EXPECT_EQ(b.http.authorization->type, "Bearer");
  EXPECT_EQ(b.http.authorization->credentials, "t");
  EXPECT_EQ(Load("").value().global.scrape_interval_ms, 60000);
}

TEST(ConfigLoad, RelabelConfigsDecodeWithDefaults) {
  auto cfg = Load(
      "scrape_configs:\n  - job_name: a\n    relabel_configs:\n"
      "      - source_labels: [x]\n        target_label: y\n"
      "      - action: hashmod\n        source_labels: [x]\n        modulus: 4\n"
      "        target_label: z\n");
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  const auto& rc = cfg->scrape_configs[0].relabel_configs;
  ASSERT_EQ(rc.size(), 2u);
  EXPECT_EQ(rc[0].separator, ";");
  EXPECT_TRUE(rc[0].regex.IsDefault());
  EXPECT_EQ(rc[0].replacement, "$1");
  EXPECT_EQ(rc[1].action, relabel::Action::kHashMod);
  EXPECT_EQ(rc[1].modulus, 4u);
}

TEST(ConfigLoad, SyntaxErrorsAndOddInputsDoNotCrash) {
  EXPECT_EQ(Err("scrape_configs: [\n").rfind("yaml: line ", 0), 0u);
  EXPECT_NE(Err("- a\n- b\n"), "<ok>");
  EXPECT_NE(Err("a: &x [*x]\n"), "<ok>");
  EXPECT_EQ(Err("global: ~\n"), "<ok>");
}

}  // namespace
}  // namespace promkit::config
