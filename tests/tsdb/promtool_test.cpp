// `promkit tsdb dump/list` against Debian's promtool on the same blocks, and against upstream's
// TestTSDBDump expectations (testdata/conformance/promtool/expected-tsdb-dump.tsv).
#include <unistd.h>

#include <filesystem>
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

testutil::ProcessResult Promkit(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"promkit"};
  argv.insert(argv.end(), args.begin(), args.end());
  return testutil::RunProcess(PROMKIT_BINARY, argv, "", PROMKIT_SOURCE_DIR);
}

// promtool 2.42 cannot dump a directory without wal/ and writes a sandbox into the directory it
// reads: give it a copy with an empty wal/.
std::string PromtoolCopy(const testing::ScratchDir& dir, const std::string& fixture) {
  std::string copy = dir.CopyFixture(fixture);
  fs::create_directories(copy + "/wal");
  return copy;
}

class AgainstPromtool : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(AgainstPromtool, DumpSameSortedLines) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << "no " << kPromtool;
  const std::vector<std::string>& p = GetParam();
  testing::ScratchDir dir;
  std::string copy = PromtoolCopy(dir, p[0]);
  std::vector<std::string> args = {"tsdb", "dump"};
  args.insert(args.end(), p.begin() + 1, p.end());
  std::vector<std::string> theirs_argv = {"promtool"};
  theirs_argv.insert(theirs_argv.end(), args.begin(), args.end());
  theirs_argv.push_back(copy);
  testutil::ProcessResult theirs = testutil::RunProcess(kPromtool, theirs_argv);
  ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
  args.push_back("testdata/tsdb/" + p[0]);
  testutil::ProcessResult ours = Promkit(args);
  ASSERT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_EQ(ours.err, "");
  EXPECT_FALSE(ours.out.empty());
  EXPECT_EQ(testing::SortedLines(ours.out), testing::SortedLines(theirs.out));
}

INSTANTIATE_TEST_SUITE_P(
    Tsdb, AgainstPromtool,
    ::testing::Values(
        std::vector<std::string>{"basic"}, std::vector<std::string>{"dumptest"},
        std::vector<std::string>{"basic", "--match=temperature"},
        std::vector<std::string>{"basic", "--match={code=~\"2..\"}", "--min-time=1700001000000",
                                 "--max-time=1700002000000"},
        std::vector<std::string>{"basic", "--match={__name__!=\"up\", code!=\"500\"}"},
        std::vector<std::string>{"basic", "--min-time=1700007200000"}));

TEST(AgainstPromtool, ListSameTable) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << "no " << kPromtool;
  for (const char* flag : {"", "-r"}) {
    SCOPED_TRACE(flag);
    testing::ScratchDir dir;
    std::string copy = dir.CopyFixture("basic");
    std::vector<std::string> argv = {"promtool", "tsdb", "list"};
    if (*flag) argv.push_back(flag);
    argv.push_back(copy);
    testutil::ProcessResult theirs = testutil::RunProcess(kPromtool, argv);
    ASSERT_EQ(theirs.exit_code, 0) << theirs.err;
    std::vector<std::string> args = {"tsdb", "list"};
    if (*flag) args.push_back(flag);
    args.push_back("testdata/tsdb/basic");
    testutil::ProcessResult ours = Promkit(args);
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    EXPECT_EQ(ours.out, theirs.out);
  }
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, '\t');) out.push_back(f);
  if (!line.empty() && line.back() == '\t') out.emplace_back();
  return out;
}

// Upstream's TestTSDBDump cases: the `load` of every row is the dumptest fixture.
TEST(Conformance, ExpectedTsdbDump) {
  const std::string root = std::string(PROMKIT_SOURCE_DIR) + "/testdata/conformance/promtool/";
  std::stringstream tsv(testing::ReadAll(root + "expected-tsdb-dump.tsv"));
  std::string line;
  std::getline(tsv, line);  // header
  int rows = 0;
  while (std::getline(tsv, line)) {
    std::vector<std::string> f = SplitTabs(line);
    ASSERT_GE(f.size(), 7u) << line;
    const std::string& command = f[1];
    if (command != "tsdb dump" && command != "tsdb dump --format=seriesjson") continue;
    SCOPED_TRACE(command + " " + f[2] + " " + f[3] + " " + f[4]);
    std::vector<std::string> args = {"tsdb", "dump"};
    if (command.find("seriesjson") != std::string::npos) args.push_back("--format=seriesjson");
    std::stringstream matches(f[2]);
    for (std::string m; matches >> m;) args.push_back("--match=" + m);
    if (!f[3].empty()) args.push_back("--min-time=" + f[3]);
    if (!f[4].empty()) args.push_back("--max-time=" + f[4]);
    args.push_back("testdata/tsdb/dumptest");
    testutil::ProcessResult ours = Promkit(args);
    ASSERT_EQ(ours.exit_code, 0) << ours.err;
    EXPECT_EQ(testing::SortedLines(ours.out), testing::SortedLines(testing::ReadAll(root + f[5])));
    ++rows;
  }
  EXPECT_EQ(rows, 12);
}

}  // namespace
}  // namespace promkit::tsdb
