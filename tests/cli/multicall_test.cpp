// One binary, two command trees: invoked through a symlink named promtool it must answer
// promtool's tree only (upstream Prometheus 3.x cmd/promtool is the specification), while
// promkit's own name offers everything.
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;

// Top-level commands of upstream promtool (cmd/promtool/main.go), kingpin's help included.
const std::set<std::string> kPromtoolCommands = {"help", "check", "query", "debug",
                                                 "push", "test",  "tsdb",  "promql"};

class Multicall : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("promkit-multicall-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::create_symlink(PROMKIT_BINARY, dir_ / "promtool");
    fs::create_symlink(PROMKIT_BINARY, dir_ / "promkit");
  }
  void TearDown() override { fs::remove_all(dir_); }

  testutil::ProcessResult Run(const std::string& name, const std::vector<std::string>& args,
                              const std::string& argv0 = "") {
    std::vector<std::string> argv = {argv0.empty() ? name : argv0};
    argv.insert(argv.end(), args.begin(), args.end());
    return testutil::RunProcess(dir_ / name, argv, "", "", {"COLUMNS=80"});
  }

  // Top-level command names in a kingpin help listing ("Commands:" section, column 0).
  static std::set<std::string> TopLevel(const std::string& help) {
    std::set<std::string> out;
    size_t at = help.find("\nCommands:\n");
    EXPECT_NE(at, std::string::npos) << help;
    if (at == std::string::npos) return out;
    for (size_t pos = at + 11; pos < help.size();) {
      size_t nl = help.find('\n', pos);
      if (nl == std::string::npos) nl = help.size();
      std::string line = help.substr(pos, nl - pos);
      if (!line.empty() && line[0] != ' ') out.insert(line.substr(0, line.find(' ')));
      pos = nl + 1;
    }
    return out;
  }

  fs::path dir_;
};

TEST_F(Multicall, PromtoolHelpListsOnlyPromtoolCommands) {
  testutil::ProcessResult r = Run("promtool", {"--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("usage: promtool ", 0), 0u) << r.out;
  std::set<std::string> top = TopLevel(r.out);
  EXPECT_TRUE(top.count("check")) << r.out;
  for (const std::string& c : top) {
    EXPECT_TRUE(kPromtoolCommands.count(c)) << "promtool lists promkit-only command " << c;
  }
  for (const std::string c : {"scrape", "repl", "am", "daemon"}) {
    EXPECT_EQ(top.count(c), 0u) << c;
  }
}

TEST_F(Multicall, PromkitHelpListsPromkitCommands) {
  testutil::ProcessResult r = Run("promkit", {"--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("usage: promkit ", 0), 0u) << r.out;
  std::set<std::string> top = TopLevel(r.out);
  EXPECT_TRUE(top.count("scrape")) << r.out;
  // Everything promtool offers, promkit offers too.
  for (const std::string& c : TopLevel(Run("promtool", {"--help"}).out)) {
    EXPECT_TRUE(top.count(c)) << c;
  }
}

TEST_F(Multicall, PromkitOnlyCommandIsUnknownToPromtool) {
  testutil::ProcessResult r = Run("promtool", {"scrape", "--help"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "promtool: error: expected command but got \"scrape\", try --help\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(Multicall, ModeFollowsBasenameOfArgv0) {
  // The name, not the path, selects the tree; a path in argv[0] is what $PATH lookup passes.
  testutil::ProcessResult r = Run("promtool", {"--version"}, (dir_ / "promtool").string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("promtool, version ", 0), 0u) << r.out;
  r = Run("promtool", {"--version"}, "/opt/x/promkit");
  EXPECT_EQ(r.out.rfind("promkit, version ", 0), 0u) << r.out;
}

TEST_F(Multicall, ErrorsNameTheProgramInvoked) {
  testutil::ProcessResult r = Run("promtool", {"--no-such-flag"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "promtool: error: unknown long flag '--no-such-flag', try --help\n");
  r = Run("promkit", {"--no-such-flag"});
  EXPECT_EQ(r.err, "promkit: error: unknown long flag '--no-such-flag', try --help\n");
}

}  // namespace
}  // namespace promkit
