// `promkit scrape --config.file` end to end through the built binary: jobs chosen with --job,
// static and file discovery, relabel_configs dropping targets, params on the wire, target_limit,
// down targets, --output-dir blocks read back by `promkit tsdb dump` (and Debian's promtool
// when installed), and the errors for unknown jobs and conflicting flags.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/http_server.h"
#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
using testutil::HttpRequest;
using testutil::HttpResponse;
using testutil::HttpServer;

bool Contains(const std::string& s, std::string_view what) {
  return s.find(what) != std::string::npos;
}

HttpServer::Handler ServeText() {
  return [](const HttpRequest&) {
    HttpResponse r;
    r.headers = {{"Content-Type", "text/plain; version=0.0.4"}};
    r.body = "# TYPE foo counter\nfoo_total{a=\"1\"} 3\nbar 1.5\n";
    return r;
  };
}

class ScrapeConfigCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("promkit_scrape_cfg_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    testutil::WriteFileOrDie(path, text);
    return path;
  }

  testutil::ProcessResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"promkit", "scrape"});
    return testutil::RunProcess(PROMKIT_BINARY, args);
  }

  fs::path dir_;
};

TEST_F(ScrapeConfigCommand, JobsRelabelingAndDownTargets) {
  HttpServer server(ServeText());
  ASSERT_TRUE(server.ok());
  const std::string addr = "127.0.0.1:" + std::to_string(server.port());
  const std::string down = "127.0.0.1:" + std::to_string(testutil::FreeLoopbackPort());
  const std::string cfg = Write("prometheus.yml", R"(
scrape_configs:
  - job_name: web
    params:
      module: [m1]
    static_configs:
      - targets: [)" + addr + R"(, skip.invalid:1]
        labels: {env: dev}
    relabel_configs:
      - source_labels: [__address__]
        regex: skip.*
        action: drop
  - job_name: gone
    static_configs:
      - targets: [)" + down + R"(]
)");
  auto r = Run({"--config.file", cfg, "--job", "web"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string labels = "env=\"dev\",instance=\"" + addr + "\",job=\"web\"}";
  EXPECT_TRUE(Contains(r.out, "foo_total{a=\"1\"," + labels + " 3\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "up{" + labels + " 1\n")) << r.out;
  EXPECT_FALSE(Contains(r.out, "skip.invalid")) << r.out;
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].target, "/metrics?module=m1");

  // Every job when none is named: the down one fails the run and says why.
  r = Run({"--config.file", cfg, "--format", "json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "\"health\": \"down\"")) << r.out;
  EXPECT_TRUE(Contains(r.out, "\"job\": \"gone\"")) << r.out;
  EXPECT_TRUE(Contains(r.err, "connection refused")) << r.err;
}

TEST_F(ScrapeConfigCommand, FileDiscoveryAndTargetLimit) {
  HttpServer server(ServeText());
  ASSERT_TRUE(server.ok());
  const std::string addr = "127.0.0.1:" + std::to_string(server.port());
  Write("targets.json", R"([{"targets": [")" + addr + R"("], "labels": {"team": "t1"}}])");
  const std::string cfg = Write("prometheus.yml", R"(
scrape_configs:
  - job_name: files
    file_sd_configs:
      - files: [targets.json]
  - job_name: limited
    target_limit: 1
    static_configs:
      - targets: [)" + addr + R"(, 127.0.0.1:1]
)");
  auto r = Run({"--config.file", cfg, "--job", "files"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "bar{instance=\"" + addr + "\",job=\"files\",team=\"t1\"} 1.5\n"))
      << r.out;

  const size_t before = server.requests().size();
  r = Run({"--config.file", cfg, "--job", "limited"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "target_limit exceeded (number of targets: 2, limit: 1)")) << r.err;
  EXPECT_EQ(server.requests().size(), before);  // nothing scraped
}

TEST_F(ScrapeConfigCommand, OutputDirHoldsABlockOfTheSamples) {
  HttpServer server(ServeText());
  ASSERT_TRUE(server.ok());
  const std::string addr = "127.0.0.1:" + std::to_string(server.port());
  const std::string cfg = Write("prometheus.yml", R"(
scrape_configs:
  - job_name: web
    static_configs:
      - targets: [)" + addr + R"(]
)");
  const std::string out = (dir_ / "data" / "nested").string();
  auto r = Run({"--config.file", cfg, "--output-dir", out, "--exposed-only"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "wrote block " + out + "/")) << r.err;
  EXPECT_TRUE(Contains(r.err, "(2 series, 2 samples)")) << r.err;

  auto dump = testutil::RunProcess(PROMKIT_BINARY, {"promkit", "tsdb", "dump", out});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_TRUE(Contains(dump.out, "{__name__=\"bar\", instance=\"" + addr + "\", job=\"web\"} 1.5 "))
      << dump.out;
  EXPECT_TRUE(Contains(
      dump.out, "{__name__=\"foo_total\", a=\"1\", instance=\"" + addr + "\", job=\"web\"} 3 "))
      << dump.out;
  EXPECT_FALSE(Contains(dump.out, "__name__=\"up\""));  // --exposed-only

  if (!fs::exists("/usr/bin/promtool")) {
    GTEST_SKIP() << "Debian's promtool is not installed; the block was checked with promkit only";
  }
  fs::create_directories(fs::path(out) / "wal");  // promtool 2.42's dump opens a whole DB
  auto theirs = testutil::RunProcess("/usr/bin/promtool", {"promtool", "tsdb", "dump", out});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  EXPECT_EQ(theirs.out, dump.out);
}

TEST_F(ScrapeConfigCommand, Errors) {
  const std::string cfg = Write("prometheus.yml", R"(
scrape_configs:
  - job_name: a
  - job_name: b
)");
  auto r = Run({"--config.file", cfg, "--job", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "promkit: error: job \"nope\" not found in " + cfg + " (jobs: a, b)\n");

  r = Run({"--config.file", cfg, "--timeout", "3s"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "--config.file excludes --timeout")) << r.err;

  r = Run({"--config.file", cfg, "http://127.0.0.1:1/metrics"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "give target URLs or --config.file (not both)")) << r.err;

  r = Run({});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "give target URLs or --config.file")) << r.err;

  const std::string bad = Write("bad.yml", "scrape_configs:\n  - job_name: a\n    foo: 1\n");
  r = Run({"--config.file", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "line 3: field foo not found in type config.ScrapeConfig")) << r.err;
}

}  // namespace
}  // namespace promkit
