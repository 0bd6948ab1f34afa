// Scraping as a scrape config says: OptionsForTarget (URL, params, timeout, client settings,
// limits) and ScrapeOnce with metric relabeling, sample and label limits, extra report series
// and forced errors, against the loopback test server; ApplyHttpClientConfig's headers,
// inline TLS and proxies on the wire.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config.h"
#include "scrape/http_config.h"
#include "scrape/scrape_once.h"
#include "testutil/http_server.h"

namespace promkit::scrape {
namespace {

using testutil::HttpRequest;
using testutil::HttpResponse;
using testutil::HttpServer;

constexpr std::string_view kBody =
    "# TYPE foo counter\n"
    "foo_total{a=\"1\"} 3\n"
    "foo_total{a=\"2\"} 4\n"
    "bar 1.5\n"
    "drop_me 7\n";

HttpServer::Handler ServeText(std::string body = std::string(kBody)) {
  return [body](const HttpRequest&) {
    HttpResponse r;
    r.headers = {{"Content-Type", "text/plain; version=0.0.4"}};
    r.body = body;
    return r;
  };
}

// The first scrape config of `yaml` (a whole prometheus.yml).
config::ScrapeConfig FirstJob(const std::string& yaml) {
  auto cfg = config::Load(yaml);
  EXPECT_TRUE(cfg.ok()) << cfg.status().ToString();
  if (!cfg.ok() || cfg->scrape_configs.empty()) return {};
  return cfg->scrape_configs[0];
}

model::Labels TargetLabels(const std::vector<std::pair<std::string, std::string>>& extra) {
  model::LabelsBuilder b;
  b.Set("__address__", "127.0.0.1:9")
      .Set("__metrics_path__", "/metrics")
      .Set("__scheme__", "http")
      .Set("__scrape_timeout__", "10s")
      .Set("instance", "127.0.0.1:9")
      .Set("job", "j");
  for (const auto& [name, value] : extra) b.Set(name, value);
  return b.Build();
}

std::vector<std::string> SampleLines(const TargetResult& r) {
  std::vector<std::string> out;
  for (const Sample& s : r.samples) out.push_back(s.labels.ToString());
  return out;
}

double Report(const TargetResult& r, std::string_view name) {
  for (const Sample& s : r.report) {
    if (s.labels.MetricName() == name) return s.value;
  }
  ADD_FAILURE() << "no report series " << name;
  return -2;
}

TEST(OptionsForTarget, UrlFromLabelsAndParams) {
  config::ScrapeConfig sc = FirstJob(R"(
scrape_configs:
  - job_name: j
    params:
      module: [http_2xx, second]
      q: ["a b&c"]
)");
  auto o = OptionsForTarget(sc, TargetLabels({{"__metrics_path__", "/probe x!"},
                                              {"__param_module", "icmp"},
                                              {"__param_extra", "1"}}));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  // Keys sorted, the first value replaced by __param_, QueryEscape'd; the path escaped as Go's
  // url.URL.String escapes a Path.
  EXPECT_EQ(o->fetch.url,
            "http://127.0.0.1:9/probe%20x%21?extra=1&module=icmp&module=second&q=a+b%26c");
}

TEST(OptionsForTarget, JobSettings) {
  config::ScrapeConfig sc = FirstJob(R"(
scrape_configs:
  - job_name: j
    scrape_timeout: 7s
    honor_labels: true
    honor_timestamps: false
    sample_limit: 10
    label_limit: 5
    label_name_length_limit: 6
    label_value_length_limit: 7
    body_size_limit: 1KiB
    enable_compression: false
    scrape_protocols: [PrometheusText0.0.4]
    fallback_scrape_protocol: PrometheusText0.0.4
    metric_name_validation_scheme: legacy
    extra_scrape_metrics: true
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: drop_me
        action: drop
)");
  auto o = OptionsForTarget(sc, TargetLabels({{"__scrape_timeout__", "3s"}, {"env", "dev"}}));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->fetch.timeout_ns, 3'000'000'000);  // the label wins over the config
  EXPECT_TRUE(o->honor_labels);
  EXPECT_FALSE(o->honor_timestamps);
  EXPECT_EQ(o->sample_limit, 10u);
  EXPECT_EQ(o->label_limit, 5u);
  EXPECT_EQ(o->label_name_length_limit, 6u);
  EXPECT_EQ(o->label_value_length_limit, 7u);
  EXPECT_EQ(o->fetch.body_size_limit, 1024);
  EXPECT_FALSE(o->fetch.enable_compression);
  ASSERT_EQ(o->protocols.size(), 1u);
  EXPECT_EQ(o->protocols[0], textparse::ScrapeProtocol::kPrometheusText0_0_4);
  EXPECT_TRUE(o->fallback_protocol.has_value());
  EXPECT_EQ(o->validation, model::ValidationScheme::kLegacy);
  EXPECT_EQ(o->escaping, "underscores");
  EXPECT_TRUE(o->extra_metrics);
  EXPECT_EQ(o->metric_relabel_configs.size(), 1u);
  // Only public labels are attached to samples.
  EXPECT_EQ(o->target_labels.ToString(), R"({env="dev", instance="127.0.0.1:9", job="j"})");
}

TEST(OptionsForTarget, UnsupportedClientSettingFails) {
  config::ScrapeConfig sc = FirstJob("scrape_configs:\n  - job_name: j\n");
  sc.http.oauth2.emplace();
  sc.http.oauth2->grant_type = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  auto o = OptionsForTarget(sc, TargetLabels({}));
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message(),
            "oauth2 grant_type urn:ietf:params:oauth:grant-type:jwt-bearer is not supported by "
            "promkit's HTTP client yet");
}

// Options for the job in `yaml` scraping `server`.
ScrapeOptions ForServer(const std::string& yaml, const HttpServer& server) {
  config::ScrapeConfig sc = FirstJob(yaml);
  const std::string addr = "127.0.0.1:" + std::to_string(server.port());
  auto o = OptionsForTarget(sc, TargetLabels({{"__address__", addr}, {"instance", addr}}));
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  return o.ok() ? *o : ScrapeOptions{};
}

TEST(ScrapeWithConfig, MetricRelabelingDropsAndRewrites) {
  HttpServer server(ServeText());
  ASSERT_TRUE(server.ok());
  ScrapeOptions o = ForServer(R"(
scrape_configs:
  - job_name: j
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: drop_me
        action: drop
      - source_labels: [a]
        regex: "2"
        target_label: a
        replacement: two
)",
                              server);
  TargetResult r = ScrapeOnce(o);
  ASSERT_TRUE(r.up) << r.error.ToString();
  std::string addr = "127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(SampleLines(r),
            (std::vector<std::string>{
                "{__name__=\"foo_total\", a=\"1\", instance=\"" + addr + "\", job=\"j\"}",
                "{__name__=\"foo_total\", a=\"two\", instance=\"" + addr + "\", job=\"j\"}",
                "{__name__=\"bar\", instance=\"" + addr + "\", job=\"j\"}"}));
  EXPECT_EQ(Report(r, "scrape_samples_scraped"), 4);
  EXPECT_EQ(Report(r, "scrape_samples_post_metric_relabeling"), 3);
  EXPECT_EQ(Report(r, "scrape_series_added"), 3);
  EXPECT_EQ(r.report.size(), 5u);  // no extra metrics unless asked for
}

TEST(ScrapeWithConfig, SampleLimitFailsTheScrape) {
  HttpServer server(ServeText());
  ASSERT_TRUE(server.ok());
  ScrapeOptions o = ForServer(R"(
scrape_configs:
  - job_name: j
    sample_limit: 2
    extra_scrape_metrics: true
)",
                              server);
  TargetResult r = ScrapeOnce(o);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.error.message(), "sample limit exceeded");
  EXPECT_TRUE(r.samples.empty());  // rolled back
  EXPECT_EQ(Report(r, "up"), 0);
  EXPECT_EQ(Report(r, "scrape_samples_scraped"), 4);
  EXPECT_EQ(Report(r, "scrape_samples_post_metric_relabeling"), 4);
  EXPECT_EQ(Report(r, "scrape_series_added"), 2);
  EXPECT_EQ(Report(r, "scrape_sample_limit"), 2);
  EXPECT_EQ(Report(r, "scrape_timeout_seconds"), 10);
  EXPECT_EQ(Report(r, "scrape_body_size_bytes"), static_cast<double>(kBody.size()));
}

TEST(ScrapeWithConfig, LabelLimitsInUpstreamWords) {
  HttpServer server(ServeText("metric_with_a_long_name{a=\"1\",b=\"a value that is long\"} 1\n"));
  ASSERT_TRUE(server.ok());
  struct Case {
    std::string limit;
    std::string want;
  };
  const Case cases[] = {
      {"label_limit: 3",
       "label_limit exceeded (metric: metric_with_a_long_name, number of labels: 5, limit: 3)"},
      {"label_name_length_limit: 7",
       "label_name_length_limit exceeded (metric: metric_with_a_long_name, label name: "
       "__name__, length: 8, limit: 7)"},
      {"label_value_length_limit: 10",
       "label_value_length_limit exceeded (metric: metric_with_a_long_name, label name: "
       "__name__, value: \"metric_with_a_long_name\", length: 23, limit: 10)"},
  };
  for (const Case& c : cases) {
    ScrapeOptions o = ForServer("scrape_configs:\n  - job_name: j\n    " + c.limit + "\n", server);
    TargetResult r = ScrapeOnce(o);
    EXPECT_FALSE(r.up) << c.limit;
    EXPECT_EQ(r.error.message(), c.want);
  }
}

TEST(ScrapeWithConfig, LegacyValidationRejectsUtf8Names) {
  HttpServer server(ServeText("{\"my.metric\"} 1\n"));
  ASSERT_TRUE(server.ok());
  ScrapeOptions o = ForServer(R"(
scrape_configs:
  - job_name: j
    metric_name_validation_scheme: legacy
)",
                              server);
  TargetResult r = ScrapeOnce(o);
  EXPECT_FALSE(r.up);
  EXPECT_NE(r.error.message().find("invalid metric name or label names"), std::string::npos)
      << r.error.ToString();
  // The Accept header asks for underscore escaping.
  ASSERT_FALSE(server.requests().empty());
  EXPECT_NE(server.requests()[0].Header("Accept").find("escaping=underscores"), std::string::npos);
}

TEST(ScrapeWithConfig, ForcedErrorSkipsTheScrape) {
  HttpServer server(ServeText());
  ASSERT_TRUE(server.ok());
  ScrapeOptions o = ForServer("scrape_configs:\n  - job_name: j\n", server);
  o.forced_error = util::Status::InvalidArgument("target_limit exceeded");
  TargetResult r = ScrapeOnce(o);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.error.message(), "target_limit exceeded");
  EXPECT_TRUE(server.requests().empty());
  EXPECT_EQ(Report(r, "up"), 0);
}

TEST(ApplyHttpClientConfig, HeadersAuthorizationAndProxyOnTheWire) {
  HttpServer server(ServeText());
  ASSERT_TRUE(server.ok());
  const std::string dir = ::testing::TempDir();
  const std::string token_file = dir + "/promkit_cfg_token";
  const std::string header_file = dir + "/promkit_cfg_header";
  {
    FILE* f = std::fopen(token_file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("  s3cret\n", f);
    std::fclose(f);
    f = std::fopen(header_file.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("from-file\n", f);
    std::fclose(f);
  }
  // The target is unreachable; the proxy (our server) answers for it.
  config::ScrapeConfig sc = FirstJob(R"(
scrape_configs:
  - job_name: j
    authorization:
      type: Token
      credentials_file: )" + token_file +
                                     R"(
    http_headers:
      X-Team:
        values: [a, b]
        files: [)" + header_file + R"(]
    proxy_url: http://127.0.0.1:)" + std::to_string(server.port()) +
                                     R"(
    proxy_connect_header:
      X-Proxy: [p]
)");
  auto o = OptionsForTarget(sc, TargetLabels({{"__address__", "example.invalid:9100"}}));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  TargetResult r = ScrapeOnce(*o);
  ASSERT_TRUE(r.up) << r.error.ToString();
  ASSERT_EQ(server.requests().size(), 1u);
  const HttpRequest req = server.requests()[0];
  EXPECT_EQ(req.target, "http://example.invalid:9100/metrics");  // absolute form: via a proxy
  EXPECT_EQ(req.Header("Authorization"), "Token s3cret");
  std::vector<std::string> team;
  for (const auto& [k, v] : req.headers) {
    if (k == "X-Team") team.push_back(v);
  }
  EXPECT_EQ(team, (std::vector<std::string>{"a", "b", "from-file"}));
  // Connect headers go to the proxy only for CONNECT (https), never on a plain request.
  EXPECT_EQ(req.Header("X-Proxy"), "");
}

TEST(ApplyHttpClientConfig, NoProxyBypassesTheProxy) {
  HttpServer target(ServeText());
  ASSERT_TRUE(target.ok());
  FetchOptions o;
  config::HTTPClientConfig c;
  c.proxy.proxy_url = "http://127.0.0.1:1";  // nothing listens there
  c.proxy.no_proxy = "127.0.0.1";
  ASSERT_TRUE(ApplyHttpClientConfig(c, o).ok());
  o.url = target.Url();
  auto resp = Fetch(o);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->body, kBody);
}

TEST(ApplyHttpClientConfig, TlsVersionsAndInlineMaterialAreChecked) {
  FetchOptions o;
  config::HTTPClientConfig c;
  c.tls_config.min_version = "TLS14";
  ASSERT_TRUE(ApplyHttpClientConfig(c, o).ok());
  EXPECT_EQ(ValidateFetchOptions(o).message(), "unknown TLS version: TLS14");
  FetchOptions o2;
  config::HTTPClientConfig c2;
  c2.tls_config.ca = "not a certificate";
  ASSERT_TRUE(ApplyHttpClientConfig(c2, o2).ok());
  EXPECT_EQ(ValidateFetchOptions(o2).message(), "unable to use inline CA cert");
  FetchOptions o3;
  config::HTTPClientConfig c3;
  c3.tls_config.cert = "-----BEGIN CERTIFICATE-----\n";
  ASSERT_TRUE(ApplyHttpClientConfig(c3, o3).ok());
  EXPECT_EQ(ValidateFetchOptions(o3).message(),
            "exactly one of key or key_file must be configured when a client certificate is "
            "configured");
}

// A token endpoint and a target on one server: /token answers with `token_response` (status,
// body) and counts calls; /metrics wants "Authorization: Bearer tok".
struct OAuthServer {
  OAuthServer(int status, std::string body)
      : server([=](const HttpRequest& req) {
          HttpResponse r;
          if (req.target.rfind("/token", 0) == 0) {
            r.status = status;
            r.reason = status == 200 ? "OK" : "Unauthorized";
            r.headers = {{"Content-Type", "application/json"}};
            r.body = body;
            return r;
          }
          if (req.Header("Authorization") != "Bearer tok") {
            r.status = 403;
            r.reason = "Forbidden";
            return r;
          }
          r.headers = {{"Content-Type", "text/plain; version=0.0.4"}};
          r.body = "ok 1\n";
          return r;
        }) {}
  HttpServer server;
};

FetchOptions OAuthFetch(const HttpServer& server, const std::string& client_id) {
  config::HTTPClientConfig c;
  c.oauth2.emplace();
  c.oauth2->client_id = client_id;  // distinct per test: tokens are cached per client
  c.oauth2->client_secret = "s e/cret";
  c.oauth2->token_url = server.Url("/token");
  c.oauth2->scopes = {"read", "write"};
  c.oauth2->endpoint_params = {{"audience", "x"}};
  FetchOptions o;
  EXPECT_TRUE(ApplyHttpClientConfig(c, o).ok());
  o.url = server.Url("/metrics");
  return o;
}

TEST(OAuth2, ClientCredentialsTokenIsSentAndCached) {
  OAuthServer s(200, R"({"access_token":"tok","token_type":"bearer","expires_in":3600})");
  ASSERT_TRUE(s.server.ok());
  FetchOptions o = OAuthFetch(s.server, "cached-client");
  auto first = Fetch(o);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->body, "ok 1\n");
  auto second = Fetch(o);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  std::vector<HttpRequest> reqs = s.server.requests();
  ASSERT_EQ(reqs.size(), 3u);  // one token request, two scrapes
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].Header("Content-Type"), "application/x-www-form-urlencoded");
  // Credentials in a basic-auth header, each QueryEscape'd first: "cached-client:s+e%2Fcret".
  EXPECT_EQ(reqs[0].Header("Authorization"), "Basic Y2FjaGVkLWNsaWVudDpzK2UlMkZjcmV0");
}

TEST(OAuth2, FallsBackToCredentialsInTheForm) {
  // This server refuses the header style: the second request carries no Authorization.
  HttpServer refusing([&](const HttpRequest& req) {
    HttpResponse r;
    if (req.target == "/token" && !req.Header("Authorization").empty()) {
      r.status = 401;
      r.reason = "Unauthorized";
      return r;
    }
    if (req.target == "/token") {
      r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
      r.body = "access_token=tok&token_type=bearer";
      return r;
    }
    if (req.Header("Authorization") != "Bearer tok") {
      r.status = 403;
      r.reason = "Forbidden";
      return r;
    }
    r.headers = {{"Content-Type", "text/plain; version=0.0.4"}};
    r.body = "ok 1\n";
    return r;
  });
  ASSERT_TRUE(refusing.ok());
  auto resp = Fetch(OAuthFetch(refusing, "form-client"));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  std::vector<HttpRequest> reqs = refusing.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_FALSE(reqs[0].Header("Authorization").empty());
  EXPECT_TRUE(reqs[1].Header("Authorization").empty());
}

TEST(OAuth2, TokenErrorsInXOAuth2Words) {
  struct Case {
    int status;
    std::string body;
    std::string want;
  };
  const Case cases[] = {
      {401, R"({"error":"invalid_client","error_description":"bad secret"})",
       "oauth2: \"invalid_client\" \"bad secret\""},
      {401, "nope", "oauth2: cannot fetch token: 401 Unauthorized\nResponse: nope"},
      {200, R"({"token_type":"bearer"})", "oauth2: server response missing access_token"},
  };
  int n = 0;
  for (const Case& c : cases) {
    OAuthServer s(c.status, c.body);
    ASSERT_TRUE(s.server.ok());
    FetchOptions o = OAuthFetch(s.server, "failing-client-" + std::to_string(n++));
    auto resp = Fetch(o);
    ASSERT_FALSE(resp.ok());
    EXPECT_EQ(resp.status().message(), "Get \"" + o.url + "\": " + c.want);
  }
}

}  // namespace
}  // namespace promkit::scrape
