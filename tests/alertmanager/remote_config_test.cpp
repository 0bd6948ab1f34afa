// `config routes` against a running Alertmanager: without --config.file the routing tree comes
// from GET <alertmanager.url>/api/v2/status (config.original), as amtool loads it.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testutil/http_server.h"
#include "testutil/subprocess.h"

namespace promkit {
namespace {

constexpr std::string_view kStatus =
    R"({"cluster":{"status":"ready"},"config":{"original":"route:\n  receiver: a\n  routes:\n  - matchers: [team=db]\n    receiver: b\nreceivers: [{name: a}, {name: b}]\n"},"uptime":"2024-01-01T00:00:00Z","versionInfo":{"version":"0.34.0"}})";

TEST(AmRemoteConfig, RoutesFromStatus) {
  testutil::HttpServer server([](const testutil::HttpRequest& req) {
    testutil::HttpResponse r;
    if (req.target != "/api/v2/status") {
      r.status = 404;
      r.reason = "Not Found";
      return r;
    }
    r.headers = {{"Content-Type", "application/json"}};
    r.body = std::string(kStatus);
    return r;
  });
  ASSERT_TRUE(server.ok());
  std::string url = server.Url("/");
  auto show = testutil::RunProcess(PROMKIT_BINARY,
                                   {"amtool", "--alertmanager.url=" + url, "config", "routes"});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(show.out,
            "Routing tree:\n.\n└── default-route  receiver: a\n    └── {team=\"db\"}  receiver: "
            "b\n\n");
  auto test = testutil::RunProcess(PROMKIT_BINARY, {"amtool", "--alertmanager.url=" + url, "config",
                                                    "routes", "test", "team=db"});
  EXPECT_EQ(test.exit_code, 0) << test.err;
  EXPECT_EQ(test.out, "b\n");
  std::vector<testutil::HttpRequest> reqs = server.requests();
  ASSERT_FALSE(reqs.empty());
  EXPECT_EQ(reqs[0].target, "/api/v2/status");
  server.Stop();
  auto down = testutil::RunProcess(PROMKIT_BINARY,
                                   {"amtool", "--alertmanager.url=" + url, "config", "routes"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_EQ(down.err.rfind("amtool: error: Get \"" + url + "api/v2/status\": ", 0), 0u) << down.err;
}

}  // namespace
}  // namespace promkit
