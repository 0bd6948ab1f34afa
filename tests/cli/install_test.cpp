// `cmake --install` of the build tree into a scratch prefix lays out the binary, the promtool
// multi-call symlink, the man pages and the shell completions, and the installed promtool works.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;

class Install : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    prefix_ =
        new fs::path(fs::temp_directory_path() / ("promkit-install-" + std::to_string(getpid())));
    fs::remove_all(*prefix_);
    result_ = new testutil::ProcessResult(testutil::RunProcess(
        PROMKIT_CMAKE_COMMAND,
        {"cmake", "--install", PROMKIT_BUILD_DIR, "--prefix", prefix_->string()}));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*prefix_);
    delete prefix_;
    delete result_;
  }
  static fs::path Installed(const std::string& rel) { return *prefix_ / rel; }

  static fs::path* prefix_;
  static testutil::ProcessResult* result_;
};
fs::path* Install::prefix_ = nullptr;
testutil::ProcessResult* Install::result_ = nullptr;

TEST_F(Install, Succeeds) { ASSERT_EQ(result_->exit_code, 0) << result_->out << result_->err; }

TEST_F(Install, BinaryAndPromtoolSymlink) {
  fs::path bin = Installed("bin/promkit");
  ASSERT_TRUE(fs::is_regular_file(bin)) << bin;
  EXPECT_EQ(access(bin.c_str(), X_OK), 0);
  fs::path link = Installed("bin/promtool");
  ASSERT_TRUE(fs::is_symlink(link)) << link;
  EXPECT_EQ(fs::read_symlink(link), "promkit");  // relative: the prefix can move
  testutil::ProcessResult r = testutil::RunProcess(link, {link.string(), "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("usage: promtool ", 0), 0u) << r.out;
}

TEST_F(Install, AmtoolSymlink) {
  fs::path link = Installed("bin/amtool");
  ASSERT_TRUE(fs::is_symlink(link)) << link;
  EXPECT_EQ(fs::read_symlink(link), "promkit");
  testutil::ProcessResult r = testutil::RunProcess(link, {link.string(), "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("usage: amtool ", 0), 0u) << r.out;
}

TEST_F(Install, ManPagesMatchTheSourceTree) {
  int pages = 0;
  for (const auto& e : fs::directory_iterator(fs::path(PROMKIT_SOURCE_DIR) / "man")) {
    if (e.path().extension() != ".1") continue;
    ++pages;
    fs::path got = Installed("share/man/man1") / e.path().filename();
    ASSERT_TRUE(fs::exists(got)) << got;
    EXPECT_EQ(testutil::ReadFileOrEmpty(got), testutil::ReadFileOrEmpty(e.path()));
  }
  EXPECT_GE(pages, 2);
  EXPECT_TRUE(fs::exists(Installed("share/man/man1/promkit.1")));
  EXPECT_TRUE(fs::exists(Installed("share/man/man1/promtool.1")));
}

TEST_F(Install, Completions) {
  fs::path src = fs::path(PROMKIT_SOURCE_DIR) / "completions";
  const std::pair<std::string, std::string> files[] = {
      {"share/bash-completion/completions/promkit", "promkit.bash"},
      {"share/zsh/vendor-completions/_promkit", "_promkit"},
      {"share/fish/vendor_completions.d/promkit.fish", "promkit.fish"},
  };
  for (const auto& [dest, name] : files) {
    SCOPED_TRACE(dest);
    ASSERT_TRUE(fs::exists(Installed(dest)));
    EXPECT_EQ(testutil::ReadFileOrEmpty(Installed(dest)), testutil::ReadFileOrEmpty(src / name));
  }
  // Loaded by command name, so promtool and amtool need their own entries pointing at promkit's.
  for (const char* alias :
       {"share/bash-completion/completions/promtool",
        "share/fish/vendor_completions.d/promtool.fish", "share/bash-completion/completions/amtool",
        "share/fish/vendor_completions.d/amtool.fish"}) {
    SCOPED_TRACE(alias);
    EXPECT_TRUE(fs::is_symlink(Installed(alias)));
    EXPECT_TRUE(fs::exists(Installed(alias)));  // not dangling
  }
}

}  // namespace
}  // namespace promkit
