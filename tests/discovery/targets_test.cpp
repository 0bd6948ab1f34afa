#include "discovery/targets.h"

#include <string>

#include <gtest/gtest.h>

namespace promkit::discovery {
namespace {

config::ScrapeConfig Job(const std::string& relabel_yaml = "") {
  std::string text =
      "scrape_configs:\n"
      "  - job_name: j\n"
      "    scrape_interval: 15s\n"
      "    params: {foo: [bar, baz]}\n"
      "    static_configs: [{targets: ['x']}]\n";
  if (!relabel_yaml.empty()) text += "    relabel_configs:\n" + relabel_yaml;
  auto cfg = config::Load(text);
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  return cfg->scrape_configs.at(0);
}

std::string Str(const model::Labels& ls) {
  std::string out;
  for (const auto& l : ls) out += std::string(l.name) + "=" + std::string(l.value) + " ";
  return out;
}

TEST(PopulateLabels, DefaultsAndInstance) {
  config::ScrapeConfig cfg = Job();
  TargetLabels t = PopulateLabels(cfg, {{"__address__", "h"}, {"__meta_x", "1"}},
                                  {{"env", "prod"}, {"__address__", "ignored"}});
  ASSERT_TRUE(t.error.ok()) << t.error.ToString();
  EXPECT_EQ(Str(t.discovered),
            "__address__=h __always_scrape_classic_histograms__=false "
            "__convert_classic_histograms_to_nhcb__=false __meta_x=1 __metrics_path__=/metrics "
            "__param_foo=bar __scheme__=http __scrape_interval__=15s "
            "__scrape_native_histograms__=false __scrape_timeout__=10s env=prod job=j ");
  // 3.x adds no default port; __meta_ labels go.
  EXPECT_EQ(Str(t.labels),
            "__address__=h __always_scrape_classic_histograms__=false "
            "__convert_classic_histograms_to_nhcb__=false __metrics_path__=/metrics "
            "__param_foo=bar __scheme__=http __scrape_interval__=15s "
            "__scrape_native_histograms__=false __scrape_timeout__=10s env=prod instance=h "
            "job=j ");
}

TEST(PopulateLabels, Errors) {
  const std::pair<std::string, std::string> cases[] = {
      {"      - {target_label: __address__, replacement: ''}\n", "no address"},
      {"      - {target_label: __address__, replacement: 'a/b'}\n",
       "\"a/b\" is not a valid hostname"},
      {"      - {target_label: __scrape_interval__, replacement: '0s'}\n",
       "scrape interval cannot be 0"},
      {"      - {target_label: __scrape_timeout__, replacement: 'x'}\n",
       "error parsing scrape timeout: not a valid duration string: \"x\""},
      {"      - {target_label: __scrape_timeout__, replacement: '1m'}\n",
       "scrape timeout cannot be greater than scrape interval (\"1m\" > \"15s\")"},
      {"      - {target_label: __scrape_native_histograms__, replacement: 'yes'}\n",
       "error parsing scrape native histograms: strconv.ParseBool: parsing \"yes\": invalid "
       "syntax"},
  };
  for (const auto& [rule, want] : cases) {
    SCOPED_TRACE(rule);
    TargetLabels t = PopulateLabels(Job(rule), {{"__address__", "h:1"}}, {});
    EXPECT_EQ(t.error.message(), want);
    EXPECT_TRUE(t.labels.empty());
    EXPECT_FALSE(t.discovered.empty());
  }
}

TEST(PopulateLabels, DropAndTrace) {
  config::ScrapeConfig cfg =
      Job("      - {source_labels: [__address__], regex: 'h.*', target_label: team, "
          "replacement: a}\n"
          "      - {source_labels: [__address__], regex: 'nomatch', action: keep}\n");
  TargetLabels t = PopulateLabels(cfg, {{"__address__", "h:1"}}, {}, /*trace=*/true);
  EXPECT_TRUE(t.dropped());
  ASSERT_EQ(t.trace.size(), 2u);
  EXPECT_EQ(t.trace[0].index, 0u);
  EXPECT_EQ(t.trace[0].action, relabel::Action::kReplace);
  EXPECT_EQ(t.trace[0].after.Get("team"), "a");
  EXPECT_EQ(t.trace[0].before.Get("team"), "");
  EXPECT_TRUE(t.trace[1].dropped);
  EXPECT_EQ(t.trace[1].action, relabel::Action::kKeep);
}

}  // namespace
}  // namespace promkit::discovery
