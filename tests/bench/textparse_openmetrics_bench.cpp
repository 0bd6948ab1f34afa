// OpenMetrics parser throughput over a generated multi-MB exposition shaped like a large
// target's: counters with _created lines, classic histograms with exemplars, summaries, gauges.
// Reports bytes/s. Run: build/tests/bench/textparse_openmetrics_bench
#include <cstdint>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include "textparse/openmetrics.h"

namespace promkit::textparse {
namespace {

// About `families` * 40 lines, ~3.4 KB per family.
std::string GenerateExposition(int families) {
  std::string out;
  for (int f = 0; f < families; ++f) {
    fmt::format_to(std::back_inserter(out),
                   "# HELP http_requests_{0} Total HTTP requests handled by handler {0}.\n"
                   "# TYPE http_requests_{0} counter\n",
                   f);
    for (int i = 0; i < 8; ++i) {
      fmt::format_to(std::back_inserter(out),
                     "http_requests_{0}_total{{code=\"{1}\",method=\"GET\",path=\"/api/v1/{2}\"}}"
                     " {3}.0\n"
                     "http_requests_{0}_created{{code=\"{1}\",method=\"GET\",path=\"/api/v1/{2}\"}}"
                     " 1.7268398130168908e+09\n",
                     f, 200 + i, f % 17, 1000 * f + i);
    }
    fmt::format_to(std::back_inserter(out),
                   "# HELP latency_{0}_seconds Request latency.\n"
                   "# TYPE latency_{0}_seconds histogram\n"
                   "# UNIT latency_{0}_seconds seconds\n",
                   f);
    static constexpr const char* kLe[] = {"0.005", "0.01", "0.025", "0.05", "0.1",
                                          "0.25",  "0.5",  "1.0",   "2.5",  "+Inf"};
    for (int b = 0; b < 10; ++b) {
      fmt::format_to(std::back_inserter(out),
                     "latency_{0}_seconds_bucket{{service=\"svc-{0}\",le=\"{1}\"}} {2}", f, kLe[b],
                     b * 3);
      if (b % 3 == 0) {
        fmt::format_to(std::back_inserter(out),
                       " # {{trace_id=\"{:016x}\"}} 0.0{} 1.7268398142239082e+09", f * 31 + b, b);
      }
      out += '\n';
    }
    fmt::format_to(std::back_inserter(out),
                   "latency_{0}_seconds_count{{service=\"svc-{0}\"}} 27\n"
                   "latency_{0}_seconds_sum{{service=\"svc-{0}\"}} 12.5\n"
                   "latency_{0}_seconds_created{{service=\"svc-{0}\"}} 1.726839813016302e+09\n"
                   "# TYPE rpc_duration_{0} summary\n"
                   "rpc_duration_{0}{{quantile=\"0.5\"}} 7.689368882420941e-07\n"
                   "rpc_duration_{0}{{quantile=\"0.9\"}} 1.6537614174305048e-06\n"
                   "rpc_duration_{0}{{quantile=\"0.99\"}} 2.0965499063061924e-06\n"
                   "rpc_duration_{0}_sum 2.0318666372575776e-05\n"
                   "rpc_duration_{0}_count 22\n"
                   "# TYPE temperature_{0} gauge\n"
                   "temperature_{0}{{room=\"a\"}} 21.5 1520879607.789\n"
                   "temperature_{0}{{room=\"b\"}} NaN\n",
                   f);
  }
  out += "# EOF\n";
  return out;
}

const std::string& Exposition() {
  static const std::string kData = GenerateExposition(1500);  // ~5 MB
  return kData;
}

// The scrape loop's cache-hit path: series bytes and value only.
void BM_OpenMetricsNext(benchmark::State& state) {
  const std::string& data = Exposition();
  for (auto _ : state) {
    auto p = NewOpenMetricsParser(data);
    double sum = 0;
    while (p->Next()) {
      if (p->entry() == Entry::kSeries) {
        benchmark::DoNotOptimize(p->SeriesBytes());
        sum += p->Value();
      }
    }
    if (!p->Err().ok()) state.SkipWithError(p->Err().ToString().c_str());
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_OpenMetricsNext)->Unit(benchmark::kMillisecond);

// The cache-miss path: labels and exemplars built for every sample.
void BM_OpenMetricsLabels(benchmark::State& state) {
  const std::string& data = Exposition();
  Exemplar e;
  for (auto _ : state) {
    auto p = NewOpenMetricsParser(data);
    while (p->Next()) {
      if (p->entry() == Entry::kSeries) {
        benchmark::DoNotOptimize(p->Labels());
        while (p->NextExemplar(&e)) benchmark::DoNotOptimize(e);
      }
    }
    if (!p->Err().ok()) state.SkipWithError(p->Err().ToString().c_str());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_OpenMetricsLabels)->Unit(benchmark::kMillisecond);

// Created-timestamp ingestion: _created lines skipped, CreatedTimestamp() for every sample.
void BM_OpenMetricsCreatedTimestamp(benchmark::State& state) {
  const std::string& data = Exposition();
  for (auto _ : state) {
    auto p = NewOpenMetricsParser(data, {.skip_ct_series = true});
    int64_t sum = 0;
    while (p->Next()) {
      if (p->entry() == Entry::kSeries) sum += p->CreatedTimestamp().value_or(0);
    }
    if (!p->Err().ok()) state.SkipWithError(p->Err().ToString().c_str());
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_OpenMetricsCreatedTimestamp)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace promkit::textparse
