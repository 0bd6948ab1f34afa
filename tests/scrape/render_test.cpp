// The renderers on hand-built results: expfmt's float spellings, escaping, quoted UTF-8 names,
// family grouping across targets, OpenMetrics' seconds and # EOF, JSON shape, table alignment.
#include "scrape/render.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace promkit::scrape {
namespace {

TargetResult MakeTarget(std::string instance, bool up) {
  TargetResult r;
  r.url = "http://" + instance + "/metrics";
  r.job = "j";
  r.instance = instance;
  r.up = up;
  if (!up) r.error = util::Status::IoError("server returned HTTP status 404 Not Found");
  auto lbl = [&](std::string_view name) {
    return model::Labels::FromList({{"__name__", name}, {"instance", instance}, {"job", "j"}});
  };
  r.report.push_back(Sample{lbl("up"), up ? 1.0 : 0.0, std::nullopt});
  r.report.push_back(Sample{lbl("scrape_duration_seconds"), 0.5, std::nullopt});
  return r;
}

TEST(SeriesText, Table) {
  const std::pair<model::Labels, std::string> cases[] = {
      {model::Labels::FromList({{"__name__", "a"}}), "a"},
      {model::Labels::FromList({{"__name__", "a"}, {"b", "x\"y\\z\nw"}}),
       "a{b=\"x\\\"y\\\\z\\nw\"}"},
      {model::Labels::FromList({{"__name__", "my.metric"}, {"b", "1"}}), "{\"my.metric\",b=\"1\"}"},
      {model::Labels::FromList({{"__name__", "m"}, {"label.dot", "1"}}), "m{\"label.dot\"=\"1\"}"},
  };
  for (const auto& [labels, want] : cases) {
    SCOPED_TRACE(want);
    EXPECT_EQ(SeriesText(labels), want);
  }
}

TEST(Render, TextValuesAndGrouping) {
  TargetResult a = MakeTarget("a:1", true);
  a.samples = {
      {model::Labels::FromList({{"__name__", "m"}, {"k", "1"}}), 1e6, std::nullopt},
      {model::Labels::FromList({{"__name__", "n"}}), std::numeric_limits<double>::infinity(), 1234},
      {model::Labels::FromList({{"__name__", "m"}, {"k", "2"}}), -0.0, std::nullopt},
  };
  TargetResult b = MakeTarget("b:2", false);
  std::vector<RenderedTarget> ts = {{&a, {}}, {&b, {}}};
  EXPECT_EQ(RenderText(ts, RenderOptions{}),
            "m{k=\"1\"} 1e+06\n"
            "m{k=\"2\"} 0\n"
            "n +Inf 1234\n"
            "up{instance=\"a:1\",job=\"j\"} 1\n"
            "up{instance=\"b:2\",job=\"j\"} 0\n"
            "scrape_duration_seconds{instance=\"a:1\",job=\"j\"} 0.5\n"
            "scrape_duration_seconds{instance=\"b:2\",job=\"j\"} 0.5\n");
  RenderOptions exposed_only;
  exposed_only.synthetic = false;
  EXPECT_EQ(RenderText(ts, exposed_only), "m{k=\"1\"} 1e+06\nm{k=\"2\"} 0\nn +Inf 1234\n");
}

TEST(Render, OpenMetrics) {
  TargetResult a = MakeTarget("a:1", true);
  a.samples = {
      {model::Labels::FromList({{"__name__", "m"}}), 3, 1700000000500},
      {model::Labels::FromList({{"__name__", "q"}}), std::nan(""), std::nullopt},
  };
  std::vector<RenderedTarget> ts = {{&a, {}}};
  EXPECT_EQ(RenderOpenMetrics(ts, RenderOptions{}),
            "m 3.0 1.7000000005e+09\n"
            "q NaN\n"
            "up{instance=\"a:1\",job=\"j\"} 1.0\n"
            "scrape_duration_seconds{instance=\"a:1\",job=\"j\"} 0.5\n"
            "# EOF\n");
}

TEST(Render, Json) {
  TargetResult a = MakeTarget("a:1", true);
  a.samples = {{model::Labels::FromList({{"__name__", "m"}, {"k", "v"}}), 2.5, 7}};
  a.warnings = {"w1"};
  TargetResult b = MakeTarget("b:2", false);
  std::vector<RenderedTarget> ts = {{&a, {"m some problem"}}, {&b, {}}};
  RenderOptions o;
  o.with_lint = true;
  auto doc = nlohmann::json::parse(RenderJson(ts, o));
  ASSERT_EQ(doc["targets"].size(), 2u);
  const auto& ja = doc["targets"][0];
  EXPECT_EQ(ja["health"], "up");
  EXPECT_EQ(ja["error"], "");
  EXPECT_EQ(ja["instance"], "a:1");
  EXPECT_EQ(ja["samples"][0]["labels"]["k"], "v");
  EXPECT_EQ(ja["samples"][0]["value"], "2.5");
  EXPECT_EQ(ja["samples"][0]["timestamp"], 7);
  EXPECT_EQ(ja["samples"][1]["labels"]["__name__"], "up");
  EXPECT_FALSE(ja["samples"][1].contains("timestamp"));
  EXPECT_EQ(ja["warnings"][0], "w1");
  EXPECT_EQ(ja["lint"][0], "m some problem");
  EXPECT_EQ(doc["targets"][1]["health"], "down");
  EXPECT_EQ(doc["targets"][1]["error"], "server returned HTTP status 404 Not Found");
  // Without --lint there is no lint key; invalid UTF-8 does not break the document.
  a.samples[0].labels = model::Labels::FromList({{"__name__", "m"}, {"k", "\xff"}});
  auto plain = nlohmann::json::parse(RenderJson(ts, RenderOptions{}));
  EXPECT_FALSE(plain["targets"][0].contains("lint"));
}

TEST(Render, TableAligns) {
  TargetResult a = MakeTarget("a:1", true);
  a.samples = {{model::Labels::FromList({{"__name__", "long_metric_name"}}), 10, std::nullopt}};
  std::vector<RenderedTarget> ts = {{&a, {}}};
  EXPECT_EQ(RenderTable(ts, RenderOptions{}),
            "NAME                     VALUE  LABELS\n"
            "long_metric_name         10\n"
            "up                       1      {instance=\"a:1\",job=\"j\"}\n"
            "scrape_duration_seconds  0.5    {instance=\"a:1\",job=\"j\"}\n");
}

TEST(ParseOutputFormat, Table) {
  EXPECT_EQ(*ParseOutputFormat("json"), OutputFormat::kJson);
  EXPECT_EQ(*ParseOutputFormat("openmetrics"), OutputFormat::kOpenMetrics);
  EXPECT_FALSE(ParseOutputFormat("yaml").ok());
}

}  // namespace
}  // namespace promkit::scrape
