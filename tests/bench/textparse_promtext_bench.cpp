// Prometheus text parser throughput over a generated multi-MB exposition shaped like a large
// target's (counters with several labels, classic histograms, summaries, gauges with
// timestamps). Reports bytes/s and samples/s, with and without building Labels per sample (a
// scrape builds them only on a series-cache miss). Run: build/tests/bench/textparse_promtext_bench
// The same generator writes a file for comparing with `promtool check metrics`:
//   textparse_promtext_bench --benchmark_filter=none --write_exposition=/tmp/x.prom --mb=50
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>

#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include "textparse/promtext.h"

namespace promkit::textparse {
namespace {

// Appends one family group (~2.9 KB, 36 samples).
void AppendFamilies(std::string& out, int f) {
  fmt::format_to(std::back_inserter(out),
                 "# HELP http_requests_{0}_total Total HTTP requests handled by handler {0}.\n"
                 "# TYPE http_requests_{0}_total counter\n",
                 f);
  for (int i = 0; i < 8; ++i) {
    fmt::format_to(std::back_inserter(out),
                   "http_requests_{0}_total{{code=\"{1}\",method=\"GET\",path=\"/api/v1/{2}\","
                   "instance=\"10.0.{3}.{4}:9100\"}} {5}\n",
                   f, 200 + i, f % 17, f % 250, i, 1000 * f + i);
  }
  fmt::format_to(std::back_inserter(out),
                 "# HELP latency_seconds_{0} Request latency.\n"
                 "# TYPE latency_seconds_{0} histogram\n",
                 f);
  static constexpr const char* kLe[] = {"0.005", "0.01", "0.025", "0.05", "0.1",
                                        "0.25",  "0.5",  "1",     "2.5",  "+Inf"};
  for (int b = 0; b < 10; ++b) {
    fmt::format_to(std::back_inserter(out),
                   "latency_seconds_{0}_bucket{{service=\"svc-{0}\",le=\"{1}\"}} {2}\n", f, kLe[b],
                   b * 37 + f);
  }
  fmt::format_to(std::back_inserter(out),
                 "latency_seconds_{0}_sum{{service=\"svc-{0}\"}} {1}.25\n"
                 "latency_seconds_{0}_count{{service=\"svc-{0}\"}} {2}\n"
                 "# HELP rpc_duration_seconds_{0} RPC duration.\n"
                 "# TYPE rpc_duration_seconds_{0} summary\n",
                 f, f * 3, 333 + f);
  static constexpr const char* kQ[] = {"0.5", "0.9", "0.99"};
  for (const char* q : kQ) {
    fmt::format_to(std::back_inserter(out),
                   "rpc_duration_seconds_{0}{{quantile=\"{1}\"}} {2}e-05\n", f, q, 7.5 + f % 10);
  }
  fmt::format_to(std::back_inserter(out),
                 "rpc_duration_seconds_{0}_sum 1.7560473e+07\n"
                 "rpc_duration_seconds_{0}_count 2693\n"
                 "# TYPE temperature_{0} gauge\n",
                 f);
  for (int i = 0; i < 10; ++i) {
    fmt::format_to(
        std::back_inserter(out),
        "temperature_{0}{{room=\"room-{1}\",sensor=\"s{1}\"}} {2}.{3} 1700000000{4:03}\n", f, i,
        15 + i, f % 10, i);
  }
}

std::string GenerateExposition(size_t bytes) {
  std::string out;
  out.reserve(bytes + 4096);
  for (int f = 0; out.size() < bytes; ++f) AppendFamilies(out, f);
  return out;
}

const std::string& Exposition() {
  static const std::string s = GenerateExposition(8 << 20);
  return s;
}

void BM_PromTextNext(benchmark::State& state) {
  const std::string& in = Exposition();
  int64_t samples = 0;
  for (auto _ : state) {
    auto p = NewPromTextParser(in);
    double sum = 0;
    while (p->Next()) {
      if (p->entry() == Entry::kSeries) {
        sum += p->Value();
        ++samples;
      }
    }
    if (!p->Err().ok()) state.SkipWithError(p->Err().ToString().c_str());
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<int64_t>(in.size()) * state.iterations());
  state.SetItemsProcessed(samples);
}
BENCHMARK(BM_PromTextNext)->Unit(benchmark::kMillisecond);

void BM_PromTextNextWithLabels(benchmark::State& state) {
  const std::string& in = Exposition();
  int64_t samples = 0;
  for (auto _ : state) {
    auto p = NewPromTextParser(in);
    size_t total = 0;
    while (p->Next()) {
      if (p->entry() == Entry::kSeries) {
        total += p->Labels().bytes();
        ++samples;
      }
    }
    if (!p->Err().ok()) state.SkipWithError(p->Err().ToString().c_str());
    benchmark::DoNotOptimize(total);
  }
  state.SetBytesProcessed(static_cast<int64_t>(in.size()) * state.iterations());
  state.SetItemsProcessed(samples);
}
BENCHMARK(BM_PromTextNextWithLabels)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace promkit::textparse

// Google Benchmark's main, plus --write_exposition=PATH [--mb=N] to dump the generated input.
int main(int argc, char** argv) {
  const char* path = nullptr;
  size_t mb = 50;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--write_exposition=", 19) == 0) path = argv[i] + 19;
    if (std::strncmp(argv[i], "--mb=", 5) == 0) mb = std::strtoul(argv[i] + 5, nullptr, 10);
  }
  if (path != nullptr) {
    const std::string s = promkit::textparse::GenerateExposition(mb << 20);
    std::FILE* f = std::fopen(path, "wb");
    if (f == nullptr || std::fwrite(s.data(), 1, s.size(), f) != s.size()) return 1;
    std::fclose(f);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
