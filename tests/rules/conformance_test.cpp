// Upstream's model/rulefmt/testdata (testdata/conformance/rulefmt): every bad file's first error
// contains the text upstream's TestParseFileFailure expects (expected-errors.tsv), and the good
// ones (*.good.yaml, test*.yaml) parse without errors.
#include <filesystem>
#include <iostream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "rules/rulefmt/rulefmt.h"
#include "testutil/files.h"
#include "testutil/tsv.h"

namespace promkit::rules::rulefmt {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(PROMKIT_SOURCE_DIR) / "testdata" / "conformance" / "rulefmt";

ParseOptions OptionsFor(const std::string& scheme) {
  ParseOptions opts;
  opts.name_validation =
      scheme == "legacy" ? model::ValidationScheme::kLegacy : model::ValidationScheme::kUtf8;
  return opts;
}

TEST(RulefmtConformance, BadFilesFailWithUpstreamErrors) {
  auto rows = testutil::ReadTsv(kDir / "expected-errors.tsv");
  ASSERT_EQ(rows.size(), 11u);
  int passed = 0;
  for (const auto& row : rows) {
    const std::string& file = row.at("file");
    SCOPED_TRACE(file);
    ParseResult r = ParseFile(kDir / file, OptionsFor(row.at("name_validation")));
    ASSERT_FALSE(r.errors.empty());
    EXPECT_NE(r.errors[0].message.find(row.at("error_substring")), std::string::npos)
        << r.errors[0].message;
    if (r.errors[0].message.find(row.at("error_substring")) != std::string::npos) ++passed;
  }
  std::cout << "rulefmt bad files: " << passed << "/" << rows.size()
            << " fail with upstream's error\n";
}

TEST(RulefmtConformance, GoodFilesParseClean) {
  std::set<std::string> bad;
  for (const auto& row : testutil::ReadTsv(kDir / "expected-errors.tsv"))
    bad.insert(row.at("file"));
  int good = 0;
  for (const fs::path& p : testutil::ListDir(kDir)) {
    const std::string name = p.filename();
    if (p.extension() != ".yaml" || bad.contains(name)) continue;
    ASSERT_TRUE(name.ends_with(".good.yaml") || name.starts_with("test")) << name;
    SCOPED_TRACE(name);
    ParseResult r = ParseFile(p, OptionsFor(name.starts_with("legacy_") ? "legacy" : "utf8"));
    for (const Error& e : r.errors) ADD_FAILURE() << e.message;
    EXPECT_GT(r.RuleCount(), 0u);
    ++good;
  }
  EXPECT_EQ(good, 5);
  std::cout << "rulefmt good files: " << good << " parse clean\n";
}

// Upstream's TestParseFileSuccessWithAliases: anchors, aliases and merge keys resolve.
TEST(RulefmtConformance, Aliases) {
  ParseResult r = ParseFile(kDir / "test_aliases.yaml");
  ASSERT_TRUE(r.ok()) << r.errors[0].message;
  const std::string expr =
      "sum without(instance) (rate(errors_total[5m]))\n/\nsum without(instance) "
      "(rate(requests_total[5m]))\n";
  ASSERT_EQ(r.groups.groups.size(), 2u);
  for (const RuleGroup& g : r.groups.groups) {
    ASSERT_EQ(g.rules.size(), 4u);
    EXPECT_EQ(g.rules[0].alert, "HighAlert");
    EXPECT_EQ(g.rules[0].labels.at("severity"), "critical");
    EXPECT_EQ(g.rules[0].annotations.at("description"),
              "stuff's happening with {{ $.labels.service }}");
    EXPECT_EQ(g.rules[1].record, "new_metric");
    EXPECT_EQ(g.rules[2].alert, "HighAlert");
    EXPECT_EQ(g.rules[2].labels.at("severity"), "critical");
    EXPECT_EQ(g.rules[3].alert, "HighAlert2");
    EXPECT_EQ(g.rules[3].labels.at("severity"), "critical");
    for (const Rule& rule : g.rules) EXPECT_EQ(rule.expr, expr);
  }
}

}  // namespace
}  // namespace promkit::rules::rulefmt
