// tsdb analyze: AnalyzeBlock on the fixtures, and `promkit tsdb analyze` against Debian's
// promtool 2.42 on the same blocks (identical but for 3.x's changes: "Total Series", and the
// extended report, which 3.x rewrote).
#include "tsdb/analyze.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/subprocess.h"
#include "tsdb_test_util.h"

namespace promkit::tsdb {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPromtool = "/usr/bin/promtool";

std::vector<model::Matcher> Matchers(
    std::initializer_list<std::tuple<model::MatchType, const char*, const char*>> ms) {
  std::vector<model::Matcher> out;
  for (const auto& [t, n, v] : ms) out.push_back(*model::Matcher::Make(t, n, v));
  return out;
}

TEST(Analyze, OpensNewestBlockByUlidTime) {
  util::Result<std::shared_ptr<Block>> b =
      OpenBlockToAnalyze(testing::Fixture("basic"), std::string());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ((*b)->meta().ulid, "01M7ZXFACEBW0379SAQ37YZHV1");
  const std::pair<std::string, std::string> errors[] = {
      {"nope",
       "opening the db dir: stat " + testing::Fixture("nope") + ": no such file or directory"},
      {"", "no blocks found"},
  };
  for (const auto& [dir, want] : errors) {
    SCOPED_TRACE(dir);
    util::Result<std::shared_ptr<Block>> r = OpenBlockToAnalyze(testing::Fixture(dir), "");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().ToString(), want);
  }
  util::Result<std::shared_ptr<Block>> r =
      OpenBlockToAnalyze(testing::Fixture("basic"), "01M7ZXFA56FHQ87QFQY47SE0P6");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "invalid block ID 01M7ZXFA56FHQ87QFQY47SE0P6");
}

TEST(Analyze, CountsOfBasicBlock) {
  util::Result<std::shared_ptr<Block>> b =
      OpenBlockToAnalyze(testing::Fixture("basic"), "01M7ZXFA56FHQ87QFQY47SE0P5");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  util::Result<BlockAnalysis> a = AnalyzeBlock(**b, {}, true);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_FALSE(a->matched_series);
  EXPECT_EQ(a->label_names, 7u);
  EXPECT_EQ(a->label_pairs, 10u);
  EXPECT_EQ(a->label_entries, 12u);
  ASSERT_FALSE(a->metric_names.empty());
  EXPECT_EQ(a->metric_names[0].key, "http_requests_total");
  EXPECT_EQ(a->metric_names[0].count, 2u);
  ASSERT_FALSE(a->churn_names.empty());
  EXPECT_EQ(a->churn_names[0].key, "__name__");  // `up` covers a sliver of the block
  EXPECT_EQ(a->churn_names[0].count, 1u);
  EXPECT_EQ(a->total_chunks, (*b)->meta().stats.num_chunks);
  EXPECT_EQ(a->float_chunk_samples.size(), a->total_chunks);
  uint64_t samples = 0;
  for (int n : a->float_chunk_samples) samples += static_cast<uint64_t>(n);
  EXPECT_EQ(samples, (*b)->meta().stats.num_samples);
  EXPECT_TRUE(a->histogram_chunk_samples.empty());

  // With matchers, names and values come from the matching series only.
  util::Result<BlockAnalysis> m =
      AnalyzeBlock(**b, Matchers({{model::MatchType::kRegexMatch, "__name__", "http.*"}}), false);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->matched_series, 2u);
  EXPECT_EQ(m->label_names, 3u);
  EXPECT_EQ(m->label_entries, 6u);
  ASSERT_EQ(m->metric_names.size(), 1u);
  EXPECT_EQ(m->metric_names[0].count, 2u);
  ASSERT_FALSE(m->cardinality.empty());
  EXPECT_EQ(m->cardinality[0].key, "code");
  EXPECT_EQ(m->cardinality[0].count, 2u);
}

testutil::ProcessResult Promkit(std::vector<std::string> args) {
  args.insert(args.begin(), "promtool");
  return testutil::RunProcess(PROMKIT_BINARY, args, "", PROMKIT_SOURCE_DIR);
}

// The report with each list's lines of equal count sorted (upstream orders ties at random)
// and 2.42's "Series:" as 3.x's "Total Series:".
// The basic fixture's label value with a newline is kept on its line.
std::string Normalize(std::string report) {
  for (size_t p = 0; (p = report.find("and \\ and \n", p)) != std::string::npos;) {
    report.replace(p, 11, "and \\ and \\n");
  }
  std::istringstream in(report);
  std::string line, out;
  std::vector<std::pair<long long, std::string>> list;
  auto flush = [&] {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto& [n, s] : list) out += s + "\n";
    list.clear();
  };
  while (std::getline(in, line)) {
    if (line.rfind("Series: ", 0) == 0) line = "Total " + line;
    const size_t sp = line.find(' ');
    if (sp != std::string::npos && sp > 0 &&
        std::all_of(line.begin(), line.begin() + static_cast<long>(sp), ::isdigit)) {
      list.emplace_back(std::stoll(line.substr(0, sp)), line);
      continue;
    }
    flush();
    out += line + "\n";
  }
  flush();
  return out;
}

TEST(AnalyzeAgainstPromtool, SameReport) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << "no " << kPromtool;
  testing::ScratchDir dir;
  // A bigger block with churn: series that start and stop at different times.
  std::string om = "# TYPE job_up gauge\n";
  for (int s = 0; s < 60; ++s) {
    for (int i = s; i < 200 - (s % 7) * 20; ++i) {
      om += "job_up{instance=\"i" + std::to_string(s) + "\",zone=\"z" + std::to_string(s % 4) +
            "\"} 1 " + std::to_string(1700000000 + i * 30) + "\n";
    }
  }
  om += "# EOF\n";
  testing::WriteAll(dir.path() + "/churn.om", om);
  testutil::ProcessResult made =
      testutil::RunProcess(kPromtool, {"promtool", "tsdb", "create-blocks-from", "openmetrics",
                                       "-q", dir.path() + "/churn.om", dir.path() + "/churn"});
  ASSERT_EQ(made.exit_code, 0) << made.err;

  const std::vector<std::vector<std::string>> cases = {
      {"basic"},
      {"basic", "01M7ZXFA56FHQ87QFQY47SE0P5"},
      {"basic", "01M7ZXFA93MGVK4NH2FR3BCFWC", "--limit=2"},
      {"dumptest"},
      {"wal_live", "01M808B95CTGEMS87ZAZSXT77Z"},
      {"wal_live"},
      {"@churn"},
      {"@churn", "--limit=5"},
  };
  int n = 0;
  for (const std::vector<std::string>& c : cases) {
    std::string path = c[0][0] == '@' ? dir.path() + "/" + c[0].substr(1) : "";
    if (path.empty()) {
      // promtool 2.42 writes into what it opens.
      path = dir.CopyFixture(c[0], c[0] + std::to_string(n++));
      fs::create_directories(path + "/wal");
    }
    std::vector<std::string> args = {"tsdb", "analyze"};
    bool limited = false;
    for (size_t i = 1; i < c.size(); ++i) limited = limited || c[i].rfind("--limit", 0) == 0;
    if (!limited) args.push_back("--limit=1000");  // every item, so ties cannot cut differently
    args.push_back(path);
    args.insert(args.end(), c.begin() + 1, c.end());
    SCOPED_TRACE(c[0] + (c.size() > 1 ? " " + c[1] : ""));
    std::vector<std::string> theirs_argv = {"promtool"};
    theirs_argv.insert(theirs_argv.end(), args.begin(), args.end());
    testutil::ProcessResult theirs = testutil::RunProcess(kPromtool, theirs_argv);
    testutil::ProcessResult ours = Promkit(args);
    ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    EXPECT_EQ(ours.err, "");
    if (limited) {
      // Same line count per list; ties at the cut may pick other items.
      EXPECT_EQ(std::count(ours.out.begin(), ours.out.end(), '\n'),
                std::count(theirs.out.begin(), theirs.out.end(), '\n'));
    } else {
      EXPECT_EQ(Normalize(ours.out), Normalize(theirs.out));
    }
  }
}

}  // namespace
}  // namespace promkit::tsdb
