// SampleIterator::AppendFloats, the batch path the PromQL engine reads series with, against the
// Next()/AtT()/AtFloat() loop over the same database: blocks that overlap (equal timestamps
// deduplicated, the first block's value kept), a block with tombstones (sample-by-sample
// fallback), batches cut at many maxt values, and stops past the end.
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "tsdb/block_writer.h"
#include "tsdb/compact.h"
#include "tsdb/db_readonly.h"

namespace promkit::tsdb {
namespace {

namespace fs = std::filesystem;

using Points = std::vector<storage::FloatPoint>;

std::string Str(const Points& ps) {
  std::string out;
  for (const auto& p : ps) out += fmt::format("{}={} ", p.t, p.f);
  return out;
}

class AppendFloatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("promkit_append_floats_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(AppendFloatsTest, MatchesTheSampleLoop) {
  std::mt19937 rng(7);
  const auto a = model::Labels::FromList({{"__name__", "m"}, {"s", "a"}});
  const auto b = model::Labels::FromList({{"__name__", "m"}, {"s", "b"}});
  // Three blocks over [0, 3h): two overlap in [1h, 2h) with some equal timestamps.
  const int64_t kHour = 3600'000;
  struct Span {
    int64_t from, to, step;
    double base;
  };
  const Span spans[] = {{0, 2 * kHour, 15'000, 0}, {kHour, 3 * kHour, 20'000, 1e6}};
  for (const Span& sp : spans) {
    BlockBuilder builder(3 * kHour);
    for (int64_t t = sp.from; t < sp.to; t += sp.step) {
      ASSERT_TRUE(builder.Append(a, t, sp.base + static_cast<double>(rng() % 1000)).ok());
      if (t % 45'000 != 0) {
        ASSERT_TRUE(builder.Append(b, t, sp.base + 1).ok());
      }
    }
    ASSERT_TRUE(builder.Flush(dir_.string()).ok());
  }
  {
    BlockBuilder builder(3 * kHour);
    for (int64_t t = 3 * kHour; t < 4 * kHour; t += 10'000) {
      ASSERT_TRUE(builder.Append(a, t, static_cast<double>(t)).ok());
    }
    ASSERT_TRUE(builder.Flush(dir_.string()).ok());
  }
  // Tombstones in the last block: its iterator takes the sample-by-sample fallback.
  auto sel = model::Matcher::Make(model::MatchType::kEqual, "s", "a");
  ASSERT_TRUE(sel.ok());
  ASSERT_TRUE(DeleteSeries(dir_.string(), std::vector<model::Matcher>{*sel}, 3 * kHour + 600'000,
                           3 * kHour + 1200'000)
                  .ok());
  auto db = DbReadOnly::Open(dir_.string());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto q = (*db)->NewQuerier(0, 4 * kHour);
  ASSERT_TRUE(q.ok());
  auto m = model::Matcher::Make(model::MatchType::kEqual, "__name__", "m");
  ASSERT_TRUE(m.ok());
  const std::vector<model::Matcher> ms = {*m};

  for (const int64_t mint : {int64_t{0}, int64_t{1}, kHour - 5'000, 2 * kHour + 7'000}) {
    for (const int64_t batch : {int64_t{1}, int64_t{59'999}, int64_t{600'000}, 5 * kHour}) {
      storage::SelectHints hints{mint, 4 * kHour};
      auto ref_set = (*q)->Select(true, &hints, ms);
      auto set = (*q)->Select(true, &hints, ms);
      while (ref_set->Next()) {
        ASSERT_TRUE(set->Next());
        Points want;
        auto rit = ref_set->At().Iterator();
        for (auto vt = rit->Seek(mint); vt == storage::ValueType::kFloat; vt = rit->Next()) {
          want.push_back({rit->AtT(), rit->AtFloat()});
        }
        ASSERT_FALSE(want.empty());
        Points got;
        auto it = set->At().Iterator();
        storage::ValueType vt = it->Seek(mint);
        for (int64_t maxt = mint + batch; vt == storage::ValueType::kFloat; maxt += batch) {
          const size_t before = got.size();
          vt = it->AppendFloats(maxt, got);
          for (size_t i = before; i < got.size(); ++i) ASSERT_LE(got[i].t, maxt);
          if (vt == storage::ValueType::kFloat) {
            ASSERT_GT(it->AtT(), maxt);
          }
        }
        EXPECT_EQ(vt, storage::ValueType::kNone);
        EXPECT_TRUE(it->Err().ok()) << it->Err().ToString();
        EXPECT_EQ(Str(got), Str(want)) << "mint " << mint << " batch " << batch;
      }
      EXPECT_FALSE(set->Next());
    }
  }
}

}  // namespace
}  // namespace promkit::tsdb
