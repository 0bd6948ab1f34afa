// `test rules` flags whose effect the golden files cannot show: --junit writes the report to a
// file (replacing it whole), and fails before any test runs when the file cannot be created.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;

class TestRulesCli : public testing::Test {
 protected:
  TestRulesCli()
      : dir_(fs::temp_directory_path() / ("promkit-trules-" + std::to_string(getpid()))) {
    fs::create_directories(dir_);
  }
  ~TestRulesCli() override { fs::remove_all(dir_); }

  testutil::ProcessResult Promtool(std::vector<std::string> args) {
    args.insert(args.begin(), "promtool");
    return testutil::RunProcess(PROMKIT_BINARY, args, "", PROMKIT_SOURCE_DIR);
  }

  fs::path dir_;
};

TEST_F(TestRulesCli, JUnitReport) {
  const std::string report = (dir_ / "report.xml").string();
  std::ofstream(report) << "stale content that is much longer than nothing at all";
  auto r = Promtool({"test", "--junit", report, "rules", "testdata/rules/unittest/pass.yml",
                     "testdata/rules/unittest/fail.yml"});
  EXPECT_EQ(r.exit_code, 1);
  std::string xml = testutil::ReadFileOrEmpty(report);
  EXPECT_TRUE(std::regex_search(
      xml,
      std::regex("^<testsuites><testsuite name=\"testdata/rules/unittest/pass.yml\" "
                 "tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"0\" timestamp=\"[-0-9T:]+\">"
                 "<testcase name=\"instance down\"></testcase>")))
      << xml;
  EXPECT_TRUE(std::regex_search(
      xml, std::regex("<testsuite name=\"testdata/rules/unittest/fail.yml\" tests=\"2\" "
                      "failures=\"6\" errors=\"0\" skipped=\"0\"")))
      << xml;
  EXPECT_TRUE(xml.ends_with("</testsuite></testsuites>")) << xml;
  // Nothing but the report is left in the directory (the temporary file was renamed).
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1);

  // The flag also goes after the subcommand, as kingpin allows.
  r = Promtool({"test", "rules", "--junit=" + report, "testdata/rules/unittest/pass.yml"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(testutil::ReadFileOrEmpty(report).find("fail.yml") == std::string::npos);
}

TEST_F(TestRulesCli, JUnitFileThatCannotBeCreated) {
  const std::string report = (dir_ / "missing" / "report.xml").string();
  auto r = Promtool({"test", "--junit", report, "rules", "testdata/rules/unittest/pass.yml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "promtool: error: open " + report + ": no such file or directory, try --help\n");
}

TEST_F(TestRulesCli, RunSelectsTestGroups) {
  // Only "instance down" runs: still a success. A pattern matching nothing runs nothing.
  EXPECT_EQ(Promtool({"test", "rules", "--run", "^instance", "testdata/rules/unittest/pass.yml"})
                .exit_code,
            0);
  EXPECT_EQ(
      Promtool({"test", "rules", "--run", "nothing", "testdata/rules/unittest/fail.yml"}).exit_code,
      0);
  auto r = Promtool({"test", "rules", "--run", "nothing", "--run", "wrong severity",
                     "testdata/rules/unittest/fail.yml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find("misses required attribute alertname"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace promkit
