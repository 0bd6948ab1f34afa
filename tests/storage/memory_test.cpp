#include "storage/memory.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace promkit::storage {
namespace {

using Points = std::vector<std::pair<int64_t, double>>;

model::Matcher M(model::MatchType t, std::string name, std::string value) {
  auto m = model::Matcher::Make(t, std::move(name), std::move(value));
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

model::Matcher Eq(std::string n, std::string v) {
  return M(model::MatchType::kEqual, std::move(n), std::move(v));
}

Points ReadAll(const Series& s) {
  Points out;
  auto it = s.Iterator();
  while (it->Next() == ValueType::kFloat) out.emplace_back(it->AtT(), it->AtFloat());
  EXPECT_TRUE(it->Err().ok());
  return out;
}

// Labels of every selected series, in the order returned.
std::vector<std::string> SelectNames(Querier& q, bool sorted, const std::vector<model::Matcher>& ms,
                                     const SelectHints* hints = nullptr) {
  std::vector<std::string> out;
  auto set = q.Select(sorted, hints, ms);
  while (set->Next()) out.push_back(set->At().Labels().ToString());
  EXPECT_TRUE(set->Err().ok());
  return out;
}

std::unique_ptr<Querier> Open(MemoryStorage& s, int64_t mint = std::numeric_limits<int64_t>::min(),
                              int64_t maxt = std::numeric_limits<int64_t>::max()) {
  auto q = s.NewQuerier(mint, maxt);
  EXPECT_TRUE(q.ok());
  return std::move(q).value();
}

TEST(MemoryStorage, SamplesStaySortedAndDuplicatesReplace) {
  MemoryStorage s;
  auto l = model::Labels::FromStrings({"__name__", "up", "job", "a"});
  s.Append(l, 20, 2);
  s.Append(l, 10, 1);
  s.Append(l, 30, 3);
  s.Append(l, 15, 1.5);
  s.Append(l, 20, 22);  // replaces
  EXPECT_EQ(s.NumSeries(), 1u);
  EXPECT_EQ(s.NumSamples(), 4u);
  auto q = Open(s);
  auto set = q->Select(false, nullptr, std::vector{Eq("__name__", "up")});
  ASSERT_TRUE(set->Next());
  EXPECT_EQ(ReadAll(set->At()), (Points{{10, 1}, {15, 1.5}, {20, 22}, {30, 3}}));
  EXPECT_FALSE(set->Next());
}

TEST(MemoryStorage, StaleMarkerKeepsItsBits) {
  MemoryStorage s;
  const uint64_t stale_bits = 0x7ff0000000000002ULL;
  double stale;
  std::memcpy(&stale, &stale_bits, sizeof stale);
  auto l = model::Labels::FromStrings({"__name__", "x"});
  s.Append(l, 0, stale);
  auto q = Open(s);
  auto set = q->Select(false, nullptr, std::vector{Eq("__name__", "x")});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_EQ(it->Next(), ValueType::kFloat);
  double got = it->AtFloat();
  uint64_t got_bits;
  std::memcpy(&got_bits, &got, sizeof got);
  EXPECT_EQ(got_bits, stale_bits);
}

class MemoryStorageSelect : public ::testing::Test {
 protected:
  void SetUp() override {
    // Appended out of label order on purpose.
    s_.Append(model::Labels::FromStrings({"__name__", "up", "job", "b", "env", "prod"}), 0, 1);
    s_.Append(model::Labels::FromStrings({"__name__", "up", "job", "a"}), 0, 1);
    s_.Append(model::Labels::FromStrings({"__name__", "up", "job", "c", "env", "dev"}), 100, 1);
    s_.Append(model::Labels::FromStrings({"__name__", "down", "job", "a"}), 50, 1);
  }
  MemoryStorage s_;
};

TEST_F(MemoryStorageSelect, Matchers) {
  using MT = model::MatchType;
  const struct {
    std::vector<model::Matcher> ms;
    std::vector<std::string> want;  // sorted
  } cases[] = {
      {{Eq("__name__", "up")},
       {R"({__name__="up", env="dev", job="c"})", R"({__name__="up", env="prod", job="b"})",
        R"({__name__="up", job="a"})"}},
      {{Eq("job", "a")}, {R"({__name__="down", job="a"})", R"({__name__="up", job="a"})"}},
      {{Eq("__name__", "up"), Eq("env", "")}, {R"({__name__="up", job="a"})"}},
      {{Eq("__name__", "up"), M(MT::kNotEqual, "env", "prod")},
       {R"({__name__="up", env="dev", job="c"})", R"({__name__="up", job="a"})"}},
      {{M(MT::kRegexMatch, "job", "a|b")},
       {R"({__name__="down", job="a"})", R"({__name__="up", env="prod", job="b"})",
        R"({__name__="up", job="a"})"}},
      {{M(MT::kRegexMatch, "env", ".+")},
       {R"({__name__="up", env="dev", job="c"})", R"({__name__="up", env="prod", job="b"})"}},
      {{M(MT::kRegexMatch, "env", "p.*")}, {R"({__name__="up", env="prod", job="b"})"}},
      {{M(MT::kRegexNoMatch, "job", "a|b")}, {R"({__name__="up", env="dev", job="c"})"}},
      {{M(MT::kRegexMatch, "__name__", ".*"), M(MT::kRegexNoMatch, "env", ".+")},
       {R"({__name__="down", job="a"})", R"({__name__="up", job="a"})"}},
      {{M(MT::kRegexMatch, "__name__", ".*"), M(MT::kRegexNoMatch, "env", ".*")}, {}},
      {{Eq("__name__", "nope")}, {}},
      {{Eq("__name__", "up"), Eq("job", "zzz")}, {}},
      {{}, {}},  // no matchers select nothing
  };
  auto q = Open(s_);
  for (const auto& c : cases) {
    std::string trace;
    for (const auto& m : c.ms) trace += m.ToString() + " ";
    SCOPED_TRACE(trace);
    EXPECT_EQ(SelectNames(*q, true, c.ms), c.want);
    // Unsorted selection returns the same set.
    auto unsorted = SelectNames(*q, false, c.ms);
    std::sort(unsorted.begin(), unsorted.end(), [&](const std::string& a, const std::string& b) {
      return std::find(c.want.begin(), c.want.end(), a) <
             std::find(c.want.begin(), c.want.end(), b);
    });
    EXPECT_EQ(unsorted, c.want);
  }
}

TEST_F(MemoryStorageSelect, QuerierRangeAndHintsDropSeriesWithoutSamples) {
  auto q = Open(s_, 0, 60);
  EXPECT_EQ(SelectNames(*q, true, {Eq("__name__", "up")}),
            (std::vector<std::string>{R"({__name__="up", env="prod", job="b"})",
                                      R"({__name__="up", job="a"})"}));
  SelectHints hints{.start = 40, .end = 1000};
  EXPECT_EQ(SelectNames(*q, true, {Eq("job", "a")}, &hints),
            (std::vector<std::string>{R"({__name__="down", job="a"})"}));
  auto wide = Open(s_);
  SelectHints late{.start = 60, .end = 1000};
  EXPECT_EQ(SelectNames(*wide, true, {Eq("__name__", "up")}, &late),
            (std::vector<std::string>{R"({__name__="up", env="dev", job="c"})"}));
}

TEST(MemoryStorage, HintsTrimSamples) {
  MemoryStorage s;
  auto l = model::Labels::FromStrings({"__name__", "x"});
  for (int64_t t = 0; t < 100; t += 10) s.Append(l, t, static_cast<double>(t));
  auto q = Open(s);
  SelectHints h{.start = 25, .end = 60};
  auto set = q->Select(false, &h, std::vector{Eq("__name__", "x")});
  ASSERT_TRUE(set->Next());
  EXPECT_EQ(ReadAll(set->At()), (Points{{30, 30}, {40, 40}, {50, 50}, {60, 60}}));
}

TEST(MemoryStorage, IteratorSeek) {
  MemoryStorage s;
  auto l = model::Labels::FromStrings({"__name__", "x"});
  for (int64_t t = 0; t < 100; t += 10) s.Append(l, t, static_cast<double>(t));
  auto q = Open(s);
  auto set = q->Select(false, nullptr, std::vector{Eq("__name__", "x")});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_EQ(it->Seek(15), ValueType::kFloat);
  EXPECT_EQ(it->AtT(), 20);
  ASSERT_EQ(it->Seek(5), ValueType::kFloat);  // never moves backwards
  EXPECT_EQ(it->AtT(), 20);
  ASSERT_EQ(it->Next(), ValueType::kFloat);
  EXPECT_EQ(it->AtT(), 30);
  ASSERT_EQ(it->Seek(90), ValueType::kFloat);
  EXPECT_EQ(it->AtFloat(), 90);
  EXPECT_EQ(it->Next(), ValueType::kNone);
  EXPECT_EQ(it->Next(), ValueType::kNone);
  EXPECT_EQ(it->Seek(1000), ValueType::kNone);
  // A fresh iterator starts over, and Seek may come first.
  auto again = set->At().Iterator();
  ASSERT_EQ(again->Seek(0), ValueType::kFloat);
  EXPECT_EQ(again->AtT(), 0);
  auto past = set->At().Iterator();
  EXPECT_EQ(past->Seek(91), ValueType::kNone);
}

TEST_F(MemoryStorageSelect, LabelValuesAndNames) {
  auto q = Open(s_);
  auto jobs = q->LabelValues("job", {});
  ASSERT_TRUE(jobs.ok());
  EXPECT_EQ(*jobs, (std::vector<std::string>{"a", "b", "c"}));
  auto up_envs = q->LabelValues("env", std::vector{Eq("__name__", "up")});
  ASSERT_TRUE(up_envs.ok());
  EXPECT_EQ(*up_envs, (std::vector<std::string>{"dev", "prod"}));
  auto none = q->LabelValues("nope", {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto names = q->LabelNames({});
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"__name__", "env", "job"}));
  auto down_names = q->LabelNames(std::vector{Eq("__name__", "down")});
  ASSERT_TRUE(down_names.ok());
  EXPECT_EQ(*down_names, (std::vector<std::string>{"__name__", "job"}));
  // Only series with samples in the querier's range count.
  auto early = Open(s_, 0, 10);
  auto early_jobs = early->LabelValues("job", {});
  ASSERT_TRUE(early_jobs.ok());
  EXPECT_EQ(*early_jobs, (std::vector<std::string>{"a", "b"}));
  auto early_names = early->LabelNames(std::vector{Eq("job", "a")});
  ASSERT_TRUE(early_names.ok());
  EXPECT_EQ(*early_names, (std::vector<std::string>{"__name__", "job"}));
  auto early_all = early->LabelNames({});
  ASSERT_TRUE(early_all.ok());
  EXPECT_EQ(*early_all, (std::vector<std::string>{"__name__", "env", "job"}));
}

TEST_F(MemoryStorageSelect, SnapshotSurvivesClear) {
  auto q = Open(s_);
  auto set = q->Select(true, nullptr, std::vector{Eq("job", "a")});
  s_.Clear();
  EXPECT_EQ(s_.NumSeries(), 0u);
  EXPECT_EQ(s_.NumSamples(), 0u);
  ASSERT_TRUE(set->Next());
  EXPECT_EQ(ReadAll(set->At()), (Points{{50, 1}}));
  EXPECT_TRUE(SelectNames(*q, true, {Eq("job", "a")}).empty());
  // The storage is usable again after Clear().
  s_.Append(model::Labels::FromStrings({"__name__", "new"}), 5, 7);
  EXPECT_EQ(SelectNames(*q, true, {Eq("__name__", "new")}),
            (std::vector<std::string>{R"({__name__="new"})"}));
}

TEST(MemoryStorage, ManySeriesSortedSelect) {
  MemoryStorage s;
  const int kSeries = 10000;
  // Appended in an order unrelated to label order.
  for (int i = 0; i < kSeries; ++i) {
    int k = (i * 7919) % kSeries;
    s.Append(model::Labels::FromStrings(
                 {"__name__", "m", "i", std::to_string(k), "mod", std::to_string(k % 10)}),
             0, k);
  }
  EXPECT_EQ(s.NumSeries(), static_cast<size_t>(kSeries));
  auto q = Open(s);
  auto set = q->Select(true, nullptr, std::vector{Eq("__name__", "m"), Eq("mod", "3")});
  int n = 0;
  model::Labels prev;
  while (set->Next()) {
    const model::Labels& l = set->At().Labels();
    EXPECT_EQ(l.Get("mod"), "3");
    if (n > 0) {
      EXPECT_LT(model::Labels::Compare(prev, l), 0);
    }
    prev = l;
    ++n;
  }
  EXPECT_EQ(n, kSeries / 10);
}

TEST(MemoryStorage, ConcurrentReadersAndWriter) {
  MemoryStorage s;
  auto l = model::Labels::FromStrings({"__name__", "c"});
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto q =
            s.NewQuerier(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
        auto set = (*q)->Select(true, nullptr, std::vector{Eq("__name__", "c")});
        while (set->Next()) {
          auto it = set->At().Iterator();
          int64_t last = -1;
          while (it->Next() == ValueType::kFloat) {
            // Each snapshot is strictly increasing and holds t == v.
            if (it->AtT() <= last || it->AtFloat() != static_cast<double>(it->AtT())) ++bad;
            last = it->AtT();
          }
        }
      }
    });
  }
  for (int64_t t = 0; t < 20000; ++t) s.Append(l, t, static_cast<double>(t));
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(s.NumSamples(), 20000u);
}

}  // namespace
}  // namespace promkit::storage

namespace promkit::storage {
namespace {

TEST(MemoryStorage, HistogramSamplesMixWithFloats) {
  MemoryStorage s;
  auto l = model::Labels::FromStrings({"__name__", "h"});
  model::FloatHistogram h;
  h.count = 4;
  h.sum = 5;
  h.positive_spans = {{0, 2}};
  h.positive_buckets = {1, 3};
  s.Append(l, 10, 1);
  s.AppendHistogram(l, 20, h);
  s.Append(l, 30, 3);
  s.AppendHistogram(l, 30, h);  // replaces the float at 30
  EXPECT_EQ(s.NumSamples(), 3u);
  auto q = Open(s);
  auto set = q->Select(false, nullptr, std::vector<model::Matcher>{Eq("__name__", "h")});
  ASSERT_TRUE(set->Next());
  auto it = set->At().Iterator();
  ASSERT_EQ(it->Next(), ValueType::kFloat);
  EXPECT_EQ(it->AtFloat(), 1);
  std::vector<FloatPoint> floats;
  EXPECT_EQ(it->AppendFloats(100, floats), ValueType::kFloatHistogram);
  EXPECT_EQ(floats.size(), 1u);
  EXPECT_EQ(it->AtT(), 20);
  model::FloatHistogram got;
  it->AtFloatHistogram(&got);
  EXPECT_EQ(got, h);
  EXPECT_EQ(it->Seek(25), ValueType::kFloatHistogram);
  EXPECT_EQ(it->AtT(), 30);
  EXPECT_EQ(it->Seek(30), ValueType::kFloatHistogram);
  EXPECT_EQ(it->Next(), ValueType::kNone);
}

}  // namespace
}  // namespace promkit::storage
