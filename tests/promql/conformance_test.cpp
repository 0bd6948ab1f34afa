// Upstream's PromQL engine tests (testdata/conformance/promql/*.test, Prometheus 3.14.0's
// promql/promqltest/testdata) through the promqltest runner, one test per file. Evals needing a
// feature promkit does not have yet are skipped by the table below, keyed on
// eval-features.tsv (file, line -> features); shrink it as features land. Prints
// `promql-conformance: P passed, F failed, S skipped` with the skips by reason.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "promqltest.h"
#include "util/strings.h"

namespace promkit::promql::promqltest {
namespace {

// What is skipped and why. A file rule skips every eval of `<name>.test`; a feature rule skips
// every eval whose eval-features.tsv row lists that feature. The first matching rule names the
// reason. @ modifiers and negative offsets are stable in 3.x: never skip them.
struct SkipRule {
  enum Kind { kFile, kFeature } kind;
  std::string_view name;
  std::string_view why;
};
constexpr SkipRule kSkipRules[] = {
    {SkipRule::kFile, "name_label_dropping", "delayed __name__ removal"},
    {SkipRule::kFile, "info", "info() (experimental)"},
    {SkipRule::kFile, "extended_vectors", "anchored/smoothed selectors (experimental)"},
    {SkipRule::kFile, "start_timestamps", "start timestamps"},
    {SkipRule::kFile, "type_and_unit", "__type__/__unit__ labels"},
    {SkipRule::kFeature, "nhcb_load", "load_with_nhcb"},
    {SkipRule::kFeature, "info_function", "info() (experimental)"},
    {SkipRule::kFeature, "extended_range_selectors", "anchored/smoothed selectors"},
    {SkipRule::kFeature, "start_timestamps", "start timestamps"},
    {SkipRule::kFeature, "type_and_unit_labels", "__type__/__unit__ labels"},
};

const std::string kDir = std::string(PROMKIT_SOURCE_DIR) + "/testdata/conformance/promql";

// Evals of native histograms (the native_histograms feature, and the native_histograms and
// histograms files) run unless listed in histogram_pending.txt (`file:line`, the ones not
// passing yet): shrink that list as histogram support grows. With PROMKIT_HIST_PENDING_ALL set
// the list is ignored, so the failures show what to list.
const std::set<std::string>& HistogramPending() {
  static const std::set<std::string> pending = [] {
    std::set<std::string> out;
    if (std::getenv("PROMKIT_HIST_PENDING_ALL") != nullptr) return out;
    std::ifstream in(std::string(PROMKIT_SOURCE_DIR) + "/tests/promql/histogram_pending.txt");
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line[0] != '#') out.insert(line);
    }
    return out;
  }();
  return pending;
}

std::vector<std::string> TestFiles() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(kDir)) {
    if (e.path().extension() == ".test") files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// (file, line) -> features, from eval-features.tsv.
using FeatureMap = std::map<std::pair<std::string, int>, std::set<std::string>>;

const FeatureMap& EvalFeatures() {
  static const FeatureMap features = [] {
    FeatureMap m;
    std::ifstream in(kDir + "/eval-features.tsv");
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      auto f = util::SplitString(line, "\t");
      if (f.size() < 3) continue;
      std::set<std::string> feats;
      if (f.size() > 3) {
        for (std::string_view x : util::SplitString(f[3], ",")) {
          if (!x.empty()) feats.emplace(x);
        }
      }
      m[{std::string(f[0]), std::stoi(std::string(f[1]))}] = std::move(feats);
    }
    return m;
  }();
  return features;
}

struct Totals {
  int passed = 0, failed = 0, skipped = 0, histogram_series_dropped = 0;
  std::map<std::string, int> skipped_by_reason;
  std::vector<std::string> file_lines;
};
Totals& GlobalTotals() {
  static Totals t;
  return t;
}

class PromqlConformance : public ::testing::TestWithParam<std::string> {
 public:
  static void TearDownTestSuite() {
    const Totals& t = GlobalTotals();
    std::string out = fmt::format("promql-conformance: {} passed, {} failed, {} skipped\n",
                                  t.passed, t.failed, t.skipped);
    for (const auto& [reason, n] : t.skipped_by_reason) {
      out += fmt::format("  skipped {:5}  {}\n", n, reason);
    }
    if (t.histogram_series_dropped > 0) {
      out += fmt::format("  {} load lines with native histogram values not loaded\n",
                         t.histogram_series_dropped);
    }
    for (const std::string& l : t.file_lines) out += "  " + l + "\n";
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
  }
};

TEST_P(PromqlConformance, File) {
  const std::string file = GetParam();
  const std::string stem = file.substr(0, file.size() - std::string_view(".test").size());
  const FeatureMap& features = EvalFeatures();
  std::string unlisted;
  SkipFn skip = [&](const EvalCmd& ev) -> std::string {
    auto it = features.find({file, ev.line});
    if (it == features.end()) unlisted += fmt::format(" {}", ev.line);
    const bool hist = stem == "native_histograms" || stem == "histograms" ||
                      (it != features.end() && it->second.count("native_histograms") > 0);
    for (const SkipRule& r : kSkipRules) {
      if (r.kind == SkipRule::kFile && r.name == stem) {
        return fmt::format("file {}: {}", r.name, r.why);
      }
      if (r.kind == SkipRule::kFeature && it != features.end() &&
          it->second.count(std::string(r.name)) > 0) {
        return fmt::format("feature {}: {}", r.name, r.why);
      }
    }
    if (hist && HistogramPending().count(fmt::format("{}:{}", file, ev.line)) > 0) {
      return "native histograms: not passing yet (histogram_pending.txt)";
    }
    return {};
  };
  FileReport rep = RunTestFile(kDir + "/" + file, UpstreamTestEngineOptions(), skip);

  Totals& t = GlobalTotals();
  t.passed += rep.passed;
  t.failed += rep.failed + (rep.error.empty() ? 0 : 1);
  t.skipped += rep.skipped;
  t.histogram_series_dropped += rep.histogram_series_dropped;
  for (const auto& [reason, n] : rep.skipped_by_reason) t.skipped_by_reason[reason] += n;
  t.file_lines.push_back(fmt::format("{}: {} passed, {} failed, {} skipped{}", file, rep.passed,
                                     rep.failed, rep.skipped,
                                     rep.error.empty() ? "" : " (script error)"));

  EXPECT_TRUE(rep.error.empty()) << file << ": " << rep.error;
  // The table must describe exactly these files: every eval has its row.
  EXPECT_TRUE(unlisted.empty()) << file << ": evals missing from eval-features.tsv at lines"
                                << unlisted;
  for (const EvalReport& e : rep.evals) {
    if (e.outcome != Outcome::kFailed) continue;
    ADD_FAILURE() << file << ":" << e.line << ": " << e.expr << "\n  " << e.reason;
  }
  std::printf("promql-conformance[%s]: %d passed, %d failed, %d skipped\n", file.c_str(),
              rep.passed, rep.failed, rep.skipped);
}

// Every eval listed in eval-features.tsv belongs to a file that exists here.
TEST(PromqlConformanceData, FeatureTableMatchesFiles) {
  std::vector<std::string> files = TestFiles();
  ASSERT_FALSE(files.empty());
  ASSERT_FALSE(EvalFeatures().empty());
  for (const auto& [key, feats] : EvalFeatures()) {
    EXPECT_TRUE(std::binary_search(files.begin(), files.end(), key.first))
        << key.first << " listed in eval-features.tsv but missing";
  }
}

// The runner notices wrong expectations end to end (a guard against a runner that passes all).
TEST(PromqlTestRunner, ReportsEachWrongExpectation) {
  auto script = ParseScript(R"(
load 1m
  m{a="x"} 1 2 3
  m{a="y"} 10 20 30

eval instant at 2m m
  m{a="x"} 3
  m{a="y"} 30

eval instant at 2m m
  m{a="x"} 3
  m{a="y"} 31

eval instant at 2m m
  m{a="x"} 3

eval instant at 2m m
  expect fail

eval instant at 2m sum(m) + foo{a="b"}

eval instant at 2m m + on() group_left m
  expect fail msg: wrong text

eval range from 0 to 2m step 1m m{a="x"}
  m{a="x"} 1 2 3

eval range from 0 to 2m step 1m m{a="x"}
  m{a="x"} 1 _ 3

eval instant at 1m time()
  60

eval instant at 1m time()
  61
)");
  ASSERT_TRUE(script.ok()) << script.status().ToString();
  FileReport rep = RunScript(*script, "inline.test", UpstreamTestEngineOptions());
  std::vector<int> failed;
  for (const EvalReport& e : rep.evals) {
    if (e.outcome == Outcome::kFailed) failed.push_back(e.line);
  }
  EXPECT_EQ(failed, (std::vector<int>{10, 14, 17, 22, 28, 34})) << rep.FailureText();
  EXPECT_EQ(rep.passed, 4);
  EXPECT_NE(
      rep.FailureText().find(
          R"(inline.test:10: m: instant query at 120000ms: expected 31 for {__name__="m", a="y"} but got 30)"),
      std::string::npos)
      << rep.FailureText();
}

INSTANTIATE_TEST_SUITE_P(Upstream, PromqlConformance, ::testing::ValuesIn(TestFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace promkit::promql::promqltest
