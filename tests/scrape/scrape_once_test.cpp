// ScrapeOnce/ScrapeAll against the loopback test server: samples with target labels, the
// report series and their counters, parse errors with offsets, content-type negotiation.
#include "scrape/scrape_once.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/http_server.h"
#include "textparse/negotiate.h"

namespace promkit::scrape {
namespace {

using testutil::HttpRequest;
using testutil::HttpResponse;
using testutil::HttpServer;

constexpr std::string_view kText = "text/plain; version=0.0.4; charset=utf-8";

HttpServer::Handler Serve(std::string content_type, std::string body) {
  return [content_type, body](const HttpRequest&) {
    HttpResponse r;
    if (!content_type.empty()) r.headers = {{"Content-Type", content_type}};
    r.body = body;
    return r;
  };
}

double ReportValue(const TargetResult& r, std::string_view name) {
  for (const Sample& s : r.report) {
    if (s.labels.MetricName() == name) return s.value;
  }
  ADD_FAILURE() << "no report series " << name;
  return -1;
}

std::vector<std::string> SampleStrings(const TargetResult& r) {
  std::vector<std::string> out;
  for (const Sample& s : r.samples) {
    std::string line = s.labels.ToString() + " " + std::to_string(s.value);
    if (s.timestamp_ms) line += " @" + std::to_string(*s.timestamp_ms);
    out.push_back(line);
  }
  return out;
}

TEST(AttachTargetLabels, Table) {
  const model::Labels target = model::Labels::FromList({{"instance", "h:1"}, {"job", "j"}});
  struct Case {
    std::string name;
    model::Labels exposed;
    bool honor;
    model::Labels want;
  };
  const Case cases[] = {
      {"no conflict", model::Labels::FromList({{"__name__", "a"}, {"x", "1"}}), false,
       model::Labels::FromList({{"__name__", "a"}, {"instance", "h:1"}, {"job", "j"}, {"x", "1"}})},
      {"job conflict", model::Labels::FromList({{"__name__", "a"}, {"job", "mine"}}), false,
       model::Labels::FromList(
           {{"__name__", "a"}, {"exported_job", "mine"}, {"instance", "h:1"}, {"job", "j"}})},
      {"exported taken",
       model::Labels::FromList({{"__name__", "a"}, {"job", "mine"}, {"exported_job", "old"}}),
       false,
       model::Labels::FromList({{"__name__", "a"},
                                {"exported_exported_job", "mine"},
                                {"exported_job", "old"},
                                {"instance", "h:1"},
                                {"job", "j"}})},
      {"both conflict",
       model::Labels::FromList({{"__name__", "a"}, {"job", "x"}, {"instance", "y"}}), false,
       model::Labels::FromList({{"__name__", "a"},
                                {"exported_instance", "y"},
                                {"exported_job", "x"},
                                {"instance", "h:1"},
                                {"job", "j"}})},
      {"honor", model::Labels::FromList({{"__name__", "a"}, {"job", "mine"}}), true,
       model::Labels::FromList({{"__name__", "a"}, {"instance", "h:1"}, {"job", "mine"}})},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(AttachTargetLabels(c.exposed, target, c.honor).ToString(), c.want.ToString());
  }
}

TEST(InstanceFromUrl, Table) {
  const std::pair<std::string, std::string> cases[] = {
      {"http://127.0.0.1:9100/metrics", "127.0.0.1:9100"},
      {"https://example.com/metrics", "example.com"},
      {"http://[::1]:9090/x?y=1", "[::1]:9090"},
      {"http://user:pw@host:1/", "host:1"},
  };
  for (const auto& [url, want] : cases) {
    SCOPED_TRACE(url);
    auto got = InstanceFromUrl(url);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, want);
  }
  EXPECT_FALSE(InstanceFromUrl("not a url").ok());
}

TEST(ScrapeOnce, SamplesAndReport) {
  HttpServer srv(Serve(std::string(kText),
                       "# HELP a_total A counter.\n"
                       "# TYPE a_total counter\n"
                       "a_total{job=\"inner\"} 3\n"
                       "b 1.5 1700000000000\n"
                       "c{x=\"1\"} 1\n"
                       "c{x=\"1\"} 2\n"));  // duplicate: dropped, still counted
  ASSERT_TRUE(srv.ok());
  ScrapeOptions o;
  o.fetch.url = srv.Url();
  o.job = "node";
  TargetResult r = ScrapeOnce(o);
  ASSERT_TRUE(r.up) << r.error.ToString();
  const std::string inst = "127.0.0.1:" + std::to_string(srv.port());
  EXPECT_EQ(r.instance, inst);
  EXPECT_EQ(SampleStrings(r),
            (std::vector<std::string>{
                "{__name__=\"a_total\", exported_job=\"inner\", instance=\"" + inst +
                    "\", job=\"node\"} 3.000000",
                "{__name__=\"b\", instance=\"" + inst + "\", job=\"node\"} 1.500000 @1700000000000",
                "{__name__=\"c\", instance=\"" + inst + "\", job=\"node\", x=\"1\"} 1.000000",
            }));
  EXPECT_EQ(ReportValue(r, "up"), 1);
  EXPECT_EQ(ReportValue(r, "scrape_samples_scraped"), 4);
  EXPECT_EQ(ReportValue(r, "scrape_samples_post_metric_relabeling"), 4);
  EXPECT_EQ(ReportValue(r, "scrape_series_added"), 3);
  EXPECT_GT(ReportValue(r, "scrape_duration_seconds"), 0);
  ASSERT_EQ(r.report.size(), 5u);
  EXPECT_EQ(r.report[0].labels.ToString(),
            "{__name__=\"up\", instance=\"" + inst + "\", job=\"node\"}");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("num_dropped=1"), std::string::npos);
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].Header("Accept"), textparse::AcceptHeader(textparse::kDefaultScrapeProtocols));
  EXPECT_EQ(reqs[0].Header("Accept"),
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
            "application/openmetrics-text;version=0.0.1;q=0.5,"
            "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
            "text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
}

TEST(ScrapeOnce, OpenMetricsAndGzip) {
  const std::string body =
      "# TYPE req counter\n"
      "req_total{path=\"/\"} 7 1700000000.5\n"
      "req_created{path=\"/\"} 1600000000\n"
      "# EOF\n";
  HttpServer srv([&](const HttpRequest&) {
    HttpResponse r;
    r.headers = {{"Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8"},
                 {"Content-Encoding", "gzip"}};
    r.body = testutil::Gzip(body);
    return r;
  });
  ASSERT_TRUE(srv.ok());
  ScrapeOptions o;
  o.fetch.url = srv.Url();
  TargetResult r = ScrapeOnce(o);
  ASSERT_TRUE(r.up) << r.error.ToString();
  ASSERT_GE(r.samples.size(), 1u);
  EXPECT_EQ(r.samples[0].labels.MetricName(), "req_total");
  EXPECT_EQ(r.samples[0].value, 7);
  EXPECT_EQ(r.samples[0].timestamp_ms, 1700000000500);
  EXPECT_EQ(r.body, body);
}

TEST(ScrapeOnce, ParseErrorHasOffsetAndRollsBack) {
  const std::string body = "ok 1\nalso_ok 2\nbroken{a=\"b\" 3\n";
  HttpServer srv(Serve(std::string(kText), body));
  ASSERT_TRUE(srv.ok());
  ScrapeOptions o;
  o.fetch.url = srv.Url();
  TargetResult r = ScrapeOnce(o);
  EXPECT_FALSE(r.up);
  EXPECT_FALSE(r.error.ok());
  ASSERT_TRUE(r.error_offset.has_value());
  EXPECT_GE(*r.error_offset, body.find("broken"));
  EXPECT_LE(*r.error_offset, body.size());
  EXPECT_TRUE(r.samples.empty());
  EXPECT_EQ(ReportValue(r, "up"), 0);
  // As upstream, the counters of the failed append are still reported.
  EXPECT_EQ(ReportValue(r, "scrape_samples_scraped"), 2);
}

TEST(ScrapeOnce, ContentTypeNegotiation) {
  HttpServer blank(Serve("", "a 1\n"));
  HttpServer odd(Serve("application/json", "a 1\n"));
  ASSERT_TRUE(blank.ok() && odd.ok());
  ScrapeOptions o;
  o.fetch.url = blank.Url();
  TargetResult r = ScrapeOnce(o);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.error.ToString(),
            "non-compliant scrape target sending blank Content-Type and no "
            "fallback_scrape_protocol specified for target");
  o.fetch.url = odd.Url();
  r = ScrapeOnce(o);
  EXPECT_FALSE(r.up);
  EXPECT_NE(r.error.ToString().find("received unsupported Content-Type \"application/json\""),
            std::string::npos);
  o.fallback_protocol = textparse::ScrapeProtocol::kPrometheusText0_0_4;
  r = ScrapeOnce(o);
  EXPECT_TRUE(r.up) << r.error.ToString();
  EXPECT_EQ(r.samples.size(), 1u);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("using fallback_scrape_protocol"), std::string::npos);
  // An empty body is an empty scrape, whatever the Content-Type.
  HttpServer empty(Serve("", ""));
  ASSERT_TRUE(empty.ok());
  o.fetch.url = empty.Url();
  o.fallback_protocol.reset();
  r = ScrapeOnce(o);
  EXPECT_TRUE(r.up) << r.error.ToString();
  EXPECT_EQ(ReportValue(r, "scrape_samples_scraped"), 0);
}

TEST(ScrapeOnce, ProtocolsMakeTheAcceptHeader) {
  HttpServer srv(Serve(std::string(kText), "a 1\n"));
  ASSERT_TRUE(srv.ok());
  ScrapeOptions o;
  o.fetch.url = srv.Url();
  o.protocols = {textparse::ScrapeProtocol::kPrometheusText0_0_4};
  ASSERT_TRUE(ScrapeOnce(o).up);
  EXPECT_EQ(srv.requests().at(0).Header("Accept"), "text/plain;version=0.0.4;q=0.6,*/*;q=0.5");
}

TEST(ScrapeOnce, DownTargetReportsZeros) {
  HttpServer srv([](const HttpRequest&) {
    HttpResponse r;
    r.status = 500;
    r.reason = "Internal Server Error";
    r.body = "a 1\n";
    return r;
  });
  ASSERT_TRUE(srv.ok());
  ScrapeOptions o;
  o.fetch.url = srv.Url();
  TargetResult r = ScrapeOnce(o);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.error.ToString(), "server returned HTTP status 500 Internal Server Error");
  EXPECT_FALSE(r.error_offset.has_value());
  EXPECT_EQ(ReportValue(r, "up"), 0);
  EXPECT_EQ(ReportValue(r, "scrape_samples_scraped"), 0);
  EXPECT_EQ(ReportValue(r, "scrape_series_added"), 0);
  EXPECT_TRUE(r.samples.empty());
}

TEST(ScrapeAll, KeepsOrderAndRunsConcurrently) {
  std::vector<std::unique_ptr<HttpServer>> servers;
  std::vector<ScrapeOptions> targets;
  for (int i = 0; i < 10; ++i) {
    servers.push_back(std::make_unique<HttpServer>([i](const HttpRequest&) {
      HttpResponse r;
      r.headers = {{"Content-Type", std::string(kText)}};
      r.body = "n " + std::to_string(i) + "\n";
      r.delay_ms = 300;
      return r;
    }));
    ASSERT_TRUE(servers.back()->ok());
    ScrapeOptions o;
    o.fetch.url = servers.back()->Url();
    targets.push_back(o);
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<TargetResult> results = ScrapeAll(targets);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(results.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(results[i].up) << results[i].error.ToString();
    ASSERT_EQ(results[i].samples.size(), 1u);
    EXPECT_EQ(results[i].samples[0].value, i);
  }
  // Two batches of 300ms, not ten.
  EXPECT_LT(took, std::chrono::milliseconds(2000));
}

}  // namespace
}  // namespace promkit::scrape
