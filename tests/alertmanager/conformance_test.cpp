// Upstream Alertmanager's config/testdata fixtures (testdata/conformance/alertmanager-config):
// every file listed in expected-errors.tsv fails to load with its expected error (exactly or as
// a substring), and every other file loads cleanly. Files are read as upstream's tests read
// them, with the classic matcher parser (the Go package's default outside the binaries).
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "alertmanager/config.h"
#include "testutil/tsv.h"

namespace promkit::alertmanager {
namespace {

namespace fs = std::filesystem;

const std::string kDir =
    std::string(PROMKIT_SOURCE_DIR) + "/testdata/conformance/alertmanager-config/";

TEST(AlertmanagerConformance, BadFilesFailWithUpstreamErrors) {
  std::vector<testutil::TsvRow> rows = testutil::ReadTsv(kDir + "expected-errors.tsv");
  ASSERT_EQ(rows.size(), 26u);
  int passed = 0;
  for (const testutil::TsvRow& row : rows) {
    SCOPED_TRACE(row.at("file"));
    LoadOptions opts;
    opts.matcher_mode = MatcherMode::kClassic;
    auto cfg = LoadFile(kDir + row.at("file"), opts);
    ASSERT_FALSE(cfg.ok());
    const std::string& want = row.at("error_substring");
    std::string got(cfg.status().message());
    if (row.at("match") == "exact") {
      EXPECT_EQ(got, want);
      if (got == want) ++passed;
    } else {
      EXPECT_NE(got.find(want), std::string::npos) << got;
      if (got.find(want) != std::string::npos) ++passed;
    }
  }
  EXPECT_EQ(passed, 26);
}

TEST(AlertmanagerConformance, GoodFilesLoad) {
  std::set<std::string> bad;
  for (const testutil::TsvRow& row : testutil::ReadTsv(kDir + "expected-errors.tsv")) {
    bad.insert(row.at("file"));
  }
  int loaded = 0;
  for (const auto& entry : fs::directory_iterator(kDir)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".yml" || bad.count(name) != 0) continue;
    SCOPED_TRACE(name);
    for (MatcherMode mode : {MatcherMode::kClassic, MatcherMode::kFallback}) {
      LoadOptions opts;
      opts.matcher_mode = mode;
      auto cfg = LoadFile(entry.path().string(), opts);
      EXPECT_TRUE(cfg.ok()) << cfg.status().message();
      if (cfg.ok() && mode == MatcherMode::kClassic) ++loaded;
    }
  }
  EXPECT_EQ(loaded, 20);
}

}  // namespace
}  // namespace promkit::alertmanager
