// amtool's online commands against the real thing: Debian's prometheus-alertmanager 0.25 on a
// free loopback port, driven by promkit invoked as amtool (and as `promkit am`) and by Debian's
// amtool 0.25 for the same requests. Both read the same server state, so their outputs are
// compared byte for byte (times included); states are waited for before comparing.
//
// One test walks the whole workflow (add alerts, query, silence, see them silenced, dry run,
// expire, import, update, config show, cluster show, errors, the amtool config file): each test
// runs in its own process under CTest, and one server start keeps the suite to a few seconds.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/core.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "scrape/fetch.h"
#include "testutil/files.h"
#include "testutil/http_server.h"
#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
using testutil::ProcessResult;

constexpr const char* kAmtool = "/usr/bin/amtool";
constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

std::string Show(const ProcessResult& r) {
  return fmt::format("exit {}\n--- stdout\n{}--- stderr\n{}", r.exit_code, r.out, r.err);
}

class AmApiTest : public testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kAlertmanager)) {
      GTEST_SKIP() << kAlertmanager << " is not installed (Debian's prometheus-alertmanager)";
    }
    root_ = fs::temp_directory_path() / ("promkit-am-api-test-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "home");
    fs::create_directories(root_ / "data");
    testutil::WriteFileOrDie(root_ / "alertmanager.yml",
                             "route:\n  receiver: team\n  routes:\n  - receiver: db\n"
                             "    matchers: [service=\"db\"]\nreceivers:\n- name: team\n"
                             "- name: db\n");
    port_ = testutil::FreeLoopbackPort();
    url_ = fmt::format("http://127.0.0.1:{}", port_);
    pid_ = fork();
    if (pid_ == 0) {
      std::string log = (root_ / "alertmanager.log").string();
      FILE* f = std::freopen(log.c_str(), "w", stderr);
      (void)f;
      std::string cfg = "--config.file=" + (root_ / "alertmanager.yml").string();
      std::string data = "--storage.path=" + (root_ / "data").string();
      std::string listen = fmt::format("--web.listen-address=127.0.0.1:{}", port_);
      execl(kAlertmanager, "prometheus-alertmanager", cfg.c_str(), data.c_str(), listen.c_str(),
            "--cluster.listen-address=", static_cast<char*>(nullptr));
      _exit(127);
    }
    scrape::FetchOptions ready;
    ready.url = url_ + "/-/ready";
    ready.timeout_ns = 1'000'000'000;
    for (int i = 0; i < 300 && !ready_; ++i) {
      if (scrape::Fetch(ready).ok()) {
        ready_ = true;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    ASSERT_TRUE(ready_) << "alertmanager did not become ready; log: "
                        << testutil::ReadFileOrEmpty(root_ / "alertmanager.log");
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (!root_.empty()) fs::remove_all(root_);
  }

  // HOME is the test's own, so no user's amtool config file leaks in.
  std::vector<std::string> Env() const { return {"HOME=" + (root_ / "home").string()}; }

  // promkit invoked as amtool, with --alertmanager.url unless `with_url` is false.
  ProcessResult Promkit(std::vector<std::string> args, bool with_url = true,
                        const std::string& stdin_data = "") {
    fs::path program = testutil::LinkBinary(PROMKIT_BINARY, root_ / "bin", "amtool");
    std::vector<std::string> argv = {"amtool"};
    if (with_url) argv.push_back("--alertmanager.url=" + url_);
    argv.insert(argv.end(), args.begin(), args.end());
    return testutil::RunProcess(program, argv, stdin_data, root_.string(), Env());
  }

  // promkit's own tree: `promkit am ...`.
  ProcessResult PromkitAm(std::vector<std::string> args) {
    std::vector<std::string> argv = {"promkit", "am", "--alertmanager.url=" + url_};
    argv.insert(argv.end(), args.begin(), args.end());
    return testutil::RunProcess(PROMKIT_BINARY, argv, "", root_.string(), Env());
  }

  ProcessResult Amtool(std::vector<std::string> args) {
    std::vector<std::string> argv = {"amtool", "--alertmanager.url=" + url_};
    argv.insert(argv.end(), args.begin(), args.end());
    return testutil::RunProcess(kAmtool, argv, "", root_.string(), Env());
  }

  // The same command through both; equal stdout, stderr and exit code.
  void ExpectSameAsAmtool(const std::vector<std::string>& args) {
    SCOPED_TRACE(fmt::format("amtool {}", fmt::join(args, " ")));
    if (!fs::exists(kAmtool)) return;
    ProcessResult ours = Promkit(args);
    ProcessResult theirs = Amtool(args);
    EXPECT_EQ(ours.out, theirs.out);
    EXPECT_EQ(ours.err, theirs.err);
    EXPECT_EQ(ours.exit_code, theirs.exit_code);
  }

  // Polls `alert query -o json` with `args` until `n` alerts come back.
  void WaitForAlerts(std::vector<std::string> args, size_t n) {
    args.insert(args.begin(), {"alert", "query", "-o", "json"});
    size_t got = 0;
    for (int i = 0; i < 100; ++i) {
      ProcessResult r = Promkit(args);
      ASSERT_EQ(r.exit_code, 0) << Show(r);
      got = nlohmann::json::parse(r.out).size();
      if (got == n) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "waited for " << n << " alerts, got " << got;
  }

  fs::path root_;
  int port_ = 0;
  std::string url_;
  pid_t pid_ = -1;
  bool ready_ = false;
};

std::vector<std::string> Lines(const std::string& s) { return testutil::Lines(s); }

TEST_F(AmApiTest, Workflow) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  // Alerts: the implicit alertname, annotations, generator URL, start time.
  ProcessResult r = Promkit({"alert", "add", "DiskFull", "service=db", "instance=a<b>",
                             "--annotation=summary=disk is full", "--generator-url=http://gen/1",
                             "--start=2026-01-01T00:00:00Z"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out, "");
  r = Promkit(
      {"alert", "add", "alertname=HighLoad", "service=web", "--start=2026-01-01T00:01:00Z"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  WaitForAlerts({}, 2);

  r = Promkit({"alert", "query"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out,
            "Alertname  Starts At                Summary       State   \n"
            "DiskFull   2026-01-01 00:00:00 UTC  disk is full  active  \n"
            "HighLoad   2026-01-01 00:01:00 UTC                active  \n");
  r = Promkit({"alert", "query", "HighLoad"});
  ASSERT_EQ(Lines(r.out).size(), 2u) << Show(r);
  r = Promkit({"alert", "query", "--receiver=db", "-o", "extended"});
  ASSERT_EQ(Lines(r.out).size(), 2u) << Show(r);
  EXPECT_NE(r.out.find("alertname=\"DiskFull\" instance=\"a<b>\" service=\"db\""),
            std::string::npos)
      << r.out;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"alert", "query"},
           {"alert", "query", "-o", "extended"},
           {"alert", "query", "-o", "json"},
           {"alert", "query", "DiskFull"},
           {"alert", "query", "service=~d.*", "-o", "extended"},
           {"alert", "query", "--receiver=team", "-o", "json"},
           {"alert", "DiskFull"},
           {"alert", "-o", "extended"},
           {"--date.format=2006-01-02T15:04", "alert", "query"}}) {
    ExpectSameAsAmtool(args);
  }

  // A dry run lists what a silence would match and creates nothing.
  r = PromkitAm({"silence", "add", "--dry-run", "service=db", "-c", "maintenance"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out,
            "Alertname  Starts At                Summary       State   \n"
            "DiskFull   2026-01-01 00:00:00 UTC  disk is full  active  \n");
  r = Promkit({"silence", "query", "-q"});
  EXPECT_EQ(r.out, "");

  // A silence: its ID printed, the alert then silenced.
  r = Promkit({"silence", "add", "service=db", "-c", "maintenance", "-a", "ops", "-d", "2h"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  const std::string id = r.out.substr(0, r.out.size() - 1);
  EXPECT_TRUE(std::regex_match(id, uuid)) << r.out;
  WaitForAlerts({"--silenced"}, 1);
  r = Promkit({"alert", "query", "--silenced"});
  EXPECT_EQ(r.out,
            "Alertname  Starts At                Summary       State       \n"
            "DiskFull   2026-01-01 00:00:00 UTC  disk is full  suppressed  \n");
  r = Promkit({"alert", "query"});
  ASSERT_EQ(Lines(r.out).size(), 2u) << Show(r);
  r = Promkit({"silence", "query", "-q"});
  EXPECT_EQ(r.out, id + "\n");
  r = Promkit({"silence", "query"});
  ASSERT_EQ(Lines(r.out).size(), 2u) << Show(r);
  EXPECT_TRUE(r.out.starts_with("ID                                    Matchers      Ends At"))
      << r.out;
  EXPECT_NE(r.out.find("service=\"db\"  "), std::string::npos) << r.out;
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"alert", "query", "--silenced"},
                                             {"alert", "query", "-s", "-a", "-o", "json"},
                                             {"silence", "query"},
                                             {"silence", "query", "-o", "extended"},
                                             {"silence", "query", "-o", "json"},
                                             {"silence", "query", "service=db"},
                                             {"silence", "query", "--within=3h", "-q"},
                                             {"silence", "query", "--within=1h", "-q"},
                                             {"silence", "query", "--created-by=ops"}}) {
    ExpectSameAsAmtool(args);
  }

  // Expiry: gone from the active silences, listed with --expired, the alert active again.
  r = Promkit({"silence", "expire", id});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.out, "");
  r = Promkit({"silence", "query", "-q"});
  EXPECT_EQ(r.out, "");
  r = Promkit({"silence", "query", "--expired", "-q"});
  EXPECT_EQ(r.out, id + "\n");
  WaitForAlerts({}, 2);
  ExpectSameAsAmtool({"silence", "query", "--expired"});

  // Import: a file as `silence query -o json` writes it, IDs dropped with --force.
  const std::string silences = fmt::format(
      R"([{{"id":"{}","status":{{"state":"expired"}},"updatedAt":"2026-01-01T00:00:00.000Z",)"
      R"("comment":"imported","createdBy":"ci","endsAt":"2099-01-01T00:00:00.000Z",)"
      R"("matchers":[{{"isEqual":true,"isRegex":true,"name":"alertname","value":"High.*"}}],)"
      R"("startsAt":"2026-01-01T00:00:00.000Z"}}])",
      id);
  testutil::WriteFileOrDie(root_ / "silences.json", silences);
  r = Promkit({"silence", "import", "--force", (root_ / "silences.json").string()});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  const std::string imported = r.out.substr(0, r.out.size() - 1);
  EXPECT_TRUE(std::regex_match(imported, uuid)) << r.out;
  EXPECT_NE(imported, id);
  r = Promkit({"silence", "query", "alertname=~High.*", "-o", "extended"});
  // The server starts a silence whose start has passed now.
  EXPECT_NE(r.out.find(imported + "  {alertname=~\"High.*\"}  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  2099-01-01 00:00:00 UTC  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  ci          imported  \n"), std::string::npos) << r.out;
  WaitForAlerts({"--silenced"}, 1);
  // From stdin too; the expired silence's ID cannot be updated, so the silence is created anew.
  r = Promkit({"silence", "import"}, true, silences);
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(std::regex_match(r.out.substr(0, r.out.size() - 1), uuid)) << Show(r);
  r = Promkit({"silence", "import"}, true, "{not json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("amtool: error: couldn't unmarshal input data, is it JSON?"))
      << r.err;

  // Update: the new comment and end shown, and kept by the server.
  r = Promkit(
      {"silence", "update", imported, "-c", "extended window", "--end=2098-01-01T00:00:00Z"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  ASSERT_EQ(Lines(r.out).size(), 2u) << Show(r);
  EXPECT_NE(r.out.find("2098-01-01 00:00:00 UTC  ci          extended window"), std::string::npos)
      << r.out;
  r = Promkit({"silence", "query", "-o", "json", "alertname=~High.*"});
  EXPECT_NE(r.out.find(R"("comment":"extended window")"), std::string::npos) << r.out;
  r = Promkit({"silence", "update", "-q", imported, "-d", "3h"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_TRUE(std::regex_match(r.out.substr(0, r.out.size() - 1), uuid)) << Show(r);

  // The running configuration and the cluster.
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"config", "show"},
                                             {"config"},
                                             {"config", "show", "-o", "json"},
                                             {"cluster", "show"},
                                             {"cluster"},
                                             {"cluster", "show", "-o", "extended"},
                                             {"cluster", "show", "-o", "json"}}) {
    ExpectSameAsAmtool(args);
  }
  r = Promkit({"config", "show"});
  EXPECT_TRUE(r.out.starts_with("global:\n  resolve_timeout: 5m\n")) << r.out;
  EXPECT_NE(r.out.find("- name: db\n"), std::string::npos) << r.out;
  r = Promkit({"config", "show", "-o", "extended"});
  EXPECT_NE(r.out.find("\nversion 0.25"), std::string::npos) << r.out;
  r = Promkit({"cluster", "show"});
  EXPECT_EQ(r.out, "Cluster Status:  disabled\nNode Name:       \n");

  // Errors: the server's, bad arguments, HTTP client files, an unreachable server.
  testutil::WriteFileOrDie(root_ / "http.yml", "basic_auth:\n  username: u\n  password: p\n");
  testutil::WriteFileOrDie(root_ / "bad-http.yml", "foo: 1\n");
  ExpectSameAsAmtool({"--http.config.file=http.yml", "alert", "query", "-o", "json"});
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--http.config.file=missing.yml", "alert"},
           {"-o", "yaml", "alert"},
           {"--http.config.file=bad-http.yml", "alert"},
           {"silence", "expire", "00000000-0000-0000-0000-000000000000"},
           {"silence", "expire", "not-a-uuid"},
           {"silence", "update", "00000000-0000-0000-0000-000000000000"},
           {"silence", "add", "foo"},
           {"silence", "add", "foo", "x=~(", "-c", "c"},
           {"silence", "add", "-c", "c"},
           {"silence", "add", "foo", "-c", "c", "--end=2020-01-01T00:00:00Z",
            "--start=2019-01-01T00:00:00Z"},
           {"silence", "add", "foo", "-c", "c", "-d", "0s"},
           {"silence", "add", "foo", "-c", "c", "--start=yesterday"},
           {"alert", "add", "foo", "bar=~b"},
           {"silence", "expire"}}) {
    ExpectSameAsAmtool(args);
    ProcessResult e = Promkit(args);
    EXPECT_EQ(e.exit_code, 1) << Show(e);
    EXPECT_TRUE(e.err.starts_with("amtool: error: ")) << Show(e);
  }
  r = Promkit({"silence", "add", "foo", "x=~(", "-c", "c"});
  EXPECT_EQ(r.err, "amtool: error: error parsing regexp: missing closing ): `^(?:()$`\n\n");
  const std::string dead = fmt::format("http://127.0.0.1:{}", testutil::FreeLoopbackPort());
  r = Promkit({"--alertmanager.url=" + dead, "alert", "query"}, false);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, fmt::format("amtool: error: Get \"{}/api/v2/alerts?active=true&inhibited="
                               "false&silenced=false&unprocessed=false\": dial tcp {}: connect: "
                               "connection refused\n\n",
                               dead, dead.substr(7)));

  // amtool's config file: the URL, author, output and comment requirement from
  // ~/.config/amtool/config.yml (the legacy comment_required key), flags still winning. (Debian's
  // amtool 0.25 build ignores the file, so there is nothing to compare with.)
  fs::create_directories(root_ / "home/.config/amtool");
  testutil::WriteFileOrDie(root_ / "home/.config/amtool/config.yml",
                           fmt::format("alertmanager.url: {}\nauthor: from-config\n"
                                       "comment_required: false\noutput: extended\n",
                                       url_));
  r = Promkit({"silence", "add", "Configured"}, false);
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  const std::string configured = r.out.substr(0, r.out.size() - 1);
  r = Promkit({"silence", "query", "Configured"}, false);
  ASSERT_EQ(Lines(r.out).size(), 2u) << Show(r);
  EXPECT_TRUE(
      r.out.starts_with("ID                                    Matchers                  "
                        "Starts At  "))
      << r.out;
  EXPECT_NE(r.out.find(configured + "  {alertname=\"Configured\"}"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  from-config  "), std::string::npos) << r.out;
  r = Promkit({"silence", "query", "-o", "simple", "--created-by=from-config", "-q"}, false);
  EXPECT_EQ(r.out, configured + "\n");
  // The offline commands take their defaults from it too: the routing tree of the server's
  // configuration.
  r = Promkit({"config", "routes"}, false);
  EXPECT_EQ(r.out,
            "Routing tree:\n.\n└── default-route  receiver: team\n"
            "    └── {service=\"db\"}  receiver: db\n\n")
      << Show(r);
  testutil::WriteFileOrDie(root_ / "home/.config/amtool/config.yml", "output: [json]\n");
  r = Promkit({"silence", "query"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(
      r.err.starts_with("amtool: error: could not load config file: yaml: unmarshal "
                        "errors:\n  line 1: cannot unmarshal !!seq into string"))
      << r.err;
}

}  // namespace
}  // namespace promkit
