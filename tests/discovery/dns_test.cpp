// DNS service discovery against a real server: Debian's dnsmasq, started on a free loopback port
// with the records below (skipped when dnsmasq is not installed; install-deps.sh lists it).
#include "discovery/dns.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/http_server.h"
#include "testutil/subprocess.h"

namespace promkit::discovery {
namespace {

namespace fs = std::filesystem;
constexpr const char* kDnsmasq = "/usr/sbin/dnsmasq";

// A dnsmasq child serving test records on 127.0.0.1:<port>; killed by the destructor.
class Dnsmasq {
 public:
  explicit Dnsmasq(int port) : port_(port) {
    std::vector<std::string> args = {
        kDnsmasq,
        "--no-daemon",
        "--port=" + std::to_string(port),
        "--listen-address=127.0.0.1",
        "--bind-interfaces",
        "--no-resolv",
        "--no-hosts",
        "--conf-file=/dev/null",
        "--log-facility=/dev/null",
        "--local=/test/",
        "--host-record=web.test,10.0.0.1,fd00::1",
        "--host-record=web2.test,10.0.0.2",
        "--srv-host=_prom._tcp.test,web.test,9100,0,10",
        "--srv-host=_prom._tcp.test,web2.test,9101,1,10",
        "--mx-host=mail.test,mx1.test,10",
        "--cname=alias.test,web2.test",
        // NS records have no dnsmasq option of their own: raw RR 2 with ns1.test. in wire form.
        "--dns-rr=zone.test,2,036e7331047465737400",
    };
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      // Its startup banner would clutter the test output.
      int null_fd = ::open("/dev/null", O_WRONLY);
      ::dup2(null_fd, 1);
      ::dup2(null_fd, 2);
      ::execv(kDnsmasq, argv.data());
      ::_exit(127);
    }
  }
  ~Dnsmasq() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // Waits until the server answers (bounded) and checks that it is ours: when another test's
  // dnsmasq got the same port first, this one has exited ("address in use").
  bool Ready() {
    for (int i = 0; i < 100; ++i) {
      if (Exchange("127.0.0.1", port_, "web.test.", DnsType::kA, 200).ok()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (::waitpid(pid_, nullptr, WNOHANG) != 0) {
      pid_ = -1;
      return false;
    }
    return Exchange("127.0.0.1", port_, "web.test.", DnsType::kA, 1000).ok();
  }

 private:
  int port_;
  pid_t pid_ = -1;
};

class DnsSDTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kDnsmasq)) GTEST_SKIP() << "dnsmasq is not installed";
    // Tests run in parallel: a port taken between FreeLoopbackPort() and dnsmasq's bind means
    // another try.
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = testutil::FreeLoopbackPort();
      server_ = std::make_unique<Dnsmasq>(port_);
      if (server_->Ready()) break;
      server_.reset();
    }
    ASSERT_TRUE(server_) << "dnsmasq did not start";
    resolv_ =
        (fs::temp_directory_path() / ("promkit_resolv_" + std::to_string(::getpid()))).string();
    testutil::WriteFileOrDie(resolv_, "nameserver 127.0.0.1\nsearch test\n");
    opts_.resolv_conf = resolv_;
    opts_.port = port_;
    opts_.exchange_timeout_ms = 5000;  // a loaded CI machine is slow, not lossy
  }
  void TearDown() override {
    server_.reset();
    if (!resolv_.empty()) fs::remove(resolv_);
  }
  std::vector<TargetGroup> Discover(std::vector<std::string> names, std::string type, int port,
                                    std::vector<std::string>* errors_out = nullptr) {
    config::DNSSDConfig cfg;
    cfg.names = std::move(names);
    cfg.type = std::move(type);
    cfg.port = port;
    DnsDiscovery d(cfg, opts_);
    std::vector<std::string> errors;
    std::vector<TargetGroup> groups = d.Refresh(10000, errors);
    if (errors_out) {
      *errors_out = errors;
    } else {
      EXPECT_TRUE(errors.empty()) << errors.front();
    }
    return groups;
  }

  int port_ = 0;
  std::unique_ptr<Dnsmasq> server_;
  std::string resolv_;
  DnsOptions opts_;
};

LabelSet Target(std::string addr, std::string name, std::string srv_target = "",
                std::string srv_port = "", std::string mx = "", std::string ns = "") {
  return LabelSet{{"__address__", addr},
                  {"__meta_dns_name", name},
                  {"__meta_dns_srv_record_target", srv_target},
                  {"__meta_dns_srv_record_port", srv_port},
                  {"__meta_dns_mx_record_target", mx},
                  {"__meta_dns_ns_record_target", ns}};
}

std::vector<LabelSet> Sorted(std::vector<LabelSet> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST_F(DnsSDTest, SRV) {
  auto groups = Discover({"_prom._tcp.test"}, "SRV", 0);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].source, "_prom._tcp.test");
  EXPECT_EQ(Sorted(groups[0].targets),
            Sorted({Target("web.test:9100", "_prom._tcp.test", "web.test.", "9100"),
                    Target("web2.test:9101", "_prom._tcp.test", "web2.test.", "9101")}));
}

TEST_F(DnsSDTest, AAndAAAA) {
  auto groups = Discover({"web.test", "web2.test"}, "A", 80);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].targets, std::vector<LabelSet>{Target("10.0.0.1:80", "web.test")});
  EXPECT_EQ(groups[1].source, "web2.test");
  groups = Discover({"web.test"}, "AAAA", 9100);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].targets, std::vector<LabelSet>{Target("[fd00::1]:9100", "web.test")});
}

TEST_F(DnsSDTest, CnameIsSkipped) {
  auto groups = Discover({"alias.test"}, "A", 80);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].targets, std::vector<LabelSet>{Target("10.0.0.2:80", "alias.test")});
}

TEST_F(DnsSDTest, MXAndNS) {
  auto groups = Discover({"mail.test"}, "MX", 25);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].targets,
            std::vector<LabelSet>{Target("mx1.test:25", "mail.test", "", "", "mx1.test.")});
  groups = Discover({"zone.test"}, "NS", 53);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].targets,
            std::vector<LabelSet>{Target("ns1.test:53", "zone.test", "", "", "", "ns1.test.")});
}

TEST_F(DnsSDTest, SearchListAndNxdomain) {
  // "web" has fewer dots than ndots+1: the search domain comes first.
  auto groups = Discover({"web"}, "A", 80);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].targets, std::vector<LabelSet>{Target("10.0.0.1:80", "web")});
  // NXDOMAIN for every candidate: an empty group, no error.
  groups = Discover({"missing.test"}, "A", 80);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_TRUE(groups[0].targets.empty());
}

TEST_F(DnsSDTest, UnreachableServerIsAnError) {
  opts_.port = testutil::FreeLoopbackPort();
  opts_.exchange_timeout_ms = 200;
  std::vector<std::string> errors;
  auto groups = Discover({"web.test"}, "A", 80, &errors);
  EXPECT_TRUE(groups.empty());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "could not resolve \"web.test\": all servers responded with errors to at least one "
            "search domain");
}

}  // namespace
}  // namespace promkit::discovery
