// `promkit check metrics` against Debian's real promtool (2.42) on every exposition fixture:
// same problem lines, same exit code. Differences that come from promtool 2.42 being older than
// the 3.x behaviour we implement are listed below with their reason. Also checks `--extended`
// against upstream's expected table for metrics-test.prom.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "testutil/files.h"
#include "testutil/subprocess.h"

namespace promkit {
namespace {

namespace fs = std::filesystem;
using testutil::Lines;

constexpr const char* kPromtool = "/usr/bin/promtool";

// Problems promlint reports in 3.x that promtool 2.42's client_golang did not have yet.
const std::set<std::string_view> kRulesMissingIn242 = {
    // LintDuplicateMetric came with client_golang 1.15; 2.42 never reports duplicates.
    "metric not unique",
};

// In 2.42 LintMetricTypeInName flagged every type name in a metric name (a counter named
// *_histogram_* was told not to include 'histogram'); 3.x only flags the family's own type.
constexpr std::string_view kTypeInNamePrefix = "metric name should not include type '";

// Fixtures 2.42's older expfmt parser reads differently, by design of the newer one.
const std::map<std::string, std::string> kParserDifferences = {
    {"quirks.prom",
     "2.42's parser has no `{name, labels}` syntax, so a bare label set is an "
     "error there; 3.x parses it (and re-uses the previous metric)"},
    {"utf8_names.prom",
     "2.42 rejects quoted names with another message ('invalid metric name "
     "in comment'); 3.x parses them and legacy validation rejects the name"},
    {"parse_error_negative_count.prom",
     "negative histogram counts became a parse error after "
     "2.42"},
};

std::vector<fs::path> Fixtures() {
  fs::path root(PROMKIT_SOURCE_DIR);
  std::vector<fs::path> out;
  for (const fs::path& p : testutil::ListDir(root / "testdata" / "checkmetrics")) {
    if (p.extension() == ".prom") out.push_back(p);
  }
  out.push_back(root / "testdata" / "conformance" / "promtool" / "metrics-test.prom");
  fs::path textparse = root / "testdata" / "conformance" / "textparse";
  for (const fs::path& p : testutil::ListDir(textparse)) {
    std::string name = p.filename();
    if (name.size() > 9 && name.substr(name.size() - 9) == ".prom.txt") out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// "<metric> <text>" -> text.
std::string_view ProblemText(std::string_view line) {
  size_t sp = line.find(' ');
  return sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
}

TEST(CheckMetricsPromtool, PromtoolIsInstalled) {
  ASSERT_TRUE(fs::exists(kPromtool))
      << kPromtool << " is missing: run install-deps.sh (Debian package prometheus).";
}

TEST(CheckMetricsPromtool, SameProblemsAndExitCode) {
  ASSERT_TRUE(fs::exists(kPromtool))
      << kPromtool << " is missing: run install-deps.sh (Debian package prometheus).";
  std::vector<fs::path> fixtures = Fixtures();
  ASSERT_GE(fixtures.size(), 10u);
  for (const fs::path& f : fixtures) {
    SCOPED_TRACE(f.string());
    std::string in = testutil::ReadFileOrEmpty(f);
    testutil::ProcessResult ours =
        testutil::RunProcess(PROMKIT_BINARY, {"promkit", "check", "metrics"}, in);
    ASSERT_TRUE(ours.exit_code == 0 || ours.exit_code == 1 || ours.exit_code == 3)
        << ours.exit_code << "\n"
        << ours.err;
    if (auto it = kParserDifferences.find(f.filename()); it != kParserDifferences.end()) {
      continue;  // see the reason in kParserDifferences
    }
    testutil::ProcessResult theirs =
        testutil::RunProcess(kPromtool, {"promtool", "check", "metrics"}, in);
    if (theirs.exit_code == 1) {
      // A parse error: promtool's line must be our first line (ours adds a caret below it).
      EXPECT_EQ(ours.exit_code, 1);
      EXPECT_EQ(Lines(ours.err).at(0), Lines(theirs.err).at(0));
      continue;
    }
    const std::vector<std::string> our_raw = Lines(ours.err);
    std::multiset<std::string> our_lines, their_lines;
    for (const std::string& l : our_raw) {
      if (kRulesMissingIn242.count(ProblemText(l)) == 0) our_lines.insert(l);
    }
    for (const std::string& l : Lines(theirs.err)) {
      if (ProblemText(l).substr(0, kTypeInNamePrefix.size()) == kTypeInNamePrefix &&
          std::find(our_raw.begin(), our_raw.end(), l) == our_raw.end()) {
        continue;  // 2.42 checked every type name, see kTypeInNamePrefix
      }
      their_lines.insert(l);
    }
    EXPECT_EQ(our_lines, their_lines);
    // Each tool's exit code follows its own unfiltered report: 3 with problems, 0 without.
    EXPECT_EQ(ours.exit_code, ours.err.empty() ? 0 : 3);
    EXPECT_EQ(theirs.exit_code, theirs.err.empty() ? 0 : 3);
    if (our_lines.size() == our_raw.size() && their_lines.size() == Lines(theirs.err).size()) {
      EXPECT_EQ(ours.exit_code, theirs.exit_code);
    }
  }
}

// `check metrics --extended` of upstream's metrics-test.prom against upstream's expected rows.
TEST(CheckMetricsExtended, MatchesUpstreamTable) {
  fs::path dir = fs::path(PROMKIT_SOURCE_DIR) / "testdata" / "conformance" / "promtool";
  std::string in = testutil::ReadFileOrEmpty(dir / "metrics-test.prom");
  std::vector<std::string> tsv =
      Lines(testutil::ReadFileOrEmpty(dir / "expected-check-metrics-extended.tsv"));
  ASSERT_GE(tsv.size(), 2u);
  EXPECT_EQ(tsv[0], "metric\tcardinality\ttotal");
  testutil::ProcessResult r =
      testutil::RunProcess(PROMKIT_BINARY, {"promkit", "check", "metrics", "--extended"}, in);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<std::string> out = Lines(r.out);
  ASSERT_EQ(out.size(), tsv.size() + 1);  // header, one row per metric, Total
  auto fields = [](const std::string& line) {
    std::vector<std::string> f;
    size_t i = 0;
    while (i < line.size()) {
      size_t j = line.find_first_of(" \t", i);
      if (j == std::string::npos) j = line.size();
      if (j > i) f.push_back(line.substr(i, j - i));
      i = j + 1;
    }
    return f;
  };
  EXPECT_EQ(fields(out[0]), (std::vector<std::string>{"Metric", "Cardinality", "Percentage"}));
  std::string total;
  for (size_t i = 1; i < tsv.size(); ++i) {
    SCOPED_TRACE(tsv[i]);
    std::vector<std::string> want = fields(tsv[i]);
    ASSERT_EQ(want.size(), 3u);
    total = want[2];
    double pct = std::stod(want[1]) / std::stod(want[2]) * 100;
    EXPECT_EQ(fields(out[i]),
              (std::vector<std::string>{want[0], want[1], fmt::format("{:.2f}%", pct)}));
  }
  EXPECT_EQ(fields(out.back()), (std::vector<std::string>{"Total", total, "100%"}));
}

}  // namespace
}  // namespace promkit
