// Native histogram samples through the engine and the API encoding (the conformance scripts
// cover the rest).
#include <string>

#include <gtest/gtest.h>

#include "promql/api.h"
#include "promql/engine.h"
#include "storage/memory.h"

namespace promkit::promql {
namespace {

model::FloatHistogram TestHistogram() {
  model::FloatHistogram h;
  h.count = 4;
  h.sum = 5;
  h.zero_threshold = 0.001;
  h.zero_count = 1;
  h.positive_spans = {{0, 2}};
  h.positive_buckets = {1, 2};
  return h;
}

class HistogramEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    auto l = model::Labels::FromStrings({"__name__", "h", "job", "a"});
    st_.AppendHistogram(l, 0, TestHistogram());
    st_.AppendHistogram(l, 60000, TestHistogram());
    st_.Append(model::Labels::FromStrings({"__name__", "f"}), 0, 7);
  }
  static EngineOptions Opts() {
    EngineOptions o;
    o.native_histogram_results = true;
    return o;
  }
  storage::MemoryStorage st_;
  Engine engine_{Opts()};
};

TEST(HistogramEngineResults, RefusedUnlessTheCallerReadsThem) {
  storage::MemoryStorage st;
  st.AppendHistogram(model::Labels::FromStrings({"__name__", "h"}), 0, TestHistogram());
  Engine floats_only;
  Result r = floats_only.InstantQuery(st, "h", 0);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("not supported"), std::string::npos) << r.error;
  Result c = floats_only.InstantQuery(st, "histogram_count(h)", 0);
  ASSERT_TRUE(c.ok()) << c.error;
  ASSERT_EQ(c.value.vector.size(), 1u);
  EXPECT_EQ(c.value.vector[0].f, 4);
}

TEST_F(HistogramEngine, SelectorsReturnHistograms) {
  Result r = engine_.InstantQuery(st_, "h", 60000);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.vector.size(), 1u);
  ASSERT_NE(r.value.vector[0].h, nullptr);
  EXPECT_EQ(r.value.vector[0].h->count, 4);

  Result m = engine_.InstantQuery(st_, "h[2m]", 60000);
  ASSERT_TRUE(m.ok()) << m.error;
  ASSERT_EQ(m.value.matrix.size(), 1u);
  EXPECT_TRUE(m.value.matrix[0].floats.empty());
  EXPECT_EQ(m.value.matrix[0].histograms.size(), 2u);

  Result rr = engine_.RangeQuery(st_, "h", 0, 120000, 60000);
  ASSERT_TRUE(rr.ok()) << rr.error;
  ASSERT_EQ(rr.value.matrix.size(), 1u);
  EXPECT_EQ(rr.value.matrix[0].histograms.size(), 3u);  // the last one by lookback
}

TEST_F(HistogramEngine, SimpleHistogramFunctions) {
  const std::pair<std::string, double> cases[] = {{"histogram_count(h)", 4},
                                                  {"histogram_sum(h)", 5},
                                                  {"histogram_avg(h)", 1.25},
                                                  {"count_over_time(h[2m])", 2}};
  for (const auto& [q, want] : cases) {
    SCOPED_TRACE(q);
    Result r = engine_.InstantQuery(st_, q, 60000);
    ASSERT_TRUE(r.ok()) << r.error;
    ASSERT_EQ(r.value.vector.size(), 1u);
    EXPECT_EQ(r.value.vector[0].h, nullptr);
    EXPECT_EQ(r.value.vector[0].f, want);
    EXPECT_EQ(r.value.vector[0].metric.ToString(), R"({job="a"})");
  }
  // Float samples are ignored.
  Result r = engine_.InstantQuery(st_, "histogram_count(f)", 0);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.value.vector.empty());
}

TEST_F(HistogramEngine, UnsupportedOperationsFailClearly) {
  for (const char* q : {"sum(h)", "h * 2", "rate(h[5m])", "-h", "histogram_quantile(0.5, h)",
                        "sum_over_time(h[5m])"}) {
    SCOPED_TRACE(q);
    Result r = engine_.InstantQuery(st_, q, 60000);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error.find("not supported"), std::string::npos) << r.error;
  }
}

TEST_F(HistogramEngine, ApiJson) {
  std::string v = EncodeApiResponse(ApiQuery(engine_, st_, "h", 60000, false));
  EXPECT_NE(
      v.find(
          R"("histogram":[60,{"count":"4","sum":"5","buckets":[[3,"-0.001","0.001","1"],[0,"0.5","1","1"],[0,"1","2","2"]]}])"),
      std::string::npos)
      << v;
  std::string m = EncodeApiResponse(ApiQuery(engine_, st_, "h[2m]", 60000, false));
  EXPECT_NE(m.find(R"("histograms":[[0,{"count":"4")"), std::string::npos) << m;
  EXPECT_EQ(m.find("\"values\""), std::string::npos) << m;
}

}  // namespace
}  // namespace promkit::promql
