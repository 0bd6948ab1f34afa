// Native histograms through BlockBuilder: histogram chunks cut and recoded as upstream's head
// does, read back by promkit, and by Debian's Prometheus (2.42), which loads our block and must
// serve the same histograms over its HTTP API (that proves the encoder: Prometheus decodes with
// upstream's code; promtool 2.42 neither dumps nor analyzes histogram chunks).
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "testutil/http_server.h"
#include "testutil/subprocess.h"
#include "tsdb/block_writer.h"
#include "tsdb/meta.h"
#include "tsdb/tsdb_test_util.h"

namespace promkit::tsdb {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kTwoHours = 2 * 3600 * 1000;

// Sample i of a counter histogram: grows, gains a bucket at 100, resets at 200.
model::Histogram Counter(int i) {
  model::Histogram h;
  h.schema = 1;
  h.zero_threshold = 0.001;
  const int k = i < 200 ? i : i - 200;
  h.zero_count = static_cast<uint64_t>(k);
  h.positive_spans = {{-1, 3}};
  h.positive_buckets = {k, 1, -1};  // k, k+1, k
  uint64_t count = h.zero_count + 3 * static_cast<uint64_t>(k) + 1;
  if (i >= 100 && i < 200) {
    h.positive_spans.push_back({2, 1});
    h.positive_buckets.push_back(5 - k);  // 5
    count += 5;
  }
  h.negative_spans = {{0, 1}};
  h.negative_buckets = {2};
  h.count = count + 2;
  h.sum = 0.5 * i;
  return h;
}

std::vector<std::string> Sorted(const std::string& text) { return testing::SortedLines(text); }

constexpr const char* kPrometheus = "/usr/bin/prometheus";
constexpr const char* kCurl = "/usr/bin/curl";

// The "histograms" of a query_range answer of Prometheus's HTTP API as dump lines:
// [t,{"count":"c","sum":"s","buckets":[[rule,"lower","upper","count"],...]}] becomes
// `{__name__="<name>"} {count:c, sum:s, <bucket>...} <t ms>`, the bucket brackets from the
// boundary rule (0 "(]", 1 "[)", 2 "()", 3 "[]"). Empty buckets are not in the API answer,
// nor in String().
std::vector<std::string> FromJson(const std::string& name, const std::string& json) {
  std::vector<std::string> out;
  size_t pos = json.find("\"histograms\":[");
  if (pos == std::string::npos) return out;
  pos += 14;
  auto quoted = [&](size_t* p) {
    const size_t a = json.find('"', *p) + 1;
    const size_t b = json.find('"', a);
    *p = b + 1;
    return json.substr(a, b - a);
  };
  while (json.compare(pos, 1, "[") == 0) {
    const size_t comma = json.find(',', pos);
    const std::string ts = json.substr(pos + 1, comma - pos - 1);
    size_t p = json.find("\"count\":", comma) + 8;
    std::string line = "{__name__=\"" + name + "\"} {count:" + quoted(&p);
    p = json.find("\"sum\":", p) + 6;
    line += ", sum:" + quoted(&p);
    const size_t end = json.find("}]", p);
    size_t b = json.find("\"buckets\":[", p);
    if (b != std::string::npos && b < end) {
      p = b + 11;
      while (json.compare(p, 1, "[") == 0) {
        const int rule = json[p + 1] - '0';
        const std::string lo = quoted(&p), hi = quoted(&p), c = quoted(&p);
        line += std::string(", ") + ((rule == 1 || rule == 3) ? "[" : "(") + lo + "," + hi +
                ((rule == 0 || rule == 3) ? "]" : ")") + ":" + c;
        p = json.find(']', p) + 1;
        if (json.compare(p, 1, ",") == 0) ++p;
      }
    }
    line += "} " + ts + "000";
    out.push_back(line);
    pos = end + 2;
    if (json.compare(pos, 1, ",") == 0) ++pos;
  }
  return out;
}

TEST(BlockWriterHistograms, PromkitAndPrometheusReadOurHistogramChunks) {
  testing::ScratchDir dir;
  BlockBuilder b(kTwoHours);
  const int64_t base = 1700000000000 / kTwoHours * kTwoHours;
  auto counter = b.GetOrCreate(model::Labels::FromPairs({{"__name__", "h_counter"}}));
  auto floats = b.GetOrCreate(model::Labels::FromPairs({{"__name__", "h_float"}}));
  auto gauge = b.GetOrCreate(model::Labels::FromPairs({{"__name__", "h_gauge"}}));
  auto mixed = b.GetOrCreate(model::Labels::FromPairs({{"__name__", "h_mixed"}}));
  std::vector<std::string> want;
  for (int i = 0; i < 300; ++i) {
    const int64_t t = base + i * 15000;
    model::Histogram h = Counter(i);
    ASSERT_TRUE(b.AppendHistogram(counter, t, h).ok());
    want.push_back("{__name__=\"h_counter\"} " + h.String() + " " + std::to_string(t));
    if (i < 60) {
      model::FloatHistogram f = h.ToFloat();
      f.count += 0.25;
      f.zero_count += 0.25;
      ASSERT_TRUE(b.AppendFloatHistogram(floats, t, f).ok());
      want.push_back("{__name__=\"h_float\"} " + f.String() + " " + std::to_string(t));
      model::Histogram g = Counter((i * 37) % 100);  // goes up and down
      g.counter_reset_hint = model::CounterResetHint::kGauge;
      ASSERT_TRUE(b.AppendHistogram(gauge, t, g).ok());
      want.push_back("{__name__=\"h_gauge\"} " + g.String() + " " + std::to_string(t));
      // Floats and histograms alternating in runs: each switch cuts a chunk.
      if (i / 10 % 2 == 0) {
        ASSERT_TRUE(b.Append(mixed, t, i).ok());
        want.push_back("{__name__=\"h_mixed\"} " + std::to_string(i) + " " + std::to_string(t));
      } else {
        ASSERT_TRUE(b.AppendHistogram(mixed, t, h).ok());
        want.push_back("{__name__=\"h_mixed\"} " + h.String() + " " + std::to_string(t));
      }
    }
  }
  // Errors: out of order, duplicate, invalid.
  EXPECT_EQ(b.AppendHistogram(counter, base, Counter(1)).ToString(), "out of order sample");
  model::Histogram bad = Counter(1);
  bad.positive_buckets.pop_back();
  EXPECT_FALSE(b.AppendHistogram(counter, base + 300 * 15000, bad).ok());
  util::Result<BlockMeta> meta = b.Flush(dir.path());
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->stats.num_histogram_samples, 300u + 60 + 60 + 30);
  EXPECT_EQ(meta->stats.num_float_samples, 30u);
  std::sort(want.begin(), want.end());

  testutil::ProcessResult ours =
      testutil::RunProcess(PROMKIT_BINARY, {"promkit", "tsdb", "dump", dir.path()});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(Sorted(ours.out), want);

  // dump-openmetrics, as upstream, writes floats only and ends a series at its first histogram.
  testutil::ProcessResult om =
      testutil::RunProcess(PROMKIT_BINARY, {"promkit", "tsdb", "dump-openmetrics", dir.path()});
  ASSERT_EQ(om.exit_code, 0) << om.err;
  std::string want_om;
  for (int i = 0; i < 10; ++i) {
    want_om += fmt::format("h_mixed{{}} {} {}.{:03d}\n", i, (base + i * 15000) / 1000,
                           (base + i * 15000) % 1000);
  }
  EXPECT_EQ(om.out, want_om + "# EOF\n");

  // analyze --extended sees the histogram chunks.
  testutil::ProcessResult analyze = testutil::RunProcess(
      PROMKIT_BINARY, {"promkit", "tsdb", "analyze", "--extended", dir.path(), meta->ulid});
  ASSERT_EQ(analyze.exit_code, 0) << analyze.err;
  EXPECT_NE(analyze.out.find("buckets per histogram chunk"), std::string::npos) << analyze.out;

  // promtool 2.42 neither dumps nor analyzes histogram chunks, but Prometheus 2.42 serves
  // them: it loads our block and answers range queries with the same histograms.
  if (!fs::exists(kPrometheus) || !fs::exists(kCurl)) {
    GTEST_SKIP() << "needs " << kPrometheus << " and " << kCurl;
  }
  const int port = testutil::FreeLoopbackPort();
  const std::string config =
      dir.path() + "/../" + fs::path(dir.path()).filename().string() + ".yml";
  testing::WriteAll(config, "global:\n  scrape_interval: 1h\n");
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open("/dev/null", O_WRONLY);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    const std::string cfg = "--config.file=" + config;
    const std::string path = "--storage.tsdb.path=" + dir.path();
    const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port);
    ::execl(kPrometheus, "prometheus", cfg.c_str(), path.c_str(), listen.c_str(),
            "--storage.tsdb.retention.time=100y", "--enable-feature=native-histograms",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  bool ready = false;
  for (int i = 0; i < 300 && !ready; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ready = testutil::RunProcess(kCurl, {"curl", "-sf", url + "/-/ready"}).exit_code == 0;
  }
  std::vector<std::string> served;
  for (const auto& [name, last] : {std::pair{"h_counter", 299}, {"h_float", 59}, {"h_gauge", 59}}) {
    // Each series' own range: past its last sample the lookback would repeat it.
    testutil::ProcessResult r = testutil::RunProcess(
        kCurl, {"curl", "-sf",
                fmt::format("{}/api/v1/query_range?query={}&start={}&end={}&step=15", url, name,
                            base / 1000, base / 1000 + last * 15)});
    EXPECT_EQ(r.exit_code, 0) << name;
    for (std::string& l : FromJson(name, r.out)) served.push_back(std::move(l));
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  fs::remove(config);
  ASSERT_TRUE(ready);
  std::sort(served.begin(), served.end());
  std::vector<std::string> want_hist;
  for (const std::string& w : want) {
    if (w.find("h_mixed") == std::string::npos) want_hist.push_back(w);
  }
  EXPECT_EQ(served.size(), want_hist.size());
  std::vector<std::string> only_served, only_want;
  std::set_difference(served.begin(), served.end(), want_hist.begin(), want_hist.end(),
                      std::back_inserter(only_served));
  std::set_difference(want_hist.begin(), want_hist.end(), served.begin(), served.end(),
                      std::back_inserter(only_want));
  EXPECT_TRUE(only_served.empty() && only_want.empty())
      << "Prometheus served, not written:\n"
      << (only_served.empty() ? "" : only_served[0]) << "\nwritten, not served:\n"
      << (only_want.empty() ? "" : only_want[0]) << "\n(" << only_served.size() << " and "
      << only_want.size() << " lines)";
}

}  // namespace
}  // namespace promkit::tsdb
