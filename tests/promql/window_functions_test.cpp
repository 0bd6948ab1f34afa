// max_over_time and min_over_time over sliding windows (the engine keeps a monotonic queue)
// against a brute-force scan with upstream's semantics: the first of the largest (smallest)
// non-NaN values, NaN when the window holds only NaN, the sign of a zero kept as first seen.
// Random series with NaN, +0 and -0, plain selectors with offset and @, and subqueries.
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "promql/engine.h"
#include "storage/memory.h"

namespace promkit::promql {
namespace {

struct Point {
  int64_t t;
  double v;
};

// Upstream's scan: best starts at the first value and is replaced by a larger (smaller) one, or
// by anything while it is NaN.
std::optional<double> Scan(const std::vector<Point>& pts, int64_t lo_excl, int64_t hi_incl,
                           bool max) {
  std::optional<double> best;
  for (const Point& p : pts) {
    if (p.t <= lo_excl || p.t > hi_incl) continue;
    if (!best || std::isnan(*best) || (max ? p.v > *best : p.v < *best)) best = p.v;
  }
  return best;
}

bool SameBits(double a, double b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::memcmp(&a, &b, sizeof a) == 0;
}

TEST(WindowFunctions, MaxAndMinOverTimeMatchAFullScan) {
  std::mt19937 rng(42);
  storage::MemoryStorage db;
  std::vector<std::vector<Point>> series(6);
  const double choices[] = {0.0, -0.0, 1.0, -1.0, 2.5, std::numeric_limits<double>::quiet_NaN()};
  for (size_t s = 0; s < series.size(); ++s) {
    auto labels = model::Labels::FromList({{"__name__", "m"}, {"i", std::to_string(s)}});
    for (int64_t t = 0; t < 3600'000; t += 15'000) {
      if (rng() % 7 == 0) continue;  // gaps
      double v = rng() % 3 == 0 ? choices[rng() % 6] : static_cast<double>(rng() % 100) - 50;
      if (s == 5 && t < 600'000) v = std::numeric_limits<double>::quiet_NaN();  // all-NaN stretch
      series[s].push_back({t, v});
      db.Append(labels, t, v);
    }
  }
  Engine engine;
  const int64_t start = 300'000, end = 3600'000, step = 20'000;
  struct Case {
    std::string range;  // e.g. "5m"
    int64_t range_ms;
    std::string mods;  // offset / @
    int64_t offset_ms;
    std::optional<int64_t> at_ms;
  };
  const Case cases[] = {
      {"1m", 60'000, "", 0, std::nullopt},
      {"5m", 300'000, "", 0, std::nullopt},
      {"17m", 1'020'000, " offset 2m", 120'000, std::nullopt},
      {"10m", 600'000, " @ 1800", 0, 1'800'000},
  };
  for (const bool max : {true, false}) {
    for (const Case& c : cases) {
      const std::string q =
          fmt::format("{}_over_time(m[{}]{})", max ? "max" : "min", c.range, c.mods);
      Result r = engine.RangeQuery(db, q, start, end, step);
      ASSERT_TRUE(r.ok()) << q << ": " << r.error;
      const auto& m = r.value.matrix;
      ASSERT_EQ(m.size(), series.size()) << q;
      for (const Series& got : m) {
        const size_t s = std::stoul(std::string(got.metric.Get("i")));
        size_t k = 0;
        for (int64_t ts = start; ts <= end; ts += step) {
          const int64_t ref = (c.at_ms ? *c.at_ms : ts) - c.offset_ms;
          std::optional<double> want = Scan(series[s], ref - c.range_ms, ref, max);
          if (!want) continue;
          ASSERT_LT(k, got.floats.size()) << q << " series " << s << " at " << ts;
          EXPECT_EQ(got.floats[k].t, ts) << q;
          EXPECT_TRUE(SameBits(got.floats[k].f, *want))
              << q << " series " << s << " at " << ts << ": got " << got.floats[k].f << " want "
              << *want;
          ++k;
        }
        EXPECT_EQ(k, got.floats.size()) << q;
      }
    }
  }
  // Over a subquery, the same as over the subquery's own points.
  for (const bool max : {true, false}) {
    const std::string fn = max ? "max" : "min";
    Result a =
        engine.RangeQuery(db, fmt::format("{}_over_time((m * 2)[7m:30s])", fn), start, end, step);
    ASSERT_TRUE(a.ok()) << a.error;
    for (const Series& got : a.value.matrix) {
      for (const FPoint& p : got.floats) {
        Result inner = engine.RangeQuery(db, fmt::format("m{{i=\"{}\"}} * 2", got.metric.Get("i")),
                                         (p.t - 420'000) / 30'000 * 30'000 + 30'000, p.t, 30'000);
        ASSERT_TRUE(inner.ok()) << inner.error;
        std::vector<Point> pts;
        for (const Series& s : inner.value.matrix) {
          for (const FPoint& q : s.floats) pts.push_back({q.t, q.f});
        }
        std::optional<double> want = Scan(pts, p.t - 420'000, p.t, max);
        ASSERT_TRUE(want.has_value());
        EXPECT_TRUE(SameBits(p.f, *want)) << fn << " at " << p.t;
      }
    }
  }
}

}  // namespace
}  // namespace promkit::promql
