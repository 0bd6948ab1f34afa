#include "discovery/http.h"

#include <string>

#include <gtest/gtest.h>

#include "testutil/http_server.h"

namespace promkit::discovery {
namespace {

using testutil::HttpRequest;
using testutil::HttpResponse;

TEST(IsJsonContentType, Table) {
  const std::pair<std::string_view, bool> cases[] = {
      {"application/json", true},
      {" Application/JSON ", true},
      {"application/json; charset=utf-8", true},
      {"application/json;charset=\"UTF-8\"", true},
      {"application/json; charset=latin1", false},
      {"text/plain", false},
      {"", false},
      {"application/jsonx", false},
  };
  for (const auto& [ct, want] : cases) {
    SCOPED_TRACE(ct);
    EXPECT_EQ(IsJsonContentType(ct), want);
  }
}

TEST(HttpDiscovery, FetchesGroups) {
  std::string body = R"([{"targets": ["a:1", "b:2"], "labels": {"env": "x"}}, {"targets": ["c"]}])";
  testutil::HttpServer server([&](const HttpRequest&) {
    return HttpResponse{200, "OK", {{"Content-Type", "application/json"}}, body, 0, false};
  });
  ASSERT_TRUE(server.ok());
  config::HTTPSDConfig cfg;
  cfg.url = server.Url("/sd");
  cfg.refresh_interval_ms = 15000;
  HttpDiscovery d(cfg);
  auto groups = d.Refresh(5000);
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].source, cfg.url + ":0");
  EXPECT_EQ((*groups)[0].labels.at("__meta_url"), cfg.url);
  EXPECT_EQ((*groups)[0].labels.at("env"), "x");
  EXPECT_EQ((*groups)[1].targets.at(0).at("__address__"), "c");
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].target, "/sd");
  EXPECT_EQ(reqs[0].Header("Accept"), "application/json");
  EXPECT_EQ(reqs[0].Header("X-Prometheus-Refresh-Interval-Seconds"), "15");

  // One group fewer: its source comes back empty.
  body = R"([{"targets": ["a:1"]}])";
  groups = d.Refresh(5000);
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[1].source, cfg.url + ":1");
  EXPECT_TRUE((*groups)[1].targets.empty());
}

TEST(HttpDiscovery, ResponseChecks) {
  HttpResponse resp;
  testutil::HttpServer server([&](const HttpRequest&) { return resp; });
  ASSERT_TRUE(server.ok());
  config::HTTPSDConfig cfg;
  cfg.url = server.Url("/sd");
  const std::tuple<int, std::string, std::string, std::string, std::string> cases[] = {
      {404, "Not Found", "application/json", "[]", "server returned HTTP status 404 Not Found"},
      {200, "OK", "text/plain", "[]", "unsupported content type \"text/plain\""},
      {200, "OK", "application/json", "[null]", "nil target group item found"},
      {200, "OK", "application/json", "{", "invalid JSON: syntax error in target groups"},
  };
  for (const auto& [status, reason, ct, body, want] : cases) {
    SCOPED_TRACE(want);
    resp = HttpResponse{status, reason, {{"Content-Type", ct}}, body, 0, false};
    HttpDiscovery d(cfg);
    auto groups = d.Refresh(5000);
    ASSERT_FALSE(groups.ok());
    EXPECT_EQ(groups.status().message(), want);
  }
}

TEST(HttpDiscovery, SendsBasicAuth) {
  testutil::HttpServer server([&](const HttpRequest&) {
    return HttpResponse{200, "OK", {{"Content-Type", "application/json"}}, "[]", 0, false};
  });
  config::HTTPSDConfig cfg;
  cfg.url = server.Url("/sd");
  cfg.http.basic_auth = config::BasicAuth{"user", "", "", "pass", "", ""};
  HttpDiscovery d(cfg);
  ASSERT_TRUE(d.Refresh(5000).ok());
  EXPECT_EQ(server.requests().at(0).Header("Authorization"), "Basic dXNlcjpwYXNz");
}

}  // namespace
}  // namespace promkit::discovery
