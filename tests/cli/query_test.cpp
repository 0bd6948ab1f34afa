// `promkit query` against the real thing: Debian's Prometheus 2.42 serving blocks written by
// Debian's promtool 2.42, queried by promtool and by promkit (as promtool and as promkit, over
// HTTP and locally with --tsdb.path). Also promkit's HTTP client against canned responses
// (POST with GET fallback, headers, API errors), compared with promtool where it can be.
//
// Known differences from 2.42, by design: the evaluation times avoid sample timestamps at window
// boundaries (3.x ranges are left-open, 2.42's closed) and rate windows reaching before a
// counter's first sample (2.42 clamps extrapolation to the zero point first); 3.x writes label
// names and values in the API's JSON without HTML escaping (2.42 escaped < > & U+2028); 3.x
// reports a range query's bad expression type as a bad "query" parameter; promtool 2.42 has no
// --header on `query instant`. Vectors from aggregations come in Go's map order, which changes
// from one request to the next, so their lines are compared as sets.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "scrape/fetch.h"
#include "testutil/files.h"
#include "testutil/http_server.h"
#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testutil::ProcessResult;

constexpr const char* kPromtool = "/usr/bin/promtool";
constexpr const char* kPrometheus = "/usr/bin/prometheus";

fs::path LinkDir() {
  return fs::temp_directory_path() / ("promkit-query-test-" + std::to_string(getpid()));
}

// promkit invoked as `argv0` ("promkit" or "promtool").
ProcessResult RunPromkit(const std::string& argv0, const std::vector<std::string>& args) {
  fs::path program = testutil::LinkBinary(PROMKIT_BINARY, LinkDir() / "bin", argv0);
  std::vector<std::string> argv = {argv0};
  argv.insert(argv.end(), args.begin(), args.end());
  return testutil::RunProcess(program, argv, "", PROMKIT_SOURCE_DIR, {"COLUMNS=100"});
}

ProcessResult RunPromtool(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"promtool"};
  argv.insert(argv.end(), args.begin(), args.end());
  return testutil::RunProcess(kPromtool, argv, "", PROMKIT_SOURCE_DIR);
}

std::string Show(const ProcessResult& r) {
  return fmt::format("exit {}\n--- stdout\n{}--- stderr\n{}", r.exit_code, r.out, r.err);
}

// Series with what the fixture blocks lack: label values with characters the JSON encoders
// escape differently, small and huge values, and classic histogram buckets.
std::string GeneratedOpenMetrics() {
  std::string om;
  const int64_t t0 = 1700020000;
  om += "# TYPE weird gauge\n";
  const double weird[] = {1, 2.5e-7, 1e21, -3, 0.1, 42};
  for (int i = 0; i < 6; ++i) {
    om += fmt::format("weird{{v=\"a<b&c>d\",u=\"\xc3\xa9\xe2\x80\xa8x\"}} {} {}\n", weird[i],
                      t0 + i * 60);
  }
  om += "# TYPE req_duration_seconds histogram\n";
  const char* const les[] = {"0.1", "0.5", "1", "+Inf"};
  for (const char* job : {"api", "web"}) {
    const double scale = std::string(job) == "api" ? 1 : 3;
    for (int b = 0; b < 4; ++b) {
      for (int i = 0; i <= 40; ++i) {
        om += fmt::format("req_duration_seconds_bucket{{job=\"{}\",le=\"{}\"}} {} {}\n", job,
                          les[b], (b + 1) * i * scale, t0 + i * 15);
      }
    }
    for (int i = 0; i <= 40; ++i) {
      om += fmt::format("req_duration_seconds_count{{job=\"{}\"}} {} {}\n", job, 4 * i * scale,
                        t0 + i * 15);
    }
    for (int i = 0; i <= 40; ++i) {
      om += fmt::format("req_duration_seconds_sum{{job=\"{}\"}} {} {}\n", job, 1.5 * i * scale,
                        t0 + i * 15);
    }
  }
  om += "# EOF\n";
  return om;
}

class QueryServerTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists(kPromtool) || !fs::exists(kPrometheus)) return;
    root_ = new fs::path(LinkDir() / "server");
    fs::remove_all(*root_);
    fs::create_directories(*root_ / "blocks");
    // The blocks: testdata/tsdb/basic plus the generated series, written by promtool 2.42.
    for (const fs::path& p :
         testutil::ListDir(fs::path(PROMKIT_SOURCE_DIR) / "testdata/tsdb/basic")) {
      if (p.filename().string().size() == 26) {
        fs::copy(p, *root_ / "blocks" / p.filename(), fs::copy_options::recursive);
      }
    }
    testutil::WriteFileOrDie(*root_ / "gen.om", GeneratedOpenMetrics());
    ProcessResult created = testutil::RunProcess(
        kPromtool, {"promtool", "tsdb", "create-blocks-from", "openmetrics",
                    (*root_ / "gen.om").string(), (*root_ / "blocks").string()});
    ASSERT_EQ(created.exit_code, 0) << Show(created);
    fs::copy(*root_ / "blocks", *root_ / "local", fs::copy_options::recursive);
    fs::copy(*root_ / "blocks", *root_ / "data", fs::copy_options::recursive);
    testutil::WriteFileOrDie(*root_ / "prometheus.yml", "global: {}\n");

    port_ = testutil::FreeLoopbackPort();
    pid_ = fork();
    if (pid_ == 0) {
      std::string log = (*root_ / "prometheus.log").string();
      FILE* f = std::freopen(log.c_str(), "w", stderr);
      (void)f;
      std::string cfg = "--config.file=" + (*root_ / "prometheus.yml").string();
      std::string data = "--storage.tsdb.path=" + (*root_ / "data").string();
      std::string listen = fmt::format("--web.listen-address=127.0.0.1:{}", port_);
      // The blocks are from 2023: keep them.
      execl(kPrometheus, "prometheus", cfg.c_str(), data.c_str(), listen.c_str(),
            "--storage.tsdb.retention.time=100y", static_cast<char*>(nullptr));
      _exit(127);
    }
    server_ = new std::string(fmt::format("http://127.0.0.1:{}", port_));
    scrape::FetchOptions ready;
    ready.url = *server_ + "/-/ready";
    ready.timeout_ns = 1'000'000'000;
    for (int i = 0; i < 300; ++i) {
      if (scrape::Fetch(ready).ok()) {
        ready_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  static void TearDownTestSuite() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
    if (root_ != nullptr) fs::remove_all(LinkDir());
    delete root_;
    delete server_;
    root_ = nullptr;
    server_ = nullptr;
  }

  void SetUp() override {
    if (!fs::exists(kPromtool) || !fs::exists(kPrometheus)) {
      GTEST_SKIP() << "Debian's prometheus/promtool 2.42 are not installed";
    }
    ASSERT_TRUE(ready_) << "prometheus did not become ready; log: "
                        << testutil::ReadFileOrEmpty(*root_ / "prometheus.log");
  }

  static std::string Server() { return *server_; }
  static std::string LocalDir() { return (*root_ / "local").string(); }

  static fs::path* root_;
  static std::string* server_;
  static int port_;
  static pid_t pid_;
  static bool ready_;
};

fs::path* QueryServerTest::root_ = nullptr;
std::string* QueryServerTest::server_ = nullptr;
int QueryServerTest::port_ = 0;
pid_t QueryServerTest::pid_ = -1;
bool QueryServerTest::ready_ = false;

struct Case {
  std::vector<std::string> args;  // after "query", with "SERVER" where the server goes
};

// Requests whose answers must agree. Times end in .5 so no sample sits on a window boundary.
std::vector<Case> Cases() {
  const std::string t1 = "--time=1700000307.5", t2 = "--time=1700020307.5";
  // Not from the series' first sample: 2.42 clamps rate's extrapolation towards a counter's
  // zero point before checking the extrapolation threshold, 3.x after.
  const std::vector<std::string> range1 = {"--start=1700000333.5", "--end=1700001233.5",
                                           "--step=37s"};
  const std::vector<std::string> range2 = {"--start=1700020003.5", "--end=1700020603.5",
                                           "--step=30s"};
  std::vector<Case> out;
  for (const char* e :
       {"http_requests_total", "temperature", "up", "rate(http_requests_total[1m])",
        "sum by (code) (rate(http_requests_total[5m]))", "topk(1, http_requests_total)",
        "scalar(sum(http_requests_total))", "1e300", "0 * -1", "vector(1)",
        "http_requests_total offset 2m", "label_replace(up, \"x\", \"$1\", \"job\", \"(.*)\")",
        "count_over_time(temperature[10m])", "absent(nope)", "temperature[2m]", "time()",
        "nothing_here", "http_requests_total > 100", "max_over_time(http_requests_total[3m:1m])"}) {
    out.push_back({{"instant", t1, "SERVER", e}});
    if (std::string(e) != "temperature[2m]") {
      std::vector<std::string> args = {"range"};
      args.insert(args.end(), range1.begin(), range1.end());
      args.push_back("SERVER");
      args.push_back(e);
      out.push_back({args});
    }
  }
  for (const char* e : {"weird", "histogram_quantile(0.9, rate(req_duration_seconds_bucket[2m]))",
                        "sum by (job) (rate(req_duration_seconds_count[5m]))",
                        "req_duration_seconds_sum / ignoring(le) group_left "
                        "req_duration_seconds_count"}) {
    out.push_back({{"instant", t2, "SERVER", e}});
    std::vector<std::string> args = {"range"};
    args.insert(args.end(), range2.begin(), range2.end());
    args.push_back("SERVER");
    args.push_back(e);
    out.push_back({args});
  }
  const std::string s = "--start=1600000000", en = "--end=1800000000";
  out.push_back({{"series", s, en, "--match=up", "SERVER"}});
  out.push_back({{"series", s, en, "--match=weird", "--match=temperature", "SERVER"}});
  out.push_back({{"series", s, en, "--match={job=~\".+\"}", "SERVER"}});
  out.push_back({{"labels", s, en, "SERVER", "__name__"}});
  out.push_back({{"labels", s, en, "SERVER", "v"}});
  out.push_back({{"labels", s, en, "--match=req_duration_seconds_bucket", "SERVER", "le"}});
  return out;
}

std::vector<std::string> WithServer(const Case& c, const std::string& server,
                                    const std::vector<std::string>& prefix = {}) {
  std::vector<std::string> args = {"query"};
  args.insert(args.end(), prefix.begin(), prefix.end());
  for (const std::string& a : c.args) {
    if (a == "SERVER") {
      if (!server.empty()) args.push_back(server);
    } else {
      args.push_back(a);
    }
  }
  return args;
}

std::string Describe(const std::vector<std::string>& args) {
  std::string s;
  for (const std::string& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

// Sample values compare as numbers (the API writes 1e-07 where model values write
// 0.0000001), within 1e-9 relative when `tolerant`; everything else exactly.
bool SameJson(const json& a, const json& b, bool tolerant, std::string* why,
              const std::string& path = "$") {
  if (a.is_string() && b.is_string()) {
    if (a == b) return true;
    char* end_a = nullptr;
    char* end_b = nullptr;
    const std::string sa = a.get<std::string>(), sb = b.get<std::string>();
    double x = std::strtod(sa.c_str(), &end_a), y = std::strtod(sb.c_str(), &end_b);
    if (*end_a == '\0' && *end_b == '\0' && !sa.empty() && !sb.empty()) {
      if ((std::isnan(x) && std::isnan(y)) || x == y) return true;
      if (tolerant && std::fabs(x - y) <= 1e-9 * std::max(std::fabs(x), std::fabs(y))) return true;
    }
    *why = fmt::format("{}: {} vs {}", path, a.dump(), b.dump());
    return false;
  }
  if (a.is_number() && b.is_number()) {
    if (std::fabs(a.get<double>() - b.get<double>()) < 1e-9) return true;
    *why = fmt::format("{}: {} vs {}", path, a.dump(), b.dump());
    return false;
  }
  if (a.type() != b.type()) {
    *why = fmt::format("{}: {} vs {}", path, a.dump(), b.dump());
    return false;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) {
      *why = fmt::format("{}: {} vs {} elements", path, a.size(), b.size());
      return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      if (!SameJson(a[i], b[i], tolerant, why, fmt::format("{}[{}]", path, i))) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) {
      *why = fmt::format("{}: keys {} vs {}", path, a.dump(), b.dump());
      return false;
    }
    for (const auto& [k, v] : a.items()) {
      if (!b.contains(k)) {
        *why = fmt::format("{}: key {} missing", path, k);
        return false;
      }
      if (!SameJson(v, b[k], tolerant, why, path + "." + k)) return false;
    }
    return true;
  }
  if (a == b) return true;
  *why = fmt::format("{}: {} vs {}", path, a.dump(), b.dump());
  return false;
}

// Vectors come in the engine's order; compare them as sets.
json Canonical(json v) {
  if (v.is_object() && v.contains("data") && v["data"].is_object() &&
      v["data"].contains("result") && v["data"]["result"].is_array() &&
      v["data"].value("resultType", "") != "scalar" &&
      v["data"].value("resultType", "") != "string") {
    auto& r = v["data"]["result"];
    std::sort(r.begin(), r.end(),
              [](const json& a, const json& b) { return a["metric"].dump() < b["metric"].dump(); });
  }
  return v;
}

// The output with the lines of an instant vector sorted (see above); other output as is.
std::string Ordered(const ProcessResult& r) {
  std::vector<std::string> lines = testutil::Lines(r.out);
  if (!lines.empty() && lines[0].find(" => ") != std::string::npos &&
      lines[0].back() == ']') {  // vector lines: `metric => value @[time]`
    std::sort(lines.begin(), lines.end());
  }
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return fmt::format("exit {}\n--- stdout\n{}--- stderr\n{}", r.exit_code, out, r.err);
}

TEST_F(QueryServerTest, PromqlOutputMatchesPromtool) {
  for (const Case& c : Cases()) {
    const std::vector<std::string> args = WithServer(c, Server());
    SCOPED_TRACE(Describe(args));
    ProcessResult want = RunPromtool(args);
    ASSERT_EQ(want.exit_code, 0) << Show(want);
    ProcessResult as_promtool = RunPromkit("promtool", args);
    EXPECT_EQ(Ordered(as_promtool), Ordered(want));
    ProcessResult as_promkit = RunPromkit("promkit", args);
    EXPECT_EQ(Ordered(as_promkit), Ordered(want));
  }
}

TEST_F(QueryServerTest, JsonOutputMatchesPromtool) {
  for (const Case& c : Cases()) {
    const std::vector<std::string> args = WithServer(c, Server(), {"-o", "json"});
    SCOPED_TRACE(Describe(args));
    ProcessResult want = RunPromtool(args);
    ASSERT_EQ(want.exit_code, 0) << Show(want);
    ProcessResult got = RunPromkit("promtool", args);
    ASSERT_EQ(got.exit_code, 0) << Show(got);
    EXPECT_EQ(got.err, want.err);
    // promtool 3.x is built with Go >= 1.22, which writes \b and \f where 2.42's Go 1.19 wrote
    // \u0008 and \u000c; the fixtures hold neither, so the bytes must agree, up to the order
    // of vector elements.
    json a = json::parse(got.out, nullptr, false), b = json::parse(want.out, nullptr, false);
    ASSERT_FALSE(a.is_discarded()) << got.out;
    ASSERT_FALSE(b.is_discarded()) << want.out;
    if (a.is_array() && a.size() > 1 && a[0].is_object() && a[0].contains("value")) {
      std::string why;
      EXPECT_TRUE(SameJson(Canonical(json{{"data", {{"result", a}}}}),
                           Canonical(json{{"data", {{"result", b}}}}), false, &why))
          << why;
    } else {
      EXPECT_EQ(got.out, want.out);
    }
  }
}

TEST_F(QueryServerTest, ApiJsonIsTheServersBody) {
  // promkit's -o json re-encodes the API response; it must come out as Prometheus wrote it.
  for (const Case& c : Cases()) {
    const std::vector<std::string> args = WithServer(c, Server(), {"-o", "json"});
    SCOPED_TRACE(Describe(args));
    ProcessResult got = RunPromkit("promkit", args);
    ASSERT_EQ(got.exit_code, 0) << Show(got);
    // The same request straight to the server.
    std::string path;
    std::vector<std::pair<std::string, std::string>> params;
    const std::string& kind = c.args[0];
    auto value = [](const std::string& a) { return a.substr(a.find('=') + 1); };
    for (size_t i = 1; i < c.args.size(); ++i) {
      const std::string& a = c.args[i];
      if (a == "SERVER") continue;
      if (a.rfind("--time=", 0) == 0) {
        params.emplace_back("time", value(a));
      } else if (a.rfind("--start=", 0) == 0) {
        params.emplace_back("start", value(a));
      } else if (a.rfind("--end=", 0) == 0) {
        params.emplace_back("end", value(a));
      } else if (a.rfind("--step=", 0) == 0) {
        params.emplace_back("step", value(a).substr(0, value(a).size() - 1));
      } else if (a.rfind("--match=", 0) == 0) {
        params.emplace_back("match[]", value(a));
      } else if (kind == "labels") {
        path = "/api/v1/label/" + a + "/values";
      } else {
        params.emplace_back("query", a);
      }
    }
    if (kind == "instant") path = "/api/v1/query";
    if (kind == "range") path = "/api/v1/query_range";
    if (kind == "series") path = "/api/v1/series";
    std::string query;
    for (const auto& [k, v] : params) {
      std::string enc;
      for (unsigned char ch : v) {
        enc +=
            std::isalnum(ch) ? std::string(1, static_cast<char>(ch)) : fmt::format("%{:02X}", ch);
      }
      query += (query.empty() ? "?" : "&") + k + "=" + enc;
    }
    scrape::FetchOptions o;
    o.url = Server() + path + query;
    o.accept = "application/json";
    auto resp = scrape::Fetch(o);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    std::string want = resp->body + "\n";
    if (kind != "labels") {
      // 2.42 HTML-escaped label names and values; 3.x writes them raw.
      for (const auto& [esc, raw] : std::vector<std::pair<std::string, std::string>>{
               {"\\u003c", "<"}, {"\\u003e", ">"}, {"\\u0026", "&"}, {"\\u2028", "\xe2\x80\xa8"}}) {
        for (size_t at = want.find(esc); at != std::string::npos; at = want.find(esc, at)) {
          want.replace(at, esc.size(), raw);
        }
      }
    }
    json a = json::parse(got.out, nullptr, false), b = json::parse(want, nullptr, false);
    const bool unordered = a.is_object() && a.contains("data") && a["data"].is_object() &&
                           a["data"].value("resultType", "") == "vector" &&
                           a["data"]["result"].size() > 1;
    if (unordered) {
      std::string why;
      EXPECT_TRUE(SameJson(Canonical(a), Canonical(b), false, &why)) << why;
    } else {
      EXPECT_EQ(got.out, want);
    }
  }
}

TEST_F(QueryServerTest, LocalMatchesServer) {
  for (const Case& c : Cases()) {
    const std::vector<std::string> remote_args = WithServer(c, Server(), {"-o", "json"});
    const std::vector<std::string> local_args =
        WithServer(c, "", {"-o", "json", "--tsdb.path", LocalDir()});
    SCOPED_TRACE(Describe(local_args));
    ProcessResult remote = RunPromkit("promkit", remote_args);
    ProcessResult local = RunPromkit("promkit", local_args);
    ASSERT_EQ(remote.exit_code, 0) << Show(remote);
    ASSERT_EQ(local.exit_code, 0) << Show(local);
    json a = json::parse(remote.out, nullptr, false);
    json b = json::parse(local.out, nullptr, false);
    ASSERT_FALSE(a.is_discarded()) << remote.out;
    ASSERT_FALSE(b.is_discarded()) << local.out;
    std::string why;
    EXPECT_TRUE(SameJson(Canonical(a), Canonical(b), true, &why))
        << why << "\nserver: " << remote.out << "local:  " << local.out;
  }
}

TEST_F(QueryServerTest, ErrorsMatchPromtool) {
  const std::string s = Server();
  const std::vector<std::vector<std::string>> cases = {
      {"query", "instant", "--time=1700000000", s, "sum("},
      {"query", "instant", "--time=1700000000", s, "foo{"},
      {"query", "range", "--start=1700000000", "--end=1700000100", s, "up[5m]"},
      {"query", "series", "--match={a=\"\"}", s},
      {"query", "series", "--match=up{", s},
      {"query", "labels", s, "a-b\xff"},
      {"query", "instant", "--time=abc", s, "up"},
      {"query", "range", "--start=200", "--end=100", s, "up"},
      {"query", "range", "--step=10", s, "up"},
      {"query", "-o", "yaml", "instant", s, "up"},
      {"query", "instant", "127.0.0.1:1", "up"},
      {"query", "instant", "http://127.0.0.1:1", "up"},
  };
  for (const auto& args : cases) {
    SCOPED_TRACE(Describe(args));
    ProcessResult want = RunPromtool(args);
    ASSERT_NE(want.exit_code, 0) << Show(want);
    EXPECT_EQ(Show(RunPromkit("promtool", args)), Show(want));
  }
}

TEST_F(QueryServerTest, LocalErrorsReadAsTheServers) {
  // The same failures locally: the API's error type and message.
  const std::vector<std::vector<std::string>> cases = {
      {"instant", "--time=1700000000", "SERVER", "sum("},
      {"range", "--start=1700000000", "--end=1700000100", "SERVER", "up[5m]"},
      {"series", "--match={a=\"\"}", "SERVER"},
      {"series", "--match=up{", "SERVER"},
      {"labels", "SERVER", "a\xff"},
      {"labels", "--match=up{", "SERVER", "job"},
  };
  for (const auto& c : cases) {
    ProcessResult remote = RunPromkit("promkit", WithServer({c}, Server(), {"-o", "json"}));
    std::vector<std::string> local_args =
        WithServer({c}, "", {"-o", "json", "--tsdb.path", LocalDir()});
    SCOPED_TRACE(Describe(local_args));
    ProcessResult local = RunPromkit("promkit", local_args);
    EXPECT_EQ(local.exit_code, 1);
    std::string want = remote.out;
    // 3.x reports every failure of NewRangeQuery as a bad "query" parameter; 2.42 did so only
    // for parse errors.
    const std::string type_error = "\"error\":\"invalid expression type";
    if (size_t at = want.find(type_error); at != std::string::npos) {
      want.insert(at + 9, "invalid parameter \\\"query\\\": ");
    }
    EXPECT_EQ(local.out, want);
  }
}

TEST_F(QueryServerTest, LocalStatsReportTimings) {
  ProcessResult r =
      RunPromkit("promkit", {"query", "-o", "json", "instant", "--tsdb.path", LocalDir(),
                             "--time=1700000307.5", "--stats", "rate(http_requests_total[5m])"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  json doc = json::parse(r.out);
  const json& t = doc["data"]["stats"]["timings"];
  ASSERT_TRUE(t["evalTotalTime"].is_number()) << r.out;
  ASSERT_TRUE(t["execTotalTime"].is_number()) << r.out;
  EXPECT_GE(t["execTotalTime"].get<double>(), t["evalTotalTime"].get<double>());
  EXPECT_FALSE(doc["data"]["stats"].contains("samples"));
  // Against the server the server's own stats object comes through.
  ProcessResult remote =
      RunPromkit("promkit", {"query", "-o", "json", "instant", "--time=1700000307.5", "--stats",
                             Server(), "rate(http_requests_total[5m])"});
  ASSERT_EQ(remote.exit_code, 0) << Show(remote);
  json rdoc = json::parse(remote.out);
  EXPECT_TRUE(rdoc["data"]["stats"]["samples"]["totalQueryableSamples"].is_number()) << remote.out;
}

TEST_F(QueryServerTest, RelativeTimes) {
  // "now-1h" resolves the same way for both forms; the fixture data is long gone by then.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"query", "-o", "json", "instant", "--time=now-1h", "SERVER",
                                 "vector(1)"},
        std::vector<std::string>{"query", "-o", "json", "range", "--start=now-2h", "--end=now-1h",
                                 "SERVER", "vector(1)"}}) {
    std::vector<std::string> remote = args, local = args;
    std::replace(remote.begin(), remote.end(), std::string("SERVER"), Server());
    local.erase(std::find(local.begin(), local.end(), "SERVER"));
    local.insert(local.begin() + 1, {"--tsdb.path", LocalDir()});
    ProcessResult r = RunPromkit("promkit", remote);
    ProcessResult l = RunPromkit("promkit", local);
    ASSERT_EQ(r.exit_code, 0) << Show(r);
    ASSERT_EQ(l.exit_code, 0) << Show(l);
    json rj = json::parse(r.out), lj = json::parse(l.out);
    const json& rr = rj["data"]["result"];
    const json& lr = lj["data"]["result"];
    ASSERT_FALSE(rr.empty());
    ASSERT_FALSE(lr.empty());
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const double rt = rr[0].contains("value") ? rr[0]["value"][0].get<double>()
                                              : rr[0]["values"].back()[0].get<double>();
    const double lt = lr[0].contains("value") ? lr[0]["value"][0].get<double>()
                                              : lr[0]["values"].back()[0].get<double>();
    EXPECT_NEAR(rt, now - 3600, 60);
    EXPECT_NEAR(lt, now - 3600, 60);
  }
}

// `repl --url` prints what `repl DIR` prints over the same blocks: tables, CSV, series, label
// and metric lists, .explain's counts (asked of the server as aggregations) and errors.
TEST_F(QueryServerTest, ReplOverTheServerMatchesReplOverTheDirectory) {
  const std::string script =
      ".at 1700000307.5\n"
      "http_requests_total\n"
      "rate(http_requests_total[5m])\n"
      "sum by (code) (rate(http_requests_total[5m])) > 0\n"
      "label_replace(rate(http_requests_total[5m]), \"code\", \"x\", \"\", \"\")\n"
      ".series http_requests_total\n"
      ".labels\n"
      ".labels code\n"
      ".metrics http\n"
      ".explain sum(rate(http_requests_total[5m])) / sum(http_requests_total offset 1m)\n"
      ".range 1700000333.5 1700001233.5 37s\n"
      ".format csv\n"
      "rate(http_requests_total[5m])\n"
      ".format table\n"
      ".at 1700020307.5\n"
      "histogram_quantile(0.9, sum by (le, job) (rate(req_duration_seconds_bucket[5m])))\n"
      "weird\n"
      "sum(foo\n";
  const fs::path file = LinkDir() / "repl-script";
  testutil::WriteFileOrDie(file, script);
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"promkit", "repl", "--no-stats"});
    fs::path program = testutil::LinkBinary(PROMKIT_BINARY, LinkDir() / "bin", "promkit");
    return testutil::RunProcess(program, args, script, PROMKIT_SOURCE_DIR, {"COLUMNS=100"});
  };
  ProcessResult local = run({LocalDir()});
  ProcessResult remote = run({"--url", Server()});
  EXPECT_EQ(local.exit_code, 1) << Show(local);  // the last two statements fail
  EXPECT_EQ(Show(remote), Show(local));
  EXPECT_NE(local.out.find("http_requests_total[5m]"), std::string::npos) << local.out;
  EXPECT_NE(local.err.find("same labelset"), std::string::npos) << local.err;
}

// `query analyze` against the real server: the generated classic histograms, one group per job;
// 21 samples in the window, all four buckets populated but at the first (all zero): 80/21.
TEST_F(QueryServerTest, AnalyzeClassicHistograms) {
  ProcessResult r = RunPromkit(
      "promkit", {"query", "analyze", "--server", Server(), "--type=histogram", "--match",
                  "req_duration_seconds_bucket", "--duration=10m", "--time=1700020307.5"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  const std::string groups = r.out.substr(r.out.find("\n\n") + 2);
  EXPECT_EQ(groups.substr(0, groups.find("\n\n")),
            "- req_duration_seconds_bucket{job=\"api\"} (classic): 0/3.810/4\n"
            "- req_duration_seconds_bucket{job=\"web\"} (classic): 0/3.810/4")
      << r.out;
  // promkit's local form reads the same blocks to the same report.
  ProcessResult l = RunPromkit(
      "promkit", {"query", "analyze", "--tsdb.path", LocalDir(), "--type=histogram", "--match",
                  "req_duration_seconds_bucket", "--duration=10m", "--time=1700020307.5"});
  EXPECT_EQ(Show(l), Show(r));
}

// `tsdb create-blocks-from rules` against the server writes the blocks promtool 2.42 writes
// (same series, samples and timestamps: the group's evaluation offset is upstream's hash); the
// local form over the same blocks writes the same samples for rules whose answer 2.x and 3.x
// agree on.
TEST_F(QueryServerTest, CreateBlocksFromRulesAsPromtool) {
  const fs::path dir = LinkDir() / "rules-backfill";
  fs::create_directories(dir);
  testutil::WriteFileOrDie(dir / "rules.yml",
                           "groups:\n"
                           "  - name: g1\n"
                           "    interval: 30s\n"
                           "    rules:\n"
                           "      - record: code:http_requests:sum\n"
                           "        expr: sum by (code) (http_requests_total)\n"
                           "        labels:\n"
                           "          team: web\n"
                           "      - record: temp_doubled\n"
                           "        expr: temperature * 2\n"
                           "  - name: g2\n"
                           "    rules:\n"
                           "      - record: req:count\n"
                           "        expr: req_duration_seconds_count\n");
  const std::vector<std::string> window = {"--start", "1699999000", "--end", "1700025000"};
  auto args = [&](const std::string& out, std::vector<std::string> source) {
    std::vector<std::string> a = {"tsdb", "create-blocks-from", "rules"};
    a.insert(a.end(), source.begin(), source.end());
    a.insert(a.end(), window.begin(), window.end());
    a.insert(a.end(), {"--output-dir", (dir / out).string(), (dir / "rules.yml").string()});
    return a;
  };
  ProcessResult theirs = RunPromtool(args("theirs", {"--url", Server()}));
  ASSERT_EQ(theirs.exit_code, 0) << Show(theirs);
  ProcessResult ours = RunPromkit("promtool", args("ours", {"--url", Server()}));
  ASSERT_EQ(ours.exit_code, 0) << Show(ours);
  EXPECT_EQ(ours.out, "");
  ProcessResult local = RunPromkit("promkit", args("local", {"--tsdb.path", LocalDir()}));
  ASSERT_EQ(local.exit_code, 0) << Show(local);
  EXPECT_NE(local.out.find("BLOCK ULID"), std::string::npos) << local.out;

  // promtool 2.42's dump opens the directory as a DB, which wants a wal/ directory.
  auto dump = [&](const std::string& out) {
    fs::create_directories(dir / out / "wal");
    ProcessResult d = RunPromtool({"tsdb", "dump", (dir / out).string()});
    EXPECT_EQ(d.exit_code, 0) << Show(d);
    std::vector<std::string> lines;
    std::istringstream in(d.out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  auto blocks = [&](const std::string& out) {
    size_t n = 0;
    for (const fs::path& p : testutil::ListDir(dir / out)) {
      if (p.filename().string().size() == 26) ++n;
    }
    return n;
  };
  const std::vector<std::string> want = dump("theirs");
  EXPECT_GT(want.size(), 300u);
  EXPECT_EQ(dump("ours"), want);
  EXPECT_EQ(dump("local"), want);
  EXPECT_EQ(blocks("ours"), blocks("theirs"));
  EXPECT_EQ(blocks("local"), blocks("theirs"));

  ProcessResult bad =
      RunPromkit("promtool", {"tsdb", "create-blocks-from", "rules", "--url", Server(), "--start",
                              "1700025000", "--end", "1699999000", (dir / "rules.yml").string()});
  EXPECT_EQ(Show(bad), Show({"", "start time is not before end time\n", 1}));
  testutil::WriteFileOrDie(dir / "bad.yml",
                           "groups:\n  - name: x\n    rules:\n      - record: a\n        expr: "
                           "sum(\n");
  bad = RunPromkit("promtool", {"tsdb", "create-blocks-from", "rules", "--url", Server(), "--start",
                                "1699999000", (dir / "bad.yml").string()});
  EXPECT_EQ(bad.exit_code, 1) << Show(bad);
  EXPECT_NE(bad.err.find("rule importer parse error: " + (dir / "bad.yml").string() + ": "),
            std::string::npos)
      << Show(bad);
}

// ---------------------------------------------------------------------------------------------
// The HTTP client against canned responses.

testutil::HttpResponse Json(int status, std::string reason, std::string body) {
  testutil::HttpResponse r;
  r.status = status;
  r.reason = std::move(reason);
  r.headers = {{"Content-Type", "application/json"}};
  r.body = std::move(body);
  return r;
}

TEST(QueryClient, PostsFormFallsBackToGetAndSendsHeaders) {
  testutil::HttpServer server([](const testutil::HttpRequest& req) {
    if (req.method == "POST") return Json(405, "Method Not Allowed", "");
    return Json(200, "OK",
                R"({"status":"success","data":{"resultType":"vector","result":[)"
                R"({"metric":{"__name__":"up","job":"a"},"value":[1700000000.5,"1"]}]}})");
  });
  ASSERT_TRUE(server.ok());
  ProcessResult r = RunPromkit("promtool", {"query", "instant", "--time=1700000000.5", "--header",
                                            "X-Foo=bar", server.Url("/prefix/"), "up == 1"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out, "up{job=\"a\"} => 1 @[1700000000.5]\n");
  std::vector<testutil::HttpRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].target, "/prefix/api/v1/query");
  EXPECT_EQ(seen[0].Header("Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(seen[0].Header("X-Foo"), "bar");
  EXPECT_EQ(seen[1].method, "GET");
  EXPECT_EQ(seen[1].target, "/prefix/api/v1/query?query=up+%3D%3D+1&time=1700000000.5");
  EXPECT_EQ(seen[1].Header("X-Foo"), "bar");
}

TEST(QueryClient, RangeDefaultsAsPromtool) {
  // Answers GETs only, so the parameters show in the recorded request line.
  testutil::HttpServer get_only([](const testutil::HttpRequest& req) {
    if (req.method == "POST") return Json(405, "Method Not Allowed", "");
    return Json(200, "OK", R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
  });
  ProcessResult r =
      RunPromkit("promkit", {"query", "range", "--end=1700003600", get_only.Url(""), "up"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  // end-5m .. end, step = max(floor(300s/250), 1) = 1s.
  std::vector<testutil::HttpRequest> seen = get_only.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].target, "/api/v1/query_range?end=1700003600&query=up&start=1700003300&step=1");
}

// Canned failures, answered the same by promtool 2.42 and promkit.
TEST(QueryClient, ApiFailuresAsPromtool) {
  const std::vector<testutil::HttpResponse> responses = {
      Json(
          422, "Unprocessable Entity",
          R"({"status":"error","errorType":"execution","error":"many-to-many matching <not> allowed"})"),
      Json(503, "Service Unavailable", "  try later\n"),
      Json(404, "Not Found", "404 page not found"),
      Json(400, "Bad Request", R"({"status":"success","data":[]})"),
      Json(200, "OK",
           R"({"status":"success","data":{"resultType":"string","result":[1700000000,"a<b"]}})"),
      Json(200, "OK", R"({"status":"success","data":{"resultType":"vector","result":[]}})"),
      Json(200, "OK",
           R"({"status":"success","data":{"resultType":"matrix","result":[)"
           R"({"metric":{"b":"1","a":"2"},"values":[[1,"NaN"]]},)"
           R"({"metric":{"a":"1"},"values":[[1,"-Inf"],[2.25,"1e-7"]]},)"
           R"({"metric":{"__name__":"x","a":"1"},"values":[[1,"+Inf"]]}]}})"),
  };
  for (const testutil::HttpResponse& canned : responses) {
    SCOPED_TRACE(canned.body);
    testutil::HttpServer server([&canned](const testutil::HttpRequest&) { return canned; });
    ASSERT_TRUE(server.ok());
    for (const char* format : {"promql", "json"}) {
      std::vector<std::string> args = {"query",        "-o", format, "instant", "--time=1700000000",
                                       server.Url(""), "x"};
      ProcessResult want = RunPromtool(args);
      if (!fs::exists(kPromtool)) GTEST_SKIP() << "no promtool";
      EXPECT_EQ(Show(RunPromkit("promtool", args)), Show(want));
    }
  }
}

TEST(QueryClient, StringResultInPromkitMode) {
  testutil::HttpServer server([](const testutil::HttpRequest&) {
    return Json(
        200, "OK",
        R"({"status":"success","data":{"resultType":"string","result":[1700000000,"a<b"]}})");
  });
  ProcessResult r = RunPromkit("promkit", {"query", "instant", server.Url(""), "\"a<b\""});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out, "a<b\n");
  r = RunPromkit("promkit", {"query", "-o", "json", "instant", server.Url(""), "\"a<b\""});
  EXPECT_EQ(
      r.out,
      R"({"status":"success","data":{"resultType":"string","result":[1700000000,"a\u003cb"]}})"
      "\n");
}

TEST(QueryClient, HttpConfigFile) {
  testutil::HttpServer server([](const testutil::HttpRequest&) {
    return Json(200, "OK",
                R"({"status":"success","data":{"resultType":"scalar","result":[1,"2"]}})");
  });
  ASSERT_TRUE(server.ok());
  const fs::path dir = LinkDir() / "httpconfig";
  fs::create_directories(dir);
  testutil::WriteFileOrDie(dir / "token", "s3cr3t\n");
  testutil::WriteFileOrDie(dir / "auth.yml",
                           "authorization:\n  type: Token\n  credentials_file: token\n");
  testutil::WriteFileOrDie(dir / "basic.yml", "basic_auth:\n  username: u\n  password: p\n");
  testutil::WriteFileOrDie(dir / "unknown.yml", "foo: 1\n");
  testutil::WriteFileOrDie(dir / "oauth2.yml",
                           "oauth2:\n  client_id: a\n  client_secret: b\n  token_url: http://x\n");
  auto run = [&](const std::string& file) {
    return RunPromkit("promtool", {"query", "--http.config.file", (dir / file).string(), "instant",
                                   server.Url(""), "2"});
  };

  ProcessResult r = run("auth.yml");
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out, "scalar: 2 @[1]\n");
  r = run("basic.yml");
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  std::vector<testutil::HttpRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].Header("Authorization"), "Token s3cr3t");
  EXPECT_EQ(seen[1].Header("Authorization"), "Basic dTpw");

  r = run("unknown.yml");
  EXPECT_EQ(Show(r), Show({"",
                           "promtool: error: Failed to load HTTP config file: yaml: unmarshal "
                           "errors:\n  line 1: field foo not found in type config.plain\n",
                           1}));
  // The token request fails as a transport error of the query, as Go's oauth2 transport's.
  r = run("oauth2.yml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, fmt::format("query error: Post \"{}/api/v1/query\": Post \"http://x\": dial "
                               "tcp: lookup x: no such host\n",
                               server.Url("")));
  r = run("missing.yml");
  EXPECT_EQ(r.err, fmt::format("promtool: error: path '{}' does not exist, try --help\n",
                               (dir / "missing.yml").string()));
  EXPECT_EQ(server.requests().size(), 2u);
}

// `repl --url` against canned answers: the client options reach the server, API errors and
// unreachable servers fail the statement (not the shell), completion data comes from the label
// endpoints.
TEST(ReplClient, SendsOptionsAndReportsFailures) {
  testutil::HttpServer server([](const testutil::HttpRequest& req) {
    if (req.target.find("/api/v1/label/__name__/values") != std::string::npos) {
      return Json(200, "OK", R"({"status":"success","data":["up","go_goroutines"]})");
    }
    if (req.target.find("/api/v1/query") != std::string::npos && req.method == "POST") {
      return Json(422, "Unprocessable Entity",
                  R"({"status":"error","errorType":"execution","error":"boom"})");
    }
    return Json(503, "Service Unavailable",
                R"({"status":"error","errorType":"unavailable",)"
                R"("error":"not ready"})");
  });
  ASSERT_TRUE(server.ok());
  const fs::path dir = LinkDir() / "repl-client";
  fs::create_directories(dir);
  testutil::WriteFileOrDie(dir / "auth.yml", "basic_auth:\n  username: u\n  password: p\n");
  fs::path program = testutil::LinkBinary(PROMKIT_BINARY, LinkDir() / "bin", "promkit");
  ProcessResult r = testutil::RunProcess(
      program,
      {"promkit", "repl", "--no-stats", "--url", server.Url("/prom"), "--http.config.file",
       (dir / "auth.yml").string(), "--header", "X-Scope-OrgID=team", "--query.lookback-delta",
       "2m", "-e", ".metrics", "-e", "up", "-e", ".labels"},
      "", PROMKIT_SOURCE_DIR);
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_EQ(r.out, "up\ngo_goroutines\n");
  EXPECT_EQ(r.err,
            "error (execution): boom\n"
            "error: server_error: server error: 503\n");
  std::vector<testutil::HttpRequest> seen = server.requests();
  ASSERT_GE(seen.size(), 3u);
  for (const testutil::HttpRequest& req : seen) {
    EXPECT_EQ(req.Header("Authorization"), "Basic dTpw") << req.target;
    EXPECT_EQ(req.Header("X-Scope-OrgID"), "team") << req.target;
    EXPECT_EQ(req.target.rfind("/prom/api/v1/", 0), 0u) << req.target;
  }

  // Nothing listens there: each statement fails with the transport error, the script goes on.
  const int port = testutil::FreeLoopbackPort();
  r = testutil::RunProcess(program,
                           {"promkit", "repl", "--url", fmt::format("http://127.0.0.1:{}", port),
                            "-e", "up", "-e", ".quit"},
                           "", PROMKIT_SOURCE_DIR);
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_NE(r.err.find("connection refused"), std::string::npos) << Show(r);

  r = testutil::RunProcess(program, {"promkit", "repl", "--url", server.Url(""), "data/"}, "",
                           PROMKIT_SOURCE_DIR);
  EXPECT_EQ(Show(r),
            Show({"", "promkit: error: give either a data directory or --url, not both\n", 1}));
}

// `query analyze --type=histogram` over a canned matrix: classic bucket groups (counts from the
// cumulative buckets sorted by `le`), native histograms (buckets per sample, distinct bounds),
// and the aggregated statistics; promtool 2.42 has no `query analyze`, so the figures were
// worked out by hand from upstream's definitions.
TEST(QueryClient, AnalyzeHistograms) {
  testutil::HttpServer server([](const testutil::HttpRequest& req) {
    if (req.method == "POST") return Json(405, "Method Not Allowed", "");
    auto bucket = [](const char* job, const char* le, std::initializer_list<int> counts) {
      std::string s = fmt::format(R"({{"metric":{{"__name__":"foo_bucket","job":"{}","le":"{}"}},)"
                                  R"("values":[)",
                                  job, le);
      int i = 0;
      for (int c : counts) {
        s += fmt::format(R"({}[{}.5,"{}"])", i > 0 ? "," : "", 100 + i, c);
        ++i;
      }
      return s + "]}";
    };
    std::string result = bucket("a", "+Inf", {31, 32, 40}) + "," +
                         bucket("a", "0.5", {10, 11, 11}) + "," + bucket("a", "10", {30, 31, 37}) +
                         "," + bucket("a", "2", {25, 26, 27}) + "," + bucket("b", "1", {0, 0, 5}) +
                         "," + bucket("b", "+Inf", {0, 2, 5});
    result += R"(,{"metric":{"__name__":"bar","job":"n"},"histograms":[)"
              R"([100.5,{"count":"4","sum":"1","buckets":[[0,"1","2","3"],[0,"2","4","1"]]}],)"
              R"([101.5,{"count":"4","sum":"1","buckets":[[0,"1","2","4"]]}]]})"
              R"(,{"metric":{"__name__":"one"},"histograms":[[100.5,{"count":"1","sum":"1"}]]})"
              R"(,{"metric":{"__name__":"plain"},"values":[[100.5,"1"],[101.5,"2"]]})";
    return Json(200, "OK",
                R"({"status":"success","data":{"resultType":"matrix","result":[)" + result + "]}}");
  });
  ASSERT_TRUE(server.ok());
  ProcessResult r =
      RunPromkit("promtool", {"query", "analyze", "--server", server.Url(""), "--type=histogram",
                              "--match", "{job=~\".+\"}", "--duration=90m", "--time=1000"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out,
            "Bucket stats for each histogram series over time\n"
            "------------------------------------------------\n"
            "First the min, avg, and max number of populated buckets, followed by the total\n"
            "number of buckets (only if different from the max number of populated buckets\n"
            "which is typical for classic but not native histograms).\n"
            "\n"
            "- bar{job=\"n\"} (native): 1/1.500/2\n"
            "- foo_bucket{job=\"a\"} (classic): 4/4.000/4\n"
            "- foo_bucket{job=\"b\"} (classic): 0/0.667/1/2\n"
            "\n"
            "Aggregated bucket stats\n"
            "-----------------------\n"
            "Each line shows min/avg/max over the series above.\n"
            "\n"
            "Native histogram series (1 in total):\n"
            "- min populated: 1/1.000/1\n"
            "- avg populated: 1/1.000/1\n"
            "- max populated: 2/2.000/2\n"
            "\n"
            "Classic histogram series (2 in total):\n"
            "- min populated: 0/2.000/4\n"
            "- avg populated: 0/2.000/4\n"
            "- max populated: 1/2.500/4\n"
            "- total: 2/3.000/4\n");
  std::vector<testutil::HttpRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].target, "/api/v1/query?query=%7Bjob%3D~%22.%2B%22%7D%5B1h30m0s%5D&time=1000");

  r = RunPromkit("promtool", {"query", "analyze", "--server", server.Url(""), "--type=summary",
                              "--match", "x"});
  EXPECT_EQ(Show(r), Show({"", "analyze type is summary, must be 'histogram'\n", 1}));
  r = RunPromkit("promtool", {"query", "analyze", "--server", server.Url(""), "--type=histogram",
                              "--match", "x", "--time=yesterday"});
  EXPECT_EQ(Show(r), Show({"",
                           "error parsing time 'yesterday': cannot parse \"yesterday\" to a valid "
                           "timestamp\n",
                           1}));
}

}  // namespace
}  // namespace promkit
