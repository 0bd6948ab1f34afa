// Runs every case under testdata/cli/<case>/ against the built promkit binary:
//   args    one argument per line (after the program name)
//   argv0   optional: the name the binary is invoked as (default "promkit"), e.g. "promtool"
//   stdin   optional: bytes fed to standard input
//   stdout, stderr, exit   what must come out (exit: the code as a number)
// The command runs with the repository root as working directory, so paths in args are
// relative to it. PROMKIT_UPDATE_GOLDEN=1 rewrites stdout/stderr/exit from the actual run.
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/files.h"
#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
using testutil::Lines;

std::vector<std::string> Cases() {
  std::vector<std::string> cases;
  for (const fs::path& p : testutil::ListDir(fs::path(PROMKIT_SOURCE_DIR) / "testdata" / "cli")) {
    if (fs::is_directory(p) && fs::exists(p / "args")) cases.push_back(p.filename());
  }
  return cases;
}

class Golden : public testing::TestWithParam<std::string> {};

TEST_P(Golden, Matches) {
  fs::path dir = fs::path(PROMKIT_SOURCE_DIR) / "testdata" / "cli" / GetParam();
  std::string argv0 = "promkit";
  if (fs::exists(dir / "argv0")) {
    argv0 = Lines(testutil::ReadFileOrEmpty(dir / "argv0")).at(0);
  }
  // Invoke through a symlink so argv[0]-based dispatch (promtool mode) is exercised for real.
  fs::path link_dir = fs::temp_directory_path() / ("promkit-golden-" + std::to_string(getpid()));
  fs::path program = testutil::LinkBinary(PROMKIT_BINARY, link_dir, argv0);
  std::vector<std::string> argv = {argv0};
  for (const std::string& a : Lines(testutil::ReadFileOrEmpty(dir / "args"))) argv.push_back(a);
  std::string in = testutil::ReadFileOrEmpty(dir / "stdin");
  testutil::ProcessResult r =
      testutil::RunProcess(program, argv, in, PROMKIT_SOURCE_DIR, {"NO_COLOR=1", "COLUMNS=100"});
  if (std::getenv("PROMKIT_UPDATE_GOLDEN") != nullptr) {
    testutil::WriteFileOrDie(dir / "stdout", r.out);
    testutil::WriteFileOrDie(dir / "stderr", r.err);
    testutil::WriteFileOrDie(dir / "exit", std::to_string(r.exit_code) + "\n");
    return;
  }
  EXPECT_EQ(r.out, testutil::ReadFileOrEmpty(dir / "stdout")) << "stdout of " << GetParam();
  EXPECT_EQ(r.err, testutil::ReadFileOrEmpty(dir / "stderr")) << "stderr of " << GetParam();
  EXPECT_EQ(std::to_string(r.exit_code) + "\n", testutil::ReadFileOrEmpty(dir / "exit"))
      << "exit code of " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Cli, Golden, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace promkit
