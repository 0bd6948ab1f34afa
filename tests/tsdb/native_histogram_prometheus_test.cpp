// Native histograms written by a real Prometheus: Debian's prometheus (2.42) with
// --enable-feature=native-histograms scrapes a loopback server that serves a native histogram in
// the protobuf exposition format, changing with every scrape; after SIGTERM promkit must read
// every scraped histogram back from the WAL and the m-mapped head chunks, exactly as served.
// Skipped (GTEST_SKIP) only when the binary is absent.

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "testutil/http_server.h"
#include "testutil/subprocess.h"
#include "tsdb_test_util.h"
#include "util/numbers.h"

namespace promkit::tsdb {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPrometheus = "/usr/bin/prometheus";

// Protobuf wire format, enough for io.prometheus.client.MetricFamily.
void Varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void Tag(std::string& out, int field, int wire) {
  Varint(out, static_cast<uint64_t>(field) << 3 | wire);
}
void Uint(std::string& out, int field, uint64_t v) {
  Tag(out, field, 0);
  Varint(out, v);
}
void Sint(std::string& out, int field, int64_t v) {
  Uint(out, field, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}
void Double(std::string& out, int field, double v) {
  Tag(out, field, 1);
  uint64_t b = 0;
  std::memcpy(&b, &v, 8);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(b >> (8 * i)));
}
void Bytes(std::string& out, int field, const std::string& b) {
  Tag(out, field, 2);
  Varint(out, b.size());
  out += b;
}

// Scrape k (1-based) serves: zero bucket k, buckets (0.5,1]:k and (1,2]:k+1 in schema 0, and from
// scrape 5 on also (4,8]:2 (a new bucket: Prometheus recodes its chunk); sum 1.5k.
std::string Expected(int k) {
  const uint64_t count = 3 * static_cast<uint64_t>(k) + 1 + (k >= 5 ? 2 : 0);
  std::string s = fmt::format("{{count:{}, sum:{}, [-0.001,0.001]:{}, (0.5,1]:{}, (1,2]:{}", count,
                              util::FormatFloat(1.5 * k), k, k, k + 1);
  if (k >= 5) s += ", (4,8]:2";
  return s + "}";
}

std::string Body(int k) {
  std::string span1, span2, h;
  Sint(span1, 1, 0);
  Uint(span1, 2, 2);
  Uint(h, 1, 3 * static_cast<uint64_t>(k) + 1 + (k >= 5 ? 2 : 0));  // sample_count
  Double(h, 2, 1.5 * k);                                            // sample_sum
  Sint(h, 5, 0);                                                    // schema
  Double(h, 6, 0.001);                                              // zero_threshold
  Uint(h, 7, static_cast<uint64_t>(k));                             // zero_count
  Bytes(h, 12, span1);                                              // positive_span
  if (k >= 5) {
    Sint(span2, 1, 1);
    Uint(span2, 2, 1);
    Bytes(h, 12, span2);
  }
  Sint(h, 13, k);  // positive_delta: k, k+1, (2)
  Sint(h, 13, 1);
  if (k >= 5) Sint(h, 13, 2 - (k + 1));
  std::string metric, mf, out;
  Bytes(metric, 7, h);
  Bytes(mf, 1, "nh_test");
  Bytes(mf, 2, "A native histogram.");
  Uint(mf, 3, 4);  // HISTOGRAM
  Bytes(mf, 4, metric);
  Varint(out, mf.size());
  return out + mf;
}

TEST(PrometheusNativeHistograms, PromkitReadsWhatPrometheusScraped) {
  if (!fs::exists(kPrometheus)) GTEST_SKIP() << "needs " << kPrometheus;
  std::atomic<int> served{0};
  testutil::HttpServer server([&](const testutil::HttpRequest&) {
    testutil::HttpResponse r;
    r.headers.push_back({"Content-Type",
                         "application/vnd.google.protobuf; proto=io.prometheus.client."
                         "MetricFamily; encoding=delimited"});
    r.body = Body(++served);
    return r;
  });
  ASSERT_TRUE(server.ok());
  testing::ScratchDir scratch;
  const std::string config = scratch.path() + "/prometheus.yml";
  testing::WriteAll(config, fmt::format("global:\n  scrape_interval: 50ms\n  scrape_timeout: 40ms\n"
                                        "scrape_configs:\n  - job_name: h\n    static_configs:\n"
                                        "      - targets: ['127.0.0.1:{}']\n",
                                        server.port()));
  const std::string data = scratch.path() + "/data";
  const std::string log = scratch.path() + "/prometheus.log";
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    const std::string cfg = "--config.file=" + config;
    const std::string path = "--storage.tsdb.path=" + data;
    const std::string listen =
        "--web.listen-address=127.0.0.1:" + std::to_string(testutil::FreeLoopbackPort());
    ::execl(kPrometheus, "prometheus", cfg.c_str(), path.c_str(), listen.c_str(),
            "--enable-feature=native-histograms", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // More than 120 scrapes, so that full chunks get m-mapped (bounded: 90 s).
  for (int i = 0; i < 900 && served < 140; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  server.Stop();
  ASSERT_GE(served.load(), 140) << testing::ReadAll(log);
  fs::remove(data + "/lock");

  std::vector<std::string> argv = {"promkit", "tsdb", "dump", data};
  testutil::ProcessResult ours = testutil::RunProcess(PROMKIT_BINARY, argv);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  // One line per scrape that made it into the WAL, in order, each the histogram served.
  std::istringstream in(ours.out);
  int last_k = 0, lines = 0, stale = 0;
  std::map<std::string, int> by_string;
  for (int k = 1; k <= served; ++k) by_string[Expected(k)] = k;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("{__name__=\"nh_test\"", 0) != 0) continue;
    const size_t open = line.find("} {");
    const size_t close = line.rfind(' ');
    ASSERT_NE(open, std::string::npos) << line;
    const std::string h = line.substr(open + 2, close - open - 2);
    if (h == "{count:0, sum:NaN}") {
      // A staleness marker: Prometheus writes one after a failed scrape (a timeout on a loaded
      // machine).
      ++stale;
      continue;
    }
    auto it = by_string.find(h);
    ASSERT_NE(it, by_string.end()) << "not a served histogram: " << line;
    EXPECT_GT(it->second, last_k) << line;
    last_k = it->second;
    ++lines;
  }
  // A scrape in flight at SIGTERM may be lost; every other one is there, unless scrapes failed
  // (then the served body was dropped by Prometheus, and a staleness marker written).
  EXPECT_GE(lines, stale == 0 ? served - 2 : 100) << ours.out.substr(0, 2000);
  // Full histogram chunks were m-mapped (their absence would make this test weaker).
  bool chunks = false;
  for (const auto& e : fs::directory_iterator(data + "/chunks_head")) {
    std::string b = testing::ReadAll(e.path().string());
    chunks = chunks || (b.size() > 8 && b.find_first_not_of('\0', 8) != std::string::npos);
  }
  EXPECT_TRUE(chunks);
}

}  // namespace
}  // namespace promkit::tsdb
