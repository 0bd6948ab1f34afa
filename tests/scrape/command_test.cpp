// `promkit scrape` end to end, through the built binary, against real servers on 127.0.0.1:
// Debian's prometheus-node-exporter, `openssl s_server -WWW` with certificates made here, and
// the loopback test server for failures (status codes, timeout, body limit, gzip, bad bodies).
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>

#include "testutil/http_server.h"
#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
using testutil::HttpRequest;
using testutil::HttpResponse;
using testutil::HttpServer;

testutil::ProcessResult Scrape(std::vector<std::string> args) {
  args.insert(args.begin(), {"promkit", "scrape"});
  return testutil::RunProcess(PROMKIT_BINARY, args);
}

bool Contains(const std::string& s, std::string_view what) {
  return s.find(what) != std::string::npos;
}

// A child process in the background (a server), killed and reaped by the destructor.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::string& cwd) {
    pid_ = fork();
    if (pid_ == 0) {
      int devnull = open("/dev/null", O_RDWR);
      dup2(devnull, 0);
      dup2(devnull, 1);
      dup2(devnull, 2);
      if (chdir(cwd.c_str()) != 0) _exit(127);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Background() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {  // at most 2s, then SIGKILL
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

// True once something accepts TCP connections on 127.0.0.1:port (bounded: ~10s).
bool WaitForPort(int port) {
  for (int i = 0; i < 200; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "promkit-scrape-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ScrapeCommand, NodeExporter) {
  const char* kNodeExporter = "/usr/bin/prometheus-node-exporter";
  if (!fs::exists(kNodeExporter)) GTEST_SKIP() << kNodeExporter << " is not installed";
  TempDir dir;
  int port = testutil::FreeLoopbackPort();
  ASSERT_NE(port, 0);
  Background ne({kNodeExporter, "--web.listen-address=127.0.0.1:" + std::to_string(port),
                 "--collector.disable-defaults", "--collector.loadavg", "--collector.uname",
                 "--collector.time", "--collector.meminfo"},
                dir.path());
  ASSERT_TRUE(ne.started());
  ASSERT_TRUE(WaitForPort(port)) << "node exporter did not start";
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  auto r = Scrape({url, "--job", "node"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string labels = "{instance=\"127.0.0.1:" + std::to_string(port) + "\",job=\"node\"}";
  EXPECT_TRUE(Contains(r.out, "\nup" + labels + " 1\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "node_load1" + labels + " ")) << r.out;
  EXPECT_TRUE(Contains(r.out, "node_time_seconds" + labels + " "));
  EXPECT_TRUE(Contains(r.out, "scrape_samples_scraped" + labels + " "));
  EXPECT_EQ(r.err, "");

  // The other formats over the same target.
  auto om = Scrape({url, "--format", "openmetrics"});
  EXPECT_EQ(om.exit_code, 0) << om.err;
  EXPECT_TRUE(om.out.size() > 6 && om.out.substr(om.out.size() - 6) == "# EOF\n");
  auto js = Scrape({url, "--format", "json"});
  EXPECT_EQ(js.exit_code, 0) << js.err;
  EXPECT_TRUE(Contains(js.out, "\"health\": \"up\""));
  auto table = Scrape({url, "--format", "table"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_EQ(table.out.rfind("NAME ", 0), 0u);

  // node_exporter's meminfo names (node_memory_MemTotal_bytes) break promlint's camelCase rule.
  auto lint = Scrape({url, "--lint"});
  EXPECT_EQ(lint.exit_code, 3) << lint.err;
  EXPECT_TRUE(Contains(lint.err, url + ": node_memory_MemTotal_bytes metric names should be "
                                       "written in 'snake_case' not 'camelCase'"))
      << lint.err;
}

TEST(ScrapeCommand, HttpFailures) {
  std::string big(64 * 1024, '#');
  big.append("\nbig 1\n");
  HttpServer srv([&](const HttpRequest& req) {
    HttpResponse r;
    r.headers = {{"Content-Type", "text/plain; version=0.0.4"}};
    if (req.target == "/404") {
      r.status = 404;
      r.reason = "Not Found";
    } else if (req.target == "/500") {
      r.status = 500;
      r.reason = "Internal Server Error";
    } else if (req.target == "/slow") {
      r.delay_ms = 5000;
      r.body = "a 1\n";
    } else if (req.target == "/big") {
      r.body = big;
    } else if (req.target == "/gzip") {
      r.body = testutil::Gzip("gz_metric 42\n");
      r.headers.emplace_back("Content-Encoding", "gzip");
    } else if (req.target == "/bad") {
      r.body = "# TYPE x gauge\nx 1\nx{a=\"1\" 2\n";
    } else {
      r.body = "ok_metric 1\n";
    }
    return r;
  });
  ASSERT_TRUE(srv.ok());
  const std::string labels =
      "{instance=\"127.0.0.1:" + std::to_string(srv.port()) + "\",job=\"scrape\"}";

  auto r = Scrape({srv.Url("/404")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "up" + labels + " 0\n")) << r.out;
  EXPECT_EQ(r.err, srv.Url("/404") + ": server returned HTTP status 404 Not Found\n");

  r = Scrape({srv.Url("/500")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, srv.Url("/500") + ": server returned HTTP status 500 Internal Server Error\n");

  auto start = std::chrono::steady_clock::now();
  r = Scrape({srv.Url("/slow"), "--timeout", "500ms"});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, srv.Url("/slow") + ": Get \"" + srv.Url("/slow") +
                       "\": context deadline exceeded (timeout 500ms)\n");
  EXPECT_LT(took, std::chrono::milliseconds(2500));
  EXPECT_TRUE(Contains(r.out, "up" + labels + " 0\n"));

  r = Scrape({srv.Url("/big"), "--body-size-limit", "10KB"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, srv.Url("/big") + ": body size limit exceeded (limit 10KiB)\n");
  r = Scrape({srv.Url("/big"), "--body-size-limit", "1MiB"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "big" + labels + " 1\n"));

  r = Scrape({srv.Url("/gzip")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "gz_metric" + labels + " 42\n")) << r.out;
  EXPECT_EQ(srv.requests().back().Header("Accept-Encoding"), "gzip");

  // A malformed body: the parser's message at line:col, the line, and a caret.
  r = Scrape({srv.Url("/bad")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, srv.Url("/bad") + ":3:")) << r.err;
  EXPECT_TRUE(Contains(r.err, "x{a=\"1\" 2\n")) << r.err;
  EXPECT_TRUE(Contains(r.err, "^")) << r.err;
  EXPECT_TRUE(Contains(r.out, "up" + labels + " 0\n"));
  EXPECT_FALSE(Contains(r.out, "\nx" + labels));  // rolled back

  // Several targets: one down makes the exit code 1; each gets its own up.
  int refused = testutil::FreeLoopbackPort();
  const std::string dead = "http://127.0.0.1:" + std::to_string(refused) + "/metrics";
  r = Scrape({srv.Url("/ok"), dead, "--format", "text"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "up" + labels + " 1\n")) << r.out;
  EXPECT_TRUE(Contains(
      r.out, "up{instance=\"127.0.0.1:" + std::to_string(refused) + "\",job=\"scrape\"} 0\n"));
  EXPECT_EQ(r.err, dead + ": Get \"" + dead + "\": dial tcp 127.0.0.1:" + std::to_string(refused) +
                       ": connect: connection refused\n");

  r = Scrape({srv.Url("/ok"), "--basic-auth", "alice:s3:cret"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(srv.requests().back().Header("Authorization"), "Basic YWxpY2U6czM6Y3JldA==");

  // Request headers from flags.
  r = Scrape({srv.Url("/ok"), "--header", "X-A: 1", "--header", "X-B:two", "--bearer-token", "t0k",
              "--timeout", "3s"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const HttpRequest last = srv.requests().back();
  EXPECT_EQ(last.Header("X-A"), "1");
  EXPECT_EQ(last.Header("X-B"), "two");
  EXPECT_EQ(last.Header("Authorization"), "Bearer t0k");
  EXPECT_EQ(last.Header("X-Prometheus-Scrape-Timeout-Seconds"), "3");
  EXPECT_EQ(last.Header("User-Agent").rfind("promkit/", 0), 0u);
}

// Runs a shell script (openssl invocations) in `dir`; true on success.
bool Sh(const std::string& dir, const std::string& script) {
  auto r = testutil::RunProcess("/bin/sh", {"sh", "-ec", script}, "", dir);
  if (r.exit_code != 0) ADD_FAILURE() << script << "\n" << r.err;
  return r.exit_code == 0;
}

TEST(ScrapeCommand, Tls) {
  if (!fs::exists("/usr/bin/openssl")) GTEST_SKIP() << "openssl is not installed";
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  // A CA, a server certificate for localhost/127.0.0.1 signed by it, and an unrelated CA.
  ASSERT_TRUE(Sh(dir.path(),
                 "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=promkit-test-ca "
                 "-keyout ca.key -out ca.pem 2>/dev/null\n"
                 "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca "
                 "-keyout other.key -out other.pem 2>/dev/null\n"
                 "openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout server.key "
                 "-out server.csr 2>/dev/null\n"
                 "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf\n"
                 "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
                 "-days 2 -extfile ext.cnf -out server.pem 2>/dev/null\n"
                 "openssl req -newkey rsa:2048 -nodes -subj /CN=scraper -keyout client.key "
                 "-out client.csr 2>/dev/null\n"
                 "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
                 "-days 2 -out client.pem 2>/dev/null\n"
                 "printf 'tls_metric{a=\"b\"} 7\\n' > metrics\n"));
  int port = testutil::FreeLoopbackPort();
  ASSERT_NE(port, 0);
  Background server(
      {"/usr/bin/openssl", "s_server", "-quiet", "-WWW", "-accept",
       "127.0.0.1:" + std::to_string(port), "-cert", "server.pem", "-key", "server.key"},
      dir.path());
  ASSERT_TRUE(server.started());
  ASSERT_TRUE(WaitForPort(port)) << "openssl s_server did not start";
  const std::string p = std::to_string(port);
  const std::string url = "https://127.0.0.1:" + p + "/metrics";
  const std::string ca = dir.path() + "/ca.pem";
  const std::string other = dir.path() + "/other.pem";
  const std::string sample =
      "tls_metric{a=\"b\",instance=\"127.0.0.1:" + p + "\",job=\"scrape\"} 7\n";

  auto r = Scrape({url, "--ca-file", ca});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, sample)) << r.out;

  r = Scrape({"https://localhost:" + p + "/metrics", "--ca-file", ca});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  r = Scrape({url, "--ca-file", other});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, url + ": Get \"" + url +
                       "\": tls: failed to verify certificate: x509: certificate signed by "
                       "unknown authority\n");

  r = Scrape({url, "--ca-file", other, "--insecure-skip-verify"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, sample));

  // --server-name: verify as "localhost" while connecting to 127.0.0.1 (instance unchanged).
  r = Scrape({url, "--ca-file", ca, "--server-name", "localhost"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, sample)) << r.out;
  r = Scrape({url, "--ca-file", ca, "--server-name", "not-this-host.example"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err,
                       "tls: failed to verify certificate: x509: certificate is not "
                       "valid for"))
      << r.err;

  // A server that insists on a client certificate signed by the CA.
  int mport = testutil::FreeLoopbackPort();
  Background mtls({"/usr/bin/openssl", "s_server", "-quiet", "-WWW", "-accept",
                   "127.0.0.1:" + std::to_string(mport), "-cert", "server.pem", "-key",
                   "server.key", "-Verify", "1", "-CAfile", "ca.pem"},
                  dir.path());
  ASSERT_TRUE(WaitForPort(mport)) << "openssl s_server (mTLS) did not start";
  const std::string murl = "https://127.0.0.1:" + std::to_string(mport) + "/metrics";
  r = Scrape({murl, "--ca-file", ca, "--cert-file", dir.path() + "/client.pem", "--key-file",
              dir.path() + "/client.key"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "tls_metric{a=\"b\""));
  r = Scrape({murl, "--ca-file", ca});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, murl + ": Get \"" + murl + "\": remote error: tls: certificate required\n");
  r = Scrape({murl, "--ca-file", ca, "--cert-file", dir.path() + "/client.pem"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "promkit: error: exactly one of key or key_file must be configured when a client "
            "certificate is configured\n");

  r = Scrape({url, "--ca-file", dir.path() + "/missing.pem"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "promkit: error: unable to read CA cert: open " + dir.path() +
                       "/missing.pem: no such file or directory\n");
}

}  // namespace
}  // namespace promkit
