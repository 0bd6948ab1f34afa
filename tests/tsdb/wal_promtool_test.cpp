// `promkit tsdb dump/list` over live data directories (blocks + WAL checkpoint + WAL segments +
// m-mapped head chunks) against Debian's promtool 2.42 on the same bytes:
//   - testdata/tsdb/wal_live, made by make_wal_fixture.sh, with promtool's dump committed
//     beside it (wal_live.dump), so the comparison runs without Debian's packages too;
//   - a directory written at test time by Debian's prometheus, stopped with SIGTERM (m-mapped
//     chunks flushed) then restarted and killed with SIGKILL (the WAL left as a crash leaves it).
// promkit must leave every directory it reads byte-for-byte unchanged.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "testutil/http_server.h"
#include "testutil/subprocess.h"
#include "tsdb_test_util.h"
#include "util/varint.h"
#include "wal_test_util.h"

namespace promkit::tsdb {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPromtool = "/usr/bin/promtool";
constexpr const char* kPrometheus = "/usr/bin/prometheus";

testutil::ProcessResult Promkit(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"promkit"};
  argv.insert(argv.end(), args.begin(), args.end());
  return testutil::RunProcess(PROMKIT_BINARY, argv, "", PROMKIT_SOURCE_DIR);
}

// promtool 2.42 may write into the directory it reads: it gets a copy.
testutil::ProcessResult Promtool(const testing::ScratchDir& scratch, const std::string& db,
                                 std::vector<std::string> args) {
  static int copies = 0;
  std::string copy = scratch.path() + "/promtool-copy-" + std::to_string(copies++);
  fs::copy(db, copy, fs::copy_options::recursive);
  std::vector<std::string> argv = {"promtool"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(copy);
  return testutil::RunProcess(kPromtool, argv);
}

// "" when equal, else where two dumps first differ (the dumps are too long to print).
std::string FirstDifference(const std::string& ours, const std::string& theirs) {
  if (ours == theirs) return "";
  std::istringstream a(ours), b(theirs);
  std::string la, lb;
  for (int line = 1;; ++line) {
    bool more_a = static_cast<bool>(std::getline(a, la));
    bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a || !more_b || la != lb) {
      return "line " + std::to_string(line) + ": ours \"" + (more_a ? la : "<end>") +
             "\", promtool's \"" + (more_b ? lb : "<end>") + "\"";
    }
  }
}

std::string FixturePath() { return std::string(PROMKIT_SOURCE_DIR) + "/testdata/tsdb/wal_live"; }

TEST(WalLive, DumpIsPromtoolsCommittedDumpByteForByte) {
  auto before = testing::Snapshot(FixturePath());
  testutil::ProcessResult ours = Promkit({"tsdb", "dump", "testdata/tsdb/wal_live"});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.err, "");
  std::string want = testing::ReadAll(testing::Fixture("wal_live.dump"));
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(FirstDifference(ours.out, want), "");
  EXPECT_TRUE(testing::Snapshot(FixturePath()) == before);
}

TEST(WalLive, FixtureHasEveryPart) {
  // What the comparisons above and below rely on being exercised.
  const std::string d = FixturePath();
  EXPECT_TRUE(fs::is_directory(d + "/wal/checkpoint.00000002"));
  EXPECT_TRUE(fs::exists(d + "/wal/00000003"));
  EXPECT_GT(fs::file_size(d + "/chunks_head/000005"), 8u);
  int blocks = 0;
  for (const auto& e : fs::directory_iterator(d))
    blocks += e.path().filename().string().size() == 26;
  EXPECT_EQ(blocks, 2);
}

class WalLiveAgainstPromtool : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(WalLiveAgainstPromtool, SameDump) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << "no " << kPromtool;
  testing::ScratchDir scratch;
  std::vector<std::string> args = {"tsdb", "dump"};
  args.insert(args.end(), GetParam().begin(), GetParam().end());
  testutil::ProcessResult theirs = Promtool(scratch, FixturePath(), args);
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  args.push_back("testdata/tsdb/wal_live");
  testutil::ProcessResult ours = Promkit(args);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  // Same order too: merged and sorted, or (head only) in series-ref order.
  EXPECT_EQ(FirstDifference(ours.out, theirs.out), "");
}

// Blocks end at 1795305080000 (exclusive); the head's m-mapped chunks start at 1795305080059.
INSTANTIATE_TEST_SUITE_P(
    Tsdb, WalLiveAgainstPromtool,
    ::testing::Values(
        std::vector<std::string>{}, std::vector<std::string>{"--min-time=1795305070000"},
        std::vector<std::string>{"--max-time=1795305075000"},  // blocks only
        std::vector<std::string>{"--max-time=1795305085000"},
        // Head only; go_goroutines is left to TrimmingDeviates... below.
        std::vector<std::string>{"--min-time=1795305095000",
                                 "--match={job=\"self\",__name__!=\"go_goroutines\"}"},
        std::vector<std::string>{"--match=up"},
        std::vector<std::string>{"--match={__name__=~\"scrape_.+\",job=\"self\"}",
                                 "--min-time=1795305081000"},
        std::vector<std::string>{"--match={__name__!=\"go_goroutines\"}",
                                 "--min-time=1795305081000", "--max-time=1795305090000"}));

TEST(WalLiveAgainstPromtool, TrimmingDeviatesOnlyWherePromtool242Overflows) {
  // promtool 2.42 adds the "before min time" interval to a series' tombstones with an int64
  // overflow (fixed in 3.x): for a tombstoned series whose chunk starts before --min-time it
  // prints samples before it. promkit trims as 3.x. go_goroutines has a WAL tombstone.
  if (!fs::exists(kPromtool)) GTEST_SKIP() << "no " << kPromtool;
  testing::ScratchDir scratch;
  const std::vector<std::string> args = {"tsdb", "dump", "--min-time=1795305081000",
                                         "--max-time=1795305090000"};
  testutil::ProcessResult theirs = Promtool(scratch, FixturePath(), args);
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  std::vector<std::string> with_path = args;
  with_path.push_back("testdata/tsdb/wal_live");
  testutil::ProcessResult ours = Promkit(with_path);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  std::string theirs_in_range;
  int extra = 0;
  std::istringstream in(theirs.out);
  for (std::string line; std::getline(in, line);) {
    int64_t ts = std::stoll(line.substr(line.rfind(' ') + 1));
    if (ts < 1795305081000) {
      EXPECT_TRUE(line.starts_with("{__name__=\"go_goroutines\"")) << line;
      ++extra;
      continue;
    }
    theirs_in_range += line + "\n";
  }
  EXPECT_GT(extra, 0);
  EXPECT_EQ(FirstDifference(ours.out, theirs_in_range), "");
}

TEST(WalLiveAgainstPromtool, ListShowsOnlyBlocks) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << "no " << kPromtool;
  testing::ScratchDir scratch;
  testutil::ProcessResult theirs = Promtool(scratch, FixturePath(), {"tsdb", "list"});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  testutil::ProcessResult ours = Promkit({"tsdb", "list", "testdata/tsdb/wal_live"});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.out, theirs.out);
}

TEST(WalLive, DamageInTheRealWal) {
  const std::string golden = testing::ReadAll(testing::Fixture("wal_live.dump"));
  {
    // A flipped byte in a segment before the last: the dump fails naming file and offset.
    testing::ScratchDir dir;
    std::string db = dir.CopyFixture("wal_live");
    std::string seg = testing::ReadAll(db + "/wal/00000005");
    seg[100] ^= 0x01;
    testing::WriteAll(db + "/wal/00000005", seg);
    testutil::ProcessResult ours = Promkit({"tsdb", "dump", db});
    EXPECT_EQ(ours.exit_code, 1);
    EXPECT_TRUE(ours.err.starts_with("read WAL: read records: corruption in segment " + db +
                                     "/wal/00000005 at "))
        << ours.err;
    EXPECT_NE(ours.err.find(": unexpected checksum "), std::string::npos) << ours.err;
    // Queries the blocks alone answer never read the WAL.
    ours = Promkit({"tsdb", "dump", "--max-time=1795305070000", db});
    EXPECT_EQ(ours.exit_code, 0) << ours.err;
  }
  {
    // The last segment cut inside a record, as a copy of a live directory can be: the records
    // before the cut are dumped, with a warning.
    testing::ScratchDir dir;
    std::string db = dir.CopyFixture("wal_live");
    fs::remove(db + "/wal/00000007");  // empty: make 00000006 the last segment
    std::string seg = testing::ReadAll(db + "/wal/00000006");
    size_t last = 0;  // the last fragment: walk the headers up to the zero padding
    for (size_t off = 0; off + 7 <= seg.size() && seg[off] != 0;
         off += 7 + util::BigEndian16(seg.data() + off + 1)) {
      last = off;
    }
    ASSERT_GT(last, 0u);
    testing::WriteAll(db + "/wal/00000006", seg.substr(0, last + 20));
    testutil::ProcessResult ours = Promkit({"tsdb", "dump", db});
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    EXPECT_TRUE(ours.err.starts_with("promkit: warning: WAL ends inside a record (" + db +
                                     "/wal/00000006 at "))
        << ours.err;
    std::vector<std::string> got = testing::SortedLines(ours.out);
    std::vector<std::string> all = testing::SortedLines(golden);
    EXPECT_LT(got.size(), all.size());
    EXPECT_GT(got.size(), all.size() / 2);
    EXPECT_TRUE(std::includes(all.begin(), all.end(), got.begin(), got.end()));
  }
}

// The body of GET http://127.0.0.1:<port><path> (HTTP/1.0, headers included), or "".
std::string HttpGet(int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req = "GET " + path + " HTTP/1.0\r\n\r\n";
    if (::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[65536];
      for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
        out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

// The value of an unlabelled metric in a text exposition, or -1.
double MetricValue(const std::string& exposition, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const size_t at = exposition.find(key);
  return at == std::string::npos ? -1 : std::strtod(exposition.c_str() + at + key.size(), nullptr);
}

// Runs Debian's prometheus on `data` until `segment` of its WAL holds `min_bytes`, then for
// `extra` more (and, with `until`, until it holds as well), then sends `sig`. Returns false if
// that never happened within a minute.
bool RunPrometheus(const std::string& config, const std::string& data, int port,
                   const std::string& segment, uintmax_t min_bytes, std::chrono::seconds extra,
                   int sig, const std::string& log, const std::function<bool()>& until = nullptr) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::string cfg = "--config.file=" + config;
    std::string path = "--storage.tsdb.path=" + data;
    std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port);
    ::execl(kPrometheus, "prometheus", cfg.c_str(), path.c_str(), listen.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const std::string seg = data + "/wal/" + segment;
  bool ready = false;
  for (int i = 0; i < 600 && !ready; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::error_code ec;
    ready = fs::exists(seg) && fs::file_size(seg, ec) >= min_bytes;
  }
  if (ready) std::this_thread::sleep_for(extra);
  if (ready && until) {
    ready = false;
    for (int i = 0; i < 600 && !ready; ++i) {
      ready = until();
      if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ::kill(pid, ready ? sig : SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return ready;
}

TEST(FreshDataDir, PromkitDumpsWhatPromtoolDumps) {
  if (!fs::exists(kPromtool) || !fs::exists(kPrometheus)) {
    GTEST_SKIP() << "needs " << kPromtool << " and " << kPrometheus;
  }
  testing::ScratchDir scratch;
  const int port = testutil::FreeLoopbackPort();
  const std::string config = scratch.path() + "/prometheus.yml";
  testing::WriteAll(config,
                    "global:\n  scrape_interval: 25ms\n  scrape_timeout: 20ms\n"
                    "scrape_configs:\n  - job_name: self\n    static_configs:\n"
                    "      - targets: ['127.0.0.1:" +
                        std::to_string(port) +
                        "']\n"
                        "    metric_relabel_configs:\n      - source_labels: [__name__]\n"
                        "        regex: 'go_.*|prometheus_tsdb_head_.*|process_.*'\n"
                        "        action: keep\n");
  const std::string data = scratch.path() + "/data";
  const std::string log = scratch.path() + "/prometheus.log";
  // At least 4 s of scrapes at 25 ms, and on until the head holds more chunks than series (some
  // series had a chunk cut, which m-maps the full one; a loaded machine scrapes less often);
  // SIGTERM flushes them.
  auto chunk_cut = [port] {
    const std::string m = HttpGet(port, "/metrics");
    const double series = MetricValue(m, "prometheus_tsdb_head_series");
    return series > 0 && MetricValue(m, "prometheus_tsdb_head_chunks") > series;
  };
  ASSERT_TRUE(RunPrometheus(config, data, port, "00000000", 1, std::chrono::seconds(4), SIGTERM,
                            log, chunk_cut))
      << testing::ReadAll(log);
  ASSERT_TRUE(
      RunPrometheus(config, data, port, "00000001", 1, std::chrono::seconds(2), SIGKILL, log))
      << testing::ReadAll(log);
  fs::remove(data + "/queries.active");
  fs::remove(data + "/lock");

  auto before = testing::Snapshot(data);
  testutil::ProcessResult ours = Promkit({"tsdb", "dump", data});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.err, "");
  EXPECT_TRUE(testing::Snapshot(data) == before) << "promkit changed " << data;
  EXPECT_FALSE(fs::exists(data + "/lock"));

  // A head without blocks, dumped over the whole time range: promtool 2.42 also merges in an
  // empty out-of-order head querier (its empty range [MaxInt64, MinInt64] "overlaps" exactly
  // [MinInt64, MaxInt64]) and so sorts by labels; 3.x, like promkit, has one head querier and
  // keeps the head's series-ref order. Same lines either way.
  testutil::ProcessResult theirs = Promtool(scratch, data, {"tsdb", "dump"});
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  const std::vector<std::string> lines = testing::SortedLines(ours.out);
  EXPECT_GT(lines.size(), 1000u);
  EXPECT_TRUE(lines == testing::SortedLines(theirs.out)) << "different samples";
  // Any other time range gives promtool 2.42 one querier too: byte for byte, order included.
  testutil::ProcessResult ours_ranged = Promkit({"tsdb", "dump", "--min-time=0", data});
  ASSERT_EQ(ours_ranged.exit_code, 0) << ours_ranged.err;
  EXPECT_EQ(FirstDifference(ours_ranged.out, ours.out), "");
  testutil::ProcessResult theirs_ranged = Promtool(scratch, data, {"tsdb", "dump", "--min-time=0"});
  ASSERT_EQ(theirs_ranged.exit_code, 0) << theirs_ranged.err;
  EXPECT_EQ(FirstDifference(ours_ranged.out, theirs_ranged.out), "");

  // The m-mapped chunks were part of it (their absence would make this test weaker).
  bool chunks = false;
  for (const auto& e : fs::directory_iterator(data + "/chunks_head")) {
    std::string b = testing::ReadAll(e.path().string());
    chunks = chunks || (b.size() > 8 && b.find_first_not_of('\0', 8) != std::string::npos);
  }
  EXPECT_TRUE(chunks);
}

}  // namespace
}  // namespace promkit::tsdb
