#include "storage/merge.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace promkit::storage {
namespace {

using Samples = std::vector<std::pair<int64_t, double>>;

class ListIterator final : public SampleIterator {
 public:
  explicit ListIterator(const Samples* s) : s_(s) {}
  ValueType Next() override { return ++i_ < s_->size() ? ValueType::kFloat : ValueType::kNone; }
  ValueType Seek(int64_t t) override {
    if (i_ == static_cast<size_t>(-1)) i_ = 0;
    while (i_ < s_->size() && (*s_)[i_].first < t) ++i_;
    return i_ < s_->size() ? ValueType::kFloat : ValueType::kNone;
  }
  int64_t AtT() const override { return (*s_)[i_].first; }
  double AtFloat() const override { return (*s_)[i_].second; }
  util::Status Err() const override { return util::Status::Ok(); }

 private:
  const Samples* s_;
  size_t i_ = static_cast<size_t>(-1);
};

class ListSeries final : public Series {
 public:
  ListSeries(model::Labels l, Samples s) : labels_(std::move(l)), samples_(std::move(s)) {}
  const model::Labels& Labels() const override { return labels_; }
  std::unique_ptr<SampleIterator> Iterator() const override {
    return std::make_unique<ListIterator>(&samples_);
  }

 private:
  model::Labels labels_;
  Samples samples_;
};

class ListSet final : public SeriesSet {
 public:
  explicit ListSet(std::vector<ListSeries> s, util::Status fail = {})
      : s_(std::move(s)), fail_(std::move(fail)) {}
  bool Next() override { return ++i_ < s_.size(); }
  const Series& At() const override { return s_[i_]; }
  util::Status Err() const override { return fail_; }

 private:
  std::vector<ListSeries> s_;
  size_t i_ = static_cast<size_t>(-1);
  util::Status fail_;
};

std::vector<std::string> Drain(SeriesSet& ss) {
  std::vector<std::string> out;
  while (ss.Next()) {
    std::string line = ss.At().Labels().ToString();
    auto it = ss.At().Iterator();
    while (it->Next() == ValueType::kFloat) {
      line +=
          " " + std::to_string(it->AtT()) + "=" + std::to_string(static_cast<int>(it->AtFloat()));
    }
    out.push_back(line);
  }
  return out;
}

TEST(Merge, UnionOfSeriesAndSamplesFirstSetWinsTies) {
  model::Labels a = model::Labels::FromStrings({"__name__", "a"});
  model::Labels b = model::Labels::FromStrings({"__name__", "b"});
  model::Labels c = model::Labels::FromStrings({"__name__", "c"});
  std::vector<std::unique_ptr<SeriesSet>> sets;
  sets.push_back(
      std::make_unique<ListSet>(std::vector<ListSeries>{{a, {{1, 1}, {3, 3}}}, {c, {{5, 5}}}}));
  sets.push_back(std::make_unique<ListSet>(
      std::vector<ListSeries>{{a, {{2, 20}, {3, 30}, {4, 40}}}, {b, {{1, 1}}}}));
  auto ss = MergeSeriesSets(std::move(sets));
  EXPECT_EQ(Drain(*ss), (std::vector<std::string>{"{__name__=\"a\"} 1=1 2=20 3=3 4=40",
                                                  "{__name__=\"b\"} 1=1", "{__name__=\"c\"} 5=5"}));
  EXPECT_TRUE(ss->Err().ok());
}

// Runs of samples from one input (as non-overlapping blocks give) interleaved with ties and
// overlaps: every timestamp once, the earliest input winning ties.
TEST(Merge, RunsTiesAndOverlapsAcrossThreeInputs) {
  model::Labels a = model::Labels::FromStrings({"x", "1"});
  std::vector<std::unique_ptr<SeriesSet>> sets;
  sets.push_back(std::make_unique<ListSet>(
      std::vector<ListSeries>{{a, {{1, 1}, {2, 2}, {3, 3}, {9, 9}, {12, 12}}}}));
  sets.push_back(
      std::make_unique<ListSet>(std::vector<ListSeries>{{a, {{3, 30}, {4, 40}, {5, 50}}}}));
  sets.push_back(std::make_unique<ListSet>(
      std::vector<ListSeries>{{a, {{6, 60}, {7, 70}, {9, 90}, {10, 100}, {11, 110}}}}));
  auto ss = MergeSeriesSets(std::move(sets));
  EXPECT_EQ(Drain(*ss), (std::vector<std::string>{
                            "{x=\"1\"} 1=1 2=2 3=3 4=40 5=50 6=60 7=70 9=9 10=100 11=110 12=12"}));
}

TEST(Merge, SeekAcrossInputs) {
  model::Labels a = model::Labels::FromStrings({"x", "1"});
  std::vector<std::unique_ptr<SeriesSet>> sets;
  sets.push_back(std::make_unique<ListSet>(std::vector<ListSeries>{{a, {{1, 1}, {10, 10}}}}));
  sets.push_back(std::make_unique<ListSet>(std::vector<ListSeries>{{a, {{5, 5}, {7, 7}}}}));
  auto ss = MergeSeriesSets(std::move(sets));
  ASSERT_TRUE(ss->Next());
  auto it = ss->At().Iterator();
  ASSERT_EQ(it->Seek(6), ValueType::kFloat);
  EXPECT_EQ(it->AtT(), 7);
  ASSERT_EQ(it->Next(), ValueType::kFloat);
  EXPECT_EQ(it->AtT(), 10);
  EXPECT_EQ(it->Next(), ValueType::kNone);
}

TEST(Merge, ErrorStops) {
  std::vector<std::unique_ptr<SeriesSet>> sets;
  sets.push_back(std::make_unique<ListSet>(std::vector<ListSeries>{}));
  sets.push_back(
      std::make_unique<ListSet>(std::vector<ListSeries>{}, util::Status::Corruption("bad block")));
  auto ss = MergeSeriesSets(std::move(sets));
  EXPECT_FALSE(ss->Next());
  EXPECT_EQ(ss->Err().ToString(), "bad block");
}

}  // namespace
}  // namespace promkit::storage
