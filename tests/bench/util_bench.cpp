// FormatFloat / ParseFloat throughput over a mix of sample-like values (items = numbers).
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "util/duration.h"
#include "util/numbers.h"

namespace promkit::util {
namespace {

std::vector<double> Values() {
  std::mt19937_64 rng(7);
  std::vector<double> v;
  for (int i = 0; i < 4096; ++i) {
    switch (i % 4) {
      case 0:
        v.push_back(static_cast<double>(rng() % 100000));  // counters
        break;
      case 1:
        v.push_back(std::ldexp(static_cast<double>(rng() >> 11), -53) * 100);  // gauges
        break;
      case 2:
        v.push_back(1.7e9 + static_cast<double>(rng() % 1000000) / 1000);  // timestamps
        break;
      default:
        v.push_back(std::pow(10.0, static_cast<double>(rng() % 40) - 20));  // le buckets
    }
  }
  return v;
}

void BM_FormatFloat(benchmark::State& state, char fmt, int prec) {
  const std::vector<double> values = Values();
  size_t bytes = 0;
  for (auto _ : state) {
    for (double v : values) {
      std::string s = FormatFloat(v, fmt, prec);
      bytes += s.size();
      benchmark::DoNotOptimize(s);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * values.size()));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK_CAPTURE(BM_FormatFloat, shortest_g, 'g', -1);
BENCHMARK_CAPTURE(BM_FormatFloat, fixed_f3, 'f', 3);
BENCHMARK_CAPTURE(BM_FormatFloat, prec_e6, 'e', 6);

void BM_ParseFloat(benchmark::State& state) {
  std::vector<std::string> texts;
  size_t total = 0;
  for (double v : Values()) {
    texts.push_back(FormatFloat(v));
    total += texts.back().size();
  }
  texts.push_back("+Inf");
  texts.push_back("NaN");
  for (auto _ : state) {
    for (const std::string& s : texts) {
      Result<double> r = ParseFloat(s);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * texts.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * total));
}
BENCHMARK(BM_ParseFloat);

void BM_ParseDuration(benchmark::State& state) {
  const std::string texts[] = {"5m", "1h30m", "15s", "1y2w3d4h5m6s7ms", "30d", "100ms"};
  for (auto _ : state) {
    for (const std::string& s : texts) {
      Result<int64_t> r = ParseDuration(s);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * std::size(texts)));
}
BENCHMARK(BM_ParseDuration);

}  // namespace
}  // namespace promkit::util
