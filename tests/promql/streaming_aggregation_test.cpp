// Aggregations over a range function (sum by (...) (rate(x[5m])) and the like) fold each
// series the function produces as soon as it is complete, instead of collecting the function's
// output first. These tests hold that path to the collected one: `OP(FN(x[r]))` streams, while
// `OP(FN(x[r]) * 1)` collects (multiplying by 1 changes no float), and both must agree bit for
// bit, in their annotations and their errors. Data: counters with resets, gauges, NaN, stale
// markers and gaps.
#include <bit>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "promql/engine.h"
#include "promql/parser/parser.h"
#include "storage/memory.h"

namespace promkit::promql {
namespace {

bool SameBits(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::memcmp(&a, &b, sizeof a) == 0;
}

void ExpectSameResult(const Result& got, const Result& want, const std::string& q) {
  ASSERT_EQ(got.error, want.error) << q;
  ASSERT_EQ(got.value.matrix.size(), want.value.matrix.size()) << q;
  for (size_t i = 0; i < got.value.matrix.size(); ++i) {
    const Series& g = got.value.matrix[i];
    const Series& w = want.value.matrix[i];
    ASSERT_EQ(g.metric.ToString(), w.metric.ToString()) << q;
    ASSERT_EQ(g.floats.size(), w.floats.size()) << q << " " << g.metric.ToString();
    for (size_t k = 0; k < g.floats.size(); ++k) {
      EXPECT_EQ(g.floats[k].t, w.floats[k].t) << q;
      EXPECT_TRUE(SameBits(g.floats[k].f, w.floats[k].f))
          << q << " " << g.metric.ToString() << " at " << g.floats[k].t << ": " << g.floats[k].f
          << " vs " << w.floats[k].f;
    }
  }
  ASSERT_EQ(got.annotations.size(), want.annotations.size()) << q;
  for (size_t i = 0; i < got.annotations.size(); ++i) {
    EXPECT_EQ(got.annotations[i].text, want.annotations[i].text) << q;
  }
}

void Fill(storage::MemoryStorage& db, int num_series, int64_t end_ms, int64_t interval_ms) {
  std::mt19937 rng(7);
  for (int s = 0; s < num_series; ++s) {
    for (const char* name : {"req_total", "temp"}) {
      auto labels = model::Labels::FromList({{"__name__", name},
                                             {"i", std::to_string(s)},
                                             {"g", std::to_string(s % 7)},
                                             {"h", std::to_string(s % 3)}});
      double v = static_cast<double>(rng() % 1000);
      for (int64_t t = 0; t <= end_ms; t += interval_ms) {
        if (rng() % 11 == 0) continue;  // gaps
        const unsigned r = rng() % 100;
        if (r == 0) {
          db.Append(labels, t, std::bit_cast<double>(parser::kStaleNaNBits));
          continue;
        }
        if (r == 1) {
          db.Append(labels, t, std::nan(""));
          continue;
        }
        if (name[0] == 'r') {
          v = r < 4 ? static_cast<double>(rng() % 10) : v + static_cast<double>(rng() % 50) / 7;
        } else {
          v = static_cast<double>(static_cast<int>(rng() % 2000) - 1000) / 3;
        }
        db.Append(labels, t, v);
      }
    }
  }
}

TEST(StreamingAggregation, EqualsTheCollectedPath) {
  storage::MemoryStorage db;
  Fill(db, 40, 3600'000, 15'000);
  Engine engine;
  const char* ops[] = {"sum", "avg", "count", "min", "max", "group", "stddev", "stdvar"};
  const char* fns[] = {"rate(req_total[5m])",
                       "increase(req_total[3m] offset 1m)",
                       "delta(temp[5m])",
                       "avg_over_time(temp[4m])",
                       "last_over_time(temp[2m])",
                       "sum_over_time({__name__=~\"req_total|temp\"}[2m])",
                       "quantile_over_time(0.3, temp[10m])",
                       "rate(req_total[10m] @ 1800)",
                       "irate(temp[1m])"};
  const char* groupings[] = {"", " by (g)", " by (g, h)", " without (i)", " without (g, h)"};
  for (const char* op : ops) {
    for (const char* fn : fns) {
      for (const char* by : groupings) {
        const std::string streamed = fmt::format("{}{} ({})", op, by, fn);
        const std::string collected = fmt::format("{}{} ({} * 1)", op, by, fn);
        ExpectSameResult(engine.RangeQuery(db, streamed, 300'000, 3600'000, 20'000),
                         engine.RangeQuery(db, collected, 300'000, 3600'000, 20'000), streamed);
        ExpectSameResult(engine.InstantQuery(db, streamed, 1234'000),
                         engine.InstantQuery(db, collected, 1234'000), streamed);
      }
    }
  }
}

TEST(StreamingAggregation, DuplicateOutputSeriesFailAsCollected) {
  storage::MemoryStorage db;
  Fill(db, 3, 600'000, 15'000);
  Engine engine;
  // rate() drops the metric name, so req_total and temp of one i collide.
  Result r = engine.RangeQuery(db, "sum(rate({__name__=~\"req_total|temp\"}[5m]))", 300'000,
                               600'000, 15'000);
  EXPECT_EQ(r.error, "vector cannot contain metrics with the same labelset");
  // last_over_time keeps it: no collision.
  Result ok = engine.RangeQuery(db, "sum(last_over_time({__name__=~\"req_total|temp\"}[5m]))",
                                300'000, 600'000, 15'000);
  EXPECT_TRUE(ok.ok()) << ok.error;
}

TEST(StreamingAggregation, ManyGroupsTakeTheCollectedPath) {
  // 2,900 groups x 1,501 steps exceed the accumulator budget: the result must not change.
  storage::MemoryStorage db;
  Fill(db, 2900, 1500'000, 60'000);
  Engine engine;
  const std::string q = "sum by (i) (rate(req_total[5m]))";
  ExpectSameResult(
      engine.RangeQuery(db, q, 0, 1500'000, 1'000),
      engine.RangeQuery(db, "sum by (i) (rate(req_total[5m]) * 1)", 0, 1500'000, 1'000), q);
}

TEST(StreamingAggregation, HistogramInputStartsOverCollected) {
  // A series with native histogram samples makes the streamed aggregation start over the
  // collected way: count_over_time counts them, sum_over_time refuses them, either way as the
  // collected path does, and the sample counters are not counted twice.
  storage::MemoryStorage db;
  Fill(db, 5, 1800'000, 15'000);
  model::FloatHistogram h;
  h.count = 3;
  h.sum = 4.5;
  h.positive_spans = {{0, 2}};
  h.positive_buckets = {1, 2};
  for (int64_t t = 0; t <= 1800'000; t += 30'000) {
    db.AppendHistogram(model::Labels::FromList({{"__name__", "temp"}, {"i", "h"}, {"g", "0"}}), t,
                       h);
  }
  Engine engine;
  for (const char* q :
       {"sum by (g) (count_over_time(temp[5m]))", "count by (g) (present_over_time(temp[5m]))",
        "sum by (g) (sum_over_time(temp[5m]))"}) {
    const std::string collected = std::string(q).insert(std::string(q).size() - 1, " * 1");
    Result got = engine.RangeQuery(db, q, 300'000, 1800'000, 20'000);
    Result want = engine.RangeQuery(db, collected, 300'000, 1800'000, 20'000);
    ExpectSameResult(got, want, q);
    // The collected form also counts the literal 1 at each of the 76 steps.
    if (got.ok()) {
      EXPECT_EQ(got.stats.total_samples, want.stats.total_samples - 76) << q;
    }
  }
  Result counted =
      engine.RangeQuery(db, "sum(count_over_time(temp{i=\"h\"}[5m]))", 300'000, 1800'000, 20'000);
  ASSERT_TRUE(counted.ok()) << counted.error;
  ASSERT_EQ(counted.value.matrix.size(), 1u);
  EXPECT_EQ(counted.value.matrix[0].floats[0].f, 10);  // (0, 5m] at 30 s
}

}  // namespace
}  // namespace promkit::promql
