// What `check metrics` spends its time on: parsing an exposition into families (both name
// schemes) and linting it. The input is generated in memory: counters, gauges, histograms and
// summaries with label sets like a node's. Compare with promtool:
// tests/bench/compare_check_metrics.sh.
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include "textparse/families.h"
#include "textparse/promlint.h"

namespace {

std::string Exposition(int blocks) {
  std::string out;
  for (int b = 0; b < blocks; ++b) {
    std::string c = fmt::format("app_http_requests_b{}_total", b);
    out += fmt::format("# HELP {0} Requests.\n# TYPE {0} counter\n", c);
    for (int j = 0; j < 120; ++j) {
      out += fmt::format(
          "{}{{instance=\"10.0.{}.{}:9100\",job=\"node\",method=\"GET\",code=\"{}\"}} {}\n", c,
          b % 256, j, 200 + j % 5 * 100, j * 17);
    }
    std::string h = fmt::format("app_request_duration_b{}_seconds", b);
    out += fmt::format("# HELP {0} Latency.\n# TYPE {0} histogram\n", h);
    for (int j = 0; j < 12; ++j) {
      for (const char* le : {"0.01", "0.1", "1", "10", "+Inf"}) {
        out += fmt::format("{}_bucket{{instance=\"i{}\",le=\"{}\"}} {}\n", h, j, le, j);
      }
      out += fmt::format("{0}_sum{{instance=\"i{1}\"}} 1.5\n{0}_count{{instance=\"i{1}\"}} {1}\n",
                         h, j);
    }
    std::string s = fmt::format("app_gc_b{}_seconds", b);
    out += fmt::format("# HELP {0} GC.\n# TYPE {0} summary\n", s);
    for (const char* q : {"0", "0.5", "1"})
      out += fmt::format("{}{{quantile=\"{}\"}} 0.001\n", s, q);
    out += fmt::format("{0}_sum 0.5\n{0}_count 9\n", s);
  }
  return out;
}

void BM_ParseFamilies(benchmark::State& state, promkit::textparse::NameValidation scheme) {
  const std::string in = Exposition(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto parsed = promkit::textparse::ParseTextFamilies(in, scheme);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}
BENCHMARK_CAPTURE(BM_ParseFamilies, legacy, promkit::textparse::NameValidation::kLegacy)->Arg(200);
BENCHMARK_CAPTURE(BM_ParseFamilies, utf8, promkit::textparse::NameValidation::kUtf8)->Arg(200);

void BM_LintText(benchmark::State& state) {
  const std::string in = Exposition(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto problems = promkit::textparse::LintText(in);
    benchmark::DoNotOptimize(problems);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * in.size()));
}
BENCHMARK(BM_LintText)->Arg(200);

}  // namespace
