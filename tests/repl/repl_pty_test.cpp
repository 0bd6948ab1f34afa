// Drives the real `promkit repl` through a pseudo-terminal, as a user at a terminal would:
// line editing with libedit, completion, history, Ctrl-C, terminal size and error carets.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <pty.h>
#include <termios.h>

namespace promkit {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Terminal output without escape sequences and carriage returns.
std::string Plain(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\x1b') {
      if (i + 1 < s.size() && s[i + 1] == '[') {
        i += 2;
        while (i < s.size() && !(s[i] >= '@' && s[i] <= '~')) ++i;
      } else {
        ++i;
      }
      continue;
    }
    if (c == '\r' || c == '\a') continue;
    out += c;
  }
  return out;
}

// Columns a line takes: UTF-8 lead bytes.
size_t Columns(std::string_view line) {
  size_t n = 0;
  for (char c : line) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// One `promkit repl` on a pseudo-terminal.
class Shell {
 public:
  Shell(const fs::path& home, std::vector<std::string> args, int cols = 100, int rows = 30,
        bool color = false) {
    winsize ws{};
    ws.ws_col = static_cast<unsigned short>(cols);
    ws.ws_row = static_cast<unsigned short>(rows);
    pid_ = forkpty(&fd_, nullptr, nullptr, &ws);
    if (pid_ == 0) {
      if (chdir(PROMKIT_SOURCE_DIR) != 0) _exit(127);
      setenv("HOME", home.c_str(), 1);
      setenv("TERM", "xterm", 1);
      unsetenv("COLUMNS");
      unsetenv("LINES");
      if (color) {
        unsetenv("NO_COLOR");
      } else {
        setenv("NO_COLOR", "1", 1);
      }
      std::vector<std::string> argv = {"promkit", "repl"};
      argv.insert(argv.end(), args.begin(), args.end());
      std::vector<char*> cargv;
      for (std::string& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      execv(PROMKIT_BINARY, cargv.data());
      _exit(127);
    }
  }
  ~Shell() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
  }

  void Send(std::string_view keys) {
    while (!keys.empty()) {
      ssize_t n = write(fd_, keys.data(), keys.size());
      if (n <= 0) return;
      keys.remove_prefix(static_cast<size_t>(n));
      // Keys arrive one read at a time for libedit, as typed.
    }
  }
  void Type(std::string_view keys) {
    for (char c : keys) {
      Send(std::string_view(&c, 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  // Reads until `needle` appears in the plain output after what earlier calls consumed; the
  // cursor then moves past it. False on timeout.
  bool WaitFor(std::string_view needle, int timeout_ms = 15000) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      const std::string plain = Plain(raw_);
      const size_t at = plain.find(needle, cursor_);
      if (at != std::string::npos) {
        last_ = plain.substr(cursor_, at + needle.size() - cursor_);
        cursor_ = at + needle.size();
        return true;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0 || !ReadSome(static_cast<int>(left.count()))) {
        last_ = plain.substr(cursor_);
        return false;
      }
    }
  }
  // Waits for `prompt` and then for libedit to put the terminal in raw mode: it prints the
  // prompt first, and keys typed before the switch would be taken by the terminal's line
  // discipline (a Ctrl-D then is lost, as with any line editor).
  bool Prompt(std::string_view prompt = "promql> ", int timeout_ms = 15000) {
    if (!WaitFor(prompt, timeout_ms)) return false;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    termios t{};
    while (tcgetattr(fd_, &t) == 0 && (t.c_lflag & ICANON) != 0) {
      if (Clock::now() > deadline) return false;
      ReadSome(5);
    }
    return true;
  }
  // The plain text WaitFor skipped over up to and including its needle (or all, on timeout).
  const std::string& last() const { return last_; }
  const std::string& raw() const { return raw_; }

  void Resize(int cols, int rows) {
    winsize ws{};
    ws.ws_col = static_cast<unsigned short>(cols);
    ws.ws_row = static_cast<unsigned short>(rows);
    ioctl(fd_, TIOCSWINSZ, &ws);
  }

  // Waits for the process to exit; its status, or -1 after the timeout.
  int Exit(int timeout_ms = 10000) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
      ReadSome(50);
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    return -1;
  }

 private:
  bool ReadSome(int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[4096];
    const ssize_t n = read(fd_, buf, sizeof buf);
    if (n <= 0) return false;
    raw_.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string raw_;
  size_t cursor_ = 0;
  std::string last_;
};

class ReplPty : public testing::Test {
 protected:
  void SetUp() override {
    home_ =
        fs::temp_directory_path() / ("promkit-repl-pty-" + std::to_string(getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(home_);
    fs::create_directories(home_);
  }
  void TearDown() override { fs::remove_all(home_); }

  // The history file's text, libedit's octal escapes (strvis: "\\040" for a space) decoded.
  std::string History() {
    std::ifstream in(home_ / ".promkit_history");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string raw = ss.str();
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 3 < raw.size() && raw[i + 1] >= '0' && raw[i + 1] <= '3') {
        out += static_cast<char>(std::stoi(raw.substr(i + 1, 3), nullptr, 8));
        i += 3;
      } else {
        out += raw[i];
      }
    }
    return out;
  }

  fs::path home_;
};

constexpr const char* kFixture = "testdata/tsdb/basic";

TEST_F(ReplPty, CompletesMetricNamesAndLabelValues) {
  Shell sh(home_, {kFixture});
  ASSERT_TRUE(sh.Prompt()) << sh.last();
  sh.Type(".at 1700000307.5\n");
  ASSERT_TRUE(sh.Prompt()) << sh.last();
  sh.Type("http_req\t");
  ASSERT_TRUE(sh.WaitFor("http_requests_total")) << sh.last();
  sh.Type("{code=\"5\t");
  ASSERT_TRUE(sh.WaitFor("00\"")) << sh.last();
  sh.Type("}\n");
  ASSERT_TRUE(sh.Prompt()) << sh.last();
  EXPECT_NE(sh.last().find("http_requests_total  500   /api/v1  25.25"), std::string::npos)
      << sh.last();
  // Not the code="200" row (its cells are space-separated; the stats line's timings are not).
  EXPECT_EQ(sh.last().find(" 200 "), std::string::npos) << sh.last();
  sh.Send("\x04");
  EXPECT_EQ(sh.Exit(), 0);
  EXPECT_NE(History().find("http_requests_total{code=\"500\"}"), std::string::npos) << History();
}

TEST_F(ReplPty, HistoryIsSavedPerEntryAndRecalled) {
  {
    Shell sh(home_, {kFixture});
    ASSERT_TRUE(sh.Prompt());
    sh.Type("scalar(count(up)) * 7\n");
    ASSERT_TRUE(sh.Prompt()) << sh.last();
    EXPECT_NE(sh.last().find("\n7\n"), std::string::npos) << sh.last();
    // Written as soon as the statement ran, not only on exit.
    EXPECT_NE(History().find("scalar(count(up)) * 7"), std::string::npos) << History();
    sh.Send("\x04");
    EXPECT_EQ(sh.Exit(), 0);
  }
  Shell sh(home_, {kFixture});
  ASSERT_TRUE(sh.Prompt());
  sh.Send("\x1b[A");  // up arrow
  ASSERT_TRUE(sh.WaitFor("scalar(count(up)) * 7")) << sh.last();
  sh.Type("0\n");  // edit the recalled line: * 70
  ASSERT_TRUE(sh.Prompt()) << sh.last();
  EXPECT_NE(sh.last().find("\n70\n"), std::string::npos) << sh.last();
  sh.Send("\x04");
  EXPECT_EQ(sh.Exit(), 0);
}

TEST_F(ReplPty, CtrlCCancelsARunningQueryNotTheShell) {
  Shell sh(home_, {kFixture, "--query.timeout=60s"});
  ASSERT_TRUE(sh.Prompt());
  // About half a million steps, each a quantile over an hour of samples: seconds of work.
  sh.Type(".range 1700000000 1700004485 10ms\n");
  ASSERT_TRUE(sh.Prompt());
  sh.Type("quantile_over_time(0.5, http_requests_total[1h])\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto t0 = Clock::now();
  sh.Send("\x03");
  ASSERT_TRUE(sh.WaitFor("query canceled", 5000)) << sh.last();
  ASSERT_TRUE(sh.Prompt("promql> ", 5000)) << sh.last();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2));
  // The shell still works.
  sh.Type(".at latest\n");
  ASSERT_TRUE(sh.Prompt());
  sh.Type("1 + 1\n");
  ASSERT_TRUE(sh.Prompt()) << sh.last();
  EXPECT_NE(sh.last().find("\n2\n"), std::string::npos) << sh.last();
  sh.Send("\x04");
  EXPECT_EQ(sh.Exit(3000), 0);  // no waiting for the abandoned query
}

TEST_F(ReplPty, CtrlCAtThePromptDiscardsTheLine) {
  Shell sh(home_, {kFixture});
  ASSERT_TRUE(sh.Prompt());
  sh.Type("sum(up\n");
  ASSERT_TRUE(sh.Prompt("...> ")) << sh.last();  // an open parenthesis continues
  sh.Send("\x03");
  ASSERT_TRUE(sh.Prompt()) << sh.last();
  sh.Type("3\n");
  ASSERT_TRUE(sh.Prompt()) << sh.last();
  EXPECT_NE(sh.last().find("\n3\n"), std::string::npos) << sh.last();
  sh.Send("\x04");
  EXPECT_EQ(sh.Exit(), 0);
}

// The graph's lines, between the previous prompt and the next.
std::vector<std::string> GraphLines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) {
    if (line.find("┤") != std::string::npos || line.find("│") != std::string::npos ||
        line.find("└") != std::string::npos) {
      lines.push_back(line);
    }
  }
  return lines;
}

TEST_F(ReplPty, GraphWidthFollowsTheTerminal) {
  Shell sh(home_, {kFixture}, 70, 30);
  ASSERT_TRUE(sh.Prompt());
  sh.Type(".range 1700000000 1700004485\n");
  ASSERT_TRUE(sh.Prompt());
  sh.Type("sum(http_requests_total)\n");
  ASSERT_TRUE(sh.Prompt()) << sh.last();
  std::vector<std::string> lines = GraphLines(sh.last());
  ASSERT_GE(lines.size(), 5u) << sh.last();
  for (const std::string& l : lines) EXPECT_LE(Columns(l), 70u) << l;
  EXPECT_EQ(Columns(lines.back()), 70u) << lines.back();  // the axis spans the width

  sh.Resize(120, 40);
  sh.Type("sum(http_requests_total)\n");
  ASSERT_TRUE(sh.Prompt()) << sh.last();
  lines = GraphLines(sh.last());
  ASSERT_GE(lines.size(), 5u) << sh.last();
  EXPECT_EQ(Columns(lines.back()), 120u) << lines.back();
  sh.Send("\x04");
  EXPECT_EQ(sh.Exit(), 0);
}

TEST_F(ReplPty, ParseErrorsPointAtThePosition) {
  Shell sh(home_, {kFixture});
  ASSERT_TRUE(sh.Prompt());
  sh.Type("rate(x[5m]))\n");
  ASSERT_TRUE(sh.Prompt()) << sh.last();
  // Upstream's position for an extra ')' is just after it.
  EXPECT_NE(sh.last().find("1:13: parse error: unexpected right parenthesis ')'\n"
                           "  1 | rate(x[5m]))\n"
                           "    |             ^\n"),
            std::string::npos)
      << sh.last();
  sh.Send("\x04");
  EXPECT_EQ(sh.Exit(), 0);
}

TEST_F(ReplPty, ColoursOnATerminal) {
  Shell sh(home_, {kFixture}, 100, 30, /*color=*/true);
  ASSERT_TRUE(sh.Prompt());
  sh.Type("up\n");
  ASSERT_TRUE(sh.Prompt()) << sh.last();
  EXPECT_NE(sh.raw().find("\x1b[1m__name__"), std::string::npos);           // bold header
  EXPECT_NE(sh.raw().find("\x1b[36mlocalhost:9090"), std::string::npos);    // coloured labels
  EXPECT_NE(sh.last().find("1 series, "), std::string::npos) << sh.last();  // stats line
  sh.Send("\x04");
  EXPECT_EQ(sh.Exit(), 0);
}

}  // namespace
}  // namespace promkit
