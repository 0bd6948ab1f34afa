// Label set build/compare/hash costs, and regex matcher fast paths against plain RE2 on the
// same patterns (what the fast paths save per matched label value).
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <re2/re2.h>

#include "model/labels.h"
#include "model/matchers.h"

namespace promkit::model {
namespace {

std::vector<std::pair<std::string, std::string>> SamplePairs() {
  return {{"__name__", "http_requests_total"},
          {"job", "api-server"},
          {"instance", "10.0.12.7:9090"},
          {"method", "GET"},
          {"code", "200"},
          {"handler", "/api/v1/query_range"},
          {"namespace", "production"},
          {"pod", "api-server-7d9f8b6c5-x2x9q"}};
}

void BM_LabelsFromPairs(benchmark::State& state) {
  auto pairs = SamplePairs();
  for (auto _ : state) benchmark::DoNotOptimize(Labels::FromPairs(pairs));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LabelsFromPairs);

void BM_LabelsBuilder(benchmark::State& state) {
  auto pairs = SamplePairs();
  LabelsBuilder b;
  for (auto _ : state) {
    b.Reset();
    for (const auto& [n, v] : pairs) b.Add(n, v);
    benchmark::DoNotOptimize(b.Build());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LabelsBuilder);

void BM_LabelsBuilderEdit(benchmark::State& state) {
  Labels base = Labels::FromPairs(SamplePairs());
  for (auto _ : state) {
    LabelsBuilder b(base);
    b.Set("code", "500").Del("pod").Set("zone", "eu-west-1");
    benchmark::DoNotOptimize(b.Build());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LabelsBuilderEdit);

void BM_LabelsCompare(benchmark::State& state) {
  auto pairs = SamplePairs();
  Labels a = Labels::FromPairs(pairs);
  pairs.back().second += "z";
  Labels b = Labels::FromPairs(pairs);
  for (auto _ : state) benchmark::DoNotOptimize(Labels::Compare(a, b));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(a.bytes()));
}
BENCHMARK(BM_LabelsCompare);

void BM_LabelsHash(benchmark::State& state) {
  Labels a = Labels::FromPairs(SamplePairs());
  for (auto _ : state) benchmark::DoNotOptimize(a.Hash());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(a.bytes()));
}
BENCHMARK(BM_LabelsHash);

void BM_LabelsHashForLabels(benchmark::State& state) {
  Labels a = Labels::FromPairs(SamplePairs());
  std::vector<std::string> names = {"instance", "job"};
  for (auto _ : state) benchmark::DoNotOptimize(a.HashForLabels(names));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LabelsHashForLabels);

void BM_LabelsToString(benchmark::State& state) {
  Labels a = Labels::FromPairs(SamplePairs());
  for (auto _ : state) benchmark::DoNotOptimize(a.ToString());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LabelsToString);

// Regex matchers: the same pattern through Matcher (fast paths) and through plain RE2.
const char* const kPatterns[] = {
    "api-server-7d9f8b6c5-x2x9q",         // literal
    "GET|POST|PUT|DELETE|PATCH",          // alternation of literals
    "(?i)get|post|put",                   // case-insensitive set
    "api-server.*",                       // literal prefix
    ".*x2x9q",                            // literal suffix
    ".*server.*",                         // contains
    ".+",                                 // non-empty
    "api.*7d9f.*x9q",                     // glob
    "(prometheus|api_prom)_api_v1_.+",    // prefix set + wildcard
    "[a-z]+-[a-z]+-[0-9a-f]+-[a-z0-9]+",  // no fast path: RE2 either way
};
const char* const kValues[] = {"api-server-7d9f8b6c5-x2x9q",
                               "GET",
                               "Post",
                               "prometheus_api_v1_x",
                               "web-frontend-5c7b9d8f4-abcde",
                               "",
                               "a-much-longer-value-with-server-in-it"};

void BM_MatcherFast(benchmark::State& state) {
  auto m = Matcher::Make(MatchType::kRegexMatch, "l", kPatterns[state.range(0)]);
  if (!m.ok()) {
    state.SkipWithError(m.status().ToString().c_str());
    return;
  }
  state.SetLabel(kPatterns[state.range(0)]);
  for (auto _ : state) {
    for (const char* v : kValues) benchmark::DoNotOptimize(m->Matches(v));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(std::size(kValues)));
}
BENCHMARK(BM_MatcherFast)->DenseRange(0, std::size(kPatterns) - 1);

void BM_MatcherPlainRe2(benchmark::State& state) {
  RE2::Options opts;
  opts.set_dot_nl(true);
  opts.set_never_capture(true);
  RE2 re(kPatterns[state.range(0)], opts);
  state.SetLabel(kPatterns[state.range(0)]);
  for (auto _ : state) {
    for (const char* v : kValues) benchmark::DoNotOptimize(RE2::FullMatch(v, re));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(std::size(kValues)));
}
BENCHMARK(BM_MatcherPlainRe2)->DenseRange(0, std::size(kPatterns) - 1);

void BM_MatcherCompile(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Matcher::Make(MatchType::kRegexMatch, "l", kPatterns[state.range(0)]));
  }
  state.SetLabel(kPatterns[state.range(0)]);
}
BENCHMARK(BM_MatcherCompile)->DenseRange(0, std::size(kPatterns) - 1);

}  // namespace
}  // namespace promkit::model
