// `promkit check service-discovery` against Debian's promtool 2.42 on static (relabel
// keep/drop/replace/labelmap/hashmod/lowercase/uppercase/dropequal/labeldrop/labelkeep), file
// (JSON and YAML), HTTP (a server this test runs) and DNS (dnsmasq in a private network
// namespace, see testdata/discovery/agreement/dnsns.sh) service discovery: same exit code and
// the same targets, in any order (promtool prints sources in Go map order), once the ways
// Prometheus 3.x (which promkit follows) differs from 2.42 are normalized away:
//   1. 3.x adds __scrape_native_histograms__, __always_scrape_classic_histograms__ and
//      __convert_classic_histograms_to_nhcb__ to every target; 2.42 has none of them.
//   2. 2.42 appends the scheme's default port (:80, :443) to an __address__ without one (and so
//      to instance); 3.x leaves the address as discovered.
//   3. For an invalid target (e.g. "bad/target:1"), 2.42 prints empty discoveredLabels; 3.x
//      prints the labels it discovered.
//   4. dns_sd_configs of type NS are 3.x; 2.42 rejects the config (checked apart).
// Messages for a missing job are compared byte for byte.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "testutil/http_server.h"
#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
constexpr const char* kPromtool = "/usr/bin/promtool";
const std::string kDir = "testdata/discovery/agreement";

bool HasPort(const std::string& addr) {
  size_t colon = addr.rfind(':');
  size_t bracket = addr.rfind(']');
  return colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
}

// Sorted entries with the listed 3.x/2.42 differences removed.
std::vector<std::string> Normalize(const std::string& out, bool promkit) {
  Json j = Json::parse(out, nullptr, false);
  if (!j.is_array()) return {"unparseable: " + out};
  std::vector<std::string> entries;
  for (Json& e : j) {
    for (const char* key : {"discoveredLabels", "labels"}) {
      for (const char* l : {"__scrape_native_histograms__", "__always_scrape_classic_histograms__",
                            "__convert_classic_histograms_to_nhcb__"}) {
        if (promkit) e[key].erase(l);
      }
    }
    if (promkit && e.contains("error")) e["discoveredLabels"] = Json::object();
    if (!promkit && e["labels"].contains("__address__")) {
      std::string discovered = e["discoveredLabels"].value("__address__", "");
      std::string addr = e["labels"]["__address__"];
      for (const std::string suffix : {":80", ":443"}) {
        if (!HasPort(discovered) && addr.size() > suffix.size() &&
            addr.compare(addr.size() - suffix.size(), suffix.size(), suffix) == 0) {
          std::string bare = addr.substr(0, addr.size() - suffix.size());
          if (e["labels"].value("instance", "") == addr) e["labels"]["instance"] = bare;
          e["labels"]["__address__"] = bare;
        }
      }
    }
    entries.push_back(e.dump());
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

struct Case {
  std::string config;
  std::string job;
};

class SdAgreementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kPromtool)) GTEST_SKIP() << "Debian's promtool is not installed";
  }
  // Runs both tools (optionally under `wrap`) and compares; returns true when they agree.
  void Compare(const Case& c, const std::vector<std::string>& wrap = {}) {
    SCOPED_TRACE(c.config + " " + c.job);
    auto run = [&](const std::string& bin, const std::string& name, const std::string& timeout) {
      std::vector<std::string> argv = wrap;
      for (const std::string& a : {name, std::string("check"), std::string("service-discovery"),
                                   "--timeout=" + timeout, c.config, c.job}) {
        argv.push_back(a);
      }
      std::string program = wrap.empty() ? bin : "/usr/bin/unshare";
      if (!wrap.empty()) argv[wrap.size()] = bin;
      return testutil::RunProcess(program, argv);
    };
    // promtool always waits for the whole timeout; promkit returns when discovery is done.
    testutil::ProcessResult want = run(kPromtool, "promtool", "1s");
    testutil::ProcessResult got = run(PROMKIT_BINARY, "promkit", "10s");
    ASSERT_NE(want.exit_code, 97) << "no network namespace";
    EXPECT_EQ(got.exit_code, want.exit_code) << want.err << got.err;
    if (want.exit_code == 0) {
      EXPECT_EQ(Normalize(got.out, true), Normalize(want.out, false)) << "promtool:\n"
                                                                      << want.out << "\npromkit:\n"
                                                                      << got.out;
      EXPECT_NE(want.out, "[]") << "a case should discover something";
    } else {
      EXPECT_EQ(got.err, want.err);
    }
    ++compared_;
    if (!HasFailure()) ++agreed_;
  }
  void TearDown() override {
    if (compared_ > 0) {
      std::printf("agreement with promtool 2.42: %d of %d cases\n", agreed_, compared_);
    }
  }
  int compared_ = 0;
  int agreed_ = 0;
};

TEST_F(SdAgreementTest, StaticAndFile) {
  const Case cases[] = {
      {"testdata/discovery/sd/static_relabel.yml", "web"},
      {"testdata/discovery/sd/static_relabel.yml", "other"},
      {"testdata/discovery/sd/static_relabel.yml", "missing"},
      {"testdata/discovery/sd/file_sd.yml", "files"},
      {kDir + "/relabel_actions.yml", "actions"},
  };
  for (const Case& c : cases) Compare(c);
}

TEST_F(SdAgreementTest, Http) {
  testutil::HttpServer server([](const testutil::HttpRequest& req) {
    std::string body = R"([
      {"targets": ["10.1.0.1:9100", "10.1.0.2:9100"], "labels": {"env": "prod", "zone": "a"}},
      {"targets": ["10.1.0.3:9100"], "labels": {"env": "staging"}},
      {"targets": ["10.1.0.4:9100"]}
    ])";
    return testutil::HttpResponse{200,  "OK", {{"Content-Type", "application/json; charset=utf-8"}},
                                  body, 0,    false};
  });
  ASSERT_TRUE(server.ok());
  fs::path dir = fs::temp_directory_path() / ("promkit_sd_agreement_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string text = testutil::ReadFileOrEmpty(kDir + "/http.yml.in");
  text.replace(text.find("@URL@"), 5, server.Url("/sd"));
  testutil::WriteFileOrDie((dir / "http.yml").string(), text);
  Compare({(dir / "http.yml").string(), "http"});
  fs::remove_all(dir);
}

TEST_F(SdAgreementTest, Dns) {
  if (!fs::exists("/usr/sbin/dnsmasq")) GTEST_SKIP() << "dnsmasq is not installed";
  testutil::ProcessResult probe =
      testutil::RunProcess("/usr/bin/unshare", {"unshare", "-rmn", "true"});
  if (probe.exit_code != 0) GTEST_SKIP() << "no user namespaces: " << probe.err;
  fs::path dir = fs::temp_directory_path() / ("promkit_sd_dns_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string resolv = (dir / "resolv.conf").string();
  testutil::WriteFileOrDie(resolv, "nameserver 127.0.0.1\nsearch test\noptions ndots:1\n");
  const std::vector<std::string> wrap = {"unshare", "-rmn", kDir + "/dnsns.sh", resolv};
  for (const char* job : {"srv", "a", "aaaa", "mx"}) Compare({kDir + "/dns.yml", job}, wrap);

  // Deviation 4: NS lookups, which 2.42 does not know.
  std::vector<std::string> argv = wrap;
  argv[0] = "unshare";
  for (const char* a : {PROMKIT_BINARY, "check", "service-discovery", "dns_ns.yml", "ns"}) {
    argv.push_back(a);
  }
  argv[wrap.size() + 3] = kDir + "/dns_ns.yml";
  testutil::ProcessResult ns = testutil::RunProcess("/usr/bin/unshare", argv);
  argv[wrap.size()] = kPromtool;
  testutil::ProcessResult ns_242 = testutil::RunProcess("/usr/bin/unshare", argv);
  EXPECT_EQ(ns_242.exit_code, 1);
  EXPECT_NE(ns_242.err.find("invalid DNS-SD records type NS"), std::string::npos) << ns_242.err;
  ASSERT_EQ(ns.exit_code, 0) << ns.err;
  Json got = Json::parse(ns.out, nullptr, false);
  ASSERT_TRUE(got.is_array() && got.size() == 1) << ns.out;
  EXPECT_EQ(got[0]["labels"]["__address__"], "ns1.test:53");
  EXPECT_EQ(got[0]["labels"]["ns"], "ns1.test.");
  EXPECT_EQ(got[0]["discoveredLabels"]["__meta_dns_name"], "zone.test");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace promkit
