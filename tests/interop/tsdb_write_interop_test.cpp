// promkit's block writes against Debian's promtool: blocks promtool backfilled (several 2h
// blocks and overlapping ones) are compacted, deleted from and cleaned by promkit, and promtool
// then reads the result: its dump is the input's dump (less what was deleted) and its analyze
// succeeds. promkit's own dump of promtool's blocks must equal promtool's.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPromtool = "/usr/bin/promtool";
constexpr int64_t kHourSec = 3600;

class Scratch {
 public:
  Scratch() {
    std::string tmpl = (fs::temp_directory_path() / "promkit-interop-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::string> Sorted(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  std::sort(out.begin(), out.end());
  return out;
}

testutil::ProcessResult Run(const char* program, const char* argv0,
                            const std::vector<std::string>& args) {
  std::vector<std::string> argv = {argv0};
  argv.insert(argv.end(), args.begin(), args.end());
  return testutil::RunProcess(program, argv);
}

testutil::ProcessResult Promkit(const std::vector<std::string>& args) {
  return Run(PROMKIT_BINARY, "promkit", args);
}

testutil::ProcessResult Promtool(const std::vector<std::string>& args) {
  return Run(kPromtool, "promtool", args);
}

// promtool 2.42 writes into the directory it reads (a sandbox, chunks_head/) and needs wal/:
// it gets a fresh copy each time.
std::string PromtoolCopy(const std::string& db, const std::string& scratch) {
  static int n = 0;
  const std::string copy = fmt::format("{}/promtool-copy-{}", scratch, n++);
  fs::copy(db, copy, fs::copy_options::recursive);
  fs::create_directories(copy + "/wal");
  return copy;
}

std::vector<std::string> PromtoolDump(const std::string& db, const std::string& scratch) {
  testutil::ProcessResult r = Promtool({"tsdb", "dump", PromtoolCopy(db, scratch)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return Sorted(r.out);
}

// Equal line lists, or a failure naming the sizes and the first lines only one side has.
::testing::AssertionResult SameLines(const std::vector<std::string>& got,
                                     const std::vector<std::string>& want) {
  if (got == want) return ::testing::AssertionSuccess();
  std::vector<std::string> extra, missing;
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                      std::back_inserter(missing));
  ::testing::AssertionResult r = ::testing::AssertionFailure();
  r << got.size() << " lines, want " << want.size() << "; " << extra.size() << " unexpected, "
    << missing.size() << " missing";
  for (size_t i = 0; i < std::min<size_t>(extra.size(), 5); ++i)
    r << "\n  unexpected: " << extra[i];
  for (size_t i = 0; i < std::min<size_t>(missing.size(), 5); ++i)
    r << "\n  missing: " << missing[i];
  return r;
}

size_t CountBlocks(const std::string& db) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(db)) n += fs::exists(e.path() / "meta.json") ? 1 : 0;
  return n;
}

// OpenMetrics input over [from, to) seconds: counters, gauges with decimals, a series with a
// gap, every `step` seconds. Values depend on the time only, so inputs that overlap agree where
// their timestamps meet (which of two different values a merge keeps is unspecified upstream).
std::string OpenMetrics(int64_t from, int64_t to, int64_t step, const std::string& job) {
  std::string out = "# TYPE http_requests counter\n";
  for (int s = 0; s < 4; ++s) {
    for (int64_t t = from; t < to; t += step) {
      out += fmt::format("http_requests_total{{job=\"{}\",code=\"{}\"}} {} {}\n", job, 200 + s,
                         static_cast<double>(t) / 10 * (s + 1), t);
    }
  }
  out += "# TYPE temperature gauge\n";
  for (int64_t t = from; t < to; t += step) {
    if ((t / 600) % 7 == 3) continue;  // gaps
    out += fmt::format("temperature{{job=\"{}\"}} {} {}\n", job,
                       std::round(std::sin(static_cast<double>(t) / 5000) * 1e4) / 100, t);
  }
  out += "# EOF\n";
  return out;
}

class TsdbWriteInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kPromtool)) {
      GTEST_SKIP() << kPromtool << " is absent (Debian's prometheus package provides it)";
    }
    db_ = scratch_.path() + "/db";
    fs::create_directories(db_);
    // Seven 2h blocks from one input; overlapping ones from a second with the same series at
    // shifted and equal timestamps and a series of its own, all to be merged vertically.
    Backfill(OpenMetrics(0, 14 * kHourSec, 30, "api"), "a.om");
    Backfill(OpenMetrics(3 * kHourSec, 5 * kHourSec, 45, "api"), "b.om");
    Backfill(OpenMetrics(3 * kHourSec, 9 * kHourSec, 60, "batch"), "c.om");
  }

  void Backfill(const std::string& text, const std::string& name) {
    const std::string file = scratch_.path() + "/" + name;
    testutil::WriteFileOrDie(file, text);
    testutil::ProcessResult r = Promtool({"tsdb", "create-blocks-from", "openmetrics", file, db_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  Scratch scratch_;
  std::string db_;
};

TEST_F(TsdbWriteInterop, PromkitReadsPromtoolBlocksAsPromtoolDoes) {
  testutil::ProcessResult ours = Promkit({"tsdb", "dump", db_});
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  const std::vector<std::string> theirs = PromtoolDump(db_, scratch_.path());
  EXPECT_GT(theirs.size(), 10000u);
  EXPECT_TRUE(SameLines(Sorted(ours.out), theirs));
}

TEST_F(TsdbWriteInterop, CompactKeepsEverySample) {
  const std::vector<std::string> before = PromtoolDump(db_, scratch_.path());
  const size_t blocks_before = CountBlocks(db_);
  ASSERT_GE(blocks_before, 10u);

  // --dry-run changes nothing.
  std::vector<std::string> listing;
  for (const auto& e : fs::recursive_directory_iterator(db_)) listing.push_back(e.path());
  testutil::ProcessResult dry = Promkit({"tsdb", "compact", "--dry-run", db_});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("would compact"), std::string::npos) << dry.out;
  std::vector<std::string> after_dry;
  for (const auto& e : fs::recursive_directory_iterator(db_)) after_dry.push_back(e.path());
  EXPECT_EQ(after_dry, listing);

  testutil::ProcessResult r = Promkit({"tsdb", "compact", db_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("compacted "), std::string::npos) << r.out;
  EXPECT_LT(CountBlocks(db_), blocks_before);
  EXPECT_TRUE(SameLines(PromtoolDump(db_, scratch_.path()), before));
  testutil::ProcessResult analyze =
      Promtool({"tsdb", "analyze", PromtoolCopy(db_, scratch_.path())});
  EXPECT_EQ(analyze.exit_code, 0) << analyze.err;
  EXPECT_NE(analyze.out.find("Block ID:"), std::string::npos);
  // promtool lists every block, and analyzes the compacted ones too.
  testutil::ProcessResult list = Promtool({"tsdb", "list", PromtoolCopy(db_, scratch_.path())});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  for (const auto& e : fs::directory_iterator(db_)) {
    if (!fs::exists(e.path() / "meta.json")) continue;
    const std::string ulid = e.path().filename().string();
    EXPECT_NE(list.out.find(ulid), std::string::npos) << ulid;
    testutil::ProcessResult a =
        Promtool({"tsdb", "analyze", PromtoolCopy(db_, scratch_.path()), ulid});
    EXPECT_EQ(a.exit_code, 0) << ulid << ": " << a.err;
  }
  // A second run has nothing left to do.
  testutil::ProcessResult again = Promkit({"tsdb", "compact", db_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("nothing to compact"), std::string::npos) << again.out;
}

TEST_F(TsdbWriteInterop, DeleteThenCleanTombstonesRemovesOnlyTheMatchedRange) {
  const std::vector<std::string> before = PromtoolDump(db_, scratch_.path());
  const int64_t mint = 4 * kHourSec * 1000 + 123, maxt = 11 * kHourSec * 1000;
  testutil::ProcessResult del =
      Promkit({"tsdb", "delete", "--match", "http_requests_total{code=~\"20[01]\"}", "--match",
               "temperature{job=\"batch\"}", "--min-time", std::to_string(mint), "--max-time",
               std::to_string(maxt), db_});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  std::vector<std::string> want;
  for (const std::string& line : before) {
    const size_t sp = line.rfind(' ');
    const int64_t t = std::stoll(line.substr(sp + 1));
    const bool matched = (line.rfind("{__name__=\"http_requests_total\", code=\"200\"", 0) == 0 ||
                          line.rfind("{__name__=\"http_requests_total\", code=\"201\"", 0) == 0 ||
                          line.rfind("{__name__=\"temperature\", job=\"batch\"}", 0) == 0);
    if (matched && t >= mint && t <= maxt) continue;
    want.push_back(line);
  }
  ASSERT_LT(want.size(), before.size());
  ASSERT_GT(want.size(), before.size() / 2);
  // promtool reads the tombstones promkit wrote...
  EXPECT_TRUE(SameLines(PromtoolDump(db_, scratch_.path()), want));
  // ...and the blocks clean-tombstones rewrites.
  testutil::ProcessResult clean = Promkit({"tsdb", "clean-tombstones", db_});
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_TRUE(SameLines(PromtoolDump(db_, scratch_.path()), want));
  testutil::ProcessResult analyze =
      Promtool({"tsdb", "analyze", PromtoolCopy(db_, scratch_.path())});
  EXPECT_EQ(analyze.exit_code, 0) << analyze.err;
  // Then compaction over the cleaned blocks still keeps exactly that.
  testutil::ProcessResult r = Promkit({"tsdb", "compact", db_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(SameLines(PromtoolDump(db_, scratch_.path()), want));
}

std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    out[e.path().string()] = e.is_regular_file() ? testutil::ReadFileOrEmpty(e.path()) : "<dir>";
  }
  return out;
}

TEST_F(TsdbWriteInterop, CompactOverABadChunkFailsAndChangesNothing) {
  testutil::ProcessResult dry = Promkit({"tsdb", "compact", "--dry-run", db_});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  // The first block of the first step: "would compact N blocks into ...: <ULID> [mint, maxt), ..."
  const size_t colon = dry.out.find("): ");
  ASSERT_NE(colon, std::string::npos) << dry.out;
  const std::string ulid = dry.out.substr(colon + 3, 26);
  const std::string seg = db_ + "/" + ulid + "/chunks/000001";
  std::string bytes = testutil::ReadFileOrEmpty(seg);
  ASSERT_GT(bytes.size(), 40u);
  bytes[16] = static_cast<char>(bytes[16] ^ 0x01);  // inside the first chunk's data
  testutil::WriteFileOrDie(seg, bytes);
  const std::map<std::string, std::string> before = Snapshot(db_);

  testutil::ProcessResult r = Promkit({"tsdb", "compact", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(seg), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("offset 8"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(db_), before);
}

}  // namespace
}  // namespace promkit
