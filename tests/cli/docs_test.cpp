// The committed man pages and completions must be what 'promkit generate-docs' writes now, and
// must cover every command the binary offers (read from its --help-long listing, in both the
// promkit and the promtool tree). The bash completion is also run for real.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/files.h"
#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
using testutil::Lines;
using testutil::ReadFileOrEmpty;
using testutil::RunProcess;

constexpr const char* kRegenerate = "run: cmake --build build --target docs";

class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : path_(fs::temp_directory_path() / ("promkit-" + tag + "-" + std::to_string(getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Runs the binary under `name` (through a symlink, as installed).
testutil::ProcessResult RunAs(const std::string& name, const std::vector<std::string>& args,
                              const TempDir& dir) {
  fs::path link = testutil::LinkBinary(PROMKIT_BINARY, dir.path() / "bin", name);
  std::vector<std::string> argv = {name};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProcess(link, argv, "", PROMKIT_SOURCE_DIR, {"COLUMNS=100"});
}

// Full command names ("check metrics") listed by --help-long, leaves only, as kingpin lists them.
struct Listed {
  std::vector<std::string> commands;
  std::vector<std::pair<std::string, std::string>> flags;  // (command, "--flag")
};

Listed HelpLong(const std::string& name, const TempDir& dir) {
  testutil::ProcessResult r = RunAs(name, {"--help-long"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Listed out;
  bool in_commands = false;
  for (const std::string& line : Lines(r.out)) {
    if (line == "Commands:") {
      in_commands = true;
      continue;
    }
    if (!in_commands || line.empty()) continue;
    if (line[0] != ' ') {
      std::string cmd;
      for (size_t start = 0; start < line.size();) {
        size_t sp = line.find(' ', start);
        if (sp == std::string::npos) sp = line.size();
        std::string word = line.substr(start, sp - start);
        if (word.empty() || word[0] == '[' || word[0] == '<' || word[0] == '-') break;
        if (word.back() == '*') word.pop_back();  // kingpin marks a default subcommand
        cmd += (cmd.empty() ? "" : " ") + word;
        start = sp + 1;
      }
      out.commands.push_back(cmd);
    } else if (line.rfind("    -", 0) == 0 && !out.commands.empty()) {
      std::string rest = line.substr(4);
      if (rest.size() > 4 && rest[1] != '-' && rest.compare(2, 2, ", ") == 0) rest.erase(0, 4);
      if (rest.rfind("--", 0) != 0) continue;
      std::string flag = rest.substr(0, rest.find_first_of("= "));
      if (flag.rfind("--[no-]", 0) == 0) flag = "--" + flag.substr(7);
      out.flags.emplace_back(out.commands.back(), flag);
    }
  }
  return out;
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  for (size_t start = 0; start < s.size();) {
    size_t sp = s.find(' ', start);
    if (sp == std::string::npos) sp = s.size();
    if (sp > start) out.push_back(s.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

// What the generated bash completion offers for `words` (the last one being completed).
std::vector<std::string> BashComplete(const fs::path& script,
                                      const std::vector<std::string>& words) {
  std::string array;
  for (const std::string& w : words) array += " '" + w + "'";
  std::string cmd = "source '" + script.string() + "' && COMP_WORDS=(" + array +
                    ") && COMP_CWORD=" + std::to_string(words.size() - 1) +
                    " && _promkit_complete " + words[0] + " && printf '%s\\n' \"${COMPREPLY[@]}\"";
  testutil::ProcessResult r = RunProcess("/bin/bash", {"bash", "--norc", "-c", cmd});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> out;
  for (const std::string& l : Lines(r.out)) {
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Man pages print '-' as "\-".
std::string Unroff(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '-') continue;
    out += s[i];
  }
  return out;
}

class Docs : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("docs");
    testutil::ProcessResult r =
        RunAs("promkit",
              {"generate-docs", "--man-dir", (dir_->path() / "man").string(), "--completions-dir",
               (dir_->path() / "completions").string()},
              *dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path Generated(const std::string& sub) { return dir_->path() / sub; }
  static TempDir* dir_;
};
TempDir* Docs::dir_ = nullptr;

TEST_F(Docs, CommittedFilesAreUpToDate) {
  for (const std::string sub : {"man", "completions"}) {
    fs::path committed = fs::path(PROMKIT_SOURCE_DIR) / sub;
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(Generated(sub))) names.insert(e.path().filename());
    ASSERT_FALSE(names.empty()) << "generate-docs wrote nothing into " << sub;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(committed, ec)) {
      std::string name = e.path().filename();
      if (name[0] == '.') continue;
      EXPECT_TRUE(names.count(name) != 0)
          << sub << "/" << name << " is no longer generated (stale); " << kRegenerate;
    }
    for (const std::string& name : names) {
      std::string want = ReadFileOrEmpty(Generated(sub) / name);
      if (!fs::exists(committed / name)) {
        ADD_FAILURE() << sub << "/" << name << " is missing; " << kRegenerate;
      } else if (ReadFileOrEmpty(committed / name) != want) {
        ADD_FAILURE() << sub << "/" << name << " is stale; " << kRegenerate;
      }
    }
  }
}

TEST_F(Docs, GenerationIsDeterministic) {
  TempDir again("docs-again");
  testutil::ProcessResult r = RunAs("promkit",
                                    {"generate-docs", "--man-dir", (again.path() / "man").string(),
                                     "--completions-dir", (again.path() / "completions").string()},
                                    again);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const std::string sub : {"man", "completions"}) {
    for (const auto& e : fs::directory_iterator(Generated(sub))) {
      EXPECT_EQ(ReadFileOrEmpty(e.path()),
                ReadFileOrEmpty(again.path() / sub / e.path().filename()))
          << e.path().filename();
    }
  }
}

TEST_F(Docs, GenerateDocsIsHidden) {
  for (const std::string name : {"promkit", "promtool", "amtool"}) {
    testutil::ProcessResult r = RunAs(name, {"--help-long"}, *dir_);
    EXPECT_EQ(r.out.find("generate-docs"), std::string::npos) << name;
  }
  std::vector<std::string> offered =
      BashComplete(Generated("completions/promkit.bash"), {"promkit", "g"});
  EXPECT_FALSE(Contains(offered, "generate-docs"));
  // Still runnable: hidden is not removed.
  testutil::ProcessResult r = RunAs("promkit", {"generate-docs"}, *dir_);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--man-dir"), std::string::npos) << r.err;
}

TEST_F(Docs, BashSyntax) {
  testutil::ProcessResult r =
      RunProcess("/bin/bash", {"bash", "-n", Generated("completions/promkit.bash").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(Docs, ManPagesCoverEveryCommand) {
  std::string promtool_page = Unroff(ReadFileOrEmpty(Generated("man/promtool.1")));
  std::string root_page = Unroff(ReadFileOrEmpty(Generated("man/promkit.1")));
  Listed promkit = HelpLong("promkit", *dir_);
  ASSERT_FALSE(promkit.commands.empty());
  for (const std::string& cmd : promkit.commands) {
    SCOPED_TRACE(cmd);
    std::string family = Words(cmd).front();
    std::string page = Unroff(ReadFileOrEmpty(Generated("man/promkit-" + family + ".1")));
    EXPECT_NE(page.find("promkit " + cmd), std::string::npos) << "promkit-" << family << ".1";
    EXPECT_NE(root_page.find("fB" + family + "\\fR"), std::string::npos) << "promkit.1";
  }
  for (const auto& [cmd, flag] : promkit.flags) {
    std::string page =
        Unroff(ReadFileOrEmpty(Generated("man/promkit-" + Words(cmd).front() + ".1")));
    EXPECT_NE(page.find("\\fB" + flag + "\\fR"), std::string::npos) << cmd << " " << flag;
  }
  Listed promtool = HelpLong("promtool", *dir_);
  for (const std::string& cmd : promtool.commands) {
    EXPECT_NE(promtool_page.find("promtool " + cmd), std::string::npos) << cmd;
  }
  for (const auto& [cmd, flag] : promtool.flags) {
    EXPECT_NE(promtool_page.find("\\fB" + flag + "\\fR"), std::string::npos) << cmd << " " << flag;
  }
}

TEST_F(Docs, CompletionsCoverEveryCommand) {
  fs::path bash = Generated("completions/promkit.bash");
  std::string zsh = ReadFileOrEmpty(Generated("completions/_promkit"));
  std::string fish = ReadFileOrEmpty(Generated("completions/promkit.fish"));
  for (const std::string name : {"promkit", "promtool", "amtool"}) {
    Listed listed = HelpLong(name, *dir_);
    ASSERT_FALSE(listed.commands.empty()) << name;
    for (const std::string& cmd : listed.commands) {
      SCOPED_TRACE(name + " " + cmd);
      // Complete each word of the command from its first letter, after the words before it.
      std::vector<std::string> words = {name};
      for (const std::string& w : Words(cmd)) {
        std::vector<std::string> typed = words;
        typed.push_back(w.substr(0, 1));
        EXPECT_TRUE(Contains(BashComplete(bash, typed), w)) << "bash does not offer " << w;
        EXPECT_NE(zsh.find("'" + w + ":"), std::string::npos) << "zsh lacks " << w;
        EXPECT_NE(fish.find("-c " + name + " "), std::string::npos);
        EXPECT_NE(fish.find("-a '" + w + "'"), std::string::npos) << "fish lacks " << w;
        words.push_back(w);
      }
    }
    for (const auto& [cmd, flag] : listed.flags) {
      SCOPED_TRACE(name + " " + cmd + " " + flag);
      std::vector<std::string> words = {name};
      for (const std::string& w : Words(cmd)) words.push_back(w);
      words.push_back("--");
      EXPECT_TRUE(Contains(BashComplete(bash, words), flag)) << "bash";
      EXPECT_NE(zsh.find("'" + flag + ":"), std::string::npos) << "zsh";
      EXPECT_NE(fish.find("-l '" + flag.substr(2) + "'"), std::string::npos) << "fish";
    }
  }
}

TEST_F(Docs, BashCompletesPromtoolTreeOnlyAsPromtool) {
  fs::path bash = Generated("completions/promkit.bash");
  std::vector<std::string> promkit_top = BashComplete(bash, {"promkit", ""});
  std::vector<std::string> promtool_top = BashComplete(bash, {"promtool", ""});
  ASSERT_FALSE(promtool_top.empty());
  for (const std::string& c : promtool_top) EXPECT_TRUE(Contains(promkit_top, c)) << c;
  // Exactly the top-level commands each mode's --help-long lists.
  for (const std::string name : {"promkit", "promtool", "amtool"}) {
    std::set<std::string> listed;
    for (const std::string& cmd : HelpLong(name, *dir_).commands) listed.insert(Words(cmd)[0]);
    std::vector<std::string> got = BashComplete(bash, {name, ""});
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()), listed) << name;
  }
}

TEST_F(Docs, BashCompletesFlagValuesAfterFlags) {
  // A value is completed after a flag that takes one, not commands: files when the flag has
  // no fixed set. Find such a flag in the listing rather than naming one.
  fs::path bash = Generated("completions/promkit.bash");
  testutil::ProcessResult r = RunAs("promkit", {"--help-long"}, *dir_);
  Listed listed = HelpLong("promkit", *dir_);
  for (const auto& [cmd, flag] : listed.flags) {
    std::string needle = flag + "=";
    size_t at = r.out.find("    " + needle);
    if (at == std::string::npos) continue;  // a boolean flag
    std::vector<std::string> words = {"promkit"};
    for (const std::string& w : Words(cmd)) words.push_back(w);
    words.push_back(flag);
    words.push_back("");
    std::vector<std::string> offered = BashComplete(bash, words);
    for (const std::string& w : offered) EXPECT_NE(w.rfind("--", 0), 0u) << cmd << " " << flag;
  }
}

}  // namespace
}  // namespace promkit
