// XOR chunk decoding, the innermost loop of every query over blocks: 1,000 chunks of 120
// samples each, shaped like scraped data (15 s interval with jitter, counters and gauges).
// Run: build/tests/bench/tsdb_chunk_bench.

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "tsdb/chunkenc/xor.h"

namespace promkit::tsdb::chunkenc {
namespace {

std::vector<std::string> MakeChunks(bool counters) {
  std::mt19937_64 rng(42);
  std::vector<std::string> chunks;
  for (int c = 0; c < 1000; ++c) {
    XorEncoder enc;
    int64_t t = 1'700'000'000'000 + c;
    double v = counters ? 1000.0 * c : 0.5;
    for (int i = 0; i < 120; ++i) {
      enc.Append(t, v);
      t += 15'000 + static_cast<int64_t>(rng() % 3) - 1;
      if (counters) {
        v += static_cast<double>(rng() % 50);
      } else {
        v = std::round(1e3 * (0.5 + std::sin(static_cast<double>(i) / 7))) / 1e3;
      }
    }
    chunks.emplace_back(enc.bytes());
  }
  return chunks;
}

void Decode(benchmark::State& state, bool counters) {
  const std::vector<std::string> chunks = MakeChunks(counters);
  std::vector<storage::FloatPoint> out;
  for (auto _ : state) {
    out.clear();
    for (const std::string& c : chunks) {
      XorIterator it(c);
      if (it.Next() == storage::ValueType::kFloat) it.AppendFloats(INT64_MAX, out);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 120 * 1000);
}

void BM_XorDecodeCounters(benchmark::State& state) { Decode(state, true); }
void BM_XorDecodeGauges(benchmark::State& state) { Decode(state, false); }

void BM_XorDecodeNextLoop(benchmark::State& state) {
  const std::vector<std::string> chunks = MakeChunks(true);
  double sum = 0;
  for (auto _ : state) {
    for (const std::string& c : chunks) {
      XorIterator it(c);
      while (it.Next() == storage::ValueType::kFloat) sum += it.AtFloat();
    }
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 120 * 1000);
}

BENCHMARK(BM_XorDecodeCounters);
BENCHMARK(BM_XorDecodeGauges);
BENCHMARK(BM_XorDecodeNextLoop);

}  // namespace
}  // namespace promkit::tsdb::chunkenc
