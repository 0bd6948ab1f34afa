#include "discovery/sd_check.h"

#include <string>

#include <gtest/gtest.h>

namespace promkit::discovery {
namespace {

config::ScrapeConfig Job() {
  config::ScrapeConfig cfg;
  cfg.job_name = "j";
  cfg.scrape_interval_ms = 60000;
  cfg.scrape_timeout_ms = 10000;
  return cfg;
}

TEST(CheckResults, GroupsBySourceAndDropsDuplicatesWithinOne) {
  std::vector<ProviderResult> providers = {
      {"a", {TargetGroup{{{{"__address__", "x:1"}}, {{"__address__", "x:1"}}}, {}, "s1"}}, {}},
      {"b",
       {TargetGroup{{{{"__address__", "y:1"}}}, {}, "s2"},
        TargetGroup{{{{"__address__", "x:1"}}}, {}, "s1"},
        TargetGroup{{{{"__address__", "x:1"}}}, {}, "s2"}},
       {}},
  };
  std::vector<SdCheckResult> r = CheckResults(Job(), providers);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].source, "s1");
  EXPECT_EQ(r[0].target.labels.Get("instance"), "x:1");
  EXPECT_EQ(r[1].source, "s2");
  EXPECT_EQ(r[1].target.labels.Get("instance"), "y:1");
  EXPECT_EQ(r[2].source, "s2");
  EXPECT_EQ(r[2].target.labels.Get("instance"), "x:1");
}

TEST(RenderSdCheckJson, AsGoMarshalIndent) {
  EXPECT_EQ(RenderSdCheckJson({}), "[]");
  config::ScrapeConfig cfg = Job();
  std::vector<ProviderResult> providers = {
      {"static", {TargetGroup{{{{"__address__", "a/b"}}}, {{"x", "<&>"}}, "0"}}, {}}};
  std::string got = RenderSdCheckJson(CheckResults(cfg, providers));
  EXPECT_EQ(got,
            "[\n  {\n    \"discoveredLabels\": {\n      \"__address__\": \"a/b\",\n"
            "      \"__always_scrape_classic_histograms__\": \"false\",\n"
            "      \"__convert_classic_histograms_to_nhcb__\": \"false\",\n"
            "      \"__metrics_path__\": \"/metrics\",\n"
            "      \"__scheme__\": \"http\",\n"
            "      \"__scrape_interval__\": \"1m\",\n"
            "      \"__scrape_native_histograms__\": \"false\",\n"
            "      \"__scrape_timeout__\": \"10s\",\n"
            "      \"job\": \"j\",\n"
            "      \"x\": \"\\u003c\\u0026\\u003e\"\n    },\n"
            "    \"labels\": {},\n    \"error\": {}\n  }\n]");
}

}  // namespace
}  // namespace promkit::discovery
