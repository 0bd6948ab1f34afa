// Fetch() against the loopback test server: headers sent, status errors, timeouts, the body
// size limit (plain and gzip), gzip decoding and transport errors.
#include "scrape/fetch.h"

#include <chrono>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "testutil/http_server.h"

namespace promkit::scrape {
namespace {

using testutil::HttpRequest;
using testutil::HttpResponse;
using testutil::HttpServer;

constexpr std::string_view kBody = "# TYPE a counter\na_total 1\nb{x=\"y\"} 2.5\n";

HttpResponse TextResponse(std::string body) {
  HttpResponse r;
  r.headers = {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}};
  r.body = std::move(body);
  return r;
}

TEST(Fetch, SendsPrometheusHeaders) {
  HttpServer srv([](const HttpRequest&) { return TextResponse(std::string(kBody)); });
  ASSERT_TRUE(srv.ok());
  FetchOptions o;
  o.url = srv.Url("/metrics?x=1");
  o.timeout_ns = 2'500'000'000;
  o.headers = {{"X-Custom", "v1"}, {"user-agent", "mine/1"}};
  auto r = Fetch(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status_code, 200);
  EXPECT_EQ(r->status, "200 OK");
  EXPECT_EQ(r->body, kBody);
  EXPECT_EQ(r->content_type, "text/plain; version=0.0.4; charset=utf-8");
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "GET");
  EXPECT_EQ(reqs[0].target, "/metrics?x=1");
  EXPECT_EQ(reqs[0].Header("Accept"), DefaultAcceptHeader());
  EXPECT_EQ(reqs[0].Header("Accept-Encoding"), "gzip");
  EXPECT_EQ(reqs[0].Header("X-Prometheus-Scrape-Timeout-Seconds"), "2.5");
  EXPECT_EQ(reqs[0].Header("User-Agent"), "mine/1");  // --header replaces the default
  EXPECT_EQ(reqs[0].Header("X-Custom"), "v1");
  EXPECT_EQ(reqs[0].Header("Authorization"), "");
}

TEST(Fetch, DefaultUserAgentAndAuth) {
  HttpServer srv([](const HttpRequest&) { return TextResponse("a 1\n"); });
  ASSERT_TRUE(srv.ok());
  FetchOptions o;
  o.url = srv.Url();
  o.has_basic_auth = true;
  o.basic_auth_user = "alice";
  o.basic_auth_password = "secret";
  ASSERT_TRUE(Fetch(o).ok());
  FetchOptions b;
  b.url = srv.Url();
  b.bearer_token = "tok123";
  ASSERT_TRUE(Fetch(b).ok());
  auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].Header("User-Agent"), DefaultUserAgent());
  EXPECT_EQ(DefaultUserAgent().rfind("promkit/", 0), 0u);
  EXPECT_EQ(reqs[0].Header("Authorization"), "Basic YWxpY2U6c2VjcmV0");
  EXPECT_EQ(reqs[0].Header("X-Prometheus-Scrape-Timeout-Seconds"), "10");
  EXPECT_EQ(reqs[1].Header("Authorization"), "Bearer tok123");
}

TEST(Fetch, HttpStatusErrors) {
  const std::tuple<int, std::string, std::string> cases[] = {
      {404, "Not Found", "server returned HTTP status 404 Not Found"},
      {500, "Internal Server Error", "server returned HTTP status 500 Internal Server Error"},
      {503, "", "server returned HTTP status 503 Service Unavailable"},
      {204, "No Content", "server returned HTTP status 204 No Content"},
  };
  for (const auto& [code, reason, want] : cases) {
    SCOPED_TRACE(code);
    HttpServer srv([&, code = code, reason = reason](const HttpRequest&) {
      HttpResponse r = TextResponse(code == 204 ? "" : "oops\n");
      r.status = code;
      r.reason = reason;
      return r;
    });
    ASSERT_TRUE(srv.ok());
    FetchOptions o;
    o.url = srv.Url();
    auto r = Fetch(o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().ToString(), want);
  }
}

TEST(Fetch, TimeoutIsBounded) {
  HttpServer srv([](const HttpRequest&) {
    HttpResponse r = TextResponse("a 1\n");
    r.delay_ms = 5000;
    return r;
  });
  ASSERT_TRUE(srv.ok());
  FetchOptions o;
  o.url = srv.Url();
  o.timeout_ns = 300'000'000;
  auto start = std::chrono::steady_clock::now();
  auto r = Fetch(o);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(),
            "Get \"" + srv.Url() + "\": context deadline exceeded (timeout 300ms)");
  EXPECT_LT(took, std::chrono::milliseconds(1500));
  EXPECT_GE(took, std::chrono::milliseconds(250));
}

TEST(Fetch, BodySizeLimit) {
  std::string big(100'000, 'x');
  HttpServer srv([&](const HttpRequest& req) {
    HttpResponse r = TextResponse(big);
    if (req.target == "/gz") {
      r.body = testutil::Gzip(big);
      r.headers.emplace_back("Content-Encoding", "gzip");
    }
    return r;
  });
  ASSERT_TRUE(srv.ok());
  for (std::string path : {"/plain", "/gz"}) {
    SCOPED_TRACE(path);
    FetchOptions o;
    o.url = srv.Url(path);
    o.body_size_limit = 1024;
    auto r = Fetch(o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().ToString(), "body size limit exceeded (limit 1KiB)");
    // Exactly at the limit is over it, as upstream's n >= limit.
    o.body_size_limit = static_cast<int64_t>(big.size());
    EXPECT_FALSE(Fetch(o).ok());
    o.body_size_limit = static_cast<int64_t>(big.size()) + 1;
    auto ok = Fetch(o);
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_EQ(ok->body, big);
    o.body_size_limit = 0;
    EXPECT_TRUE(Fetch(o).ok());
  }
}

TEST(Fetch, GzipIsDecoded) {
  // The gzip body is far smaller than the limit; the decompressed one is not.
  std::string body;
  for (int i = 0; i < 2000; ++i) body += "metric_" + std::to_string(i % 7) + " 1\n";
  HttpServer srv([&](const HttpRequest& req) {
    HttpResponse r = TextResponse(testutil::Gzip(body));
    r.headers.emplace_back("Content-Encoding", "gzip");
    if (req.target == "/two") r.body += testutil::Gzip("extra 2\n");  // multi-member
    if (req.target == "/trunc") r.body.resize(r.body.size() / 2);
    if (req.target == "/bad") r.body = "this is not gzip at all";
    return r;
  });
  ASSERT_TRUE(srv.ok());
  FetchOptions o;
  o.url = srv.Url("/one");
  auto r = Fetch(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, body);
  EXPECT_LT(r->wire_bytes, static_cast<int64_t>(body.size()) / 4);
  o.url = srv.Url("/two");
  r = Fetch(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, body + "extra 2\n");
  o.url = srv.Url("/trunc");
  EXPECT_EQ(Fetch(o).status().ToString(), "unexpected EOF");
  o.url = srv.Url("/bad");
  EXPECT_EQ(Fetch(o).status().ToString(), "gzip: invalid header");
  o.body_size_limit = 8192;
  o.url = srv.Url("/one");
  EXPECT_EQ(Fetch(o).status().ToString(), "body size limit exceeded (limit 8KiB)");
}

TEST(Fetch, FollowsRedirects) {
  HttpServer srv([](const HttpRequest& req) {
    if (req.target == "/old") {
      HttpResponse r;
      r.status = 302;
      r.reason = "Found";
      r.headers = {{"Location", "/metrics"}};
      return r;
    }
    if (req.target == "/loop") {
      HttpResponse r;
      r.status = 301;
      r.reason = "Moved Permanently";
      r.headers = {{"Location", "/loop"}};
      return r;
    }
    return TextResponse("moved 1\n");
  });
  ASSERT_TRUE(srv.ok());
  FetchOptions o;
  o.url = srv.Url("/old");
  auto r = Fetch(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "moved 1\n");
  EXPECT_EQ(srv.requests().back().target, "/metrics");
  o.url = srv.Url("/loop");
  EXPECT_EQ(Fetch(o).status().ToString(), "Get \"" + o.url + "\": stopped after 10 redirects");
}

TEST(Fetch, ConnectionRefused) {
  int port = testutil::FreeLoopbackPort();
  ASSERT_NE(port, 0);
  FetchOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  auto r = Fetch(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "Get \"" + o.url + "\": dial tcp 127.0.0.1:" +
                                       std::to_string(port) + ": connect: connection refused");
}

TEST(Fetch, ServerHangsUp) {
  HttpServer srv([](const HttpRequest&) {
    HttpResponse r;
    r.close_without_response = true;
    return r;
  });
  ASSERT_TRUE(srv.ok());
  FetchOptions o;
  o.url = srv.Url();
  EXPECT_EQ(Fetch(o).status().ToString(), "Get \"" + o.url + "\": EOF");
}

TEST(Fetch, BadOptions) {
  using Edit = std::function<void(FetchOptions&)>;
  const std::tuple<std::string, Edit, std::string> cases[] = {
      {"scheme", [](FetchOptions& o) { o.url = "ftp://127.0.0.1/x"; },
       "Get \"ftp://127.0.0.1/x\": unsupported protocol scheme \"ftp\""},
      {"token twice",
       [](FetchOptions& o) {
         o.bearer_token = "a";
         o.bearer_token_file = "b";
       },
       "at most one of bearer_token & bearer_token_file must be configured"},
      {"basic and token",
       [](FetchOptions& o) {
         o.bearer_token = "a";
         o.has_basic_auth = true;
       },
       "at most one of basic_auth, oauth2 & authorization must be configured"},
      {"token file", [](FetchOptions& o) { o.bearer_token_file = "/nonexistent/tok"; },
       "unable to read authorization credentials: unable to read file /nonexistent/tok: open "
       "/nonexistent/tok: no such file or directory"},
      {"ca file", [](FetchOptions& o) { o.tls.ca_file = "/nonexistent/ca"; },
       "unable to read CA cert: open /nonexistent/ca: no such file or directory"},
      {"ca not pem", [](FetchOptions& o) { o.tls.ca_file = PROMKIT_SOURCE_DIR "/CMakeLists.txt"; },
       "unable to use specified CA cert " PROMKIT_SOURCE_DIR "/CMakeLists.txt"},
      {"cert without key", [](FetchOptions& o) { o.tls.cert_file = "/x.pem"; },
       "exactly one of key or key_file must be configured when a client certificate is "
       "configured"},
      {"header name",
       [](FetchOptions& o) {
         o.headers = {{"A B", "v"}};
       },
       "invalid header name \"A B\""},
      {"timeout", [](FetchOptions& o) { o.timeout_ns = 0; }, "timeout must be positive"},
  };
  for (const auto& [name, edit, want] : cases) {
    SCOPED_TRACE(name);
    FetchOptions o;
    o.url = "http://127.0.0.1:1/metrics";
    edit(o);
    auto r = Fetch(o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().ToString(), want);
  }
}

}  // namespace
}  // namespace promkit::scrape
